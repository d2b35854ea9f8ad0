// SPDX-License-Identifier: GPL-2.0
/*
 * The "tasks" debugfs file: one record per process, and per thread that
 * has an fd table of its own.
 */
#include <linux/bitmap.h>
#include <linux/cred.h>
#include <linux/fdtable.h>
#include <linux/nsproxy.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <net/net_namespace.h>

#include "fdscope.h"

struct fdscope_table_size {
	bool has_table;
	unsigned int nfds;
	unsigned int maxfds;
	unsigned int netns;
};

static void fdscope_table_size(struct task_struct *task, struct fdscope_table_size *s)
{
	struct files_struct *files;
	struct fdtable *fdt;

	memset(s, 0, sizeof(*s));
	task_lock(task);
	files = task->files;
	if (files) {
		rcu_read_lock();
		fdt = files_fdtable(files);
		s->has_table = true;
		s->maxfds = fdt->max_fds;
		s->nfds = bitmap_weight(fdt->open_fds, fdt->max_fds);
		rcu_read_unlock();
	}
	if (task->nsproxy)
		s->netns = task->nsproxy->net_ns->ns.inum;
	task_unlock(task);
}

int fdscope_tasks_show(struct seq_file *m, void *v)
{
	struct fdscope_walk *w = m->private;
	struct fdscope_table_size size;
	struct pid_namespace *pidns;

	if (v == SEQ_START_TOKEN) {
		seq_printf(m, "# fdscope-tasks %d pid tid comm uid table nfds maxfds pidns netns\n",
			   FDSCOPE_FORMAT_VERSION);
		return 0;
	}

	fdscope_table_size(w->task, &size);
	fdscope_put_owner(m, w);
	fdscope_put_ull(m, from_kuid_munged(seq_user_ns(m), task_euid(w->task)));
	if (size.has_table) {
		fdscope_put_id(m, w->table_id);
		fdscope_put_ull(m, size.nfds);
		fdscope_put_ull(m, size.maxfds);
	} else {
		seq_puts(m, " - - -");
	}

	rcu_read_lock();
	pidns = task_active_pid_ns(w->task);
	if (pidns)
		fdscope_put_ull(m, pidns->ns.inum);
	else
		fdscope_put_none(m);
	rcu_read_unlock();

	if (size.netns)
		fdscope_put_ull(m, size.netns);
	else
		fdscope_put_none(m);
	seq_putc(m, '\n');
	return 0;
}

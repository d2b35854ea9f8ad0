// SPDX-License-Identifier: GPL-2.0
/*
 * The "tasks" debugfs file: one record per process, and per thread that
 * has an fd table of its own.
 */
#include <linux/cred.h>
#include <linux/nsproxy.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <net/net_namespace.h>

#include "fdscope.h"

/* The task's network namespace; 0 once it has none (exiting). */
static unsigned int fdscope_task_netns(struct task_struct *task)
{
	unsigned int netns = 0;

	task_lock(task);
	if (task->nsproxy)
		netns = task->nsproxy->net_ns->ns.inum;
	task_unlock(task);
	return netns;
}

int fdscope_tasks_show(struct seq_file *m, void *v)
{
	struct fdscope_reader *r = m->private;
	const struct fdscope_record *rec = &r->walk.rec;
	struct pid_namespace *pidns;
	unsigned int netns;

	if (v == SEQ_START_TOKEN) {
		seq_printf(m, "# fdscope-tasks %d pid tid comm uid table nfds maxfds pidns netns start\n",
			   FDSCOPE_FORMAT_VERSION);
		return 0;
	}

	fdscope_field_owner(m, r);
	fdscope_field_ull(m, from_kuid_munged(seq_user_ns(m), task_euid(rec->task)));
	if (rec->table_id) {
		fdscope_field_id(m, rec->table_id);
		fdscope_field_ull(m, rec->nfds);
		fdscope_field_ull(m, rec->maxfds);
	} else {
		seq_puts(m, " - - -");
	}

	rcu_read_lock();
	pidns = task_active_pid_ns(rec->task);
	if (pidns)
		fdscope_field_ull(m, pidns->ns.inum);
	else
		fdscope_field_none(m);
	rcu_read_unlock();

	netns = fdscope_task_netns(rec->task);
	if (netns)
		fdscope_field_ull(m, netns);
	else
		fdscope_field_none(m);
	fdscope_field_start(m, rec);
	seq_putc(m, '\n');
	return 0;
}

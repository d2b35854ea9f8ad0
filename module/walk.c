// SPDX-License-Identifier: GPL-2.0
/*
 * The walk over every fd table in the system, after kernel/bpf/task_iter.c.
 *
 * A table is listed once, under its owner: a thread-group leader, or a
 * thread that stopped sharing its leader's table (unshare(CLONE_FILES)).
 * Owners are visited in tid order and fds in fd order, so the cursor
 * {tid, fd} in struct fdscope_walk is all the walk needs to resume after
 * read() returns; no list of tasks or files is ever built.
 *
 * Reference contract: fdscope_walk_start() and fdscope_walk_next() return
 * with a reference on w->task and (per-fd kinds) w->file for the record
 * they found; fdscope_walk_next() and fdscope_walk_stop() drop them. RCU
 * and task_lock() are only held inside the lookups, so show() may sleep.
 */
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/net.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/string.h>

#include "compat.h"
#include "fdscope.h"

/* How many pids one RCU section may skip before it lets others run. */
#define FDSCOPE_SCAN_BATCH	256

/*
 * Does @task own the table it uses, rather than borrow its leader's? When
 * the leader has exited (its files gone) while threads run on, the first
 * thread using a table owns it, so the table is still listed exactly once.
 * Caller holds RCU.
 */
static bool fdscope_owns_table(struct task_struct *task)
{
	struct task_struct *leader = task->group_leader, *t;
	struct files_struct *files = READ_ONCE(task->files);
	struct files_struct *leader_files = READ_ONCE(leader->files);

	if (task == leader)
		return true;
	if (!files || files == leader_files)
		return false;
	if (leader_files)
		return true;
	for_each_thread(leader, t)
		if (READ_ONCE(t->files) == files)
			return t == task;
	return false;
}

/* The first owner with tid >= *@tid among every task; caller holds RCU. */
static struct task_struct *fdscope_scan_all(struct fdscope_walk *w, pid_t *tid)
{
	struct task_struct *task;
	unsigned int skipped = 0;
	struct pid *pid;

	while ((pid = find_ge_pid(*tid, w->ns))) {
		*tid = pid_nr_ns(pid, w->ns);
		task = pid_task(pid, PIDTYPE_PID);
		/* A task being reaped has no tgid left: skip it. */
		if (task && fdscope_owns_table(task) && task_tgid_nr_ns(task, w->ns))
			return task;
		(*tid)++;
		if (++skipped % FDSCOPE_SCAN_BATCH == 0) {
			rcu_read_unlock();
			cond_resched();
			rcu_read_lock();
		}
	}
	return NULL;
}

/*
 * The first owner with tid >= *@tid among the filter's thread groups:
 * each group's leader and its threads with tables of their own. Costs
 * what those groups cost, whatever else runs; caller holds RCU.
 */
static struct task_struct *fdscope_scan_filter(struct fdscope_walk *w, pid_t *tid)
{
	struct task_struct *best = NULL, *leader, *t;
	pid_t best_tid = 0, nr;
	unsigned int i;

	for (i = 0; i < w->filter.nr; i++) {
		leader = pid_task(find_pid_ns(w->filter.tgids[i], w->ns), PIDTYPE_TGID);
		if (!leader)
			continue;
		for_each_thread(leader, t) {
			nr = task_pid_nr_ns(t, w->ns);
			if (!nr || nr < *tid || (best && nr >= best_tid) || !fdscope_owns_table(t))
				continue;
			best = t;
			best_tid = nr;
		}
	}
	if (best)
		*tid = best_tid;
	return best;
}

/* Reference the owner at or after the cursor; move the cursor onto it. */
static struct task_struct *fdscope_next_owner(struct fdscope_walk *w)
{
	struct task_struct *task;
	pid_t tid = w->tid;

	rcu_read_lock();
	if (w->filter.nr)
		task = fdscope_scan_filter(w, &tid);
	else
		task = fdscope_scan_all(w, &tid);
	if (task) {
		get_task_struct(task);
		/* Numbers now, while the task is known to be hashed. */
		w->tgid = task_tgid_nr_ns(task, w->ns);
		w->leader = thread_group_leader(task);
	}
	rcu_read_unlock();

	if (tid != w->tid) {
		w->tid = tid;
		w->fd = 0;
	}
	return task;
}

/*
 * The owner's pid, tid and comm fields, formatted when the walk takes a
 * reference on it rather than for every fd: a record's leading fields
 * cost one seq_write().
 */
static void fdscope_note_owner(struct fdscope_walk *w)
{
	struct task_struct *task = w->task;
	char comm[TASK_COMM_LEN];
	int len;

	if (w->leader)
		len = scnprintf(w->owner, sizeof(w->owner), "%u -", w->tgid);
	else
		len = scnprintf(w->owner, sizeof(w->owner), "%u %u", w->tgid, w->tid);
	get_task_comm(comm, task);
	w->owner[len++] = ' ';
	len += fdscope_escape(w->owner + len, comm, strlen(comm));
	w->owner_len = len;
}

/*
 * Identity of the owner's table (hashed again only when the table
 * changes) and the close-on-exec bit of w->fd.
 */
static void fdscope_note_table(struct fdscope_walk *w)
{
	struct files_struct *files;
	struct fdtable *fdt;

	w->cloexec = false;
	task_lock(w->task);
	files = w->task->files;
	if (files != w->table) {
		w->table = files;
		w->table_id = files ? fdscope_identity(files) : 0;
	}
	if (files && w->file) {
		rcu_read_lock();
		fdt = files_fdtable(files);
		w->cloexec = w->fd < fdt->max_fds && test_bit(w->fd, fdt->close_on_exec);
		rcu_read_unlock();
	}
	task_unlock(w->task);
}

/* Reference the file at or after the cursor in w->task's table. */
static struct file *fdscope_next_fd(struct fdscope_walk *w)
{
	struct file *file;

	for (;;) {
		file = fdscope_next_file(w->task, &w->fd);
		if (!file || w->kind != FDSCOPE_SOCKETS || sock_from_file(file))
			return file;
		fput(file);
		w->fd++;
		cond_resched();
	}
}

/* Find the record at or after the cursor; false at the end of the walk. */
static bool fdscope_fetch(struct fdscope_walk *w)
{
	for (;;) {
		if (!w->task) {
			w->task = fdscope_next_owner(w);
			if (!w->task)
				return false;
			fdscope_note_owner(w);
		}
		if (w->kind == FDSCOPE_TASKS)
			break;
		w->file = fdscope_next_fd(w);
		if (w->file)
			break;
		put_task_struct(w->task);
		w->task = NULL;
		w->tid++;
		w->fd = 0;
		cond_resched();
	}
	fdscope_note_table(w);
	return true;
}

void *fdscope_walk_start(struct fdscope_walk *w, loff_t *pos)
{
	if (*pos == 0) {
		w->tid = 0;
		w->fd = 0;
		return SEQ_START_TOKEN;
	}
	return fdscope_fetch(w) ? w : NULL;
}

void *fdscope_walk_next(struct fdscope_walk *w, loff_t *pos)
{
	++*pos;
	if (w->file) {
		fput(w->file);
		w->file = NULL;
		w->fd++;
	} else if (w->task) {
		put_task_struct(w->task);
		w->task = NULL;
		w->tid++;
	}
	cond_resched();
	return fdscope_fetch(w) ? w : NULL;
}

void fdscope_walk_stop(struct fdscope_walk *w)
{
	if (w->file) {
		fput(w->file);
		w->file = NULL;
	}
	if (w->task) {
		put_task_struct(w->task);
		w->task = NULL;
	}
}

/* The leading fields of every record: pid, tid (if not the leader), comm. */
void fdscope_put_owner(struct seq_file *m, struct fdscope_walk *w)
{
	seq_write(m, w->owner, w->owner_len);
}

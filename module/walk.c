// SPDX-License-Identifier: GPL-2.0
/*
 * The walk over every fd table in the system, after kernel/bpf/task_iter.c.
 *
 * A table is listed once, under its owner: the first thread of the group
 * that uses it (the leader whenever the leader uses it). Owners are
 * visited in tid order and fds in fd order, so the cursor {tid, fd} in
 * struct fdscope_walk is all the walk needs to resume after read()
 * returns; no list of tasks or files is ever built.
 *
 * Each record is read in one section under task_lock() and the table's
 * file_lock, as fs/proc/fd.c's seq_show() reads fdinfo: the file, its fd
 * and its close-on-exec bit are from one instant. One section reads up to
 * FDSCOPE_FD_BATCH records of a table; they wait, referenced, until shown.
 *
 * The holders walk visits the same owners, and under each lists its cwd
 * and root, executable, mapped files, then the unix sockets and io_uring
 * rings in its table that hold files; the cursor adds {assoc, addr}.
 *
 * Reference contract: fdscope_walk_start() and fdscope_walk_next() return
 * with a reference on rec.task and, per record kind, on rec.file or
 * rec.path; fdscope_walk_next() and fdscope_walk_stop() drop them. RCU
 * and the locks are only held inside the lookups, so show() may sleep.
 */
#include <linux/bitmap.h>
#include <linux/fs_struct.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/path.h>
#include <linux/sched/mm.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/net.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "compat.h"
#include "fdscope.h"

/* How many pids, or fds, one locked section may pass before it lets others run. */
#define FDSCOPE_SCAN_BATCH	256

/* The part of @task that threads may share, or NULL if it has none. */
static const void *fdscope_part(struct task_struct *task, unsigned int part)
{
	switch (part) {
	case FDSCOPE_OWNS_FS:
		return READ_ONCE(task->fs);
	case FDSCOPE_OWNS_MM:
		/* A kernel thread may borrow a process's mm: never its owner. */
		return task->flags & PF_KTHREAD ? NULL : READ_ONCE(task->mm);
	}
	return READ_ONCE(task->files);
}

/*
 * Does @task own its @part (FDSCOPE_OWNS_*)? The owner is the first
 * thread of the group that uses it: the leader if it does, else the
 * first in thread order, so a table (fs, mm) shared by several threads is
 * listed once whether the leader kept it, unshared from it, or has
 * exited. Caller holds RCU.
 */
static bool fdscope_owns(struct task_struct *task, unsigned int part)
{
	struct task_struct *leader = task->group_leader, *t;
	const void *mine = fdscope_part(task, part);

	/* A process is listed in tasks even once its table is gone (exiting). */
	if (part == FDSCOPE_OWNS_TABLE && task == leader)
		return true;
	if (!mine)
		return false;
	if (mine == fdscope_part(leader, part))
		return task == leader;
	for_each_thread(leader, t)
		if (fdscope_part(t, part) == mine)
			return t == task;
	return false;
}

/* What the walk lists under @task: FDSCOPE_OWNS_* bits. Caller holds RCU. */
static unsigned int fdscope_owned(struct fdscope_walk *w, struct task_struct *task)
{
	unsigned int owns = 0;

	if (fdscope_owns(task, FDSCOPE_OWNS_TABLE))
		owns |= FDSCOPE_OWNS_TABLE;
	if (w->kind != FDSCOPE_HOLDERS)
		return owns;
	if (fdscope_owns(task, FDSCOPE_OWNS_FS))
		owns |= FDSCOPE_OWNS_FS;
	if (fdscope_owns(task, FDSCOPE_OWNS_MM))
		owns |= FDSCOPE_OWNS_MM;
	return owns;
}

/*
 * @task's tgid if it owns anything this walk lists and is still hashed,
 * else 0. The tgid is read once, here, and is what the record prints.
 */
static pid_t fdscope_owner_tgid(struct fdscope_walk *w, struct task_struct *task,
				unsigned int *owns)
{
	*owns = fdscope_owned(w, task);
	return *owns ? task_tgid_nr_ns(task, w->ns) : 0;
}

/* The first owner with tid >= *@tid among every task; caller holds RCU. */
static struct task_struct *fdscope_scan_all(struct fdscope_walk *w, pid_t *tid,
					    pid_t *tgid, unsigned int *owns)
{
	struct task_struct *task;
	unsigned int skipped = 0;
	struct pid *pid;

	while ((pid = find_ge_pid(*tid, w->ns))) {
		*tid = pid_nr_ns(pid, w->ns);
		task = pid_task(pid, PIDTYPE_PID);
		if (task) {
			*tgid = fdscope_owner_tgid(w, task, owns);
			if (*tgid)
				return task;
		}
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
 * The first owner with tid >= *@tid among the filter's thread groups.
 * Costs what those groups cost, whatever else runs; caller holds RCU.
 */
static struct task_struct *fdscope_scan_filter(struct fdscope_walk *w, pid_t *tid,
					       pid_t *tgid, unsigned int *owns)
{
	struct task_struct *best = NULL, *leader, *t;
	pid_t best_tid = 0, nr, group;
	unsigned int i, parts;

	for (i = 0; i < w->filter.nr; i++) {
		leader = pid_task(find_pid_ns(w->filter.tgids[i], w->ns), PIDTYPE_TGID);
		if (!leader)
			continue;
		for_each_thread(leader, t) {
			nr = task_pid_nr_ns(t, w->ns);
			if (!nr || nr < *tid || (best && nr >= best_tid))
				continue;
			group = fdscope_owner_tgid(w, t, &parts);
			if (!group)
				continue;
			best = t;
			best_tid = nr;
			*tgid = group;
			*owns = parts;
		}
	}
	if (best)
		*tid = best_tid;
	return best;
}

/* Point the cursor at the first record of the owner @tid started at @start_time. */
static void fdscope_cursor_at(struct fdscope_walk *w, pid_t tid, u64 start_time)
{
	w->tid = tid;
	w->start_time = start_time;
	w->fd = 0;
	w->assoc = FDSCOPE_CWD;
	w->addr = 0;
}

/*
 * Reference the owner at or after the cursor and move the cursor onto it.
 * A new owner, or a new task under the cursor's tid (the pid was reused
 * between two reads), starts at fd 0.
 */
static bool fdscope_next_owner(struct fdscope_walk *w)
{
	struct fdscope_record *rec = &w->rec;
	struct task_struct *task;
	pid_t tid = w->tid, tgid = 0;
	unsigned int owns = 0;

	rcu_read_lock();
	if (w->filter.nr)
		task = fdscope_scan_filter(w, &tid, &tgid, &owns);
	else
		task = fdscope_scan_all(w, &tid, &tgid, &owns);
	if (task) {
		get_task_struct(task);
		rec->task = task;
		rec->tgid = tgid;
		rec->tid = tid;
		rec->leader = thread_group_leader(task);
		rec->start_time = task->start_boottime;
		rec->owns = owns;
		rec->owner_serial++;
	}
	rcu_read_unlock();
	if (!task)
		return false;

	if (tid != w->tid || rec->start_time != w->start_time)
		fdscope_cursor_at(w, tid, rec->start_time);
	return true;
}

static void fdscope_put_task(struct fdscope_walk *w)
{
	put_task_struct(w->rec.task);
	w->rec.task = NULL;
}

enum fdscope_lookup {
	FDSCOPE_FOUND,		/* the record is filled in */
	FDSCOPE_END,		/* no more records in this table */
	FDSCOPE_AGAIN,		/* a batch of fds passed over: look again */
};

/*
 * Is the file at an fd one this walk lists? A file filter applies to the
 * fd's own file, except in holders, where it applies to the files the
 * socket or ring holds (holders.c).
 */
static bool fdscope_wanted(struct fdscope_walk *w, struct file *file)
{
	if (!file)
		return false;
	switch (w->kind) {
	case FDSCOPE_SOCKETS:
	case FDSCOPE_SOCKSTATS:
		return sock_from_file(file) && fdscope_filter_file(&w->filter, file);
	case FDSCOPE_HOLDERS:
		return fdscope_holds_inflight(file) || fdscope_is_io_uring(file);
	case FDSCOPE_LOCKS:
		return fdscope_filter_file(&w->filter, file) && fdscope_has_locks(file);
	case FDSCOPE_EPOLL:
		return fdscope_is_eventpoll(file);
	case FDSCOPE_DETAILS:
		return fdscope_filter_file(&w->filter, file) && fdscope_has_details(file);
	default:
		return fdscope_filter_file(&w->filter, file);
	}
}

/*
 * The wanted files at or after w->fd in @files, up to FDSCOPE_FD_BATCH,
 * referenced, with their close-on-exec bits, into w->ahead. Called with
 * the table's file_lock held: a slot holds a reference that close() can
 * only drop under this lock, so each fd, file and bit agree.
 */
static enum fdscope_lookup fdscope_lookup_fds(struct fdscope_walk *w,
					      struct files_struct *files)
{
	struct fdtable *fdt = files_fdtable(files);
	unsigned int fd = w->fd, passed = 0, n = 0;
	/* A holders record holds more files: one reference each, none ahead. */
	unsigned int most = w->kind == FDSCOPE_HOLDERS ? 1 : FDSCOPE_FD_BATCH;
	struct file *file;

	for (;; fd++) {
		fd = find_next_bit(fdt->open_fds, fdt->max_fds, fd);
		if (fd >= fdt->max_fds)
			break;
		file = rcu_dereference_protected(fdt->fd[fd],
						 lockdep_is_held(&files->file_lock));
		if (fdscope_wanted(w, file)) {
			w->ahead[n].file = get_file(file);
			w->ahead[n].fd = fd;
			w->ahead[n].cloexec = test_bit(fd, fdt->close_on_exec);
			if (++n == most)
				break;
		}
		if (++passed == FDSCOPE_SCAN_BATCH)
			break;
	}
	w->ahead_next = 0;
	w->ahead_nr = n;
	if (n)
		return FDSCOPE_FOUND;
	w->fd = fd >= fdt->max_fds ? fd : fd + 1;
	return fd >= fdt->max_fds ? FDSCOPE_END : FDSCOPE_AGAIN;
}

/* The record takes the next fd looked up ahead; false if there is none. */
static bool fdscope_take_ahead(struct fdscope_walk *w)
{
	struct fdscope_fd_slot *slot = &w->ahead[w->ahead_next];

	if (w->ahead_next == w->ahead_nr)
		return false;
	w->ahead_next++;
	w->rec.file = slot->file;
	w->rec.fd = slot->fd;
	w->rec.cloexec = slot->cloexec;
	w->fd = slot->fd;
	return true;
}

/* The references the walk holds on @file: the record's, and any ahead. */
unsigned int fdscope_walk_refs(const struct fdscope_walk *w, const struct file *file)
{
	unsigned int refs = 1, i;

	for (i = w->ahead_next; i < w->ahead_nr; i++)
		refs += w->ahead[i].file == file;
	return refs;
}

/* Drop the fds looked up ahead and not shown: the cursor finds them again. */
static void fdscope_drop_ahead(struct fdscope_walk *w)
{
	while (w->ahead_next < w->ahead_nr)
		fput(w->ahead[w->ahead_next++].file);
	w->ahead_next = 0;
	w->ahead_nr = 0;
}

/* Fill the record from the owner's table: one section of its locks. */
static enum fdscope_lookup fdscope_read_table(struct fdscope_walk *w)
{
	struct fdscope_record *rec = &w->rec;
	enum fdscope_lookup found = FDSCOPE_FOUND;
	struct files_struct *files;
	struct fdtable *fdt;

	if (fdscope_take_ahead(w))
		return FDSCOPE_FOUND;
	task_lock(rec->task);
	files = rec->task->files;
	if (!files) {
		task_unlock(rec->task);
		/* Exiting: a tasks record says it has no table. */
		rec->table_id = 0;
		return w->kind == FDSCOPE_TASKS ? FDSCOPE_FOUND : FDSCOPE_END;
	}
	spin_lock(&files->file_lock);
	if (w->kind == FDSCOPE_TASKS) {
		fdt = files_fdtable(files);
		rec->maxfds = fdt->max_fds;
		rec->nfds = bitmap_weight(fdt->open_fds, fdt->max_fds);
	} else {
		found = fdscope_lookup_fds(w, files);
	}
	spin_unlock(&files->file_lock);
	task_unlock(rec->task);

	/* Hashed again only when the table changes; the pointer is only compared. */
	if (files != w->table) {
		w->table = files;
		w->table_id = fdscope_identity(files);
	}
	rec->table_id = w->table_id;
	/* A tasks record looks nothing up ahead: there is none to take. */
	if (found == FDSCOPE_FOUND)
		fdscope_take_ahead(w);
	return found;
}

/* cwd or root: the path, referenced, if the task still has an fs_struct. */
static enum fdscope_lookup fdscope_read_fs(struct fdscope_walk *w, bool root)
{
	struct task_struct *task = w->rec.task;
	enum fdscope_lookup found = FDSCOPE_END;

	task_lock(task);
	if (task->fs) {
		if (root)
			get_fs_root(task->fs, &w->rec.path);
		else
			get_fs_pwd(task->fs, &w->rec.path);
		found = FDSCOPE_FOUND;
	}
	task_unlock(task);
	/* Filtered out: passed over as if the task had none. */
	if (found == FDSCOPE_FOUND && !fdscope_filter_path(&w->filter, &w->rec.path)) {
		path_put(&w->rec.path);
		w->rec.path.dentry = NULL;
		w->rec.path.mnt = NULL;
		found = FDSCOPE_END;
	}
	return found;
}

/* The executable, as get_task_exe_file() (not exported) takes it. */
static enum fdscope_lookup fdscope_read_exe(struct fdscope_walk *w)
{
	struct task_struct *task = w->rec.task;
	struct file *file = NULL;

	task_lock(task);
	if (task->mm && !(task->flags & PF_KTHREAD)) {
		rcu_read_lock();
		file = fdscope_get_file_rcu(&task->mm->exe_file);
		rcu_read_unlock();
	}
	task_unlock(task);
	if (file && !fdscope_filter_file(&w->filter, file)) {
		fput(file);
		file = NULL;
	}
	w->rec.file = file;
	return file ? FDSCOPE_FOUND : FDSCOPE_END;
}

/*
 * Shared anonymous memory: backed by a kernel-internal shmem file
 * (shmem_zero_setup() names it "dev/zero") that holds nothing a user can
 * name, so it is not a holder.
 */
static bool fdscope_shared_anon(const struct vm_area_struct *vma)
{
	const struct file *file = vma->vm_file;

	return IS_PRIVATE(file_inode(file)) &&
	       !strcmp(file->f_path.dentry->d_name.name, "dev/zero");
}

/*
 * The first mapping of a file at or after w->addr, as /proc/PID/maps reads
 * it: under the mmap lock, taken for this one record (killable: a task
 * stuck holding it for write must not stall the walk for ever).
 */
static enum fdscope_lookup fdscope_read_vma(struct fdscope_walk *w)
{
	enum fdscope_lookup found = FDSCOPE_END;
	struct fdscope_record *rec = &w->rec;
	struct vm_area_struct *vma;
	unsigned int passed = 0;
	struct mm_struct *mm;

	mm = get_task_mm(rec->task);
	if (!mm)
		return FDSCOPE_END;
	if (mmap_read_lock_killable(mm)) {
		mmput(mm);
		return FDSCOPE_END;
	}
	for (vma = find_vma(mm, w->addr); vma; vma = find_vma(mm, vma->vm_end)) {
		if (vma->vm_file && !fdscope_shared_anon(vma) &&
		    fdscope_filter_file(&w->filter, vma->vm_file)) {
			rec->file = get_file(vma->vm_file);
			rec->start = vma->vm_start;
			rec->end = vma->vm_end;
			rec->pgoff = vma->vm_pgoff;
			rec->vm_flags = vma->vm_flags;
			/* The cursor names the record shown: start() finds it again. */
			w->addr = vma->vm_start;
			found = FDSCOPE_FOUND;
			break;
		}
		w->addr = vma->vm_end;
		if (++passed == FDSCOPE_SCAN_BATCH) {
			found = FDSCOPE_AGAIN;
			break;
		}
	}
	mmap_read_unlock(mm);
	mmput(mm);
	return found;
}

/* The holder at the cursor of the owner's, or where its next one is. */
static enum fdscope_lookup fdscope_read_holder(struct fdscope_walk *w)
{
	unsigned int owns = w->rec.owns;

	w->rec.assoc = w->assoc;
	switch (w->assoc) {
	case FDSCOPE_CWD:
	case FDSCOPE_ROOT:
		if (owns & FDSCOPE_OWNS_FS)
			return fdscope_read_fs(w, w->assoc == FDSCOPE_ROOT);
		break;
	case FDSCOPE_EXE:
		if (owns & FDSCOPE_OWNS_MM)
			return fdscope_read_exe(w);
		break;
	case FDSCOPE_MEM:
		if (owns & FDSCOPE_OWNS_MM)
			return fdscope_read_vma(w);
		break;
	case FDSCOPE_FDS:
		if (owns & FDSCOPE_OWNS_TABLE)
			return fdscope_read_table(w);
		break;
	case FDSCOPE_ASSOC_END:
		break;
	}
	return FDSCOPE_END;
}

/* Find the record at or after the cursor; false at the end of the walk. */
static bool fdscope_fetch(struct fdscope_walk *w)
{
	enum fdscope_lookup found;

	for (;;) {
		if (!w->rec.task && !fdscope_next_owner(w))
			return false;
		if (w->kind != FDSCOPE_HOLDERS)
			found = fdscope_read_table(w);
		else if (w->assoc == FDSCOPE_ASSOC_END)
			found = FDSCOPE_END;
		else
			found = fdscope_read_holder(w);
		switch (found) {
		case FDSCOPE_FOUND:
			return true;
		case FDSCOPE_AGAIN:
			break;
		case FDSCOPE_END:
			if (w->kind == FDSCOPE_HOLDERS && w->assoc != FDSCOPE_ASSOC_END) {
				/* This owner's next kind of holder. */
				w->assoc++;
				break;
			}
			fdscope_put_task(w);
			w->tid++;
			w->fd = 0;
			break;
		}
		cond_resched();
	}
}

/* Drop the record's references, and move the cursor past it. */
static void fdscope_put_record(struct fdscope_walk *w)
{
	struct fdscope_record *rec = &w->rec;

	if (rec->path.dentry) {
		path_put(&rec->path);
		rec->path.dentry = NULL;
		rec->path.mnt = NULL;
	}
	if (rec->file) {
		fput(rec->file);
		rec->file = NULL;
	}
}

/* Start over from the first record: the next start() at any position finds it. */
void fdscope_walk_rewind(struct fdscope_walk *w)
{
	fdscope_cursor_at(w, 0, 0);
}

void *fdscope_walk_start(struct fdscope_walk *w, loff_t *pos)
{
	if (*pos == 0) {
		fdscope_walk_rewind(w);
		return SEQ_START_TOKEN;
	}
	return fdscope_fetch(w) ? w : NULL;
}

void *fdscope_walk_next(struct fdscope_walk *w, loff_t *pos)
{
	++*pos;
	if (w->kind == FDSCOPE_HOLDERS && w->rec.task) {
		/* Past this holder: the next fd, mapping, or kind of holder. */
		if (w->assoc == FDSCOPE_FDS)
			w->fd++;
		else if (w->assoc == FDSCOPE_MEM)
			w->addr = w->rec.end;
		else
			w->assoc++;
		fdscope_put_record(w);
	} else if (w->rec.file) {
		fdscope_put_record(w);
		w->fd++;
	} else if (w->rec.task) {
		fdscope_put_task(w);
		w->tid++;
	}
	cond_resched();
	return fdscope_fetch(w) ? w : NULL;
}

void fdscope_walk_stop(struct fdscope_walk *w)
{
	fdscope_put_record(w);
	fdscope_drop_ahead(w);
	if (w->rec.task)
		fdscope_put_task(w);
}

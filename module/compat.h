/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels fdscope builds for lives here.
 * Features are detected from the headers by Kbuild (FDSCOPE_HAVE_*), not
 * from version numbers: Debian's kernels carry backports.
 */
#ifndef _FDSCOPE_COMPAT_H
#define _FDSCOPE_COMPAT_H

#include <linux/fdtable.h>
#include <linux/fs.h>
#include <linux/rcupdate.h>

/*
 * Return the first open file at or after *@fd in @task's table, with a
 * reference the caller must fput(), and set *@fd to its number; NULL when
 * the table has no more files (or the task has none).
 */
static inline struct file *fdscope_next_file(struct task_struct *task,
					     unsigned int *fd)
{
	struct file *file;

	rcu_read_lock();
	for (;; (*fd)++) {
#ifdef FDSCOPE_HAVE_FDGET_RCU
		/* 6.7+: already referenced, and re-checked against the slot. */
		file = task_lookup_next_fdget_rcu(task, fd);
		break;
#else
		/* Freed through RCU, so a zero count means closing: skip it. */
		file = task_lookup_next_fd_rcu(task, fd);
		if (!file || get_file_rcu(file))
			break;
#endif
	}
	rcu_read_unlock();
	return file;
}

#endif /* _FDSCOPE_COMPAT_H */

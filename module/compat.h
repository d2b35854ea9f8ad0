/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels fdscope builds for lives here.
 * Features are detected from the headers by Kbuild (FDSCOPE_HAVE_*), not
 * from version numbers: Debian's kernels carry backports.
 */
#ifndef _FDSCOPE_COMPAT_H
#define _FDSCOPE_COMPAT_H

#include <linux/fs.h>
#ifdef FDSCOPE_HAVE_FILE_LOCK_CORE
#include <linux/filelock.h>
#endif
#include <linux/list.h>
#include <linux/magic.h>
#include <linux/mnt_idmapping.h>
#include <linux/user_namespace.h>
#include <linux/rcupdate.h>
#include <net/sock.h>
#include <net/tcp_states.h>

/* Newer than 6.1: a TCP socket bound by bind() alone (6.8+, never in 6.1). */
#ifndef FDSCOPE_HAVE_TCP_BOUND_INACTIVE
#define TCP_BOUND_INACTIVE	(TCP_NEW_SYN_RECV + 1)
#endif

/* 6.5+, and in Debian's 6.1 as a backport. */
#ifndef FDSCOPE_HAVE_SK_IS_INET
static inline bool sk_is_inet(const struct sock *sk)
{
	return sk->sk_family == AF_INET || sk->sk_family == AF_INET6;
}
#endif

/*
 * The path and inode a user sees for a file: 6.12 maps overlayfs files as
 * backing files whose f_path is the lower one; 6.1 keeps the user's path
 * in f_path and the real inode in f_inode.
 */
#ifdef FDSCOPE_HAVE_FILE_USER_PATH
static inline const struct path *fdscope_file_user_path(const struct file *file)
{
	return file_user_path(file);
}

static inline const struct inode *fdscope_file_user_inode(const struct file *file)
{
	return file_user_inode(file);
}
#else
static inline const struct path *fdscope_file_user_path(const struct file *file)
{
	return &file->f_path;
}

static inline const struct inode *fdscope_file_user_inode(const struct file *file)
{
	return file_inode(file);
}
#endif

/*
 * A reference on the file an RCU-protected pointer points to, or NULL if
 * it is being freed. Caller holds RCU. get_file_rcu() is a macro taking
 * the file on 6.1, a function taking the pointer's address on 6.12.
 */
static inline struct file *fdscope_get_file_rcu(struct file __rcu **slot)
{
#ifdef get_file_rcu
	struct file *file = rcu_dereference(*slot);

	return file && get_file_rcu(file) ? file : NULL;
#else
	return get_file_rcu(slot);
#endif
}

/*
 * The struct pid a pidfd refers to, or NULL if @file is no pidfd. Since
 * 6.9 pidfds are files of pidfs, whose inode keeps the pid (what the
 * unexported pidfd_pid() returns); before, anonymous inodes named
 * "[pidfd]" with the pid as private data. The file holds the pid.
 */
#ifdef FDSCOPE_HAVE_PIDFS
#include <uapi/linux/pidfd.h>

static inline struct pid *fdscope_pidfd_pid(struct file *file)
{
	const struct inode *inode = file_inode(file);

	return inode->i_sb->s_magic == PID_FS_MAGIC ? inode->i_private : NULL;
}

/* 1 for a thread's pidfd (PIDFD_THREAD), 0 for a process's. */
static inline int fdscope_pidfd_thread(const struct file *file)
{
	return !!(file->f_flags & PIDFD_THREAD);
}
#else
static inline struct pid *fdscope_pidfd_pid(struct file *file)
{
	if (file_inode(file)->i_sb->s_magic != ANON_INODE_FS_MAGIC ||
	    strcmp(file->f_path.dentry->d_name.name, "[pidfd]"))
		return NULL;
	return file->private_data;
}

/* -1: no thread pidfds before 6.9. */
static inline int fdscope_pidfd_thread(const struct file *file)
{
	return -1;
}
#endif

/*
 * A file lock, as locks.c reads it under the inode's flc_lock. 6.12 split
 * struct file_lock into a common struct file_lock_core (what the lease
 * list holds) and the byte range, which only POSIX and flock locks have.
 */
struct fdscope_lock_info {
	const struct file *file;
	const void *owner;
	unsigned int flags;		/* FL_* */
	unsigned char type;		/* F_RDLCK, F_WRLCK, F_UNLCK */
	int pid;			/* in the initial pid namespace; -1 for OFD */
	loff_t start;			/* POSIX, flock: the range */
	loff_t end;
	bool blocking;			/* some request waits on it */
};

#ifdef FDSCOPE_HAVE_FILE_LOCK_CORE
static inline void fdscope_lock_info(const struct list_head *pos, bool ranged,
				     struct fdscope_lock_info *li)
{
	const struct file_lock_core *c = list_entry(pos, struct file_lock_core, flc_list);

	li->file = c->flc_file;
	li->owner = c->flc_owner;
	li->flags = c->flc_flags;
	li->type = c->flc_type;
	li->pid = c->flc_pid;
	li->blocking = !list_empty(&c->flc_blocked_requests);
	li->start = ranged ? container_of(c, struct file_lock, c)->fl_start : 0;
	li->end = ranged ? container_of(c, struct file_lock, c)->fl_end : OFFSET_MAX;
}
#else
static inline void fdscope_lock_info(const struct list_head *pos, bool ranged,
				     struct fdscope_lock_info *li)
{
	const struct file_lock *fl = list_entry(pos, struct file_lock, fl_list);

	li->file = fl->fl_file;
	li->owner = fl->fl_owner;
	li->flags = fl->fl_flags;
	li->type = fl->fl_type;
	li->pid = fl->fl_pid;
	li->blocking = !list_empty(&fl->fl_blocked_requests);
	li->start = ranged ? fl->fl_start : 0;
	li->end = ranged ? fl->fl_end : OFFSET_MAX;
}
#endif

/*
 * For the KUnit suites: the identity mapping vfs_mkdir() and vfs_unlink()
 * take, a struct mnt_idmap since 6.3, a user namespace before.
 */
#ifdef FDSCOPE_HAVE_NOP_MNT_IDMAP
#define FDSCOPE_NOP_IDMAP	(&nop_mnt_idmap)
#else
#define FDSCOPE_NOP_IDMAP	(&init_user_ns)
#endif

/* For the KUnit suite: add one to an eventfd's count (6.8 dropped the amount). */
#ifdef FDSCOPE_HAVE_EVENTFD_SIGNAL_ONE
#define fdscope_eventfd_signal(ctx)	eventfd_signal(ctx)
#else
#define fdscope_eventfd_signal(ctx)	eventfd_signal(ctx, 1)
#endif

/* For the KUnit suites: kernel_thread() takes the new thread's name since 6.4. */
#ifdef FDSCOPE_HAVE_KTHREAD_NAME
#define fdscope_kernel_thread(fn, arg, name, flags)	kernel_thread(fn, arg, name, flags)
#else
#define fdscope_kernel_thread(fn, arg, name, flags)	kernel_thread(fn, arg, flags)
#endif

/*
 * For the KUnit suite: a lock request as fcntl() and flock() fill it in,
 * by @current, to pass to posix_lock_file() or locks_lock_file_wait().
 */
static inline void fdscope_lock_request(struct file_lock *fl, unsigned int flags,
					unsigned char type, struct file *file, void *owner,
					loff_t start, loff_t end)
{
	locks_init_lock(fl);
#ifdef FDSCOPE_HAVE_FILE_LOCK_CORE
	fl->c.flc_flags = flags;
	fl->c.flc_type = type;
	fl->c.flc_file = file;
	fl->c.flc_owner = owner;
	fl->c.flc_pid = current->tgid;
#else
	fl->fl_flags = flags;
	fl->fl_type = type;
	fl->fl_file = file;
	fl->fl_owner = owner;
	fl->fl_pid = current->tgid;
#endif
	fl->fl_start = start;
	fl->fl_end = end;
}

#endif /* _FDSCOPE_COMPAT_H */

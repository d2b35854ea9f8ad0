/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels fdscope builds for lives here.
 * Features are detected from the headers by Kbuild (FDSCOPE_HAVE_*), not
 * from version numbers: Debian's kernels carry backports.
 */
#ifndef _FDSCOPE_COMPAT_H
#define _FDSCOPE_COMPAT_H

#include <linux/fs.h>
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

#endif /* _FDSCOPE_COMPAT_H */

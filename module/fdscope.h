/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fdscope: shared declarations of the walker, the formatters and the
 * debugfs files built on them.
 */
#ifndef _FDSCOPE_H
#define _FDSCOPE_H

#include <linux/seq_file.h>
#include <linux/types.h>

struct file;
struct pid_namespace;
struct socket;
struct task_struct;

#define FDSCOPE_FORMAT_VERSION	1
/* Most pids one "pid" filter write may name. */
#define FDSCOPE_FILTER_MAX	64
/* "pid tid comm", comm escaped: 10 + 1 + 10 + 1 + 4 * (TASK_COMM_LEN - 1) digits. */
#define FDSCOPE_OWNER_MAX	96

/* What one debugfs file lists: a record per fd, per socket fd, or per table. */
enum fdscope_kind {
	FDSCOPE_FILES,
	FDSCOPE_SOCKETS,
	FDSCOPE_TASKS,
};

struct fdscope_filter {
	unsigned int nr;			/* 0: every process */
	pid_t tgids[FDSCOPE_FILTER_MAX];	/* sorted, unique */
};

/*
 * The state of one open debugfs file, kept across read() calls.
 *
 * The cursor {tid, fd} names the record start() resumes at: the one shown
 * last, or the first one not yet shown. Between start() and stop() the
 * walk holds a reference on @task (the table's owner) and, for per-fd
 * kinds, on @file; stop() drops both, so nothing is pinned while user
 * space is not inside read().
 */
struct fdscope_walk {
	enum fdscope_kind kind;
	struct pid_namespace *ns;	/* pids are printed in the opener's ns */
	struct fdscope_filter filter;

	pid_t tid;			/* cursor: owner of the table */
	unsigned int fd;		/* cursor: fd within that table */

	struct task_struct *task;	/* referenced between start and stop */
	pid_t tgid;			/* @task's numbers, taken when found */
	bool leader;
	struct file *file;		/* referenced between start and stop */
	const void *table;		/* @task's files_struct, only compared */
	u64 table_id;			/* identity of @table */
	bool cloexec;			/* close-on-exec bit of @fd */
	/* The pid, tid and comm fields of @task, formatted once per table. */
	char owner[FDSCOPE_OWNER_MAX];
	unsigned int owner_len;

	char *pathbuf;			/* PATH_MAX scratch for d_path() */
};

/* walk.c */
void *fdscope_walk_start(struct fdscope_walk *w, loff_t *pos);
void *fdscope_walk_next(struct fdscope_walk *w, loff_t *pos);
void fdscope_walk_stop(struct fdscope_walk *w);

/* identity.c */
void fdscope_identity_init(void);
u64 fdscope_identity(const void *object);

/* filter.c */
int fdscope_filter_parse(const char *buf, size_t len, struct fdscope_filter *filter);
bool fdscope_filter_has(const struct fdscope_filter *filter, pid_t tgid);

/* escape.c */
void fdscope_put_escaped(struct seq_file *m, const char *s, size_t len);
size_t fdscope_escape(char *dst, const char *s, size_t len);
void fdscope_put_word(struct seq_file *m, const char *s);
void fdscope_put_str(struct seq_file *m, const char *s);
void fdscope_put_none(struct seq_file *m);
void fdscope_put_ull(struct seq_file *m, unsigned long long v);
void fdscope_put_id(struct seq_file *m, u64 id);
void fdscope_put_owner(struct seq_file *m, struct fdscope_walk *w);

/* names.c */
const char *fdscope_mode_name(fmode_t mode);
int fdscope_flag_names(unsigned int flags, char *buf, size_t size);
const char *fdscope_type_name(umode_t mode);
const char *fdscope_anon_class(const char *path, size_t *len);
const char *fdscope_family_name(int family);
const char *fdscope_socktype_name(int type);
const char *fdscope_ipproto_name(int proto);
const char *fdscope_netlink_name(int proto);
const char *fdscope_ethproto_name(u16 proto);
const char *fdscope_tcp_state_name(int state);
const char *fdscope_unix_state_name(int state);

/* files.c, tasks.c, sockets.c */
int fdscope_files_show(struct seq_file *m, void *v);
int fdscope_tasks_show(struct seq_file *m, void *v);
int fdscope_sockets_show(struct seq_file *m, void *v);

/* sockaddr.c */
struct sock;
void fdscope_put_sock_endpoints(struct seq_file *m, struct socket *sock, struct sock *peer);

/* debugfs.c */
int fdscope_debugfs_init(void);
void fdscope_debugfs_exit(void);

#endif /* _FDSCOPE_H */

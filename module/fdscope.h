/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fdscope: shared declarations of the walker, the formatters and the
 * debugfs files built on them.
 */
#ifndef _FDSCOPE_H
#define _FDSCOPE_H

#include <linux/bits.h>
#include <linux/path.h>
#include <linux/seq_file.h>
#include <linux/types.h>

struct file;
struct pid_namespace;
struct socket;
struct task_struct;

#define FDSCOPE_FORMAT_VERSION	1
/* Most pids, devices or inodes one filter write may name, each. */
#define FDSCOPE_FILTER_MAX	64
/* "pid tid comm", comm escaped: 10 + 1 + 10 + 1 + 4 * (TASK_COMM_LEN - 1) digits. */
#define FDSCOPE_OWNER_MAX	96

/* What one debugfs file lists: a record per fd, per socket fd, per table, or per holder. */
enum fdscope_kind {
	FDSCOPE_FILES,
	FDSCOPE_SOCKETS,
	FDSCOPE_TASKS,
	FDSCOPE_HOLDERS,
	FDSCOPE_LOCKS,
	FDSCOPE_EPOLL,
	FDSCOPE_SOCKSTATS,
	FDSCOPE_DETAILS,
	FDSCOPE_KINDS
};

/*
 * The holders of one owner, in the order they are listed: its cwd and
 * root (if it owns its fs_struct), its executable and mapped files (if it
 * owns its mm), then per fd the files in flight to a unix socket or
 * registered in an io_uring ring (if it owns its table).
 */
enum fdscope_assoc {
	FDSCOPE_CWD,
	FDSCOPE_ROOT,
	FDSCOPE_EXE,
	FDSCOPE_MEM,
	FDSCOPE_FDS,
	FDSCOPE_ASSOC_END,
};

/* The parts of a task that threads may share, each listed under one owner. */
#define FDSCOPE_OWNS_TABLE	BIT(0)
#define FDSCOPE_OWNS_FS		BIT(1)
#define FDSCOPE_OWNS_MM		BIT(2)

/* An inode, as the dev and ino columns print it. */
struct fdscope_inode_key {
	dev_t dev;
	unsigned long ino;
};

/*
 * The fields of a files record, in their order: bit N of a fields mask
 * (fields.c). pid tid comm fd are the key: always printed.
 */
enum fdscope_files_field {
	FDSCOPE_FF_PID, FDSCOPE_FF_TID, FDSCOPE_FF_COMM, FDSCOPE_FF_FD,
	FDSCOPE_FF_TABLE, FDSCOPE_FF_CLOEXEC, FDSCOPE_FF_MODE, FDSCOPE_FF_FLAGS,
	FDSCOPE_FF_POS, FDSCOPE_FF_TYPE, FDSCOPE_FF_DEV, FDSCOPE_FF_INO,
	FDSCOPE_FF_FILEID, FDSCOPE_FF_REFS, FDSCOPE_FF_DELETED, FDSCOPE_FF_PATH,
	FDSCOPE_FF_START, FDSCOPE_FF_EPOLLS, FDSCOPE_FF_SIZE, FDSCOPE_FF_NLINK,
	FDSCOPE_FF_COUNT
};

/* The fields of a sockets record, in their order; the same key first. */
enum fdscope_sockets_field {
	FDSCOPE_SF_PID, FDSCOPE_SF_TID, FDSCOPE_SF_COMM, FDSCOPE_SF_FD,
	FDSCOPE_SF_FILEID, FDSCOPE_SF_INO, FDSCOPE_SF_FAMILY, FDSCOPE_SF_TYPE,
	FDSCOPE_SF_PROTO, FDSCOPE_SF_STATE, FDSCOPE_SF_LOCAL, FDSCOPE_SF_REMOTE,
	FDSCOPE_SF_RXQ, FDSCOPE_SF_TXQ, FDSCOPE_SF_DROPS, FDSCOPE_SF_UID,
	FDSCOPE_SF_NETNS, FDSCOPE_SF_PEER, FDSCOPE_SF_INFLIGHT, FDSCOPE_SF_BACKLOG,
	FDSCOPE_SF_GROUPS, FDSCOPE_SF_START, FDSCOPE_SF_COOKIE, FDSCOPE_SF_SHUTDOWN,
	FDSCOPE_SF_COUNT
};

/* Every field: a file that takes no "fields" line prints them all. */
#define FDSCOPE_FIELDS_ALL	(~0UL)
/* Longest "fields" line a write may hold, newline included. */
#define FDSCOPE_FIELDS_LINE_MAX	256

/*
 * Details one open file asks for beyond the default ("opt" in a filter
 * write): each costs a lock that the default walk never takes.
 */
#define FDSCOPE_OPT_TUN		BIT(0)	/* details: a tun/tap file's interface (rtnl_lock) */

/*
 * What one open file lists, and which optional details it shows
 * (filter.c); lists as written: a repeat is harmless.
 */
struct fdscope_filter {
	unsigned int nr;			/* 0: every process */
	pid_t tgids[FDSCOPE_FILTER_MAX];
	unsigned int ndevs;			/* with ninos 0: every file */
	dev_t devs[FDSCOPE_FILTER_MAX];
	unsigned int ninos;
	struct fdscope_inode_key inos[FDSCOPE_FILTER_MAX];
	unsigned int opts;			/* FDSCOPE_OPT_* */
	unsigned long fields;			/* FDSCOPE_FF_* or _SF_* bits; 0: all */
};

/*
 * One record as the walk found it: its owner and, for per-fd kinds, the fd
 * and its file. walk.c fills it in one lock section of the owner's table
 * (the fd, its file, its close-on-exec bit and the table's size belong to
 * one instant); the formatters only read it. It holds a reference on
 * @task and @file from start()/next() to next()/stop().
 */
struct fdscope_record {
	struct task_struct *task;
	pid_t tgid;			/* never 0: a task being reaped is skipped */
	pid_t tid;
	bool leader;
	u64 start_time;			/* task->start_boottime, tells reused pids apart */
	unsigned long owner_serial;	/* new with each reference on an owner; never 0 */
	u64 table_id;			/* identity of the files_struct; 0: none */
	unsigned int nfds;		/* tasks: open fds in the table */
	unsigned int maxfds;		/* tasks: slots in the table */
	unsigned int owns;		/* FDSCOPE_OWNS_*: what is listed under @task */
	unsigned int fd;		/* per-fd kinds: the fd, and its file */
	struct file *file;		/* holders: also the exe or mapped file */
	bool cloexec;

	/* holders */
	enum fdscope_assoc assoc;
	struct path path;		/* cwd, root: referenced */
	unsigned long start;		/* mem: the mapping [start, end) */
	unsigned long end;
	unsigned long pgoff;
	unsigned long vm_flags;
};

/*
 * The most wanted fds one locked section of a table hands out. The walk
 * keeps them referenced until shown; stop() drops the rest, so the next
 * read() looks them up again.
 */
#define FDSCOPE_FD_BATCH	16

/* An fd looked up ahead of the record: what the record takes from it. */
struct fdscope_fd_slot {
	struct file *file;		/* referenced */
	unsigned int fd;
	bool cloexec;
};

/*
 * Where the walk is between read() calls, and what it lists. The cursor
 * {tid, start_time, fd} names the record start() resumes at: the one
 * shown last, or the first one not yet shown. stop() drops the record's
 * references, so nothing is pinned while user space is outside read().
 */
struct fdscope_walk {
	enum fdscope_kind kind;
	struct pid_namespace *ns;	/* pids are printed in the opener's ns */
	struct fdscope_filter filter;

	pid_t tid;			/* cursor: owner of the table */
	u64 start_time;			/* cursor: that owner's start time */
	unsigned int fd;		/* cursor: fd within that table */
	enum fdscope_assoc assoc;	/* cursor, holders: which holder of the owner */
	unsigned long addr;		/* cursor, holders: address in its mm */

	const void *table;		/* last table hashed, only compared */
	u64 table_id;			/* its identity */

	struct fdscope_record rec;	/* the record at the cursor */

	/* fds of rec's table after rec.fd, from rec's lock section: [ahead_next, ahead_nr) */
	struct fdscope_fd_slot ahead[FDSCOPE_FD_BATCH];
	unsigned int ahead_next, ahead_nr;
};

struct fdscope_lock_info;

/* One file a socket's queue or a ring's table holds, as holders.c collects it. */
struct fdscope_held {
	struct file *file;		/* referenced */
	unsigned long via;		/* in flight: the receiving socket's inode */
	unsigned int slot;		/* io_uring: the fixed-file slot */
	pid_t sender;			/* in flight: the sender's pid; 0 if gone */
	bool embryo;			/* in flight to a connection not yet accepted */
};

/* Most files one holders record lists; the rest are counted. */
#define FDSCOPE_HELD_MAX	64

/* Text a formatter keeps across records: the owner's fields and d_path()'s buffer. */
struct fdscope_text {
	unsigned long owner_serial;	/* the record's owner they were made for */
	char owner[FDSCOPE_OWNER_MAX];	/* "pid tid comm", escaped */
	unsigned int owner_len;
	char *pathbuf;			/* files, holders: PATH_MAX for d_path() */
	struct fdscope_held *held;	/* holders: FDSCOPE_HELD_MAX of them */
	struct fdscope_lock_info *locks;	/* locks: FDSCOPE_HELD_MAX of them */
	char *scratch;			/* epoll, details: a file's fdinfo text */
	size_t scratch_size;
};

/* What one open debugfs file keeps: its seq_file's private data. */
struct fdscope_reader {
	struct fdscope_walk walk;
	struct fdscope_text text;
};

/* walk.c */
void *fdscope_walk_start(struct fdscope_walk *w, loff_t *pos);
void *fdscope_walk_next(struct fdscope_walk *w, loff_t *pos);
void fdscope_walk_stop(struct fdscope_walk *w);
void fdscope_walk_rewind(struct fdscope_walk *w);
unsigned int fdscope_walk_refs(const struct fdscope_walk *w, const struct file *file);

/* fields.c */
int fdscope_fields_lookup(enum fdscope_kind kind, const char *name, size_t len);
unsigned long fdscope_fields_with(enum fdscope_kind kind, unsigned int field);
unsigned long fdscope_fields_key(enum fdscope_kind kind);
void fdscope_fields_header(struct seq_file *m, enum fdscope_kind kind, unsigned long fields);

/* The fields @filter's file prints: FDSCOPE_FF_* or _SF_* bits. */
static inline unsigned long fdscope_fields(const struct fdscope_filter *filter)
{
	return filter->fields ?: FDSCOPE_FIELDS_ALL;
}

/* Does @fields (fdscope_fields()) print field @field? */
static inline bool fdscope_shows(unsigned long fields, unsigned int field)
{
	return fields & BIT(field);
}

/* identity.c */
void fdscope_identity_init(void);
u64 fdscope_identity(const void *object);
u64 fdscope_file_identity(const struct file *file);

/* filter.c */
int fdscope_filter_parse(const char *buf, size_t len, enum fdscope_kind kind,
			 struct fdscope_filter *filter);
bool fdscope_filter_on_files(const struct fdscope_filter *filter);
bool fdscope_filter_file(const struct fdscope_filter *filter, const struct file *file);
bool fdscope_filter_path(const struct fdscope_filter *filter, const struct path *path);

/*
 * escape.c. fdscope_field_*() write one whole field, the separator before
 * it included; fdscope_write_escaped() and fdscope_escape() write escaped
 * bytes only, for fields built from several parts.
 */
void fdscope_write_escaped(struct seq_file *m, const char *s, size_t len);

/*
 * Room for a @len-byte field in @m's buffer: its separator is written and
 * the bytes after it returned, to be filled in. NULL if it does not fit
 * (the record then overflows and seq_file retries it in a bigger buffer),
 * with one byte kept spare as seq_write() keeps it.
 */
static inline char *fdscope_field_room(struct seq_file *m, size_t len)
{
	char *buf;

	if (seq_get_buf(m, &buf) <= len + 1) {
		seq_commit(m, -1);
		return NULL;
	}
	seq_commit(m, len + 1);
	*buf = ' ';
	return buf + 1;
}

size_t fdscope_escape(char *dst, const char *s, size_t len);
void fdscope_octal(char *dst, unsigned char c);
void fdscope_field_bytes(struct seq_file *m, const char *s, size_t len);
void fdscope_field_str(struct seq_file *m, const char *s);
void fdscope_field_word(struct seq_file *m, const char *s);
__printf(3, 4)
void fdscope_field_name(struct seq_file *m, const char *name, const char *fmt, ...);
void fdscope_field_none(struct seq_file *m);
void fdscope_field_ull(struct seq_file *m, unsigned long long v);
void fdscope_field_ll(struct seq_file *m, long long v);
unsigned int fdscope_dec_len(u64 v);
void fdscope_dec(char *end, u64 v);
void fdscope_field_dev(struct seq_file *m, dev_t dev);
void fdscope_field_dev_ino(struct seq_file *m, dev_t dev, unsigned long ino);
void fdscope_field_hex(struct seq_file *m, u64 v, unsigned int width);
void fdscope_field_id(struct seq_file *m, u64 id);

/* owner.c */
void fdscope_field_owner(struct seq_file *m, struct fdscope_reader *r);
void fdscope_field_start(struct seq_file *m, const struct fdscope_record *rec);

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

/* files.c, tasks.c, sockets.c, holders.c */
void fdscope_field_file(struct seq_file *m, struct fdscope_reader *r, struct file *file,
			unsigned long fields);
void fdscope_field_path(struct seq_file *m, struct fdscope_reader *r, const struct path *path);
int fdscope_files_show(struct seq_file *m, void *v);
int fdscope_tasks_show(struct seq_file *m, void *v);
int fdscope_sockets_show(struct seq_file *m, void *v);
int fdscope_sockstats_show(struct seq_file *m, void *v);
struct sock *fdscope_record_sock(const struct fdscope_record *rec);
void fdscope_field_sock_id(struct seq_file *m, struct fdscope_reader *r, unsigned long fields);
int fdscope_holders_show(struct seq_file *m, void *v);
int fdscope_locks_show(struct seq_file *m, void *v);
int fdscope_epoll_show(struct seq_file *m, void *v);
int fdscope_details_show(struct seq_file *m, void *v);
bool fdscope_has_details(struct file *file);
bool fdscope_is_eventpoll(struct file *file);
unsigned int fdscope_epoll_watchers(struct file *file);
bool fdscope_has_locks(struct file *file);
bool fdscope_is_anon(const struct file *file, const char *name);
bool fdscope_is_io_uring(struct file *file);
bool fdscope_holds_inflight(struct file *file);

/* fdinfo.c: show_fdinfo() of the allowlisted classes, into r->text.scratch */
bool fdscope_fdinfo_text(struct fdscope_reader *r, struct file *file, struct seq_file *s);
char *fdscope_fdinfo_line(struct seq_file *s, char *pos);

/* sockaddr.c */
struct sock;
struct sockaddr_storage;
int fdscope_sock_name(struct socket *sock, struct sockaddr_storage *addr);
int fdscope_sock_peername(struct socket *sock, struct sockaddr_storage *addr);
int fdscope_packet_proto(struct socket *sock, const struct sockaddr_storage *addr);
void fdscope_field_sock_endpoints(struct seq_file *m, struct socket *sock, int len,
				  const struct sockaddr_storage *name, struct sock *peer);

/* debugfs.c */
extern const char *const fdscope_file_names[FDSCOPE_KINDS];
int fdscope_debugfs_init(void);
void fdscope_debugfs_exit(void);

#endif /* _FDSCOPE_H */

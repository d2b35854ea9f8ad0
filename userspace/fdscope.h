/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fdscope: declarations shared by the reader's files.
 */
#ifndef FDSCOPE_H
#define FDSCOPE_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/types.h>

#include "hash.h"
#include "bigmem.h"
#include "parse.h"

#define FDSCOPE_VERSION		"0.1"
#define DEBUGFS_MOUNT		"/sys/kernel/debug"
#define FDSCOPE_DIR		DEBUGFS_MOUNT "/fdscope"
#define PROC_LOCKS		"/proc/locks"
#define PROC_LOCKS_SAVED	"proc-locks"	/* its copy in a dump */
#define KERNEL_FILTER_MAX	64	/* pids the module's write interface takes */
#define LIST_MAX		32	/* entries in a table's ENDPOINTS or HOLDERS cell */

/* Whether @a is set and equal to @b. */
static inline bool streq(const char *a, const char *b)
{
	return a && !strcmp(a, b);
}

/* util.c */
void fds_locale(void);
void *xmalloc(size_t size);
void *xbig_realloc(void *p, size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
__printf(1, 2) void fds_warn(const char *fmt, ...);
__printf(1, 2) int fds_err(const char *fmt, ...);
struct sbuf;
void fds_msg_capture(struct sbuf *sink);
char *utoa(u64 v, char *buf);

/* Growing string buffer for cells built from pieces. */
struct sbuf {
	char *s;
	size_t len;
	size_t cap;
	bool big;	/* in big_alloc() memory: one that may grow to megabytes */
};

void sb_reset(struct sbuf *b);
void sb_grow(struct sbuf *b, size_t n);
void sb_add(struct sbuf *b, const char *s);

/*
 * @n bytes from @s to @d. Most cells are a few bytes: fixed-size moves,
 * two overlapping ones, copy them with no call into libc (a call through
 * the PLT is an indirect jump, dear under emulation).
 */
static inline void copy_short(char *d, const char *s, size_t n)
{
	if (n > 16) {
		memcpy(d, s, n);
	} else if (n >= 8) {
		memcpy(d, s, 8);
		memcpy(d + n - 8, s + n - 8, 8);
	} else if (n >= 4) {
		memcpy(d, s, 4);
		memcpy(d + n - 4, s + n - 4, 4);
	} else if (n) {
		d[0] = s[0];
		d[n / 2] = s[n / 2];
		d[n - 1] = s[n - 1];
	}
}

/* Inline: JSON output appends a few bytes at a time, millions of times. */
static inline void sb_addn(struct sbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap)
		sb_grow(b, n);
	copy_short(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static inline void sb_addc(struct sbuf *b, char c)
{
	if (b->len + 2 > b->cap)
		sb_grow(b, 1);
	b->s[b->len++] = c;
	b->s[b->len] = '\0';
}

void sb_addu(struct sbuf *b, u64 v);
void sb_free(struct sbuf *b);
void sb_add_escaped(struct sbuf *b, const char *s);

/* How a column's cells are written in JSON. */
enum {
	J_STR,			/* a string */
	J_NUM,			/* a number */
	J_BOOL,			/* "1" or "0" as true or false */
	J_LIST,			/* an array of objects (struct holders) */
	J_PAIR,			/* "3/511" as {"queued": 3, "max": 511} */
	J_COUNTS,		/* "REG:3,SOCK:1" as {"REG": 3, "SOCK": 1} */
	J_LOCKS,		/* "posix:W:0-EOF,flock:R" as an array of objects */
	J_NUMS,			/* "3,5,7" as [3, 5, 7] */
	J_RAW,			/* already JSON (the caller wrote it) */
};

/* holders.c: the fds or tasks in an ENDPOINTS, HOLDERS or SHARED cell */
struct holder {
	int pid;		/* 0: a socket no listed fd holds (->inode) */
	int tid;		/* a thread-owned table's thread, else 0 */
	const char *comm;
	int fd;			/* -1 for a task */
	const char *assoc;	/* a holder that is no fd: cwd, mem, inflight, ... */
	const char *mode;	/* the fd's access mode, or NULL */
	u64 inode;
};

struct holders {
	struct holder *v;
	size_t n;		/* kept */
	size_t cap;
	size_t max;		/* kept at most */
	size_t total;		/* counted */
};

void holders_reset(struct holders *h, size_t max);
struct holder *holders_add(struct holders *h);
void holders_skip(struct holders *h, size_t n);
bool holders_add_fd(struct holders *h, int pid, int tid, const char *comm, int fd,
		    const char *mode);
void holders_add_file(struct holders *h, const struct fds_file *f, bool mode);
bool holders_add_sock(struct holders *h, const struct fds_sock *s);
void holders_text(const struct holders *h, struct sbuf *b);
void holders_free(struct holders *h);

/* json.c */
void json_str(struct sbuf *b, const char *s);
void json_key(struct sbuf *b, const char *name);
void json_holders(struct sbuf *b, const struct holders *h);
void json_value(struct sbuf *b, int type, const char *s);
void json_locks(struct sbuf *b, const char *s);

/* Which of the optional files a run needs. */
enum {
	NEED_SOCKS = 1 << 0,
	NEED_TASKS = 1 << 1,
	NEED_LOCKS = 1 << 2,
	NEED_EPOLL = 1 << 3,
	NEED_HOLDERS = 1 << 4,
	NEED_SOCKSTATS = 1 << 5,
	NEED_DETAILS = 1 << 6,
	NEED_TUN = 1 << 7,	/* details with tun/tap interfaces: the module takes rtnl_lock */
};

enum view {
	VIEW_LIST,
	VIEW_SUMMARY,
	VIEW_TASKS,
	VIEW_ENDPOINTS,
	VIEW_SHARED,
	VIEW_GRAPH,
	VIEW_LOCKS,
	VIEW_HOLDERS,
	VIEW_DIFF,
	VIEW_WATCH,
};

/* -i [46][proto][@host][:port] */
struct inet_spec {
	int family;		/* 0, 4 or 6 */
	char proto[16];		/* "" for any */
	size_t naddrs;		/* 0 for any host */
	struct in6_addr *addrs;	/* IPv4 as v4-mapped */
	int port;		/* -1 for any */
};

struct selection {
	int *pids;		/* sorted */
	size_t npids;
	u64 *uids;
	size_t nuids;
	char **types;
	size_t ntypes;
	struct inet_spec *inet;
	size_t ninet;
	bool unix_sockets;
};

struct filter;

struct opts {
	bool json;
	bool raw;
	bool notruncate;
	bool summary_append;	/* --summary=append: the fd list, then the summary */
	bool noheadings;
	bool threads;
	enum view view;
	const char *dir;	/* NULL: the live debugfs directory */
	int top;
	int *cols;		/* list view columns */
	size_t ncols;
	const char **outputs;	/* the -o arguments */
	bool name_tcp;		/* -o names the TCP group: NAME shows ss -i's terms */
	size_t noutputs;
	const char **users;	/* the -u arguments, resolved once --dir is known */
	size_t nusers;
	const char *save;	/* --save DIR */
	char **targets;		/* --holders TARGET..., --watch DIR... */
	size_t ntargets;
	const char *diff_old;	/* --diff OLD [NEW] */
	const char *diff_new;	/* NULL: the live system */
	double interval;	/* --watch=SECONDS */
	long count;		/* --watch -n COUNT: plain samples; 0: a terminal view */
	struct selection sel;
	struct filter *filter;
};

/* The buffers a file was read into: its records point into them. */
struct read_blocks {
	char **v;
	size_t n;
};

/* model.c: the three files, joined */
struct model {
	struct fds_table tab[FDS_NKINDS];
	struct read_blocks bufs[FDS_NKINDS];
	bool unterminated[FDS_NKINDS];	/* read without a final newline */
	const struct fds_file *files;
	size_t nfiles;		/* fd rows; the holders rows follow them */
	size_t nrows;		/* fd rows and holders rows */
	u32 *order;		/* the list's order of rows; NULL: as read */
	const struct fds_sock *socks;
	size_t nsocks;
	const struct fds_task *tasks;
	size_t ntasks;
	const struct fds_lock *locks;
	size_t nlocks;
	const struct fds_epoll *epolls;
	size_t nepolls;
	const struct fds_detail *details;
	size_t ndetails;
	bool threads;		/* -l: thread-owned tables are listed */
	bool name_tcp;		/* NAME of a TCP socket ends in rtt=, cwnd=, ... */
	bool live;		/* read from the module, not from a saved dump */
	struct holders eps;	/* scratch for the ENDPOINTS and NAME columns */
	u32 *file_sock;		/* files row -> sockets row */
	struct idx task_idx;	/* pid+tid -> tasks row */
	struct idx sock_ino;	/* socket inode -> first sockets row */
	u32 *sock_ino_next;
	u32 *sock_ino_count;	/* chain lengths, at each chain's head */
	struct idx pipe_ino[3];	/* FIFO inode+dev -> first r, w, rw files row */
	u32 *pipe_next;
	u32 *pipe_count;
	struct idx fileid_idx;	/* fileid -> first row, holders rows too */
	struct idx fd_idx;	/* pid+tid+fd -> files row, built on first use */
	bool fd_indexed;
	u32 *fileid_next;
	struct loopback *loopback;	/* loopback.c */
	struct endpoint_index *endpoint_index;	/* endpoint_kinds.c */
	struct lock_index *lock_index;		/* locks.c */
	struct epoll_index *epoll_index;	/* epoll.c */
	struct detail_index *detail_index;	/* details.c */
	struct idx held_ino;	/* socket inode -> first holders row */
	u32 *held_ino_next;
	bool filtered[FDS_NKINDS];	/* read through the module's filter */
	char **extra;		/* more buffers the tables point into */
	size_t nextra;
};

int input_load(struct model *m, const struct opts *o, unsigned int need);
/* sockstats.c */
void sockstats_merge(struct fds_table *socks, struct fds_table *stats);

int input_load_kind(struct model *m, const struct opts *o, enum fds_kind kind, bool kfilter);
bool input_on_debugfs(const char *path);
int read_all(int fd, char **bufp, size_t *lenp);

/* halves.c: a long list made by two processes */
struct halves {
	pid_t child;		/* 0 in the child */
	int to;			/* pipe to the other process */
	int from;
};

int halves_split(struct halves *h, size_t nrows, size_t *mid);
int halves_send(struct halves *h, const void *p, size_t n);
int halves_recv(struct halves *h, void *p, size_t n);
__noreturn void halves_child_done(struct halves *h, const char *s, size_t n);
int halves_parent_done(struct halves *h, bool go);

/* readparse.c */
int read_parse(int fd, enum fds_kind kind, u64 want, struct fds_table *t, struct read_blocks *b,
	       char *err, size_t errlen, size_t *last_line);

void model_init(struct model *m, const struct opts *o);
void model_free(struct model *m);
bool model_visible(const struct model *m, size_t row);
bool model_is_holder(const struct model *m, size_t row);
size_t model_row(const struct model *m, size_t k);
u64 model_task_identity(const struct fds_task *t, bool start);
const char *model_assoc(const struct model *m, size_t row, struct sbuf *b);
size_t model_other_holders(struct model *m, size_t row, struct holders *h);
u32 model_held_socket(struct model *m, u64 ino);
bool model_socket_fds(struct model *m, u64 ino, struct holders *h);
const struct fds_sock *model_sock(const struct model *m, size_t row);
const struct fds_task *model_task(const struct model *m, int pid, int tid);
const char *model_user(const struct model *m, int pid, int tid);
const char *model_sock_label(const struct fds_sock *s);
bool model_is_unconnected(const char *addr);
const char *model_name(struct model *m, size_t row, struct sbuf *b);
const char *model_name_ex(struct model *m, size_t row, struct sbuf *b, bool peers);
bool model_endpoints(struct model *m, size_t row, struct holders *h);
void model_index_fileids(struct model *m);
int model_fd_order(const struct fds_file *x, const struct fds_file *y);
u64 model_inode_key(const struct fds_file *f);
u64 model_dev_ino_key(const char *dev, u64 ino);
bool model_same_inode(const struct fds_file *a, const struct fds_file *b);
const struct fds_sock *model_sock_by_ino(struct model *m, u64 ino);
u64 model_fd_key(int pid, int tid, int fd);
u64 model_sock_key(const struct fds_sock *s);
int model_sock_key_of(const void *ctx, size_t i, u64 *k);
u32 model_fd_row(struct model *m, int pid, int tid, int fd);

/* locks.c: the locks held through each fd */
const struct fds_lock *locks_of_fd(struct model *m, size_t row, size_t *n);
bool lock_is_more(const struct fds_lock *l);

void lock_range(struct sbuf *b, const struct fds_lock *l);
char locks_xmode(struct model *m, size_t row);
void lock_text(struct sbuf *b, const struct fds_lock *l);
const char *locks_column(struct model *m, size_t row, struct sbuf *b);
void lock_index_free(struct model *m);

/* epoll.c: what each eventpoll watches, and who watches each file */
const char *epoll_tfds(struct model *m, size_t row, struct sbuf *b);
bool epoll_targets(struct model *m, size_t row, struct holders *h);
bool epoll_watchers(struct model *m, size_t row, struct holders *h);
void epoll_index_free(struct model *m);

/* details.c: what each pidfd, bpf object, eventfd, ... is */
const struct fds_detail *details_of(struct model *m, size_t row);
const char *details_column(struct model *m, size_t row, int col, struct sbuf *b);
const char *details_name(struct model *m, size_t row, struct sbuf *b);
bool details_endpoints(struct model *m, size_t row, struct holders *h);
void detail_index_free(struct model *m);

/* loopback.c: TCP and UDP connections with both ends here */
u64 loopback_peer_ino(struct model *m, size_t sock_row);
bool loopback_endpoints(struct model *m, size_t sock_row, struct holders *h);
void loopback_free(struct model *m);

/* endpoint_kinds.c: eventfds, message queues, unix datagram servers */
bool model_is_mqueue(const struct fds_file *f);
bool endpoint_kinds(struct model *m, size_t row, const struct fds_sock *s, struct holders *h);
void endpoint_index_free(struct model *m);

/* users.c */
const char *user_name(u64 uid);
int user_lookup(const char *name, u64 *uid);
int users_load(const char *dir);

/* save.c */
int save_dump(const struct opts *o, const char *dst);
/* The pid of the fdscope that saved the dump in @dir (its meta "saver"), or 0. */
int meta_saver(const char *dir);

/* columns.c: the list view's columns */
enum {
	COL_COMMAND, COL_PID, COL_TID, COL_USER, COL_UID, COL_FD, COL_MODE,
	COL_TYPE, COL_DEV, COL_INODE, COL_POS, COL_FLAGS, COL_NAME, COL_PATH,
	COL_FILEID, COL_REFS, COL_TABLE, COL_CLOEXEC, COL_DELETED, COL_FAMILY,
	COL_SOCKTYPE, COL_PROTO, COL_STATE, COL_LOCAL, COL_REMOTE, COL_RXQ,
	COL_TXQ, COL_DROPS, COL_PEER, COL_INFLIGHT, COL_BACKLOG, COL_GROUPS,
	COL_NETNS, COL_ENDPOINTS, COL_XMODE, COL_LOCKS,
	COL_EVENTPOLL_TFDS, COL_WATCHED_BY, COL_ASSOC, COL_HOLDERS, COL_START,
	COL_TCP_RTT, COL_TCP_RTTVAR, COL_TCP_RTO, COL_TCP_CWND, COL_TCP_SSTHRESH,
	COL_TCP_UNACKED, COL_TCP_RETRANS, COL_TCP_TOTAL_RETRANS, COL_TCP_RCV_SPACE,
	COL_TCP_SND_WND, COL_SOCK_RMEM, COL_SOCK_RCVBUF, COL_SOCK_WMEM,
	COL_SOCK_SNDBUF, COL_SOCK_FWD_ALLOC, COL_SOCK_WMEM_QUEUED, COL_SOCK_OPTMEM,
	COL_SOCK_BACKLOG, COL_SOCK_DROPS, COL_SOCK_COOKIE, COL_SOCK_SHUTDOWN,
	COL_DETAILS, COL_PIDFD_PID, COL_PIDFD_COMM, COL_PIDFD_EXITED, COL_PIDFD_THREAD,
	COL_EVENTFD_ID, COL_EVENTFD_COUNT, COL_TIMERFD_CLOCKID, COL_TIMERFD_INTERVAL,
	COL_TIMERFD_REMAINING, COL_SIGNALFD_MASK, COL_INOTIFY_INODES, COL_BPF_MAP_TYPE,
	COL_BPF_MAP_ID, COL_BPF_PROG_TYPE, COL_BPF_PROG_ID, COL_BPF_PROG_TAG, COL_BPF_NAME,
	COL_BPF_LINK_ID, COL_NS_TYPE, COL_PTMX_TTY_INDEX, COL_TUN_IFACE,
	NCOLUMNS,
};

struct column {
	const char *name;
	int json;		/* J_* */
	int flags;		/* SCOLS_FL_* */
	double whint;
	unsigned int need;	/* NEED_* */
	const char *help;
};

extern const struct column columns[NCOLUMNS];

int column_by_name(const char *name, size_t len);
int columns_parse(struct opts *o, const char *list);
void columns_default(struct opts *o);
unsigned int columns_need(const int *cols, size_t n);
u64 columns_want(const struct opts *o, enum fds_kind kind);
const char *column_value(struct model *m, size_t row, int col, struct sbuf *b);
bool column_list(struct model *m, size_t row, int col, struct holders *h);
const char *json_type_name(int type);
const char *mode_text(const char *mode);
bool column_list(struct model *m, size_t row, int col, struct holders *h);

/* proclocks.c: a line of /proc/locks */
struct proc_lock {
	u64 id;			/* the lock's number; its waiters have it too */
	int level;		/* 0 for a lock, else a waiting request */
	int pid;		/* -1 for OFD */
	char class[8];		/* POSIX, OFDLCK, ACCESS, FLOCK, LEASE, DELEG */
	char type[8];		/* READ, WRITE, UNLCK */
	char dev[24];		/* "8:1", as the module writes it */
	u64 ino;
	u64 start;
	u64 end;		/* FDS_LOCK_EOF for EOF */
};

int proc_locks_parse(char *buf, size_t len, const char *name, struct proc_lock **locks,
		     size_t *n);

/* lockwait.c: --locks */
int view_locks(const struct opts *o, struct model *m);

/* xmode.c */
const char *xmode_text(struct model *m, size_t row, struct sbuf *b);
int columns_list(const struct opts *o);

/* filter.c: -Q */
struct filter *filter_parse(struct filter *prev, const char *expr);
bool filter_match(struct filter *f, struct model *m, size_t row, struct sbuf *b);
unsigned int filter_need(const struct filter *f);
void filter_free(struct filter *f);

/* select.c: -p -u -t -i -U */
int select_add_pids(struct selection *s, const char *list);
int select_add_users(struct selection *s, const char *list);
int select_add_types(struct selection *s, const char *list);
int select_add_inet(struct selection *s, int family, const char *spec);
void select_done(struct selection *s);
bool select_has_fd_filters(const struct selection *s);
int select_check_types(const struct selection *s, const struct model *m);
unsigned int select_need(const struct selection *s);
bool select_pid(const struct selection *s, int pid);
bool select_row(const struct opts *o, struct model *m, size_t row, struct sbuf *b);
bool select_fd_row(const struct opts *o, struct model *m, size_t row, struct sbuf *b);
bool select_beyond_pids(const struct opts *o);
void select_free(struct selection *s);
int parse_sockaddr(const char *s, struct in6_addr *addr, int *port);

/* output.c: the tables of every view */
struct out;

#define OUT_HIDDEN	BIT(30)	/* out_column(): shown only when -o names it */

struct out *out_new(const struct opts *o, const char *name, const char *title);
void out_as_object(struct out *t);
void out_stream(struct out *t);
void out_column(struct out *t, const char *name, int json, int flags);
int out_row(struct out *t);
void out_cell(struct out *t, size_t col, const char *s);
void out_cell_u(struct out *t, size_t col, u64 v);
void out_cell_list(struct out *t, size_t col, const struct holders *h);
size_t out_list_max(const struct opts *o);
int out_print(struct out *t);
void out_alone(struct out *t);
void out_rows_follow(struct out *t);
void out_more_rows(struct out *t, int (*more)(void *), void *arg);
__noreturn void out_rows_done(struct out *t, struct halves *h);
size_t out_row_count(const struct out *t);
int out_print_group(struct out **tbs, size_t n);
void out_discard(struct out *t);

/* One file per view. */
int view_list(const struct opts *o, struct model *m);
struct out *list_table(const struct opts *o, struct model *m);

/* stream.c */
bool stream_usable(const struct opts *o);
size_t stream_plain_len(const struct opts *o, const char *s, size_t *bytes);
void stream_put_cell(const struct opts *o, const char *s, size_t len, size_t width,
		     bool right, bool last);
void stream_flush(void);
/* The columns of a table stream_rows() writes. */
struct stream_table {
	size_t ncols;
	const char *const *names;	/* the headers */
	const bool *right;		/* right-aligned, per column */
	/* Cell @col of the @k-th row, or NULL ("-"): in @b, or lasting till the next call. */
	const char *(*cell)(void *ctx, size_t k, size_t col, struct sbuf *b);
	void *ctx;
};

int stream_rows(const struct opts *o, const struct stream_table *st, size_t nrows);
int view_summary(const struct opts *o, struct model *m, struct out *list);
int view_tasks(const struct opts *o, struct model *m);
int view_endpoints(const struct opts *o, struct model *m);
int view_shared(const struct opts *o, struct model *m);

/* graph.c: --graph; dot.c: its strings */
int view_graph(const struct opts *o, struct model *m);
void dot_escape(struct sbuf *b, const char *s);

/* pattern.c: fd names grouped for --diff */
struct pattern {
	char *text;
	size_t count;
};

size_t patterns_group(const char * const *names, size_t n, struct pattern **out);
void patterns_free(struct pattern *p, size_t n);

/* diff.c: --diff OLD [NEW] */
int view_diff(const struct opts *o);

/* watch.c: --watch[=SECONDS] */
int view_watch(const struct opts *o);

/* holders_view.c: --holders TARGET... */
#define HOLDERS_CHAIN_DEPTH	8	/* sockets in flight inside sockets in flight */
int holders_filter(const struct opts *o, struct sbuf *cmd, char *sockdev, size_t size);
int view_holders(const struct opts *o, struct model *m);

#endif /* FDSCOPE_H */

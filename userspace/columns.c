// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope: the columns of the fd list: name, JSON type, output flags, the
 * files they need, a help line each, and how to get a row's value.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <libsmartcols.h>

#include "fdscope.h"

#define STR	J_STR
#define NUM	J_NUM
#define BOOL	J_BOOL
#define ARR	J_LIST
#define R	SCOLS_FL_RIGHT
#define S	NEED_SOCKS
#define T	NEED_TASKS
#define L	NEED_LOCKS
#define E	NEED_EPOLL
#define H	NEED_HOLDERS
#define SS	(NEED_SOCKS | NEED_SOCKSTATS)
#define D	NEED_DETAILS

const struct column columns[NCOLUMNS] = {
	[COL_COMMAND] = { "COMMAND", STR, 0, 0.1, 0,
		"command name of the process (of the thread owning the table with -l)" },
	[COL_PID] = { "PID", NUM, R, 5, 0,
		"process id" },
	[COL_TID] = { "TID", NUM, R, 5, 0,
		"thread owning the fd table; the PID for the process's own table" },
	[COL_USER] = { "USER", STR, 0, 0.1, T,
		"effective user of the process" },
	[COL_UID] = { "UID", NUM, R, 5, T,
		"effective user id of the process" },
	[COL_FD] = { "FD", NUM, R, 3, 0,
		"file descriptor number" },
	[COL_MODE] = { "MODE", STR, 0, 3, 0,
		"access mode as lsfd shows it: r--, -w-, rw-; --- for O_PATH" },
	[COL_TYPE] = { "TYPE", STR, 0, 4, 0,
		"file type: REG, DIR, CHR, BLK, FIFO, SOCK, LNK, or the anon inode class" },
	[COL_DEV] = { "DEV", STR, 0, 5, 0,
		"device of the filesystem (major:minor)" },
	[COL_INODE] = { "INODE", NUM, R, 5, 0,
		"inode number" },
	[COL_POS] = { "POS", NUM, R, 5, 0,
		"file position in bytes" },
	[COL_FLAGS] = { "FLAGS", STR, 0, 5, 0,
		"open flags (append, nonblock, ...)" },
	[COL_NAME] = { "NAME", STR, 0, 0.4, S,
		"path, or a description of the socket and its other end" },
	[COL_PATH] = { "PATH", STR, 0, 0.3, 0,
		"the path as /proc/PID/fd/FD shows it" },
	[COL_FILEID] = { "FILEID", STR, 0, 15, 0,
		"identity of the open file description (equal after dup or fork)" },
	[COL_REFS] = { "REFS", NUM, R, 4, 0,
		"references to the open file description" },
	[COL_TABLE] = { "TABLE", STR, 0, 15, 0,
		"identity of the fd table (equal for tasks sharing it)" },
	[COL_CLOEXEC] = { "CLOEXEC", BOOL, R, 1, 0,
		"close-on-exec flag" },
	[COL_DELETED] = { "DELETED", BOOL, R, 1, 0,
		"the file was unlinked" },
	[COL_FAMILY] = { "FAMILY", STR, 0, 4, S,
		"socket address family: unix, inet, inet6, netlink, ..." },
	[COL_SOCKTYPE] = { "SOCKTYPE", STR, 0, 4, S,
		"socket type: stream, dgram, seqpacket, raw, ..." },
	[COL_PROTO] = { "PROTO", STR, 0, 4, S,
		"socket protocol: tcp, udp, NETLINK_ROUTE, ETH_P_ALL, ..." },
	[COL_STATE] = { "STATE", STR, 0, 5, S,
		"socket state: LISTEN, ESTABLISHED, CLOSE, ... (unix sockets too)" },
	[COL_LOCAL] = { "LOCAL", STR, 0, 0.2, S,
		"local address: ip:port, unix path, netlink port id, interface" },
	[COL_REMOTE] = { "REMOTE", STR, 0, 0.2, S,
		"remote address: ip:port, or the unix peer's name" },
	[COL_RXQ] = { "RXQ", NUM, R, 3, S,
		"bytes queued to receive (listener: accept queue length)" },
	[COL_TXQ] = { "TXQ", NUM, R, 3, S,
		"bytes queued to send (listener: accept queue limit)" },
	[COL_DROPS] = { "DROPS", NUM, R, 3, S,
		"packets dropped by the socket" },
	[COL_PEER] = { "PEER", NUM, R, 5, S,
		"inode of the unix peer socket" },
	[COL_INFLIGHT] = { "INFLIGHT", NUM, R, 3, S,
		"fds in flight in the unix receive queue (SCM_RIGHTS)" },
	[COL_BACKLOG] = { "BACKLOG", J_PAIR, 0, 5, S,
		"listener accept queue: current/max" },
	[COL_GROUPS] = { "GROUPS", STR, 0, 8, S,
		"netlink multicast groups (first 32, hex)" },
	[COL_NETNS] = { "NETNS", NUM, R, 10, S,
		"inode of the socket's network namespace" },
	[COL_ENDPOINTS] = { "ENDPOINTS", ARR, 0, 0.2, S | D,
		"processes on the other end of a pipe, FIFO, socket, eventfd, mqueue, pty, pidfd" },
	[COL_XMODE] = { "XMODE", STR, 0, 6, L,
		"MODE and more, as lsfd: rwx, D deleted, L/l write/read lock held, m epoll" },
	[COL_LOCKS] = { "LOCKS", J_LOCKS, 0, 0.1, L,
		"locks held through the fd: CLASS:R|W[:START-END], e.g. posix:W:0-EOF" },
	[COL_EVENTPOLL_TFDS] = { "EVENTPOLL.TFDS", J_NUMS, 0, 0.1, E,
		"fd numbers of the files an eventpoll watches, as they were added" },
	[COL_WATCHED_BY] = { "WATCHED-BY", ARR, 0, 0.2, E,
		"eventpolls watching the open file (PID,COMMAND,FD)" },
	[COL_ASSOC] = { "ASSOC", STR, R, 4, H,
		"fd number, or what holds the file: cwd, root, exe, mem, inflight, uring" },
	[COL_HOLDERS] = { "HOLDERS", ARR, 0, 0.2, H,
		"holders of the open file besides fds: mappings, exe, in flight, io_uring" },
	[COL_START] = { "START", NUM, R, 6, 0,
		"when the process started, in clock ticks since boot (with PID, its identity)" },
	[COL_TCP_RTT] = { "TCP.RTT", NUM, R, 5, SS,
		"TCP smoothed round-trip time, microseconds (ss -i rtt, in ms there)" },
	[COL_TCP_RTTVAR] = { "TCP.RTTVAR", NUM, R, 5, SS,
		"TCP round-trip time mean deviation, microseconds (ss -i rtt:X/Y's Y)" },
	[COL_TCP_RTO] = { "TCP.RTO", NUM, R, 5, SS,
		"TCP retransmission timeout, microseconds (ss -i rto, in ms there)" },
	[COL_TCP_CWND] = { "TCP.CWND", NUM, R, 3, SS,
		"TCP congestion window, segments" },
	[COL_TCP_SSTHRESH] = { "TCP.SSTHRESH", NUM, R, 3, SS,
		"TCP slow-start threshold, segments (2147483647 until the first loss)" },
	[COL_TCP_UNACKED] = { "TCP.UNACKED", NUM, R, 3, SS,
		"TCP segments sent and not yet acknowledged" },
	[COL_TCP_RETRANS] = { "TCP.RETRANS", NUM, R, 3, SS,
		"TCP retransmission timeouts in a row (/proc/net/tcp's retrnsmt)" },
	[COL_TCP_TOTAL_RETRANS] = { "TCP.TOTAL-RETRANS", NUM, R, 3, SS,
		"TCP retransmits over the connection's life (ss -i retrans:X/Y's Y)" },
	[COL_TCP_RCV_SPACE] = { "TCP.RCV-SPACE", NUM, R, 5, SS,
		"TCP receive-space estimate, bytes" },
	[COL_TCP_SND_WND] = { "TCP.SND-WND", NUM, R, 5, SS,
		"TCP window the peer advertised, bytes" },
	[COL_SOCK_RMEM] = { "SOCK.RMEM", NUM, R, 5, SS,
		"bytes allocated to received data (ss -m skmem r)" },
	[COL_SOCK_RCVBUF] = { "SOCK.RCVBUF", NUM, R, 5, SS,
		"receive buffer size, bytes (skmem rb)" },
	[COL_SOCK_WMEM] = { "SOCK.WMEM", NUM, R, 5, SS,
		"bytes allocated to data being sent (skmem t)" },
	[COL_SOCK_SNDBUF] = { "SOCK.SNDBUF", NUM, R, 5, SS,
		"send buffer size, bytes (skmem tb)" },
	[COL_SOCK_FWD_ALLOC] = { "SOCK.FWD-ALLOC", NUM, R, 5, SS,
		"bytes forward-allocated and not yet used (skmem f)" },
	[COL_SOCK_WMEM_QUEUED] = { "SOCK.WMEM-QUEUED", NUM, R, 5, SS,
		"bytes queued to send (skmem w)" },
	[COL_SOCK_OPTMEM] = { "SOCK.OPTMEM", NUM, R, 3, SS,
		"option memory, bytes (skmem o)" },
	[COL_SOCK_BACKLOG] = { "SOCK.BACKLOG", NUM, R, 3, SS,
		"bytes that arrived while a thread held the socket (skmem bl)" },
	[COL_SOCK_DROPS] = { "SOCK.DROPS", NUM, R, 3, S,
		"packets dropped (skmem d; the same as DROPS)" },
	[COL_SOCK_COOKIE] = { "SOCK.COOKIE", NUM, R, 5, S,
		"socket cookie: ss -e's sk: (in hex there), BPF's bpf_get_socket_cookie()" },
	[COL_SOCK_SHUTDOWN] = { "SOCK.SHUTDOWN", STR, 0, 3, S,
		"directions shut down, as ss: <-> open, --> no receiving, <-- no sending, ---" },
	[COL_DETAILS] = { "DETAILS", STR, 0, 0.2, D,
		"the module's details of a pidfd, bpf object, eventfd, ... (key=value,...)" },
	[COL_PIDFD_PID] = { "PIDFD.PID", NUM, R, 5, D,
		"pidfd: the process's pid (0: not in this pid namespace)" },
	[COL_PIDFD_COMM] = { "PIDFD.COMM", STR, 0, 0.1, D | T,
		"pidfd: the process's command name, while it runs" },
	[COL_PIDFD_EXITED] = { "PIDFD.EXITED", BOOL, R, 1, D,
		"pidfd: the process has exited and was reaped" },
	[COL_PIDFD_THREAD] = { "PIDFD.THREAD", BOOL, R, 1, D,
		"pidfd: a thread's pidfd (PIDFD_THREAD, 6.9+)" },
	[COL_EVENTFD_ID] = { "EVENTFD.ID", NUM, R, 3, D,
		"eventfd: its id" },
	[COL_EVENTFD_COUNT] = { "EVENTFD.COUNT", NUM, R, 3, D,
		"eventfd: its counter" },
	[COL_TIMERFD_CLOCKID] = { "TIMERFD.CLOCKID", STR, 0, 8, D,
		"timerfd: its clock: realtime, monotonic, boottime, ..." },
	[COL_TIMERFD_INTERVAL] = { "TIMERFD.INTERVAL", STR, R, 8, D,
		"timerfd: its interval, seconds" },
	[COL_TIMERFD_REMAINING] = { "TIMERFD.REMAINING", STR, R, 8, D,
		"timerfd: time until it next expires, seconds" },
	[COL_SIGNALFD_MASK] = { "SIGNALFD.MASK", STR, 0, 0.1, D,
		"signalfd: the signals it takes: USR1,USR2,..." },
	[COL_INOTIFY_INODES] = { "INOTIFY.INODES", J_NUMS, 0, 0.1, D,
		"inotify, fanotify: inode numbers of the watched inodes" },
	[COL_BPF_MAP_TYPE] = { "BPF-MAP.TYPE", STR, 0, 5, D,
		"bpf map: its type: hash, array, ..." },
	[COL_BPF_MAP_ID] = { "BPF-MAP.ID", NUM, R, 3, D,
		"bpf map: its id" },
	[COL_BPF_PROG_TYPE] = { "BPF-PROG.TYPE", STR, 0, 5, D,
		"bpf program: its type: socket_filter, kprobe, xdp, ..." },
	[COL_BPF_PROG_ID] = { "BPF-PROG.ID", NUM, R, 3, D,
		"bpf program (or the program of a bpf link): its id" },
	[COL_BPF_PROG_TAG] = { "BPF-PROG.TAG", STR, 0, 16, D,
		"bpf program: its tag (hash of its instructions)" },
	[COL_BPF_NAME] = { "BPF.NAME", STR, 0, 0.1, D,
		"bpf map or program: its name" },
	[COL_BPF_LINK_ID] = { "BPF-LINK.ID", NUM, R, 3, D,
		"bpf link: its id" },
	[COL_NS_TYPE] = { "NS.TYPE", STR, 0, 4, D,
		"namespace file: the namespace's type: net, mnt, pid, ..." },
	[COL_PTMX_TTY_INDEX] = { "PTMX.TTY-INDEX", NUM, R, 3, D,
		"pty master: the index of its pty (N of /dev/pts/N)" },
	[COL_TUN_IFACE] = { "TUN.IFACE", STR, 0, 0.1, D | NEED_TUN,
		"tun/tap: its network interface (the module takes rtnl_lock to read it)" },
};

/* -o NAME for a group of columns. */
static const struct {
	const char *name;
	int first, last;
} col_groups[] = {
	{ "TCP", COL_TCP_RTT, COL_TCP_SND_WND },	/* ss -i */
	{ "SKMEM", COL_SOCK_RMEM, COL_SOCK_DROPS },	/* ss -m */
};

static const int default_cols[] = {
	COL_COMMAND, COL_PID, COL_USER, COL_ASSOC, COL_MODE, COL_TYPE, COL_DEV,
	COL_INODE, COL_NAME,
};

int column_by_name(const char *name, size_t len)
{
	int i;

	for (i = 0; i < NCOLUMNS; i++) {
		if (strlen(columns[i].name) == len && !strncasecmp(columns[i].name, name, len))
			return i;
	}
	return -1;
}

static int column_group(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(col_groups); i++) {
		if (strlen(col_groups[i].name) == len &&
		    !strncasecmp(col_groups[i].name, name, len))
			return (int)i;
	}
	return -1;
}

static void add_col(struct opts *o, int col)
{
	o->cols = xrealloc(o->cols, o->ncols + 1, sizeof(*o->cols));
	o->cols[o->ncols++] = col;
}

/* The default columns; with -l, TID follows PID. */
void columns_default(struct opts *o)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(default_cols); i++) {
		add_col(o, default_cols[i]);
		if (default_cols[i] == COL_PID && o->threads)
			add_col(o, COL_TID);
	}
}

/* -o LIST replaces the columns, -o +LIST adds to the defaults. */
int columns_parse(struct opts *o, const char *list)
{
	const char *p = list;
	size_t nth;

	if (*p == '+') {
		if (!o->ncols)
			columns_default(o);
		p++;
	} else {
		o->ncols = 0;
	}
	for (nth = 1;; nth++) {
		size_t len = strcspn(p, ",");
		int col = column_by_name(p, len);
		int g = column_group(p, len);

		if (!len)
			return fds_err("-o %s: column name %zu is empty", list, nth);
		if (col < 0 && g < 0)
			return fds_err("unknown column: %.*s", (int)len, p);
		if (col >= 0) {
			add_col(o, col);
		} else {
			for (col = col_groups[g].first; col <= col_groups[g].last; col++)
				add_col(o, col);
			/* NAME then carries what ss -i shows first. */
			o->name_tcp |= col_groups[g].first == COL_TCP_RTT;
		}
		if (!p[len])
			break;
		p += len + 1;
	}
	return 0;
}

unsigned int columns_need(const int *cols, size_t n)
{
	unsigned int need = 0;
	size_t i;

	for (i = 0; i < n; i++)
		need |= columns[cols[i]].need;
	return need;
}

/*
 * The list's columns that are made of a few files and sockets fields
 * only (and tasks, holders, read whole), and those fields: when every
 * column shown is one of them, the module formats only these.
 */
static const int lean_cols[] = {
	COL_COMMAND, COL_PID, COL_TID, COL_USER, COL_UID, COL_FD, COL_ASSOC,
	COL_MODE, COL_TYPE, COL_DEV, COL_INODE, COL_NAME, COL_PATH, COL_DELETED,
};

#define BIT64(n)	(1ull << (n))
static const u64 lean_files = BIT64(FC_PID) | BIT64(FC_TID) | BIT64(FC_COMM) |
	BIT64(FC_FD) | BIT64(FC_MODE) | BIT64(FC_TYPE) | BIT64(FC_DEV) | BIT64(FC_INO) |
	BIT64(FC_DELETED) | BIT64(FC_PATH);
/*
 * NAME: the label, the ends, the state and the unix peer; the fd and ino
 * join it to its files row (model.c, join_sockets()).
 */
static const u64 lean_sockets = BIT64(SC_PID) | BIT64(SC_TID) | BIT64(SC_COMM) |
	BIT64(SC_FD) | BIT64(SC_INO) | BIT64(SC_FAMILY) | BIT64(SC_TYPE) |
	BIT64(SC_PROTO) | BIT64(SC_STATE) | BIT64(SC_LOCAL) | BIT64(SC_REMOTE) | BIT64(SC_PEER);

static bool lean_col(int col)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(lean_cols); i++) {
		if (lean_cols[i] == col)
			return true;
	}
	return false;
}

/* --holders: the fd, its owner, the file, and what counts its references. */
static const u64 holders_files = BIT64(FC_PID) | BIT64(FC_TID) | BIT64(FC_COMM) |
	BIT64(FC_FD) | BIT64(FC_TABLE) | BIT64(FC_TYPE) | BIT64(FC_DEV) | BIT64(FC_INO) |
	BIT64(FC_FILEID) | BIT64(FC_REFS) | BIT64(FC_DELETED) | BIT64(FC_PATH);

/*
 * The columns of @kind (files or sockets) the view needs, bit per column
 * index; 0: every one. Only the plain fd list and --holders, without -Q
 * or a selection by what an fd is, need fewer: their columns name what
 * they read.
 */
u64 columns_want(const struct opts *o, enum fds_kind kind)
{
	size_t i;

	if (o->filter || select_has_fd_filters(&o->sel))
		return 0;
	if (o->view == VIEW_HOLDERS)
		return kind == FDS_FILES ? holders_files : 0;
	if (o->view != VIEW_LIST || o->name_tcp)
		return 0;
	for (i = 0; i < o->ncols; i++) {
		if (!lean_col(o->cols[i]))
			return 0;
	}
	switch (kind) {
	case FDS_FILES:
		return lean_files;
	case FDS_SOCKETS:
		return lean_sockets;
	default:
		return 0;
	}
}

static const char *num(struct sbuf *b, u64 v)
{
	sb_reset(b);
	sb_addu(b, v);
	return b->s;
}

static const char *hexid(struct sbuf *b, u64 v)
{
	char tmp[24];

	snprintf(tmp, sizeof(tmp), "%015llx", (unsigned long long)v);
	sb_reset(b);
	sb_add(b, tmp);
	return b->s;
}

static const char *snum(struct sbuf *b, s64 v)
{
	sb_reset(b);
	if (v < 0)
		sb_addc(b, '-');
	sb_addu(b, v < 0 ? 0 - (u64)v : (u64)v);
	return b->s;
}

static const char *flag(bool have, int v)
{
	return have ? (v ? "1" : "0") : NULL;
}

/* The sockets-file columns that are one u64 field each, shown as is. */
#define SOCK_NUM(c, sc, f)	{ c, sc, offsetof(struct fds_sock, f) }

static const struct {
	int col;
	int sc;
	size_t off;
} sock_nums[] = {
	SOCK_NUM(COL_TCP_RTT, SC_RTT, rtt),
	SOCK_NUM(COL_TCP_RTTVAR, SC_RTTVAR, rttvar),
	SOCK_NUM(COL_TCP_RTO, SC_RTO, rto),
	SOCK_NUM(COL_TCP_CWND, SC_CWND, cwnd),
	SOCK_NUM(COL_TCP_SSTHRESH, SC_SSTHRESH, ssthresh),
	SOCK_NUM(COL_TCP_UNACKED, SC_UNACKED, unacked),
	SOCK_NUM(COL_TCP_RETRANS, SC_RETRANS, retrans),
	SOCK_NUM(COL_TCP_TOTAL_RETRANS, SC_TOTAL_RETRANS, total_retrans),
	SOCK_NUM(COL_TCP_RCV_SPACE, SC_RCV_SPACE, rcv_space),
	SOCK_NUM(COL_TCP_SND_WND, SC_SND_WND, snd_wnd),
	SOCK_NUM(COL_SOCK_RMEM, SC_RMEM, rmem),
	SOCK_NUM(COL_SOCK_RCVBUF, SC_RCVBUF, rcvbuf),
	SOCK_NUM(COL_SOCK_WMEM, SC_WMEM, wmem),
	SOCK_NUM(COL_SOCK_SNDBUF, SC_SNDBUF, sndbuf),
	SOCK_NUM(COL_SOCK_WMEM_QUEUED, SC_WMEM_QUEUED, wmem_queued),
	SOCK_NUM(COL_SOCK_OPTMEM, SC_OPTMEM, optmem),
	SOCK_NUM(COL_SOCK_BACKLOG, SC_SK_BACKLOG, sk_backlog),
	SOCK_NUM(COL_SOCK_COOKIE, SC_COOKIE, cookie),
};

static const char *sock_num_value(const struct fds_sock *s, int col, struct sbuf *b)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sock_nums); i++) {
		if (sock_nums[i].col != col)
			continue;
		if (!HAVE(s, sock_nums[i].sc))
			return NULL;
		return num(b, *(const u64 *)((const char *)s + sock_nums[i].off));
	}
	return NULL;
}

/* The sockets-file columns; NULL when the row is no socket or "-". */
static const char *sock_value(struct model *m, size_t row, int col, struct sbuf *b)
{
	const struct fds_sock *s = model_sock(m, row);

	if (!s)
		return NULL;
	switch (col) {
	case COL_FAMILY:
		return s->family;
	case COL_SOCKTYPE:
		return s->type;
	case COL_PROTO:
		return s->proto;
	case COL_STATE:
		return s->state;
	case COL_LOCAL:
		return s->local;
	case COL_REMOTE:
		return s->remote;
	case COL_RXQ:
		return HAVE(s, SC_RXQ) ? num(b, s->rxq) : NULL;
	case COL_TXQ:
		return HAVE(s, SC_TXQ) ? num(b, s->txq) : NULL;
	case COL_DROPS:
		return HAVE(s, SC_DROPS) ? num(b, s->drops) : NULL;
	case COL_PEER:
		return HAVE(s, SC_PEER) ? num(b, s->peer) : NULL;
	case COL_INFLIGHT:
		return HAVE(s, SC_INFLIGHT) ? num(b, s->inflight) : NULL;
	case COL_BACKLOG:
		return s->backlog;
	case COL_GROUPS:
		return s->groups;
	case COL_NETNS:
		return HAVE(s, SC_NETNS) ? num(b, s->netns) : NULL;
	case COL_SOCK_FWD_ALLOC:
		return HAVE(s, SC_FWD_ALLOC) ? snum(b, s->fwd_alloc) : NULL;
	case COL_SOCK_DROPS:
		return HAVE(s, SC_DROPS) ? num(b, s->drops) : NULL;
	case COL_SOCK_SHUTDOWN:
		return s->shutdown;
	}
	return sock_num_value(s, col, b);
}

/*
 * The text of column @col for files row @row: a pointer into the record or
 * into @b, valid until the next call with @b. NULL when it does not apply.
 */
const char *column_value(struct model *m, size_t row, int col, struct sbuf *b)
{
	const struct fds_file *f = &m->files[row];
	const struct fds_task *t;

	switch (col) {
	case COL_COMMAND:
		return f->comm;
	case COL_PID:
		return num(b, (u64)f->pid);
	case COL_TID:
		return num(b, (u64)(HAVE(f, FC_TID) ? f->tid : f->pid));
	case COL_USER:
		return model_user(m, f->pid, f->tid);
	case COL_UID:
		t = model_task(m, f->pid, f->tid);
		return t && HAVE(t, TC_UID) ? num(b, t->uid) : NULL;
	case COL_FD:
		return HAVE(f, FC_FD) ? num(b, (u64)f->fd) : NULL;
	case COL_ASSOC:
		return model_assoc(m, row, b);
	case COL_START:
		return HAVE(f, FC_START) ? num(b, f->start) : NULL;
	case COL_MODE:
		if (f->hold && f->hold->map_prot) {
			/* A mapping's protection, as lsfd shows it: "r-x". */
			sb_reset(b);
			sb_addn(b, f->hold->map_prot, strnlen(f->hold->map_prot, 3));
			return b->s;
		}
		return mode_text(f->mode);
	case COL_TYPE:
		return f->type;
	case COL_DEV:
		return f->dev;
	case COL_INODE:
		return HAVE(f, FC_INO) ? num(b, f->ino) : NULL;
	case COL_POS:
		return HAVE(f, FC_POS) ? num(b, f->pos) : NULL;
	case COL_FLAGS:
		return f->flags;
	case COL_NAME:
		return model_name(m, row, b);
	case COL_PATH:
		return f->path;
	case COL_FILEID:
		return HAVE(f, FC_FILEID) ? hexid(b, f->fileid) : NULL;
	case COL_REFS:
		return HAVE(f, FC_REFS) ? num(b, f->refs) : NULL;
	case COL_TABLE:
		return HAVE(f, FC_TABLE) ? hexid(b, f->table) : NULL;
	case COL_CLOEXEC:
		return flag(HAVE(f, FC_CLOEXEC), f->cloexec);
	case COL_DELETED:
		return flag(HAVE(f, FC_DELETED), f->deleted);
	case COL_XMODE:
		return xmode_text(m, row, b);
	case COL_LOCKS:
		return locks_column(m, row, b);
	case COL_EVENTPOLL_TFDS:
		return epoll_tfds(m, row, b);
	case COL_DETAILS ... COL_TUN_IFACE:
		return details_column(m, row, col, b);
	case COL_ENDPOINTS:
	case COL_WATCHED_BY:
	case COL_HOLDERS:
		holders_reset(&m->eps, LIST_MAX);
		if (!column_list(m, row, col, &m->eps))
			return NULL;
		sb_reset(b);
		holders_text(&m->eps, b);
		return b->s;
	}
	return sock_value(m, row, col, b);
}

/* The entries of list column @col (ENDPOINTS, WATCHED-BY, HOLDERS); false if none apply. */
bool column_list(struct model *m, size_t row, int col, struct holders *h)
{
	if (col == COL_WATCHED_BY)
		return epoll_watchers(m, row, h);
	if (col == COL_HOLDERS)
		return !model_is_holder(m, row) && model_other_holders(m, row, h);
	return model_endpoints(m, row, h);
}

const char *json_type_name(int type)
{
	switch (type) {
	case J_NUM:
		return "number";
	case J_BOOL:
		return "boolean";
	case J_LOCKS:
	case J_NUMS:
	case J_LIST:
		return "array";
	case J_PAIR:
	case J_COUNTS:
		return "object";
	}
	return "string";
}

/* An access mode as lsfd's MODE column shows it: "r" is "r--". */
const char *mode_text(const char *mode)
{
	if (!mode)
		return NULL;
	if (!strcmp(mode, "r"))
		return "r--";
	if (!strcmp(mode, "w"))
		return "-w-";
	if (!strcmp(mode, "rw"))
		return "rw-";
	if (!strcmp(mode, "-"))
		return "---";	/* O_PATH: neither */
	return mode;
}

/* --list-columns */
int columns_list(const struct opts *o)
{
	struct out *t = out_new(o, "columns", NULL);
	int i;

	out_column(t, "COLUMN", J_STR, 0);
	out_column(t, "TYPE", J_STR, 0);
	out_column(t, "DESCRIPTION", J_STR, 0);
	for (i = 0; i < NCOLUMNS; i++) {
		if (out_row(t)) {
			out_discard(t);
			return -1;
		}
		out_cell(t, 0, columns[i].name);
		out_cell(t, 1, json_type_name(columns[i].json));
		out_cell(t, 2, columns[i].help);
	}
	return out_print(t);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope: the three files joined. Every join is a hash lookup: files to
 * sockets on fileid, files to tasks on pid+tid, a unix socket to its peer on
 * the peer's inode, a pipe or FIFO to its other end on its inode. The indexes
 * that only some views need are built on first use.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fdscope.h"

static u64 task_key(int pid, int tid)
{
	return (u64)(u32)pid << 32 | (u32)tid;
}

static int task_key_of(const void *ctx, size_t i, u64 *k)
{
	const struct fds_task *t = (const struct fds_task *)ctx + i;

	*k = task_key(t->pid, t->tid);
	return 1;
}

static int fileid_key(const void *ctx, size_t i, u64 *k)
{
	const struct fds_sock *s = (const struct fds_sock *)ctx + i;

	*k = s->fileid;
	return HAVE(s, SC_FILEID);
}

/* A sockets record's fd, as model_fd_key() keys it (tid 0 when it is "-"). */
u64 model_sock_key(const struct fds_sock *s)
{
	return model_fd_key(s->pid, s->tid, s->fd);
}

/* idx_chain() over sockets records by model_sock_key(). */
int model_sock_key_of(const void *ctx, size_t i, u64 *k)
{
	*k = model_sock_key((const struct fds_sock *)ctx + i);
	return 1;
}

/*
 * files -> sockets, into m->file_sock. The two files are separate reads,
 * so an fd may have changed in between: the inode must agree as well. On
 * the file description's identity when both have it; else (a reader that
 * asked for fewer fields) on the fd, for the fd rows.
 */
static void join_sockets(struct model *m)
{
	bool by_fileid = (m->tab[FDS_FILES].cols & (1ull << FC_FILEID)) &&
			 (m->tab[FDS_SOCKETS].cols & (1ull << SC_FILEID));
	struct idx ix;
	u32 *next;
	size_t i;

	m->file_sock = xmalloc((m->nrows ? m->nrows : 1) * sizeof(*m->file_sock));
	next = idx_new_next(m->nsocks);
	idx_chain(&ix, next, m->nsocks, by_fileid ? fileid_key : model_sock_key_of, m->socks);
	for (i = 0; i < m->nrows; i++) {
		const struct fds_file *f = &m->files[i];
		const struct fds_sock *s;
		u32 j = IDX_NONE;

		if (by_fileid && HAVE(f, FC_FILEID))
			j = idx_get(&ix, f->fileid);
		else if (!by_fileid && i < m->nfiles)
			j = idx_get(&ix, model_fd_key(f->pid, f->tid, f->fd));
		for (; j != IDX_NONE; j = next[j]) {
			s = &m->socks[j];
			if (HAVE(f, FC_INO) && HAVE(s, SC_INO) && s->ino != f->ino)
				continue;
			if (!by_fileid && (s->pid != f->pid || s->tid != f->tid || s->fd != f->fd))
				continue;
			break;
		}
		m->file_sock[i] = j;
	}
	free(next);
	idx_free(&ix);
}

/*
 * The module names unix states as unix_diag does; fdscope shows them with
 * TCP's words, as ss does, so that one expression finds every listener.
 */
static void unix_states(struct fds_sock *socks, size_t n)
{
	static const char * const names[][2] = {
		{ "listen", "LISTEN" }, { "connected", "ESTABLISHED" },
		{ "unconnected", "CLOSE" },
	};
	size_t i, k;

	for (i = 0; i < n; i++) {
		if (!socks[i].state || !streq(socks[i].family, "unix"))
			continue;
		for (k = 0; k < ARRAY_SIZE(names); k++) {
			if (!strcmp(socks[i].state, names[k][0]))
				socks[i].state = names[k][1];
		}
	}
}

/* The holders columns that are files columns too. */
static const unsigned char hold_to_file[][2] = {
	{ HC_PID, FC_PID }, { HC_TID, FC_TID }, { HC_COMM, FC_COMM },
	{ HC_TYPE, FC_TYPE }, { HC_DEV, FC_DEV }, { HC_INO, FC_INO },
	{ HC_FILEID, FC_FILEID }, { HC_REFS, FC_REFS }, { HC_DELETED, FC_DELETED },
	{ HC_PATH, FC_PATH }, { HC_START, FC_START },
};

static void hold_as_file(const struct fds_hold *r, struct fds_file *f)
{
	size_t c;

	memset(f, 0, sizeof(*f));
	for (c = 0; c < ARRAY_SIZE(hold_to_file); c++) {
		if (HAVE(r, hold_to_file[c][0]))
			f->have |= 1ull << hold_to_file[c][1];
	}
	f->pid = r->pid;
	f->tid = r->tid;
	f->fd = -1;
	f->cloexec = -1;
	f->deleted = r->deleted;
	f->comm = r->comm;
	f->type = r->type;
	f->dev = r->dev;
	f->path = r->path;
	f->fileid = r->fileid;
	f->ino = r->ino;
	f->refs = r->refs;
	f->start = r->start;
	f->assoc = r->assoc;
	f->hold = r;
}

/*
 * The holders records become rows after the fds, so that the list, -Q and
 * the joins treat a mapping or a file in flight as they treat an fd.
 */
static void append_holders(struct model *m)
{
	const struct fds_table *h = &m->tab[FDS_HOLDERS];
	struct fds_table *t = &m->tab[FDS_FILES];
	struct fds_file *rows;
	size_t i;

	m->nfiles = t->nrecs;
	m->nrows = t->nrecs + h->nrecs;
	if (!h->nrecs)
		return;
	rows = xbig_realloc(t->recs, m->nrows * sizeof(*rows));
	for (i = 0; i < h->nrecs; i++)
		hold_as_file((const struct fds_hold *)h->recs + i, &rows[t->nrecs + i]);
	t->recs = rows;
}

struct order_key {
	u32 row;
	u64 key;
};

static int by_order_key(const void *a, const void *b)
{
	const struct order_key *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->row < y->row ? -1 : x->row > y->row;
}

/*
 * The list's order: each owner's cwd, root, exe and mappings before its
 * fds, as lsof and lsfd show them, its files in flight and in rings after.
 * An owner with no fd row goes to the end, in the holders file's order.
 * The fd rows keep theirs (fd row i has key 3i+1), so only the holders
 * rows are sorted, then merged into them.
 */
static void order_rows(struct model *m)
{
	size_t nheld = m->nrows - m->nfiles, i, k, h;
	struct order_key *keys;
	struct idx first, last;

	if (!nheld)
		return;
	/* One entry per owner; an owner's rows come in a run, looked up once. */
	idx_init(&first, m->ntasks);
	idx_init(&last, m->ntasks);
	for (i = 0; i < m->nfiles; i = k) {
		u64 owner = task_key(m->files[i].pid, m->files[i].tid);
		u32 *f = idx_slot(&first, owner);

		if (*f == IDX_NONE)
			*f = (u32)i;
		for (k = i + 1; k < m->nfiles && m->files[k].pid == m->files[i].pid &&
		     m->files[k].tid == m->files[i].tid; k++)
			;
		*idx_slot(&last, owner) = (u32)(k - 1);
	}
	keys = xmalloc(nheld * sizeof(*keys));
	for (h = 0; h < nheld; h++) {
		const struct fds_file *f = &m->files[m->nfiles + h];
		bool before = f->assoc && strcmp(f->assoc, "inflight") && strcmp(f->assoc, "uring");
		u32 at = idx_get(before ? &first : &last, task_key(f->pid, f->tid));

		keys[h].row = (u32)(m->nfiles + h);
		keys[h].key = at == IDX_NONE ? (u64)m->nrows * 3 : (u64)at * 3 + (before ? 0 : 2);
	}
	qsort(keys, nheld, sizeof(*keys), by_order_key);
	m->order = xmalloc(m->nrows * sizeof(*m->order));
	for (k = 0, i = 0, h = 0; k < m->nrows; k++) {
		if (h < nheld && (i == m->nfiles || keys[h].key < (u64)i * 3 + 1))
			m->order[k] = keys[h++].row;
		else
			m->order[k] = (u32)i++;
	}
	free(keys);
	idx_free(&first);
	idx_free(&last);
}

/* The row shown @k-th in the list. */
size_t model_row(const struct model *m, size_t k)
{
	return m->order ? m->order[k] : k;
}

void model_init(struct model *m, const struct opts *o)
{
	append_holders(m);
	m->files = m->tab[FDS_FILES].recs;
	m->socks = m->tab[FDS_SOCKETS].recs;
	m->nsocks = m->tab[FDS_SOCKETS].nrecs;
	m->tasks = m->tab[FDS_TASKS].recs;
	m->ntasks = m->tab[FDS_TASKS].nrecs;
	m->locks = m->tab[FDS_LOCKS].recs;
	m->nlocks = m->tab[FDS_LOCKS].nrecs;
	m->epolls = m->tab[FDS_EPOLL].recs;
	m->nepolls = m->tab[FDS_EPOLL].nrecs;
	m->details = m->tab[FDS_DETAILS].recs;
	m->ndetails = m->tab[FDS_DETAILS].nrecs;
	m->threads = o->threads;
	m->name_tcp = o->name_tcp;
	m->live = !o->dir;
	unix_states(m->tab[FDS_SOCKETS].recs, m->nsocks);

	idx_first(&m->task_idx, m->ntasks, task_key_of, m->tasks);

	join_sockets(m);
	order_rows(m);
}

void model_free(struct model *m)
{
	int k;

	for (k = 0; k < FDS_NKINDS; k++) {
		size_t i;

		fds_table_free(&m->tab[k]);
		for (i = 0; i < m->bufs[k].n; i++)
			big_free(m->bufs[k].v[i]);
		free(m->bufs[k].v);
	}
	for (k = 0; k < (int)m->nextra; k++)
		free(m->extra[k]);
	free(m->extra);
	free(m->file_sock);
	free(m->order);
	idx_free(&m->task_idx);
	idx_free(&m->sock_ino);
	free(m->sock_ino_next);
	free(m->sock_ino_count);
	for (k = 0; k < 3; k++)
		idx_free(&m->pipe_ino[k]);
	free(m->pipe_next);
	free(m->pipe_count);
	idx_free(&m->fileid_idx);
	idx_free(&m->fd_idx);
	free(m->fileid_next);
	idx_free(&m->held_ino);
	free(m->held_ino_next);
	holders_free(&m->eps);
	loopback_free(m);
	endpoint_index_free(m);
	lock_index_free(m);
	epoll_index_free(m);
	detail_index_free(m);
	memset(m, 0, sizeof(*m));
}

/* A key for fd @fd of the table of @pid and @tid (0: the process's own). */
u64 model_fd_key(int pid, int tid, int fd)
{
	int v[3] = { pid, tid, fd };

	return hash_bytes(v, sizeof(v), HASH_SEED);
}

static int file_fd_key(const void *ctx, size_t i, u64 *k)
{
	const struct fds_file *f = (const struct fds_file *)ctx + i;

	*k = model_fd_key(f->pid, f->tid, f->fd);
	return HAVE(f, FC_FD);
}

/* The files row of fd @fd of the table of @pid and @tid, or IDX_NONE. */
u32 model_fd_row(struct model *m, int pid, int tid, int fd)
{
	const struct fds_file *f;
	u32 j;

	if (!m->fd_indexed) {
		idx_first(&m->fd_idx, m->nfiles, file_fd_key, m->files);
		m->fd_indexed = true;
	}
	j = idx_get(&m->fd_idx, model_fd_key(pid, tid, fd));
	if (j == IDX_NONE)
		return IDX_NONE;
	f = &m->files[j];
	return f->pid == pid && f->tid == tid && f->fd == fd ? j : IDX_NONE;
}

/* Files rows in the order of the files file: by pid, tid, then fd. */
int model_fd_order(const struct fds_file *x, const struct fds_file *y)
{
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->tid != y->tid)
		return x->tid < y->tid ? -1 : 1;
	return x->fd < y->fd ? -1 : x->fd > y->fd;
}

/*
 * A process's identity across snapshots, FNV-1a over its pid and start
 * time, or over pid and command name when a snapshot lacks start times.
 */
u64 model_task_identity(const struct fds_task *t, bool start)
{
	u64 h = 0xcbf29ce484222325ULL ^ (u64)(u32)t->pid;
	const char *p;

	h *= 0x100000001b3ULL;
	if (start)
		return (h ^ t->start) * 0x100000001b3ULL;
	for (p = t->comm ? t->comm : ""; *p; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
	return h;
}

/* Without -l only the processes' own tables are listed, as lsfd does. */
bool model_visible(const struct model *m, size_t row)
{
	return m->threads || !HAVE(&m->files[row], FC_TID);
}

/* A row from the holders file, not an fd. */
bool model_is_holder(const struct model *m, size_t row)
{
	return row >= m->nfiles;
}

/* ASSOC: the fd number, or what holds the file (cwd, mem, inflight, ...). */
const char *model_assoc(const struct model *m, size_t row, struct sbuf *b)
{
	const struct fds_file *f = &m->files[row];

	if (f->assoc)
		return f->assoc;
	sb_reset(b);
	sb_addu(b, (u64)f->fd);
	return b->s;
}

const struct fds_sock *model_sock(const struct model *m, size_t row)
{
	u32 j = m->file_sock[row];

	return j == IDX_NONE ? NULL : &m->socks[j];
}

const struct fds_task *model_task(const struct model *m, int pid, int tid)
{
	u32 j = idx_get(&m->task_idx, task_key(pid, tid));

	if (j == IDX_NONE && tid)
		j = idx_get(&m->task_idx, task_key(pid, 0));
	return j == IDX_NONE ? NULL : &m->tasks[j];
}

const char *model_user(const struct model *m, int pid, int tid)
{
	const struct fds_task *t = model_task(m, pid, tid);

	return t && HAVE(t, TC_UID) ? user_name(t->uid) : NULL;
}

/* The protocol word NAME starts with, or NULL to spell out the family. */
const char *model_sock_label(const struct fds_sock *s)
{
	static const char * const inet[][2] = {
		{ "tcp", "TCP" }, { "udp", "UDP" }, { "udplite", "UDPLITE" },
		{ "icmp", "ICMP" }, { "icmpv6", "ICMPv6" }, { "sctp", "SCTP" },
		{ "mptcp", "MPTCP" }, { "raw", "RAW" },
	};
	size_t i;

	if (streq(s->family, "inet") || streq(s->family, "inet6")) {
		for (i = 0; i < ARRAY_SIZE(inet); i++) {
			if (streq(s->proto, inet[i][0]))
				return inet[i][1];
		}
		return streq(s->family, "inet") ? "INET" : "INET6";
	}
	if (streq(s->family, "unix")) {
		if (streq(s->type, "dgram"))
			return "UNIX-DGRAM";
		if (streq(s->type, "seqpacket"))
			return "UNIX-SEQPACKET";
		return "UNIX";
	}
	if (streq(s->family, "vsock")) {
		if (streq(s->type, "dgram"))
			return "VSOCK-DGRAM";
		if (streq(s->type, "seqpacket"))
			return "VSOCK-SEQPACKET";
		return "VSOCK";
	}
	if (streq(s->family, "netlink"))
		return "NETLINK";
	if (streq(s->family, "packet"))
		return "PACKET";
	return NULL;
}

bool model_is_unconnected(const char *addr)
{
	return !addr || !strcmp(addr, "0.0.0.0:0") || !strcmp(addr, "[::]:0") ||
	       !strcmp(addr, "0") || !strcmp(addr, "*:*");
}

static void sb_upper(struct sbuf *b, const char *s)
{
	for (; *s; s++)
		sb_addc(b, (*s >= 'a' && *s <= 'z') ? *s - 'a' + 'A' : *s);
}

static int sock_ino_key(const void *ctx, size_t i, u64 *k)
{
	const struct fds_sock *s = (const struct fds_sock *)ctx + i;

	*k = s->ino;
	return HAVE(s, SC_INO);
}

/* Which of the three pipe indexes an end opened with @mode goes to. */
static int pipe_class(const char *mode)
{
	if (streq(mode, "r"))
		return 0;
	if (streq(mode, "w"))
		return 1;
	return 2;
}

/* A key for inode @ino of device @dev: its number, and a hash of the device. */
u64 model_dev_ino_key(const char *dev, u64 ino)
{
	if (!dev)
		dev = "";
	return ino ^ (hash_bytes(dev, strlen(dev), HASH_SEED) * 0x9e3779b97f4a7c15ULL);
}

u64 model_inode_key(const struct fds_file *f)
{
	return model_dev_ino_key(f->dev, f->ino);
}

struct pipe_ctx {
	const struct fds_file *files;
	int class;
};

static int pipe_ino_key(const void *ctx, size_t i, u64 *k)
{
	const struct pipe_ctx *c = ctx;
	const struct fds_file *f = &c->files[i];

	if (!HAVE(f, FC_INO) || !streq(f->type, "FIFO") || pipe_class(f->mode) != c->class)
		return 0;
	*k = model_inode_key(f);
	return 1;
}

static int file_fileid_key(const void *ctx, size_t i, u64 *k)
{
	const struct fds_file *f = (const struct fds_file *)ctx + i;

	*k = f->fileid;
	return HAVE(f, FC_FILEID);
}

void model_index_fileids(struct model *m)
{
	if (m->fileid_next)
		return;
	m->fileid_next = idx_new_next(m->nrows);
	idx_chain(&m->fileid_idx, m->fileid_next, m->nrows, file_fileid_key, m->files);
}

/*
 * The holders of row's open file description that are no fd (a mapping,
 * the exe link, a message in flight, an io_uring slot), added to @h.
 * Returns how many there are.
 */
size_t model_other_holders(struct model *m, size_t row, struct holders *h)
{
	const struct fds_file *f = &m->files[row];
	size_t start = h->total;
	u32 j;

	if (!HAVE(f, FC_FILEID) || m->nrows == m->nfiles)
		return 0;
	model_index_fileids(m);
	for (j = idx_get(&m->fileid_idx, f->fileid); j != IDX_NONE; j = m->fileid_next[j]) {
		if (model_is_holder(m, j) && j != row)
			holders_add_file(h, &m->files[j], false);
	}
	return h->total - start;
}

static int held_socket_key(const void *ctx, size_t i, u64 *k)
{
	const struct model *m = ctx;
	const struct fds_file *f = &m->files[m->nfiles + i];

	*k = f->ino;
	return HAVE(f, FC_INO) && streq(f->type, "SOCK");
}

/* The first holders row of socket inode @ino (a socket in flight), or IDX_NONE. */
u32 model_held_socket(struct model *m, u64 ino)
{
	u32 j;

	if (!m->held_ino_next) {
		m->held_ino_next = idx_new_next(m->nrows - m->nfiles);
		idx_chain(&m->held_ino, m->held_ino_next, m->nrows - m->nfiles,
			  held_socket_key, m);
	}
	j = idx_get(&m->held_ino, ino);
	return j == IDX_NONE ? IDX_NONE : (u32)(m->nfiles + j);
}

static void index_sockets(struct model *m)
{
	if (m->sock_ino_next)
		return;
	m->sock_ino_next = idx_new_next(m->nsocks);
	m->sock_ino_count = xcalloc(m->nsocks + 1, sizeof(*m->sock_ino_count));
	idx_chain(&m->sock_ino, m->sock_ino_next, m->nsocks, sock_ino_key, m->socks);
	idx_count(&m->sock_ino, m->sock_ino_next, m->sock_ino_count);
}

static void index_pipes(struct model *m)
{
	struct pipe_ctx c = { m->files, 0 };

	if (m->pipe_next)
		return;
	/* A pipe end in flight has no mode: it counts as either end. */
	m->pipe_next = idx_new_next(m->nrows);
	m->pipe_count = xcalloc(m->nrows + 1, sizeof(*m->pipe_count));
	for (c.class = 0; c.class < 3; c.class++) {
		idx_chain(&m->pipe_ino[c.class], m->pipe_next, m->nrows, pipe_ino_key, &c);
		idx_count(&m->pipe_ino[c.class], m->pipe_next, m->pipe_count);
	}
}

/* The first sockets row of socket inode @ino, or NULL. */
const struct fds_sock *model_sock_by_ino(struct model *m, u64 ino)
{
	u32 j;

	index_sockets(m);
	j = idx_get(&m->sock_ino, ino);
	return j == IDX_NONE ? NULL : &m->socks[j];
}

static bool unix_endpoints(struct model *m, const struct fds_sock *s, struct holders *h)
{
	size_t count, walked = 0;
	struct holder *e;
	u32 j;

	/* Peer inode 0: the peer socket is gone. */
	if (!HAVE(s, SC_PEER) || !s->peer)
		return false;
	index_sockets(m);
	j = idx_get(&m->sock_ino, s->peer);
	if (j == IDX_NONE && model_held_socket(m, s->peer) != IDX_NONE) {
		/* No fd holds the peer, but a message in flight or a ring does. */
		for (j = model_held_socket(m, s->peer); j != IDX_NONE;
		     j = m->held_ino_next[j - m->nfiles])
			holders_add_file(h, &m->files[j], false);
		return true;
	}
	if (j == IDX_NONE) {
		e = holders_add(h);
		if (e)
			e->inode = s->peer;
		return true;
	}
	count = m->sock_ino_count[j];
	for (; j != IDX_NONE; j = m->sock_ino_next[j]) {
		walked++;
		if (!holders_add_sock(h, &m->socks[j]))
			break;
	}
	/* The rest are counted, not walked. */
	holders_skip(h, count - walked);
	return true;
}

bool model_same_inode(const struct fds_file *a, const struct fds_file *b)
{
	if (a->ino != b->ino)
		return false;
	return a->dev && b->dev ? !strcmp(a->dev, b->dev) : a->dev == b->dev;
}

/* Add the fds that hold socket inode @ino to @h; false when no fd does. */
bool model_socket_fds(struct model *m, u64 ino, struct holders *h)
{
	u32 j;

	index_sockets(m);
	j = idx_get(&m->sock_ino, ino);
	if (j == IDX_NONE)
		return false;
	for (; j != IDX_NONE; j = m->sock_ino_next[j]) {
		const struct fds_sock *s = &m->socks[j];

		holders_add_fd(h, s->pid, HAVE(s, SC_TID) ? s->tid : 0, s->comm, s->fd, NULL);
	}
	return true;
}

/*
 * The other end of a pipe or FIFO: the fds on its inode opened the other
 * way, or either way for rw. Each kind of end has its own chain, so that the
 * walk stops after the entries shown however many fds share the pipe.
 */
static bool pipe_endpoints(struct model *m, size_t row, struct holders *h)
{
	const struct fds_file *f = &m->files[row];
	int self = pipe_class(f->mode), c;
	size_t start = h->total;
	u64 key;
	u32 j;

	index_pipes(m);
	key = model_inode_key(f);
	for (c = 0; c < 3; c++) {
		size_t count, walked = 0;

		if (c == self && c != 2)
			continue;
		j = idx_get(&m->pipe_ino[c], key);
		if (j == IDX_NONE)
			continue;
		count = m->pipe_count[j] - (c == self);
		for (; j != IDX_NONE && walked < count; j = m->pipe_next[j]) {
			const struct fds_file *p = &m->files[j];

			if (j == row || !model_same_inode(p, f))
				continue;
			if (h->n >= h->max)
				break;
			walked++;
			holders_add_file(h, p, !p->assoc);
		}
		/* The rest are counted, not walked. */
		holders_skip(h, count - walked);
	}
	return h->total > start;
}

/*
 * The processes on the other end of row's pipe, FIFO, unix socket, or of
 * the kinds in endpoint_kinds.c, at most h->max of them kept; a unix peer
 * that no listed fd holds is an entry with its inode. Returns false when
 * there is no other end.
 */
bool model_endpoints(struct model *m, size_t row, struct holders *h)
{
	const struct fds_file *f = &m->files[row];
	const struct fds_sock *s = model_sock(m, row);

	if (s && streq(s->family, "unix") && unix_endpoints(m, s, h))
		return true;
	if (!s && streq(f->type, "FIFO") && HAVE(f, FC_INO))
		return pipe_endpoints(m, row, h);
	if (!s && details_endpoints(m, row, h))
		return true;
	return endpoint_kinds(m, row, s, h);
}

/* Microseconds as ss -i shows milliseconds: "0.042", "200". */
static void sb_add_ms(struct sbuf *b, u64 us)
{
	char tmp[32];

	snprintf(tmp, sizeof(tmp), "%g", (double)us / 1000);
	sb_add(b, tmp);
}

/*
 * What ss -i shows first of a TCP connection, for NAME with -o +TCP:
 * " rtt=0.042ms rto=200ms cwnd=10", then ssthresh once it is set (after a
 * loss), unacked and retrans (over the connection's life) when not 0.
 */
static void name_tcp_info(struct sbuf *b, const struct fds_sock *s)
{
	if (!HAVE(s, SC_RTT) || !HAVE(s, SC_CWND))
		return;
	sb_add(b, " rtt=");
	sb_add_ms(b, s->rtt);
	sb_add(b, "ms");
	if (HAVE(s, SC_RTO)) {
		sb_add(b, " rto=");
		sb_add_ms(b, s->rto);
		sb_add(b, "ms");
	}
	sb_add(b, " cwnd=");
	sb_addu(b, s->cwnd);
	/* TCP_INFINITE_SSTHRESH: ss leaves it out too. */
	if (HAVE(s, SC_SSTHRESH) && s->ssthresh < 0x7fffffff) {
		sb_add(b, " ssthresh=");
		sb_addu(b, s->ssthresh);
	}
	if (HAVE(s, SC_UNACKED) && s->unacked) {
		sb_add(b, " unacked=");
		sb_addu(b, s->unacked);
	}
	if (HAVE(s, SC_TOTAL_RETRANS) && s->total_retrans) {
		sb_add(b, " retrans=");
		sb_addu(b, s->total_retrans);
	}
}

/*
 * NAME: the path, or for a socket a one-line description such as
 * "TCP 127.0.0.1:5000->127.0.0.1:43210 ESTABLISHED" or
 * "UNIX /run/x.sock -> 1234,nginx,7" (without the processes on the other
 * end unless @peers), "VSOCK 2:1024->3:5000 ESTABLISHED"; with -o +TCP, a
 * TCP socket's ends in ss -i's terms: "... ESTABLISHED rtt=0.042ms ...".
 */
const char *model_name_ex(struct model *m, size_t row, struct sbuf *b, bool peers)
{
	const struct fds_file *f = &m->files[row];
	const struct fds_sock *s = model_sock(m, row);
	const char *label;

	if (!s) {
		label = details_name(m, row, b);
		return label ? label : f->path;
	}
	sb_reset(b);
	label = model_sock_label(s);
	if (label)
		sb_add(b, label);
	else
		sb_upper(b, s->family ? s->family : "socket");

	if (streq(s->family, "inet") || streq(s->family, "inet6") ||
	    streq(s->family, "vsock")) {
		sb_addc(b, ' ');
		sb_add(b, s->local ? s->local : "?");
		if (!model_is_unconnected(s->remote)) {
			sb_add(b, "->");
			sb_add(b, s->remote);
		}
		if (s->state && !streq(s->type, "dgram") && !streq(s->type, "raw")) {
			sb_addc(b, ' ');
			sb_add(b, s->state);
		}
		if (m->name_tcp && streq(s->proto, "tcp"))
			name_tcp_info(b, s);
	} else if (streq(s->family, "unix")) {
		if (s->local) {
			sb_addc(b, ' ');
			sb_add(b, s->local);
		}
		if (streq(s->state, "LISTEN"))
			sb_add(b, " LISTEN");
		if (HAVE(s, SC_PEER) && s->peer && (peers || (!s->local && s->remote)))
			sb_add(b, " ->");
		if (HAVE(s, SC_PEER) && !s->local && s->remote) {
			sb_addc(b, ' ');
			sb_add(b, s->remote);
		}
		if (HAVE(s, SC_PEER) && s->peer && peers) {
			sb_addc(b, ' ');
			holders_reset(&m->eps, 3);
			model_endpoints(m, row, &m->eps);
			holders_text(&m->eps, b);
		}
	} else if (streq(s->family, "netlink")) {
		const char *p = s->proto ? s->proto : "?";

		if (!strncmp(p, "NETLINK_", 8) && p[8])
			p += 8;
		sb_addc(b, ' ');
		sb_add(b, p);
		if (s->local) {
			sb_addc(b, ' ');
			sb_add(b, s->local);
		}
		if (!model_is_unconnected(s->remote)) {
			sb_add(b, "->");
			sb_add(b, s->remote);
		}
	} else {
		if (s->proto) {
			sb_addc(b, ' ');
			sb_add(b, s->proto);
		} else if (s->type) {
			sb_addc(b, ' ');
			sb_upper(b, s->type);
		}
		if (s->local) {
			sb_addc(b, ' ');
			sb_add(b, s->local);
		}
	}
	return b->s;
}

const char *model_name(struct model *m, size_t row, struct sbuf *b)
{
	return model_name_ex(m, row, b, true);
}

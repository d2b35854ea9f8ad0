// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope: the three files joined. Every join is a hash lookup: files to
 * sockets on fileid, files to tasks on pid+tid, a unix socket to its peer on
 * the peer's inode, a pipe or FIFO to its other end on its inode. The indexes
 * that only some views need are built on first use.
 */
#include <stdlib.h>
#include <string.h>

#include "fdscope.h"

static u64 task_key(int pid, int tid)
{
	return (u64)(u32)pid << 32 | (u32)tid;
}

static int fileid_key(const void *ctx, size_t i, u64 *k)
{
	const struct fds_sock *s = (const struct fds_sock *)ctx + i;

	*k = s->fileid;
	return HAVE(s, SC_FILEID);
}

void model_init(struct model *m, const struct opts *o)
{
	struct idx ix;
	u32 *next;
	size_t i;

	m->files = m->tab[FDS_FILES].recs;
	m->nfiles = m->tab[FDS_FILES].nrecs;
	m->socks = m->tab[FDS_SOCKETS].recs;
	m->nsocks = m->tab[FDS_SOCKETS].nrecs;
	m->tasks = m->tab[FDS_TASKS].recs;
	m->ntasks = m->tab[FDS_TASKS].nrecs;
	m->threads = o->threads;
	m->list_sep = o->json ? '\n' : ' ';

	idx_init(&m->task_idx, m->ntasks);
	for (i = 0; i < m->ntasks; i++) {
		const struct fds_task *t = &m->tasks[i];
		u32 *slot = idx_slot(&m->task_idx, task_key(t->pid, t->tid));

		if (*slot == IDX_NONE)
			*slot = (u32)i;
	}

	/*
	 * files -> sockets on fileid. The two files are separate reads, so an
	 * fd may have changed in between: the inode must agree as well.
	 */
	m->file_sock = xmalloc((m->nfiles ? m->nfiles : 1) * sizeof(*m->file_sock));
	next = idx_chain(&ix, m->nsocks, fileid_key, m->socks);
	for (i = 0; i < m->nfiles; i++) {
		const struct fds_file *f = &m->files[i];
		u32 j = HAVE(f, FC_FILEID) ? idx_get(&ix, f->fileid) : IDX_NONE;

		while (j != IDX_NONE && HAVE(f, FC_INO) && HAVE(&m->socks[j], SC_INO) &&
		       m->socks[j].ino != f->ino)
			j = next[j];
		m->file_sock[i] = j;
	}
	free(next);
	idx_free(&ix);
}

void model_free(struct model *m)
{
	int k;

	for (k = 0; k < FDS_NKINDS; k++) {
		fds_table_free(&m->tab[k]);
		free(m->buf[k]);
	}
	free(m->file_sock);
	idx_free(&m->task_idx);
	idx_free(&m->sock_ino);
	free(m->sock_ino_next);
	idx_free(&m->pipe_ino);
	free(m->pipe_ino_next);
	idx_free(&m->fileid_idx);
	free(m->fileid_next);
	memset(m, 0, sizeof(*m));
}

/* Without -l only the processes' own tables are listed, as lsfd does. */
bool model_visible(const struct model *m, size_t row)
{
	return m->threads || !HAVE(&m->files[row], FC_TID);
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

static bool streq(const char *a, const char *b)
{
	return a && !strcmp(a, b);
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
	if (streq(s->family, "netlink"))
		return "NETLINK";
	if (streq(s->family, "packet"))
		return "PACKET";
	return NULL;
}

bool model_is_unconnected(const char *addr)
{
	return !addr || !strcmp(addr, "0.0.0.0:0") || !strcmp(addr, "[::]:0") ||
	       !strcmp(addr, "0");
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

static int pipe_ino_key(const void *ctx, size_t i, u64 *k)
{
	const struct fds_file *f = (const struct fds_file *)ctx + i;

	*k = f->ino;
	return HAVE(f, FC_INO) && streq(f->type, "FIFO");
}

static int file_fileid_key(const void *ctx, size_t i, u64 *k)
{
	const struct fds_file *f = (const struct fds_file *)ctx + i;

	*k = f->fileid;
	return HAVE(f, FC_FILEID);
}

void model_index_fileids(struct model *m)
{
	if (!m->fileid_next)
		m->fileid_next = idx_chain(&m->fileid_idx, m->nfiles, file_fileid_key, m->files);
}

static void add_holder(struct sbuf *b, int pid, const char *comm, int fd, const char *mode)
{
	sb_addu(b, (u64)pid);
	sb_addc(b, ',');
	sb_add(b, comm ? comm : "-");
	sb_addc(b, ',');
	sb_addu(b, (u64)fd);
	if (mode)
		sb_add(b, mode);
}

/* "PID,COMMAND,FD" and, with @mode, the access mode: "1234,cat,3w". */
void model_holder(const struct model *m, size_t row, struct sbuf *b, bool mode)
{
	const struct fds_file *f = &m->files[row];

	add_holder(b, f->pid, f->comm, f->fd, mode ? f->mode : NULL);
}

/* Can an fd opened with @mode talk to one opened with @other? */
static bool other_end(const char *mode, const char *other)
{
	if (!mode || !other || !strcmp(mode, "rw") || !strcmp(other, "rw"))
		return true;
	return strcmp(mode, other) != 0;
}

/*
 * Append the processes on the other end of row's pipe, FIFO or unix socket:
 * at most @max entries separated by @sep, then "+N more". A unix peer that
 * no listed fd holds is shown as socket:[INODE]. Returns false when there is
 * no other end.
 */
static bool endpoints(struct model *m, size_t row, struct sbuf *b, size_t max, char sep)
{
	const struct fds_file *f = &m->files[row];
	const struct fds_sock *s = model_sock(m, row);
	size_t n = 0;
	u32 j;

	if (s && streq(s->family, "unix")) {
		/* Peer inode 0: the peer socket is gone. */
		if (!HAVE(s, SC_PEER) || !s->peer)
			return false;
		if (!m->sock_ino_next)
			m->sock_ino_next = idx_chain(&m->sock_ino, m->nsocks, sock_ino_key,
						     m->socks);
		for (j = idx_get(&m->sock_ino, s->peer); j != IDX_NONE; j = m->sock_ino_next[j]) {
			const struct fds_sock *p = &m->socks[j];

			if (n++ >= max)
				continue;
			if (n > 1)
				sb_addc(b, sep);
			add_holder(b, p->pid, p->comm, p->fd, NULL);
		}
		if (!n) {
			sb_add(b, "socket:[");
			sb_addu(b, s->peer);
			sb_addc(b, ']');
			return true;
		}
	} else if (!s && streq(f->type, "FIFO") && HAVE(f, FC_INO)) {
		if (!m->pipe_ino_next)
			m->pipe_ino_next = idx_chain(&m->pipe_ino, m->nfiles, pipe_ino_key,
						     m->files);
		for (j = idx_get(&m->pipe_ino, f->ino); j != IDX_NONE; j = m->pipe_ino_next[j]) {
			const struct fds_file *p = &m->files[j];

			if (j == row || !other_end(f->mode, p->mode) ||
			    (f->dev && p->dev && strcmp(f->dev, p->dev)))
				continue;
			if (n++ >= max)
				continue;
			if (n > 1)
				sb_addc(b, sep);
			model_holder(m, j, b, true);
		}
		if (!n)
			return false;
	} else {
		return false;
	}
	if (n > max) {
		sb_addc(b, sep);
		sb_addc(b, '+');
		sb_addu(b, n - max);
		sb_add(b, " more");
	}
	return true;
}

bool model_endpoints(struct model *m, size_t row, struct sbuf *b)
{
	sb_reset(b);
	return endpoints(m, row, b, LIST_MAX, m->list_sep);
}

/*
 * NAME: the path, or for a socket a one-line description such as
 * "TCP 127.0.0.1:5000->127.0.0.1:43210 ESTABLISHED" or
 * "UNIX /run/x.sock -> 1234,nginx,7" (without the processes on the other
 * end unless @peers).
 */
const char *model_name_ex(struct model *m, size_t row, struct sbuf *b, bool peers)
{
	const struct fds_file *f = &m->files[row];
	const struct fds_sock *s = model_sock(m, row);
	const char *label;

	if (!s)
		return f->path;
	sb_reset(b);
	label = model_sock_label(s);
	if (label)
		sb_add(b, label);
	else
		sb_upper(b, s->family ? s->family : "socket");

	if (streq(s->family, "inet") || streq(s->family, "inet6")) {
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
	} else if (streq(s->family, "unix")) {
		if (s->local) {
			sb_addc(b, ' ');
			sb_add(b, s->local);
		}
		if (streq(s->state, "listen"))
			sb_add(b, " LISTEN");
		if (HAVE(s, SC_PEER) && s->peer && (peers || (!s->local && s->remote)))
			sb_add(b, " ->");
		if (HAVE(s, SC_PEER) && !s->local && s->remote) {
			sb_addc(b, ' ');
			sb_add(b, s->remote);
		}
		if (HAVE(s, SC_PEER) && s->peer && peers) {
			sb_addc(b, ' ');
			endpoints(m, row, b, 3, ' ');
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

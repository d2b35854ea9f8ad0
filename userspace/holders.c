// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope: lists of the fds or tasks at the other end of something (the
 * ENDPOINTS, HOLDERS and SHARED columns). A list keeps at most ->max
 * entries and counts them all, so that a table shows the first few and
 * "+N more" while JSON gets every one.
 */
#include <stdlib.h>
#include <string.h>

#include "fdscope.h"

/* Empty @h, to keep at most @max entries. */
void holders_reset(struct holders *h, size_t max)
{
	h->n = 0;
	h->total = 0;
	h->max = max;
}

/* Count one more entry; the slot to fill, or NULL when the list is full. */
struct holder *holders_add(struct holders *h)
{
	struct holder *e;

	h->total++;
	if (h->n >= h->max)
		return NULL;
	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 16;
		h->v = xrealloc(h->v, h->cap, sizeof(*h->v));
	}
	e = &h->v[h->n++];
	e->pid = 0;
	e->tid = 0;
	e->comm = NULL;
	e->fd = -1;
	e->mode = NULL;
	e->assoc = NULL;
	e->inode = 0;
	return e;
}

/* Count @n more entries that are not kept. */
void holders_skip(struct holders *h, size_t n)
{
	h->total += n;
}

/* An fd as an entry; false when the list is full (it is counted). */
bool holders_add_fd(struct holders *h, int pid, int tid, const char *comm, int fd,
		    const char *mode)
{
	struct holder *e = holders_add(h);

	if (!e)
		return false;
	e->pid = pid;
	e->tid = tid;
	e->comm = comm;
	e->fd = fd;
	e->mode = mode;
	return true;
}

/*
 * Row @f as an entry: its process, fd and, with @mode, access mode; for a
 * holders row, what holds the file instead of the fd.
 */
void holders_add_file(struct holders *h, const struct fds_file *f, bool mode)
{
	if (!holders_add_fd(h, f->pid, HAVE(f, FC_TID) ? f->tid : 0, f->comm, f->fd,
			    mode ? f->mode : NULL) || !f->assoc)
		return;
	h->v[h->n - 1].assoc = f->assoc;
}

/* Sockets row @s as an entry: its process and fd; false when full. */
bool holders_add_sock(struct holders *h, const struct fds_sock *s)
{
	return holders_add_fd(h, s->pid, HAVE(s, SC_TID) ? s->tid : 0, s->comm, s->fd, NULL);
}

/*
 * One entry as text: "PID,COMMAND,FD" and the mode ("1301,grep,0r-"),
 * "PID[/TID],COMMAND" for a task, "PID,COMMAND,ASSOC" for a holder that is
 * no fd ("933,redis,mem"), "socket:[INODE]" for a socket no listed fd holds.
 */
static void holder_text(const struct holder *e, struct sbuf *b)
{
	if (!e->pid) {
		sb_add(b, "socket:[");
		sb_addu(b, e->inode);
		sb_addc(b, ']');
		return;
	}
	sb_addu(b, (u64)e->pid);
	if (e->fd < 0 && e->tid) {
		sb_addc(b, '/');
		sb_addu(b, (u64)e->tid);
	}
	sb_addc(b, ',');
	sb_add(b, e->comm ? e->comm : "-");
	if (e->assoc) {
		sb_addc(b, ',');
		sb_add(b, e->assoc);
		return;
	}
	if (e->fd < 0)
		return;
	sb_addc(b, ',');
	sb_addu(b, (u64)e->fd);
	/* lsfd's ASSOC[-r][-w]: the first two letters of MODE. */
	if (e->mode)
		sb_addn(b, mode_text(e->mode), strnlen(mode_text(e->mode), 2));
}

/* Append the entries kept, separated by spaces, then "+N more". */
void holders_text(const struct holders *h, struct sbuf *b)
{
	size_t i;

	for (i = 0; i < h->n; i++) {
		if (i)
			sb_addc(b, ' ');
		holder_text(&h->v[i], b);
	}
	if (h->total > h->n) {
		sb_add(b, h->n ? " +" : "+");
		sb_addu(b, h->total - h->n);
		sb_add(b, " more");
	}
}

void holders_free(struct holders *h)
{
	free(h->v);
	h->v = NULL;
	h->n = 0;
	h->cap = 0;
}

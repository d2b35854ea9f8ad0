// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope: the other ends that are neither a pipe nor a unix peer.
 *
 * - An eventfd: every other fd on its open file description. eventfd()
 *   makes one description per counter, and only fork(), dup() or fd
 *   passing share it, so the fileid is the counter (lsfd's EVENTFD.ID).
 * - A POSIX message queue: every other fd on its inode, as each mq_open()
 *   opens a description of its own.
 * - A unix datagram server that is connected to no one, such as /dev/log:
 *   the sockets connected to it (whose peer is its inode).
 *
 * A pty master shows the inode of /dev/ptmx, not the index of its pty,
 * so masters are not paired with their slaves.
 */
#include <stdlib.h>
#include <string.h>

#include "fdscope.h"

struct endpoint_index {
	struct idx mqueue;	/* message queue inode -> first files row */
	u32 *mqueue_next;
	struct idx dgram_client;	/* server inode -> first connected dgram socket */
	u32 *dgram_client_next;
};

/*
 * The dump names no filesystem. A message queue is a regular file named
 * "/NAME" (the root of the mqueue mount) on a device without a disk
 * (major 0); a memfd looks the same but for its "/memfd:" prefix.
 */
bool model_is_mqueue(const struct fds_file *f)
{
	if (!streq(f->type, "REG") || !HAVE(f, FC_INO) || !f->dev || strncmp(f->dev, "0:", 2))
		return false;
	if (!f->path || f->path[0] != '/' || !f->path[1] || strchr(f->path + 1, '/'))
		return false;
	return strncmp(f->path, "/memfd:", 7) != 0;
}

static int mqueue_key(const void *ctx, size_t i, u64 *k)
{
	const struct fds_file *f = (const struct fds_file *)ctx + i;

	if (!model_is_mqueue(f))
		return 0;
	*k = model_inode_key(f);
	return 1;
}

static bool is_dgram_client(const struct fds_sock *s)
{
	return streq(s->family, "unix") && streq(s->type, "dgram") && HAVE(s, SC_PEER) && s->peer;
}

static int dgram_client_key(const void *ctx, size_t i, u64 *k)
{
	const struct fds_sock *s = (const struct fds_sock *)ctx + i;

	if (!is_dgram_client(s))
		return 0;
	*k = s->peer;
	return 1;
}

static struct endpoint_index *endpoint_index(struct model *m)
{
	struct endpoint_index *ix = m->endpoint_index;

	if (ix)
		return ix;
	ix = xcalloc(1, sizeof(*ix));
	ix->mqueue_next = idx_new_next(m->nfiles);
	idx_chain(&ix->mqueue, ix->mqueue_next, m->nfiles, mqueue_key, m->files);
	ix->dgram_client_next = idx_new_next(m->nsocks);
	idx_chain(&ix->dgram_client, ix->dgram_client_next, m->nsocks, dgram_client_key, m->socks);
	m->endpoint_index = ix;
	return ix;
}

/* Whether files rows @a and @b are one fd seen twice through a shared table. */
static bool same_slot(const struct fds_file *a, const struct fds_file *b)
{
	return HAVE(a, FC_TABLE) && HAVE(b, FC_TABLE) && a->table == b->table && a->fd == b->fd;
}

static bool eventfd_endpoints(struct model *m, size_t row, struct holders *h)
{
	const struct fds_file *f = &m->files[row];
	size_t start = h->total;
	u32 j;

	/* A fileid repeats only where refs allows it (docs/format.md). */
	if (!HAVE(f, FC_FILEID) || (HAVE(f, FC_REFS) && f->refs < 2))
		return false;
	model_index_fileids(m);
	for (j = idx_get(&m->fileid_idx, f->fileid); j != IDX_NONE; j = m->fileid_next[j]) {
		const struct fds_file *p = &m->files[j];

		if (j != row && streq(p->type, "eventfd") && !same_slot(p, f))
			holders_add_file(h, p, true);
	}
	return h->total > start;
}

static bool mqueue_endpoints(struct model *m, size_t row, struct holders *h)
{
	struct endpoint_index *ix = endpoint_index(m);
	const struct fds_file *f = &m->files[row];
	size_t start = h->total;
	u32 j;

	for (j = idx_get(&ix->mqueue, model_inode_key(f)); j != IDX_NONE; j = ix->mqueue_next[j]) {
		const struct fds_file *p = &m->files[j];

		if (j != row && model_same_inode(p, f) && !same_slot(p, f))
			holders_add_file(h, p, true);
	}
	return h->total > start;
}

static bool dgram_clients(struct model *m, const struct fds_sock *s, struct holders *h)
{
	struct endpoint_index *ix = endpoint_index(m);
	size_t start = h->total;
	u32 j;

	if (!streq(s->type, "dgram") || HAVE(s, SC_PEER) || !HAVE(s, SC_INO))
		return false;
	for (j = idx_get(&ix->dgram_client, s->ino); j != IDX_NONE;
	     j = ix->dgram_client_next[j]) {
		if (m->socks[j].peer == s->ino)
			holders_add_sock(h, &m->socks[j]);
	}
	return h->total > start;
}

/*
 * The other ends of files row @row (socket @s, or NULL) of the kinds above
 * and of loopback TCP and UDP; false if it is none of them or has none.
 */
bool endpoint_kinds(struct model *m, size_t row, const struct fds_sock *s, struct holders *h)
{
	const struct fds_file *f = &m->files[row];

	if (s && streq(s->family, "unix"))
		return dgram_clients(m, s, h);
	if (s)
		return loopback_endpoints(m, (size_t)(s - m->socks), h);
	if (streq(f->type, "eventfd"))
		return eventfd_endpoints(m, row, h);
	if (model_is_mqueue(f))
		return mqueue_endpoints(m, row, h);
	return false;
}

void endpoint_index_free(struct model *m)
{
	struct endpoint_index *ix = m->endpoint_index;

	if (!ix)
		return;
	idx_free(&ix->mqueue);
	free(ix->mqueue_next);
	idx_free(&ix->dgram_client);
	free(ix->dgram_client_next);
	free(ix);
	m->endpoint_index = NULL;
}

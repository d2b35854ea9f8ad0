// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope: epoll interest lists (the module's `epoll` file), both ways.
 *
 * Forward, each line names the target by the fd number it was added as
 * and by its dev:ino, and says whether the owner's table still holds that
 * file at that fd. The kernel keeps no way back from a file to the
 * eventpolls watching it that a module may read, so the reverse map is
 * built here from the forward lines:
 * - a target still at its fd is that fd's open file description (fileid):
 *   every fd sharing the description is watched;
 * - a target closed or reused since it was added is known by its inode
 *   only: every description of that inode with a nonzero `epolls` count
 *   (any, if the dump has no count) is taken as watched.
 */
#include <stdlib.h>
#include <string.h>

#include "fdscope.h"

struct epoll_index {
	struct idx first;	/* eventpoll fd key -> first epoll row */
	u32 *target;		/* epoll row -> files row of a target still at its fd */
	struct idx by_fileid;	/* target fileid -> first epoll row */
	struct idx by_inode;	/* dev:ino of a target no longer at its fd -> epoll row */
	u32 *next;		/* the chains of both: an epoll row is in one */
	struct idx file_ino;	/* dev:ino -> first files row */
	u32 *file_ino_next;
};

/* A line that names a target, not a `more` line. */
static bool epoll_has_target(const struct fds_epoll *e)
{
	return HAVE(e, EC_TFD) && HAVE(e, EC_TINO) && e->tdev;
}

static bool target_is(const struct fds_epoll *e, const struct fds_file *f)
{
	return HAVE(f, FC_INO) && f->ino == e->tino && streq(f->dev, e->tdev);
}

/* The files row at fd @tfd of the eventpoll owner's table, if it is still the target. */
static u32 target_at_fd(struct model *m, const struct fds_epoll *e)
{
	u32 j;

	if (!HAVE(e, EC_MATCH) || !e->match)
		return IDX_NONE;
	j = model_fd_row(m, e->pid, e->tid, e->tfd);
	if (j == IDX_NONE || !target_is(e, &m->files[j]) || !HAVE(&m->files[j], FC_FILEID))
		return IDX_NONE;
	return j;
}

struct chain_ctx {
	const struct model *m;
	const u32 *target;
	bool by_fileid;
};

static int target_key(const void *ctx, size_t i, u64 *k)
{
	const struct chain_ctx *c = ctx;
	const struct fds_epoll *e = &c->m->epolls[i];
	bool at_fd = c->target[i] != IDX_NONE;

	if (!epoll_has_target(e) || at_fd != c->by_fileid)
		return 0;
	if (c->by_fileid)
		*k = c->m->files[c->target[i]].fileid;
	else
		*k = model_dev_ino_key(e->tdev, e->tino);
	return 1;
}

static int file_ino_key(const void *ctx, size_t i, u64 *k)
{
	const struct fds_file *f = (const struct fds_file *)ctx + i;

	if (!HAVE(f, FC_INO))
		return 0;
	*k = model_inode_key(f);
	return 1;
}

static int epoll_fd_key(const void *ctx, size_t i, u64 *k)
{
	const struct fds_epoll *e = (const struct fds_epoll *)ctx + i;

	*k = model_fd_key(e->pid, e->tid, e->fd);
	return 1;
}

static struct epoll_index *epoll_index(struct model *m)
{
	struct epoll_index *ei = m->epoll_index;
	struct chain_ctx c = { m, NULL, true };
	size_t i;

	if (ei)
		return ei;
	ei = xcalloc(1, sizeof(*ei));
	idx_first(&ei->first, m->nepolls, epoll_fd_key, m->epolls);
	ei->target = xmalloc((m->nepolls ? m->nepolls : 1) * sizeof(*ei->target));
	for (i = 0; i < m->nepolls; i++)
		ei->target[i] = epoll_has_target(&m->epolls[i]) ?
				target_at_fd(m, &m->epolls[i]) : IDX_NONE;
	c.target = ei->target;
	ei->next = idx_new_next(m->nepolls);
	idx_chain(&ei->by_fileid, ei->next, m->nepolls, target_key, &c);
	c.by_fileid = false;
	idx_chain(&ei->by_inode, ei->next, m->nepolls, target_key, &c);
	ei->file_ino_next = idx_new_next(m->nfiles);
	idx_chain(&ei->file_ino, ei->file_ino_next, m->nfiles, file_ino_key, m->files);
	m->epoll_index = ei;
	return ei;
}

void epoll_index_free(struct model *m)
{
	struct epoll_index *ei = m->epoll_index;

	if (!ei)
		return;
	idx_free(&ei->first);
	idx_free(&ei->by_fileid);
	idx_free(&ei->by_inode);
	idx_free(&ei->file_ino);
	free(ei->target);
	free(ei->next);
	free(ei->file_ino_next);
	free(ei);
	m->epoll_index = NULL;
}

/* Whether epoll row @e is a line of the eventpoll at files row @f. */
static bool epoll_of_file(const struct fds_epoll *e, const struct fds_file *f)
{
	if (e->pid != f->pid || e->tid != f->tid || e->fd != f->fd)
		return false;
	return !HAVE(e, EC_FILEID) || !HAVE(f, FC_FILEID) || e->fileid == f->fileid;
}

/* The first epoll row of the eventpoll at files row @row, or IDX_NONE. */
static u32 epoll_first(struct model *m, size_t row)
{
	const struct fds_file *f = &m->files[row];
	u32 j;

	if (!m->nepolls || !HAVE(f, FC_FD))
		return IDX_NONE;
	j = idx_get(&epoll_index(m)->first, model_fd_key(f->pid, f->tid, f->fd));
	return j != IDX_NONE && epoll_of_file(&m->epolls[j], f) ? j : IDX_NONE;
}

/* EVENTPOLL.TFDS: the fd numbers an eventpoll's targets were added as, "3,5,7". */
const char *epoll_tfds(struct model *m, size_t row, struct sbuf *b)
{
	const struct fds_file *f = &m->files[row];
	u32 j = epoll_first(m, row);
	bool any = false;

	if (j == IDX_NONE)
		return NULL;
	sb_reset(b);
	for (; j < m->nepolls && epoll_of_file(&m->epolls[j], f); j++) {
		if (!HAVE(&m->epolls[j], EC_TFD))
			continue;
		if (any)
			sb_addc(b, ',');
		sb_addu(b, (u64)m->epolls[j].tfd);
		any = true;
	}
	return any ? b->s : NULL;
}

/*
 * The fds an eventpoll at files row @row watches: the fd each target was
 * added as while it is still there, else every fd on the target's inode.
 */
bool epoll_targets(struct model *m, size_t row, struct holders *h)
{
	const struct fds_file *f = &m->files[row];
	size_t start = h->total;
	struct epoll_index *ei;
	u32 j, k;

	j = epoll_first(m, row);
	if (j == IDX_NONE)
		return false;
	ei = epoll_index(m);
	for (; j < m->nepolls && epoll_of_file(&m->epolls[j], f); j++) {
		const struct fds_epoll *e = &m->epolls[j];

		if (!epoll_has_target(e))
			continue;
		if (ei->target[j] != IDX_NONE) {
			holders_add_file(h, &m->files[ei->target[j]], false);
			continue;
		}
		k = idx_get(&ei->file_ino, model_dev_ino_key(e->tdev, e->tino));
		for (; k != IDX_NONE; k = ei->file_ino_next[k]) {
			if (target_is(e, &m->files[k]) && (!HAVE(&m->files[k], FC_EPOLLS) ||
							   m->files[k].epolls))
				holders_add_file(h, &m->files[k], false);
		}
	}
	return h->total > start;
}

/* Whether @h's last entry already names the eventpoll of @e. */
static bool listed_last(const struct holders *h, size_t start, const struct fds_epoll *e)
{
	const struct holder *last;

	if (h->total == start || !h->n)
		return false;
	last = &h->v[h->n - 1];
	return last->pid == e->pid && last->tid == e->tid && last->fd == e->fd;
}

static void add_watcher(struct holders *h, size_t start, const struct fds_epoll *e)
{
	if (!listed_last(h, start, e))
		holders_add_fd(h, e->pid, e->tid, e->comm, e->fd, NULL);
}

/* The eventpolls watching the open file at files row @row (WATCHED-BY). */
bool epoll_watchers(struct model *m, size_t row, struct holders *h)
{
	const struct fds_file *f = &m->files[row];
	size_t start = h->total;
	struct epoll_index *ei;
	u32 j;

	if (!m->nepolls || (HAVE(f, FC_EPOLLS) && !f->epolls))
		return false;
	ei = epoll_index(m);
	if (HAVE(f, FC_FILEID)) {
		j = idx_get(&ei->by_fileid, f->fileid);
		for (; j != IDX_NONE; j = ei->next[j])
			add_watcher(h, start, &m->epolls[j]);
	}
	if (HAVE(f, FC_INO)) {
		j = idx_get(&ei->by_inode, model_inode_key(f));
		for (; j != IDX_NONE; j = ei->next[j]) {
			if (target_is(&m->epolls[j], f))
				add_watcher(h, start, &m->epolls[j]);
		}
	}
	return h->total > start;
}

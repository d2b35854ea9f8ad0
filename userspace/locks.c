// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope: the locks held through each fd (the module's `locks` file), for
 * the LOCKS column and XMODE's L and l.
 *
 * The module lists a lock under every fd it is held through, and the locks
 * of one fd on consecutive lines, so an index from an fd to its first line
 * finds them all.
 */
#include <stdlib.h>
#include <string.h>

#include "fdscope.h"

struct lock_index {
	struct idx first;	/* fd key -> first locks row */
};

static int lock_fd_key(const void *ctx, size_t i, u64 *k)
{
	const struct fds_lock *l = (const struct fds_lock *)ctx + i;

	*k = model_fd_key(l->pid, l->tid, l->fd);
	return 1;
}

static struct lock_index *lock_index(struct model *m)
{
	struct lock_index *li = m->lock_index;

	if (li)
		return li;
	li = xcalloc(1, sizeof(*li));
	idx_first(&li->first, m->nlocks, lock_fd_key, m->locks);
	m->lock_index = li;
	return li;
}

void lock_index_free(struct model *m)
{
	if (!m->lock_index)
		return;
	idx_free(&m->lock_index->first);
	free(m->lock_index);
	m->lock_index = NULL;
}

/*
 * Whether locks row @l was listed under files row @f. The two files are
 * separate reads: where both have the fileid, it must agree too.
 */
static bool lock_of_file(const struct fds_lock *l, const struct fds_file *f)
{
	if (l->pid != f->pid || l->tid != f->tid || l->fd != f->fd)
		return false;
	return !HAVE(l, LC_FILEID) || !HAVE(f, FC_FILEID) || l->fileid == f->fileid;
}

/* The locks rows of files row @row: @n of them from the returned one. */
const struct fds_lock *locks_of_fd(struct model *m, size_t row, size_t *n)
{
	const struct fds_file *f = &m->files[row];
	u32 j;

	*n = 0;
	if (!m->nlocks || !HAVE(f, FC_FD))
		return NULL;
	j = idx_get(&lock_index(m)->first, model_fd_key(f->pid, f->tid, f->fd));
	if (j == IDX_NONE || !lock_of_file(&m->locks[j], f))
		return NULL;
	while (j + *n < m->nlocks && lock_of_file(&m->locks[j + *n], f))
		(*n)++;
	return &m->locks[j];
}

/* A `more` line: the module left out ->count locks of this fd. */
bool lock_is_more(const struct fds_lock *l)
{
	return streq(l->status, "more");
}

/* XMODE's lock letter: L for a write lock, l for only read locks, else -. */
char locks_xmode(struct model *m, size_t row)
{
	const struct fds_lock *l;
	char c = '-';
	size_t n, i;

	l = locks_of_fd(m, row, &n);
	for (i = 0; i < n; i++) {
		if (streq(l[i].type, "WRITE"))
			return 'L';
		if (streq(l[i].type, "READ"))
			c = 'l';
	}
	return c;
}

/* Append the byte range of a POSIX or OFD lock: "0-99", "100-EOF". */
void lock_range(struct sbuf *b, const struct fds_lock *l)
{
	sb_addu(b, l->lock_start);
	sb_addc(b, '-');
	if (l->lock_end == FDS_LOCK_EOF)
		sb_add(b, "EOF");
	else
		sb_addu(b, l->lock_end);
}

/* A class as the LOCKS column shows it: "posix", "flock", ... */
static void lock_class_text(struct sbuf *b, const char *class)
{
	for (; class && *class; class++)
		sb_addc(b, (*class >= 'A' && *class <= 'Z') ? *class - 'A' + 'a' : *class);
}

/* One lock as "posix:W:0-EOF", "flock:R", "lease:R:breaking". */
void lock_text(struct sbuf *b, const struct fds_lock *l)
{
	lock_class_text(b, l->class ? l->class : "?");
	sb_addc(b, ':');
	sb_addc(b, l->type ? l->type[0] : '?');
	if (HAVE(l, LC_LOCK_START)) {
		sb_addc(b, ':');
		lock_range(b, l);
	}
	if (HAVE(l, LC_BREAKING) && l->breaking)
		sb_add(b, ":breaking");
}

/* The LOCKS cell of files row @row, or NULL for an fd that holds none. */
const char *locks_column(struct model *m, size_t row, struct sbuf *b)
{
	const struct fds_lock *l;
	size_t n, i;

	l = locks_of_fd(m, row, &n);
	if (!n)
		return NULL;
	sb_reset(b);
	for (i = 0; i < n; i++) {
		if (i)
			sb_addc(b, ',');
		if (lock_is_more(&l[i])) {
			sb_addc(b, '+');
			sb_addu(b, l[i].count);
			sb_add(b, " more");
			continue;
		}
		lock_text(b, &l[i]);
	}
	return b->s;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope: --shared, open file descriptions (fileids) held by more than one
 * fd or more than one process, after dup(), fork() or SCM_RIGHTS, with the
 * kernel's reference count. Processes sharing a whole fd table (CLONE_FILES)
 * list the same fd each; that counts as one fd. A fileid is trusted only as
 * far as refs confirms it (drop_unshared()). Holders that are no fd (a
 * mapping, the exe link, a file in flight or in an io_uring ring) count too.
 */
#include <stdlib.h>
#include <string.h>
#include <libsmartcols.h>

#include "fdscope.h"

struct shared {
	u32 first;		/* first selected row */
	u64 fds;
	u64 others;		/* holders that are no fd: mappings, in flight, ... */
	u64 owners;		/* fd slots, plus each process's kind of other holder */
	u64 procs;
	u32 *rows;
	size_t nrows;
};

static int by_slot(const void *a, const void *b, void *arg)
{
	const struct model *m = arg;
	const struct fds_file *x = &m->files[*(const u32 *)a], *y = &m->files[*(const u32 *)b];

	if (x->table != y->table)
		return x->table < y->table ? -1 : 1;
	if (x->fd != y->fd)
		return x->fd < y->fd ? -1 : 1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/* By process, its fds first, then its other holders in the holders file's order. */
static int by_pid(const void *a, const void *b, void *arg)
{
	const struct model *m = arg;
	u32 i = *(const u32 *)a, j = *(const u32 *)b;
	const struct fds_file *x = &m->files[i], *y = &m->files[j];

	if (x->pid == y->pid && x->tid == y->tid && (x->assoc || y->assoc)) {
		if (!x->assoc != !y->assoc)
			return x->assoc ? 1 : -1;
		return i < j ? -1 : i > j;
	}
	return model_fd_order(x, y);
}

static int by_fds(const void *a, const void *b)
{
	const struct shared *x = a, *y = b;

	if (x->fds != y->fds)
		return x->fds > y->fds ? -1 : 1;
	if (x->procs != y->procs)
		return x->procs > y->procs ? -1 : 1;
	return x->first < y->first ? -1 : x->first > y->first;
}

/* Count distinct fd slots and processes among @rows (reordered). */
static void count(struct model *m, struct shared *s)
{
	size_t i;

	qsort_r(s->rows, s->nrows, sizeof(*s->rows), by_slot, m);
	s->fds = 0;
	s->others = 0;
	for (i = 0; i < s->nrows; i++) {
		const struct fds_file *f = &m->files[s->rows[i]];
		const struct fds_file *p = i ? &m->files[s->rows[i - 1]] : NULL;

		if (f->assoc)
			s->others++;
		else if (!p || p->assoc || !HAVE(f, FC_TABLE) || !HAVE(p, FC_TABLE) ||
			 p->table != f->table || p->fd != f->fd)
			s->fds++;
	}
	qsort_r(s->rows, s->nrows, sizeof(*s->rows), by_pid, m);
	s->procs = 0;
	s->owners = s->fds;
	for (i = 0; i < s->nrows; i++) {
		const struct fds_file *f = &m->files[s->rows[i]];
		const struct fds_file *p = i ? &m->files[s->rows[i - 1]] : NULL;

		if (!p || f->pid != p->pid)
			s->procs++;
		/* A library mapped four times by one process is one holder. */
		if (f->assoc && (!p || f->pid != p->pid || !p->assoc ||
				 strcmp(f->assoc, p->assoc)))
			s->owners++;
	}
}

/*
 * A fileid may repeat for two descriptions in one walk: a file closed and
 * another opened on the same inode while the walk ran (docs/format.md).
 * Where several fd slots carry the fileid, a slot whose refs count says no
 * other fd holds its description is not sharing it: drop such rows.
 * Returns whether any went.
 */
static bool drop_unshared(const struct model *m, struct shared *s)
{
	size_t i, kept = 0;

	for (i = 0; i < s->nrows; i++) {
		const struct fds_file *f = &m->files[s->rows[i]];

		if (!HAVE(f, FC_REFS) || f->refs >= 2)
			s->rows[kept++] = s->rows[i];
	}
	if (kept == s->nrows)
		return false;
	s->nrows = kept;
	if (kept)
		s->first = s->rows[0];
	return true;
}

int view_shared(const struct opts *o, struct model *m)
{
	struct out *t = out_new(o, "shared", NULL);
	struct holders h = { 0 };
	struct sbuf b = { 0 };
	struct shared *list = NULL;
	size_t n = 0, cap = 0, row, i, k;
	bool *done, *sel;
	int rc;

	model_index_fileids(m);
	done = xcalloc(m->nrows + 1, sizeof(*done));
	sel = xcalloc(m->nrows + 1, sizeof(*sel));
	for (row = 0; row < m->nrows; row++)
		sel[row] = select_row(o, m, row, &b);

	for (row = 0; row < m->nrows; row++) {
		const struct fds_file *f = &m->files[row];
		struct shared s = { .first = (u32)row };
		u32 j;

		if (!sel[row] || !HAVE(f, FC_FILEID) || done[row])
			continue;
		k = 0;
		for (j = idx_get(&m->fileid_idx, f->fileid); j != IDX_NONE; j = m->fileid_next[j])
			k++;
		s.rows = xmalloc(k * sizeof(*s.rows));
		for (j = idx_get(&m->fileid_idx, f->fileid); j != IDX_NONE; j = m->fileid_next[j]) {
			done[j] = true;
			if (sel[j])
				s.rows[s.nrows++] = j;
		}
		count(m, &s);
		if (s.owners > 1 && drop_unshared(m, &s))
			count(m, &s);
		if (s.owners < 2 && s.procs < 2) {
			free(s.rows);
			continue;
		}
		qsort_r(s.rows, s.nrows, sizeof(*s.rows), by_pid, m);
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			list = xrealloc(list, cap, sizeof(*list));
		}
		list[n++] = s;
	}
	if (n)
		qsort(list, n, sizeof(*list), by_fds);

	out_column(t, "FILEID", J_STR, 0);
	out_column(t, "TYPE", J_STR, 0);
	out_column(t, "REFS", J_NUM, SCOLS_FL_RIGHT);
	out_column(t, "FDS", J_NUM, SCOLS_FL_RIGHT);
	/* Dumps without a holders file know of no other holders. */
	out_column(t, "OTHERS", J_NUM, SCOLS_FL_RIGHT | (m->nrows > m->nfiles ? 0 : OUT_HIDDEN));
	out_column(t, "PROCS", J_NUM, SCOLS_FL_RIGHT);
	out_column(t, "NAME", J_STR, 0);
	out_column(t, "HOLDERS", J_LIST, 0);
	for (i = 0; i < n; i++) {
		const struct shared *s = &list[i];

		if (out_row(t))
			break;
		out_cell(t, 0, column_value(m, s->first, COL_FILEID, &b));
		out_cell(t, 1, m->files[s->first].type);
		out_cell(t, 2, column_value(m, s->first, COL_REFS, &b));
		out_cell_u(t, 3, s->fds);
		out_cell_u(t, 4, s->others);
		out_cell_u(t, 5, s->procs);
		out_cell(t, 6, model_name(m, s->first, &b));
		holders_reset(&h, out_list_max(o));
		for (k = 0; k < s->nrows && h.n < h.max; k++)
			holders_add_file(&h, &m->files[s->rows[k]], true);
		holders_skip(&h, s->nrows - k);
		out_cell_list(t, 7, &h);
	}
	if (i < n) {
		out_discard(t);
		rc = -1;
	} else {
		rc = out_print(t);
	}
	for (i = 0; i < n; i++)
		free(list[i].rows);
	free(list);
	free(done);
	free(sel);
	free(b.s);
	holders_free(&h);
	return rc;
}

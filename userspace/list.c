// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope: the default view, one row per fd with the chosen columns.
 */
#include <stdlib.h>
#include <libsmartcols.h>

#include "fdscope.h"

/*
 * The fd list's rows @rows[0..@n) as a table, not yet printed; in JSON
 * after another process's rows if @follows, written as they are made if
 * it is the whole document (@alone).
 */
static struct out *rows_table(const struct opts *o, struct model *m, const u32 *rows, size_t n,
			      bool follows, bool alone)
{
	struct out *t = out_new(o, "fdscope", NULL);
	struct holders h = { 0 };
	struct sbuf b = { 0 };
	size_t k, i;

	for (i = 0; i < o->ncols; i++) {
		const struct column *c = &columns[o->cols[i]];

		out_column(t, c->name, c->json, c->flags);
	}
	if (follows)
		out_rows_follow(t);
	else if (alone)
		out_alone(t);
	for (k = 0; k < n; k++) {
		out_row(t);
		for (i = 0; i < o->ncols; i++) {
			/* JSON lists are whole: the table's text is capped. */
			if (o->json && columns[o->cols[i]].json == J_LIST) {
				holders_reset(&h, (size_t)-1);
				column_list(m, rows[k], o->cols[i], &h);
				out_cell_list(t, i, &h);
				continue;
			}
			out_cell(t, i, column_value(m, rows[k], o->cols[i], &b));
		}
	}
	sb_free(&b);
	holders_free(&h);
	return t;
}

/* The rows the list shows, in its order; their number in *@n. */
static u32 *list_rows(const struct opts *o, struct model *m, size_t *n)
{
	u32 *rows = xcalloc(m->nrows + 1, sizeof(*rows));
	struct sbuf b = { 0 };
	size_t k, row;

	*n = 0;
	for (k = 0; k < m->nrows; k++) {
		row = model_row(m, k);
		if (select_row(o, m, row, &b))
			rows[(*n)++] = (u32)row;
	}
	sb_free(&b);
	return rows;
}

/* The fd list's columns, of the rows it shows. */
struct list_cells {
	const struct opts *o;
	struct model *m;
	const u32 *rows;
};

static const char *list_cell(void *ctx, size_t k, size_t col, struct sbuf *b)
{
	const struct list_cells *lc = ctx;

	return column_value(lc->m, lc->rows[k], lc->o->cols[col], b);
}

/* The list in table or raw form, as stream_rows() writes it. */
static int stream_list(const struct opts *o, struct model *m)
{
	const char **names = xcalloc(o->ncols + 1, sizeof(*names));
	bool *right = xcalloc(o->ncols + 1, sizeof(*right));
	size_t nrows, i;
	u32 *rows = list_rows(o, m, &nrows);
	struct list_cells lc = { o, m, rows };
	struct stream_table st = { o->ncols, names, right, list_cell, &lc };
	int rc;

	for (i = 0; i < o->ncols; i++) {
		names[i] = columns[o->cols[i]].name;
		right[i] = columns[o->cols[i]].flags & SCOLS_FL_RIGHT;
	}
	rc = stream_rows(o, &st, nrows);
	free(rows);
	free(right);
	free(names);
	return rc;
}

/* The fd list as a table, not yet printed. */
struct out *list_table(const struct opts *o, struct model *m)
{
	size_t n;
	u32 *rows = list_rows(o, m, &n);
	struct out *t = rows_table(o, m, rows, n, false, false);

	free(rows);
	return t;
}

/* After the parent's half of the JSON rows: the child writes its own. */
static int child_rows(void *arg)
{
	return halves_parent_done(arg, true);
}

/*
 * The list in JSON. A long one is made by two processes (halves.c): the
 * child's rows follow the parent's in the same array.
 */
static int json_list(const struct opts *o, struct model *m)
{
	struct halves h = { .child = -1 };
	size_t n, mid;
	u32 *rows = list_rows(o, m, &n);
	struct out *t;

	if (halves_split(&h, n, &mid)) {
		t = rows_table(o, m, rows, n, false, true);
	} else if (!h.child) {
		t = rows_table(o, m, rows + mid, n - mid, true, false);
		out_rows_done(t, &h);
	} else {
		t = rows_table(o, m, rows, mid, false, true);
		out_more_rows(t, child_rows, &h);
	}
	free(rows);
	return out_print(t);
}

int view_list(const struct opts *o, struct model *m)
{
	int rc;

	if (o->json)
		return json_list(o, m);
	if (stream_usable(o)) {
		rc = stream_list(o, m);
		if (rc <= 0)
			return rc;
	}
	return out_print(list_table(o, m));
}

// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope: the default view, one row per fd with the chosen columns.
 */
#include <stdlib.h>
#include <libsmartcols.h>

#include "fdscope.h"

/* The fd list as a table, not yet printed. */
struct out *list_table(const struct opts *o, struct model *m)
{
	struct out *t = out_new(o, "fdscope", NULL);
	struct holders h = { 0 };
	struct sbuf b = { 0 };
	size_t k, row, i;

	for (i = 0; i < o->ncols; i++) {
		const struct column *c = &columns[o->cols[i]];

		out_column(t, c->name, c->json, c->flags);
	}
	for (k = 0; k < m->nrows; k++) {
		row = model_row(m, k);
		if (!select_row(o, m, row, &b))
			continue;
		out_row(t);
		for (i = 0; i < o->ncols; i++) {
			/* JSON lists are whole: the table's text is capped. */
			if (o->json && columns[o->cols[i]].json == J_LIST) {
				holders_reset(&h, (size_t)-1);
				column_list(m, row, o->cols[i], &h);
				out_cell_list(t, i, &h);
				continue;
			}
			out_cell(t, i, column_value(m, row, o->cols[i], &b));
		}
	}
	sb_free(&b);
	holders_free(&h);
	return t;
}

int view_list(const struct opts *o, struct model *m)
{
	int rc;

	if (stream_usable(o)) {
		rc = stream_list(o, m);
		if (rc <= 0)
			return rc;
	}
	return out_print(list_table(o, m));
}

// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope: the default view, one row per fd with the chosen columns.
 */
#include <stdlib.h>
#include <libsmartcols.h>

#include "fdscope.h"

int view_list(const struct opts *o, struct model *m)
{
	struct libscols_table *tb;
	struct sbuf b = { 0 };
	size_t row, i;
	int rc;

	if (stream_usable(o)) {
		rc = stream_list(o, m);
		if (rc <= 0)
			return rc;
	}
	tb = out_table(o, "fdscope", NULL);
	for (i = 0; i < o->ncols; i++) {
		const struct column *c = &columns[o->cols[i]];

		out_column(tb, c->name, c->json, c->flags);
	}
	for (row = 0; row < m->nfiles; row++) {
		struct libscols_line *ln;

		if (!select_row(o, m, row, &b))
			continue;
		ln = scols_table_new_line(tb, NULL);
		if (!ln) {
			free(b.s);
			scols_unref_table(tb);
			return fds_err("out of memory");
		}
		for (i = 0; i < o->ncols; i++)
			out_cell(o, ln, i, column_value(m, row, o->cols[i], &b));
	}
	free(b.s);
	return out_print(tb);
}

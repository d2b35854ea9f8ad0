// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope: --endpoints, the other ends of pipes, FIFOs and unix sockets.
 *
 * A pipe's other end is every other fd on the same inode opened the other
 * way (either way for rw); a unix socket's is every fd on its peer's inode.
 * Only fds that have another end are listed.
 */
#include <stdlib.h>
#include <libsmartcols.h>

#include "fdscope.h"

int view_endpoints(const struct opts *o, struct model *m)
{
	struct libscols_table *tb = out_table(o, "endpoints", NULL);
	struct sbuf b = { 0 }, eb = { 0 };
	size_t row;
	int rc;

	out_column(tb, "PID", SCOLS_JSON_NUMBER, SCOLS_FL_RIGHT);
	if (o->threads)
		out_column(tb, "TID", SCOLS_JSON_NUMBER, SCOLS_FL_RIGHT);
	out_column(tb, "COMMAND", SCOLS_JSON_STRING, 0);
	out_column(tb, "FD", SCOLS_JSON_NUMBER, SCOLS_FL_RIGHT);
	out_column(tb, "MODE", SCOLS_JSON_STRING, 0);
	out_column(tb, "TYPE", SCOLS_JSON_STRING, 0);
	out_column(tb, "INODE", SCOLS_JSON_NUMBER, SCOLS_FL_RIGHT);
	out_column(tb, "NAME", SCOLS_JSON_STRING, 0);
	out_column(tb, "ENDPOINTS", SCOLS_JSON_ARRAY_STRING, 0);

	for (row = 0; row < m->nfiles; row++) {
		const struct fds_file *f = &m->files[row];
		struct libscols_line *ln;
		size_t i = 0;

		if (!select_row(o, m, row, &b) || !model_endpoints(m, row, &eb))
			continue;
		ln = scols_table_new_line(tb, NULL);
		if (!ln) {
			rc = fds_err("out of memory");
			scols_unref_table(tb);
			goto out;
		}
		out_cell_u(o, ln, i++, (u64)f->pid);
		if (o->threads)
			out_cell_u(o, ln, i++, (u64)(HAVE(f, FC_TID) ? f->tid : f->pid));
		out_cell(o, ln, i++, f->comm);
		out_cell_u(o, ln, i++, (u64)f->fd);
		out_cell(o, ln, i++, f->mode);
		out_cell(o, ln, i++, f->type);
		out_cell(o, ln, i++, column_value(m, row, COL_INODE, &b));
		out_cell(o, ln, i++, model_name_ex(m, row, &b, false));
		out_cell(o, ln, i++, eb.s);
	}
	rc = out_print(tb);
out:
	free(b.s);
	free(eb.s);
	return rc;
}

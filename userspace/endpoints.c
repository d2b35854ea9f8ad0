// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope: --endpoints, the other ends of pipes, FIFOs and unix sockets.
 *
 * A pipe's other end is every other fd on the same inode opened the other
 * way (either way for rw); a unix socket's is every fd on its peer's inode.
 * An eventpoll's other ends are the fds it watches (TARGETS), and every fd's
 * include the eventpolls watching it (WATCHED-BY), as epoll.c finds them.
 * Only fds that have another end are listed.
 */
#include <stdlib.h>
#include <libsmartcols.h>

#include "fdscope.h"

int view_endpoints(const struct opts *o, struct model *m)
{
	struct out *t = out_new(o, "endpoints", NULL);
	struct holders h = { 0 }, targets = { 0 }, watchers = { 0 };
	struct sbuf b = { 0 };
	size_t row;
	bool any;
	int rc = -1;

	out_column(t, "PID", J_NUM, SCOLS_FL_RIGHT);
	out_column(t, "TID", J_NUM, SCOLS_FL_RIGHT | (o->threads ? 0 : OUT_HIDDEN));
	out_column(t, "COMMAND", J_STR, 0);
	out_column(t, "FD", J_NUM, SCOLS_FL_RIGHT);
	out_column(t, "MODE", J_STR, 0);
	out_column(t, "TYPE", J_STR, 0);
	out_column(t, "INODE", J_NUM, SCOLS_FL_RIGHT);
	out_column(t, "NAME", J_STR, 0);
	out_column(t, "ENDPOINTS", J_LIST, 0);
	out_column(t, "TARGETS", J_LIST, 0);
	out_column(t, "WATCHED-BY", J_LIST, 0);

	for (row = 0; row < m->nfiles; row++) {
		const struct fds_file *f = &m->files[row];

		if (!select_row(o, m, row, &b))
			continue;
		holders_reset(&h, out_list_max(o));
		holders_reset(&targets, out_list_max(o));
		holders_reset(&watchers, out_list_max(o));
		/* Every list is filled: a row shows all three. */
		any = model_endpoints(m, row, &h);
		any |= epoll_targets(m, row, &targets);
		any |= epoll_watchers(m, row, &watchers);
		if (!any)
			continue;
		if (out_row(t)) {
			out_discard(t);
			goto out;
		}
		out_cell_u(t, 0, (u64)f->pid);
		out_cell_u(t, 1, (u64)(HAVE(f, FC_TID) ? f->tid : f->pid));
		out_cell(t, 2, f->comm);
		out_cell_u(t, 3, (u64)f->fd);
		out_cell(t, 4, column_value(m, row, COL_MODE, &b));
		out_cell(t, 5, f->type);
		out_cell(t, 6, column_value(m, row, COL_INODE, &b));
		out_cell(t, 7, model_name_ex(m, row, &b, false));
		out_cell_list(t, 8, &h);
		out_cell_list(t, 9, &targets);
		out_cell_list(t, 10, &watchers);
	}
	rc = out_print(t);
out:
	sb_free(&b);
	holders_free(&h);
	holders_free(&targets);
	holders_free(&watchers);
	return rc;
}

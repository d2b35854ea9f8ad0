// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope: --summary, four small tables over the selected fds: totals, fds
 * per type, the processes holding the most fds (with their fds per type),
 * and sockets per protocol and state. Counting is by sorting row numbers,
 * so it stays O(n log n) however many distinct values there are.
 */
#include <stdlib.h>
#include <string.h>
#include <libsmartcols.h>

#include "fdscope.h"

static int strcmp0(const char *a, const char *b)
{
	if (!a || !b)
		return !a - !b;
	return strcmp(a, b);
}

static int by_type(const void *a, const void *b, void *arg)
{
	const struct model *m = arg;

	return strcmp0(m->files[*(const u32 *)a].type, m->files[*(const u32 *)b].type);
}

static int by_pid_type(const void *a, const void *b, void *arg)
{
	const struct model *m = arg;
	const struct fds_file *x = &m->files[*(const u32 *)a], *y = &m->files[*(const u32 *)b];

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return strcmp0(x->type, y->type);
}

/* TCP, UDP, UNIX, ... or else the family */
static const char *proto_name(const struct fds_sock *s)
{
	const char *label = model_sock_label(s);

	return label ? label : s->family;
}

static int by_sock_state(const void *a, const void *b, void *arg)
{
	struct model *m = arg;
	const struct fds_sock *x = model_sock(m, *(const u32 *)a);
	const struct fds_sock *y = model_sock(m, *(const u32 *)b);
	int c = strcmp0(proto_name(x), proto_name(y));

	return c ? c : strcmp0(x->state, y->state);
}

struct count {
	u32 row;		/* a row of the group */
	u64 n;
	int pid;
	char *types;		/* "REG:3,SOCK:2" for a process */
};

static int by_count(const void *a, const void *b)
{
	const struct count *x = a, *y = b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return x->row < y->row ? -1 : x->row > y->row;
}

/*
 * Group sorted @rows by @cmp into @out, each group named by its first row;
 * returns the number of groups.
 */
static size_t group(struct model *m, const u32 *rows, size_t n,
		    int (*cmp)(const void *, const void *, void *), struct count *out)
{
	size_t i, g = 0;

	for (i = 0; i < n; i++) {
		if (i && !cmp(&rows[i - 1], &rows[i], m)) {
			out[g - 1].n++;
			if (rows[i] < out[g - 1].row)
				out[g - 1].row = rows[i];
			continue;
		}
		out[g].row = rows[i];
		out[g].n = 1;
		out[g].pid = m->files[rows[i]].pid;
		out[g].types = NULL;
		g++;
	}
	return g;
}

static size_t distinct(const struct model *m, const u32 *rows, size_t n, int what)
{
	struct idx ix;
	size_t i, d;

	idx_init(&ix, n);
	for (i = 0; i < n; i++) {
		const struct fds_file *f = &m->files[rows[i]];
		u64 k;

		if (what == FC_PID)
			k = (u64)f->pid;
		else if (what == FC_TABLE && HAVE(f, FC_TABLE))
			k = f->table;
		else if (what == FC_TABLE)
			k = (u64)1 << 63 | (u64)(u32)f->pid << 31 | (u32)f->tid;
		else if (HAVE(f, FC_FILEID))
			k = f->fileid;
		else
			continue;
		*idx_slot(&ix, k) = 0;
	}
	d = ix.n;
	idx_free(&ix);
	return d;
}

/* With @list (--summary=append), the fd list comes first, in one document. */
int view_summary(const struct opts *o, struct model *m, struct out *list)
{
	struct out *tbs[5], **sum = tbs + !!list;
	struct count *groups, *procs;
	struct sbuf b = { 0 };
	size_t n = 0, nsock = 0, ng, np, i, j, top;
	u32 *rows, *socks;
	int rc;

	rows = xmalloc((m->nfiles ? m->nfiles : 1) * sizeof(*rows));
	socks = xmalloc((m->nfiles ? m->nfiles : 1) * sizeof(*socks));
	for (i = 0; i < m->nfiles; i++) {
		if (!select_row(o, m, i, &b))
			continue;
		rows[n++] = (u32)i;
		if (model_sock(m, i))
			socks[nsock++] = (u32)i;
	}
	groups = xcalloc(n + 1, sizeof(*groups));
	procs = xcalloc(n + 1, sizeof(*procs));

	tbs[0] = list;
	sum[0] = out_new(o, "totals", "Totals:");
	out_column(sum[0], "PROCESSES", J_NUM, SCOLS_FL_RIGHT);
	out_column(sum[0], "TABLES", J_NUM, SCOLS_FL_RIGHT);
	out_column(sum[0], "FDS", J_NUM, SCOLS_FL_RIGHT);
	out_column(sum[0], "FILES", J_NUM, SCOLS_FL_RIGHT);
	out_column(sum[0], "SOCKETS", J_NUM, SCOLS_FL_RIGHT);
	out_row(sum[0]);
	out_cell_u(sum[0], 0, distinct(m, rows, n, FC_PID));
	out_cell_u(sum[0], 1, distinct(m, rows, n, FC_TABLE));
	out_cell_u(sum[0], 2, n);
	out_cell_u(sum[0], 3, distinct(m, rows, n, FC_FILEID));
	out_cell_u(sum[0], 4, nsock);

	/* fds per type */
	sum[1] = out_new(o, "types", "By type:");
	out_as_object(sum[1]);
	out_column(sum[1], "TYPE", J_STR, 0);
	out_column(sum[1], "FDS", J_NUM, SCOLS_FL_RIGHT);
	qsort_r(rows, n, sizeof(*rows), by_type, m);
	ng = group(m, rows, n, by_type, groups);
	qsort(groups, ng, sizeof(*groups), by_count);
	for (i = 0; i < ng; i++) {
		out_row(sum[1]);
		out_cell(sum[1], 0, m->files[groups[i].row].type);
		out_cell_u(sum[1], 1, groups[i].n);
	}

	/* top processes, each with its fds per type */
	sum[2] = out_new(o, "processes", "Top processes:");
	out_column(sum[2], "PID", J_NUM, SCOLS_FL_RIGHT);
	out_column(sum[2], "COMMAND", J_STR, 0);
	out_column(sum[2], "USER", J_STR, 0);
	out_column(sum[2], "FDS", J_NUM, SCOLS_FL_RIGHT);
	out_column(sum[2], "TYPES", J_COUNTS, 0);
	qsort_r(rows, n, sizeof(*rows), by_pid_type, m);
	ng = group(m, rows, n, by_pid_type, groups);
	np = 0;
	for (i = 0; i < ng; i = j) {
		sb_reset(&b);
		procs[np] = groups[i];
		procs[np].n = 0;
		for (j = i; j < ng && groups[j].pid == groups[i].pid; j++) {
			const char *t = m->files[groups[j].row].type;

			if (j > i)
				sb_addc(&b, ',');
			sb_add(&b, t ? t : "-");
			sb_addc(&b, ':');
			sb_addu(&b, groups[j].n);
			procs[np].n += groups[j].n;
		}
		procs[np++].types = xstrdup(b.s);
	}
	qsort(procs, np, sizeof(*procs), by_count);
	top = o->top > 0 && (size_t)o->top < np ? (size_t)o->top : np;
	for (i = 0; i < top; i++) {
		const struct fds_file *f = &m->files[procs[i].row];

		out_row(sum[2]);
		out_cell_u(sum[2], 0, (u64)f->pid);
		out_cell(sum[2], 1, f->comm);
		out_cell(sum[2], 2, model_user(m, f->pid, f->tid));
		out_cell_u(sum[2], 3, procs[i].n);
		out_cell(sum[2], 4, procs[i].types);
	}
	for (i = 0; i < np; i++)
		free(procs[i].types);

	/* sockets per protocol and state */
	sum[3] = out_new(o, "sockets", "Sockets:");
	out_column(sum[3], "PROTO", J_STR, 0);
	out_column(sum[3], "STATE", J_STR, 0);
	out_column(sum[3], "FDS", J_NUM, SCOLS_FL_RIGHT);
	qsort_r(socks, nsock, sizeof(*socks), by_sock_state, m);
	ng = group(m, socks, nsock, by_sock_state, groups);
	qsort(groups, ng, sizeof(*groups), by_count);
	for (i = 0; i < ng; i++) {
		const struct fds_sock *s = model_sock(m, groups[i].row);

		out_row(sum[3]);
		out_cell(sum[3], 0, proto_name(s));
		out_cell(sum[3], 1, s->state);
		out_cell_u(sum[3], 2, groups[i].n);
	}

	rc = out_print_group(tbs, 4 + !!list);
	free(groups);
	free(procs);
	free(rows);
	free(socks);
	free(b.s);
	return rc;
}

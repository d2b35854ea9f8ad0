// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope: --tasks, one row per process (and with -l per thread-owned
 * table): open fds, table size, where fds 0, 1 and 2 point, and the other
 * tasks sharing the same fd table.
 *
 * The rows are the `tasks` file's, plus any task seen only in `files` (it
 * appeared between the two reads, or `tasks` is missing from a saved dump).
 */
#include <stdio.h>
#include <stdlib.h>
#include <libsmartcols.h>

#include "fdscope.h"

struct trow {
	int pid;
	int tid;		/* 0 for the process's own table */
	const char *comm;
	const struct fds_task *task;
	u64 table;
	bool has_table;
	bool selected;
	u64 counted;		/* rows in `files` */
	u32 std[3];		/* files rows of fds 0, 1, 2 */
	u32 next_shared;	/* next trow with the same table */
};

struct tview {
	struct trow *rows;
	size_t n;
	struct idx by_task;
	struct idx by_table;
	u32 *shared;		/* tasks on each table, at the chain's head */
};

static u64 key(int pid, int tid)
{
	return (u64)(u32)pid << 32 | (u32)tid;
}

static struct trow *get_row(struct tview *v, int pid, int tid, bool *created)
{
	u32 *slot = idx_slot(&v->by_task, key(pid, tid));
	struct trow *r;

	*created = *slot == IDX_NONE;
	if (!*created)
		return &v->rows[*slot];
	*slot = (u32)v->n;
	r = &v->rows[v->n++];
	r->pid = pid;
	r->tid = tid;
	r->std[0] = IDX_NONE;
	r->std[1] = IDX_NONE;
	r->std[2] = IDX_NONE;
	r->next_shared = IDX_NONE;
	return r;
}

static void build(const struct opts *o, struct model *m, struct tview *v)
{
	bool fd_filters = select_has_fd_filters(&o->sel) || o->filter;
	struct sbuf b = { 0 };
	bool created;
	size_t i;

	v->rows = xcalloc(m->ntasks + m->nfiles, sizeof(*v->rows));
	idx_init(&v->by_task, m->ntasks);
	for (i = 0; i < m->ntasks; i++) {
		const struct fds_task *t = &m->tasks[i];
		struct trow *r = get_row(v, t->pid, HAVE(t, TC_TID) ? t->tid : 0, &created);

		if (!created)
			continue;
		r->task = t;
		r->comm = t->comm;
		r->table = t->table;
		r->has_table = HAVE(t, TC_TABLE);
	}
	for (i = 0; i < m->nfiles; i++) {
		const struct fds_file *f = &m->files[i];
		struct trow *r = get_row(v, f->pid, HAVE(f, FC_TID) ? f->tid : 0, &created);

		if (created) {
			r->comm = f->comm;
			r->table = f->table;
			r->has_table = HAVE(f, FC_TABLE);
		}
		r->counted++;
		if (f->fd <= 2)
			r->std[f->fd] = (u32)i;
		if (fd_filters && !r->selected && select_row(o, m, i, &b))
			r->selected = true;
	}
	free(b.s);

	/* Chain the rows sharing a table, in row order. */
	idx_init(&v->by_table, v->n);
	for (i = v->n; i-- > 0;) {
		struct trow *r = &v->rows[i];
		u32 *slot;

		if (!r->has_table)
			continue;
		slot = idx_slot(&v->by_table, r->table);
		r->next_shared = *slot;
		*slot = (u32)i;
	}
	v->shared = xcalloc(v->n + 1, sizeof(*v->shared));
	for (i = 0; i <= v->by_table.mask; i++) {
		u32 head = v->by_table.vals[i], j;

		if (head == IDX_NONE)
			continue;
		for (j = head; j != IDX_NONE; j = v->rows[j].next_shared)
			v->shared[head]++;
	}
}

static bool shown(const struct opts *o, const struct model *m, const struct trow *r)
{
	bool fd_filters = select_has_fd_filters(&o->sel) || o->filter;
	const struct fds_task *t;
	size_t i;

	if ((r->tid && !o->threads) || !select_pid(&o->sel, r->pid))
		return false;
	if (o->sel.nuids) {
		t = model_task(m, r->pid, r->tid);
		if (!t || !HAVE(t, TC_UID))
			return false;
		for (i = 0; i < o->sel.nuids && o->sel.uids[i] != t->uid; i++)
			;
		if (i == o->sel.nuids)
			return false;
	}
	return !fd_filters || r->selected;
}

/* The other tasks on row @i's table. */
static void shared_with(struct tview *v, size_t i, struct holders *h)
{
	const struct trow *r = &v->rows[i];
	u32 j;

	/* Kernel threads all share one empty table: nothing worth listing. */
	if (!r->has_table || (r->task && HAVE(r->task, TC_NFDS) && !r->task->nfds) ||
	    (!r->task && !r->counted))
		return;
	j = idx_get(&v->by_table, r->table);
	for (; j != IDX_NONE && h->n < h->max; j = v->rows[j].next_shared) {
		const struct trow *s = &v->rows[j];
		struct holder *e;

		if (j == i)
			continue;
		e = holders_add(h);
		e->pid = s->pid;
		e->tid = s->tid;
		e->comm = s->comm;
	}
	/* The rest are counted, not walked. */
	j = idx_get(&v->by_table, r->table);
	holders_skip(h, v->shared[j] - 1 - (h->total));
}

int view_tasks(const struct opts *o, struct model *m)
{
	struct out *t = out_new(o, "tasks", NULL);
	struct holders h = { 0 };
	struct tview v = { 0 };
	struct sbuf b = { 0 };
	size_t i;
	int rc = 0;

	build(o, m, &v);
	out_column(t, "PID", J_NUM, SCOLS_FL_RIGHT);
	out_column(t, "TID", J_NUM, SCOLS_FL_RIGHT | (o->threads ? 0 : OUT_HIDDEN));
	out_column(t, "COMMAND", J_STR, 0);
	out_column(t, "USER", J_STR, 0);
	out_column(t, "FDS", J_NUM, SCOLS_FL_RIGHT);
	out_column(t, "MAXFDS", J_NUM, SCOLS_FL_RIGHT);
	out_column(t, "STDIN", J_STR, 0);
	out_column(t, "STDOUT", J_STR, 0);
	out_column(t, "STDERR", J_STR, 0);
	out_column(t, "TABLE", J_STR, 0);
	out_column(t, "SHARED", J_LIST, 0);

	for (i = 0; i < v.n; i++) {
		const struct trow *r = &v.rows[i];
		char hex[24];
		int k;

		if (!shown(o, m, r))
			continue;
		if (out_row(t)) {
			out_discard(t);
			rc = -1;
			goto out;
		}
		out_cell_u(t, 0, (u64)r->pid);
		out_cell_u(t, 1, (u64)(r->tid ? r->tid : r->pid));
		out_cell(t, 2, r->comm);
		out_cell(t, 3, model_user(m, r->pid, r->tid));
		if (r->task && HAVE(r->task, TC_NFDS))
			out_cell_u(t, 4, r->task->nfds);
		else
			out_cell_u(t, 4, r->counted);
		if (r->task && HAVE(r->task, TC_MAXFDS))
			out_cell_u(t, 5, r->task->maxfds);
		else
			out_cell(t, 5, NULL);
		for (k = 0; k < 3; k++)
			out_cell(t, 6 + k, r->std[k] == IDX_NONE ? NULL :
				 model_name(m, r->std[k], &b));
		snprintf(hex, sizeof(hex), "%015llx", (unsigned long long)r->table);
		out_cell(t, 9, r->has_table ? hex : NULL);
		holders_reset(&h, out_list_max(o));
		shared_with(&v, i, &h);
		out_cell_list(t, 10, &h);
	}
	rc = out_print(t);
out:
	free(b.s);
	holders_free(&h);
	free(v.rows);
	free(v.shared);
	idx_free(&v.by_task);
	idx_free(&v.by_table);
	return rc;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope: the tables of every view. A view declares its columns once, then
 * fills rows cell by cell; -o chooses which columns are shown and in which
 * order. Tables and raw lists are printed by libsmartcols; JSON is written
 * here, since libsmartcols 2.38 has no arrays of objects, and always as one
 * document per invocation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <libsmartcols.h>

#include "fdscope.h"

#define UNSET	((size_t)-1)

struct out_col {
	const char *name;
	int json;		/* J_* */
	int flags;		/* SCOLS_FL_* */
};

struct out {
	const struct opts *o;
	const char *name;	/* the JSON key */
	const char *title;	/* shown above a table */
	bool object;		/* JSON: rows are "column 1": column 2 */
	struct out_col *cols;	/* as declared */
	size_t ncols;
	int *pos;		/* declared column -> shown position, or -1 */
	size_t nshown;
	bool started;
	struct libscols_table *tb;
	struct libscols_line *ln;
	struct sbuf text;	/* a list cell's text */
	struct sbuf json;	/* the rows written so far */
	struct sbuf row;	/* this row's cells, encoded */
	size_t *start;		/* per declared column: its cell in ->row */
	size_t *end;
	size_t *order;		/* shown position -> declared column */
	struct sbuf keys;	/* JSON: each shown column's "key": */
	size_t *key_end;	/* JSON: where each key ends in ->keys */
	size_t nrows;		/* JSON rows */
	size_t nrows_shown;	/* table rows */
	bool in_row;
	bool stream;		/* out_stream(): cells kept in ->cells, not in ->tb */
	struct sbuf cells;	/* stream: every cell, NUL-terminated */
	size_t *at;		/* stream: per row and shown column, its cell; UNSET */
	size_t *width;		/* stream: per shown column, as libsmartcols measures it */
	bool plain;		/* stream: every cell printable ASCII, as stream.c writes */
	bool follows;		/* JSON: the rows follow another process's */
	int (*more)(void *arg);	/* JSON: writes rows after these, in the same array */
	void *more_arg;
	bool more_failed;
	bool alone;		/* JSON: the only table, its rows written as they come */
	bool written;		/* JSON: the document's start and some rows were */
};

static __noreturn void scols_oom(void)
{
	fputs("fdscope: out of memory\n", stderr);
	exit(1);
}

/* A table named @name (the JSON key); @title is shown above it as text. */
struct out *out_new(const struct opts *o, const char *name, const char *title)
{
	struct out *t = xcalloc(1, sizeof(*t));

	t->o = o;
	t->name = name;
	t->title = title;
	/* A long list's rows and cells: megabytes, grown without copies. */
	t->json.big = true;
	t->cells.big = true;
	return t;
}

/* JSON: an object of "first column": second column, not an array of rows. */
void out_as_object(struct out *t)
{
	t->object = true;
}

/*
 * A table that may have many rows: when stream.c could write its bytes
 * (no terminal, no JSON, printable ASCII cells, columns only left or
 * right aligned), it does, and libsmartcols is left out. A title is
 * libsmartcols' to print.
 */
void out_stream(struct out *t)
{
	size_t i;

	t->stream = !t->title && stream_usable(t->o);
	for (i = 0; i < t->ncols; i++) {
		if (t->cols[i].flags & ~(SCOLS_FL_RIGHT | OUT_HIDDEN))
			t->stream = false;
	}
}

void out_column(struct out *t, const char *name, int json, int flags)
{
	t->cols = xrealloc(t->cols, t->ncols + 1, sizeof(*t->cols));
	t->cols[t->ncols].name = name;
	t->cols[t->ncols].json = json;
	t->cols[t->ncols].flags = flags;
	t->ncols++;
}

static int find_column(const struct out *t, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < t->ncols; i++) {
		if (strlen(t->cols[i].name) == len && !strncasecmp(t->cols[i].name, name, len))
			return (int)i;
	}
	return -1;
}

static void show_all(struct out *t, bool all)
{
	size_t i;

	t->nshown = 0;
	for (i = 0; i < t->ncols; i++) {
		bool on = all && !(t->cols[i].flags & OUT_HIDDEN);

		t->pos[i] = on ? (int)t->nshown++ : -1;
	}
}

/*
 * The columns shown: every one declared, or those -o names, in its order,
 * as for the fd list: -o LIST replaces the columns, -o +LIST adds to them.
 */
static int select_columns(struct out *t, const char * const *lists, size_t nlists)
{
	size_t k;

	t->pos = xmalloc((t->ncols ? t->ncols : 1) * sizeof(*t->pos));
	show_all(t, true);
	for (k = 0; k < nlists; k++) {
		const char *p = lists[k];
		size_t nth = 1;

		if (*p == '+')
			p++;
		else
			show_all(t, false);
		for (;; nth++) {
			size_t len = strcspn(p, ",");
			int col = find_column(t, p, len);

			if (!len)
				return fds_err("-o %s: column name %zu is empty", lists[k], nth);
			if (col < 0)
				return fds_err("unknown column for this view: %.*s", (int)len, p);
			if (t->pos[col] < 0)
				t->pos[col] = (int)t->nshown++;
			if (!p[len])
				break;
			p += len + 1;
		}
	}
	return 0;
}

/* Make the libsmartcols table of the shown columns, in their order. */
static void scols_start(struct out *t)
{
	const struct opts *o = t->o;
	size_t shown;

	t->tb = scols_new_table();
	if (!t->tb)
		scols_oom();
	scols_table_enable_raw(t->tb, o->raw);
	scols_table_enable_noheadings(t->tb, o->noheadings);
	/* Wide as the cells, whatever the terminal, as when piped. */
	if (o->notruncate)
		scols_table_set_termforce(t->tb, SCOLS_TERMFORCE_NEVER);
	if (t->title && !o->raw && !o->noheadings)
		scols_cell_set_data(scols_table_get_title(t->tb), t->title);
	for (shown = 0; shown < t->nshown; shown++) {
		const struct out_col *c = &t->cols[t->order[shown]];

		if (!scols_table_new_column(t->tb, c->name, 0, c->flags & ~OUT_HIDDEN))
			scols_oom();
	}
}

/* Headers count even when not shown, as in libsmartcols. */
static void stream_start(struct out *t)
{
	size_t shown;

	t->plain = true;
	t->width = xcalloc(t->nshown ? t->nshown : 1, sizeof(*t->width));
	for (shown = 0; shown < t->nshown; shown++)
		t->width[shown] = strlen(t->cols[t->order[shown]].name);
}

static void stream_row(struct out *t)
{
	size_t first = (t->nrows_shown - 1) * t->nshown, i;

	t->at = xrealloc(t->at, first + t->nshown + 1, sizeof(*t->at));
	for (i = 0; i < t->nshown; i++)
		t->at[first + i] = UNSET;
}

static void stream_cell(struct out *t, size_t col, const char *s)
{
	size_t shown = (size_t)t->pos[col], n;

	t->at[(t->nrows_shown - 1) * t->nshown + shown] = t->cells.len;
	sb_addn(&t->cells, s, strlen(s) + 1);
	n = stream_plain_len(t->o, s, NULL);
	if (!n)
		t->plain = false;
	if (n > t->width[shown])
		t->width[shown] = n;
}

/*
 * Print a stream table: itself when every cell is plain, else through
 * libsmartcols, its cells given to it now.
 */
static int stream_print(struct out *t)
{
	size_t r, shown, cell;
	bool right, last;

	for (r = 0; r < t->nrows_shown && t->plain; r++) {
		for (shown = 0; shown < t->nshown; shown++) {
			if (t->at[r * t->nshown + shown] == UNSET)
				t->plain = false;
		}
	}
	if (!t->plain) {
		scols_start(t);
		for (r = 0; r < t->nrows_shown; r++) {
			t->ln = scols_table_new_line(t->tb, NULL);
			if (!t->ln)
				scols_oom();
			for (shown = 0; shown < t->nshown; shown++) {
				cell = t->at[r * t->nshown + shown];
				if (cell != UNSET &&
				    scols_line_set_data(t->ln, shown, t->cells.s + cell))
					scols_oom();
			}
		}
		fds_locale();
		return scols_print_table(t->tb) ? -1 : 0;
	}
	for (shown = 0; shown < t->nshown && !t->o->noheadings; shown++) {
		const char *name = t->cols[t->order[shown]].name;

		right = t->cols[t->order[shown]].flags & SCOLS_FL_RIGHT;
		stream_put_cell(t->o, name, strlen(name), t->width[shown], right,
				shown + 1 == t->nshown);
	}
	for (r = 0; r < t->nrows_shown; r++) {
		for (shown = 0; shown < t->nshown; shown++) {
			const char *s = t->cells.s + t->at[r * t->nshown + shown];

			right = t->cols[t->order[shown]].flags & SCOLS_FL_RIGHT;
			last = shown + 1 == t->nshown;
			stream_put_cell(t->o, s, stream_plain_len(t->o, s, NULL), t->width[shown],
					right, last);
		}
	}
	stream_flush();
	return 0;
}

/* Each row repeats the same keys: written once, copied per row. */
static void json_start(struct out *t)
{
	size_t shown;

	t->key_end = xmalloc((t->nshown ? t->nshown : 1) * sizeof(*t->key_end));
	for (shown = 0; shown < t->nshown; shown++) {
		sb_add(&t->keys, shown ? ",\n         " : "\n         ");
		json_key(&t->keys, t->cols[t->order[shown]].name);
		t->key_end[shown] = t->keys.len;
	}
}

static int start(struct out *t)
{
	const struct opts *o = t->o;
	size_t i;
	/*
	 * The fd list declares the columns -o chose, --summary has none to
	 * choose; the other views declare all theirs.
	 */
	bool choose = o->view == VIEW_TASKS || o->view == VIEW_ENDPOINTS ||
		      o->view == VIEW_SHARED || o->view == VIEW_LOCKS;

	t->started = true;
	if (select_columns(t, choose ? o->outputs : NULL, choose ? o->noutputs : 0))
		return -1;
	/* Shown position -> declared column, for every way of writing. */
	t->order = xmalloc((t->nshown ? t->nshown : 1) * sizeof(*t->order));
	for (i = 0; i < t->ncols; i++) {
		if (t->pos[i] >= 0)
			t->order[t->pos[i]] = i;
	}
	t->start = xmalloc((t->ncols ? t->ncols : 1) * sizeof(*t->start));
	t->end = xmalloc((t->ncols ? t->ncols : 1) * sizeof(*t->end));
	if (o->json)
		json_start(t);
	else if (!t->stream)
		scols_start(t);
	else
		stream_start(t);
	return 0;
}

/* The start of the table's member of the JSON document: "name": [ or {. */
static void json_member_start(const struct out *t)
{
	struct sbuf b = { 0 };

	sb_add(&b, "   ");
	json_str(&b, t->name);
	sb_add(&b, t->object ? ": {" : ": [");
	fwrite(b.s, 1, b.len, stdout);
	sb_free(&b);
}

/* Write the row made so far, its cells in the shown order. */
static void json_end_row(struct out *t)
{
	size_t shown, i;

	if (!t->in_row)
		return;
	t->in_row = false;
	if (t->object) {
		/* The first shown column is the key, the second the value. */
		size_t key, val;

		if (t->nshown < 2)
			return;
		key = t->order[0];
		val = t->order[1];
		if (t->start[key] == UNSET || t->start[val] == UNSET)
			return;
		sb_add(&t->json, t->nrows++ ? ",\n      " : "\n      ");
		if (t->row.s[t->start[key]] == '"')
			sb_addn(&t->json, t->row.s + t->start[key], t->end[key] - t->start[key]);
		else
			json_str(&t->json, "-");	/* a key is a string, never null */
		sb_add(&t->json, ": ");
		sb_addn(&t->json, t->row.s + t->start[val], t->end[val] - t->start[val]);
		return;
	}
	sb_add(&t->json, t->nrows++ || t->follows ? "},{" : "\n      {");
	for (shown = 0; shown < t->nshown; shown++) {
		size_t from = shown ? t->key_end[shown - 1] : 0;

		i = t->order[shown];
		sb_addn(&t->json, t->keys.s + from, t->key_end[shown] - from);
		if (t->start[i] == UNSET)
			sb_addn(&t->json, "null", 4);
		else
			sb_addn(&t->json, t->row.s + t->start[i], t->end[i] - t->start[i]);
	}
	sb_addn(&t->json, "\n      ", 7);
	if (t->alone && t->json.len >= 1 << 16) {
		/* The document's start once, then the rows so far. */
		if (!t->written) {
			fputs("{\n", stdout);
			json_member_start(t);
		}
		t->written = true;
		fwrite(t->json.s, 1, t->json.len, stdout);
		sb_reset(&t->json);
	}
}

/* Start a new row; -1 (after a message) when -o names no such column. */
int out_row(struct out *t)
{
	size_t i;

	if (!t->started && start(t))
		return -1;
	if (!t->o->json && t->stream) {
		t->nrows_shown++;
		stream_row(t);
		return 0;
	}
	if (!t->o->json) {
		t->nrows_shown++;
		t->ln = scols_table_new_line(t->tb, NULL);
		if (!t->ln)
			scols_oom();
		return 0;
	}
	json_end_row(t);
	t->in_row = true;
	sb_reset(&t->row);
	for (i = 0; i < t->ncols; i++)
		t->start[i] = UNSET;
	return 0;
}

/* JSON: @col's cell is what is appended to ->row until cell_done(). */
static bool cell_begin(struct out *t, size_t col)
{
	if (col >= t->ncols || t->pos[col] < 0)
		return false;
	if (t->o->json)
		t->start[col] = t->row.len;
	return true;
}

static void cell_done(struct out *t, size_t col)
{
	t->end[col] = t->row.len;
}

static void scols_cell(struct out *t, size_t col, const char *s)
{
	if (t->stream) {
		stream_cell(t, col, s ? s : "-");
		return;
	}
	if (scols_line_set_data(t->ln, (size_t)t->pos[col], s ? s : "-"))
		scols_oom();
}

/*
 * Declared column @col of this row. NULL, a value that does not apply, is
 * "-" in a table and null in JSON.
 */
void out_cell(struct out *t, size_t col, const char *s)
{
	if (!cell_begin(t, col))
		return;
	if (!t->o->json) {
		scols_cell(t, col, s);
		return;
	}
	json_value(&t->row, t->cols[col].json, s);
	cell_done(t, col);
}

void out_cell_u(struct out *t, size_t col, u64 v)
{
	char tmp[24];

	out_cell(t, col, utoa(v, tmp));
}

/* A list: its entries' text in a table, an array of objects in JSON. */
void out_cell_list(struct out *t, size_t col, const struct holders *h)
{
	if (!cell_begin(t, col))
		return;
	if (!t->o->json) {
		sb_reset(&t->text);
		holders_text(h, &t->text);
		scols_cell(t, col, t->text.len ? t->text.s : NULL);
		return;
	}
	json_holders(&t->row, h);
	cell_done(t, col);
}

/* How many entries a list cell keeps: all of them in JSON. */
size_t out_list_max(const struct opts *o)
{
	return o->json ? (size_t)-1 : LIST_MAX;
}

/*
 * The table's member of the JSON document, "name": [rows] or {pairs}, then
 * @sep, to stdout: the rows are written where they are, not copied.
 */
static void json_member(struct out *t, const char *sep)
{
	struct sbuf b = { 0 };

	json_end_row(t);
	if (!t->written)
		json_member_start(t);
	if (t->json.len)
		fwrite(t->json.s, 1, t->json.len, stdout);
	if (t->more && t->more(t->more_arg))
		t->more_failed = true;
	if (t->object)
		sb_add(&b, t->nrows ? "\n   }" : "}");
	else
		sb_add(&b, t->nrows ? "}\n   ]" : "]");
	sb_add(&b, sep);
	fwrite(b.s, 1, b.len, stdout);
	sb_free(&b);
}

static void out_free(struct out *t)
{
	if (t->tb)
		scols_unref_table(t->tb);
	free(t->cols);
	free(t->pos);
	free(t->start);
	free(t->end);
	free(t->order);
	free(t->key_end);
	free(t->at);
	free(t->width);
	sb_free(&t->cells);
	sb_free(&t->keys);
	sb_free(&t->text);
	sb_free(&t->json);
	sb_free(&t->row);
	free(t);
}

/*
 * libsmartcols 2.38 prints nothing for a table without rows; a header
 * still says what was looked for. Without cells each column is as wide as
 * its name, so the names and single spaces are what it would print.
 */
static void print_header(const struct out *t)
{
	size_t shown;

	if (t->o->noheadings)
		return;
	if (t->title && !t->o->raw)
		printf("%s\n", t->title);
	for (shown = 0; shown < t->nshown; shown++)
		printf("%s%s", shown ? " " : "", t->cols[t->order[shown]].name);
	putchar('\n');
}

/*
 * Several tables as one output: one JSON object holding each table's member,
 * or the tables one after another, separated by an empty line.
 */
int out_print_group(struct out **tbs, size_t n)
{
	const struct opts *o = n ? tbs[0]->o : NULL;
	size_t i;
	int rc = 0;

	for (i = 0; i < n; i++) {
		if (!tbs[i]->started && start(tbs[i]))
			rc = -1;
	}
	if (rc)
		goto out;
	if (o && o->json) {
		if (!(n == 1 && tbs[0]->written))
			fputs("{\n", stdout);
		for (i = 0; i < n; i++) {
			json_member(tbs[i], i + 1 < n ? ",\n" : "\n");
			if (tbs[i]->more_failed)
				rc = -1;
		}
		fputs("}\n", stdout);
	}
	for (i = 0; o && !o->json && i < n; i++) {
		if (i && !o->raw && !o->noheadings)
			fputc('\n', stdout);
		if (!tbs[i]->nrows_shown) {
			print_header(tbs[i]);
			continue;
		}
		if (!tbs[i]->stream)
			fds_locale();
		if (tbs[i]->stream ? stream_print(tbs[i]) : scols_print_table(tbs[i]->tb))
			rc = -1;
	}
	if (rc || fflush(stdout) || ferror(stdout))
		rc = fds_err("write error");
out:
	for (i = 0; i < n; i++)
		out_free(tbs[i]);
	return rc;
}

int out_print(struct out *t)
{
	return out_print_group(&t, 1);
}

/*
 * JSON: @t is the whole document, printed with out_print(): its rows are
 * written as they are made, not kept until then.
 */
void out_alone(struct out *t)
{
	t->alone = true;
}

/* JSON: the rows of @t follow those of another process in the same array. */
void out_rows_follow(struct out *t)
{
	t->follows = true;
}

/* JSON: @more writes rows after those of @t, in the same array. */
void out_more_rows(struct out *t, int (*more)(void *), void *arg)
{
	t->more = more;
	t->more_arg = arg;
}

/* JSON, in the child: its rows written when the parent says so; exits. */
void out_rows_done(struct out *t, struct halves *h)
{
	json_end_row(t);
	halves_child_done(h, t->json.s, t->json.len);
}

/* How many rows were started. */
size_t out_row_count(const struct out *t)
{
	return t->nrows_shown + t->nrows + t->in_row;
}

/* Drop a table after an error. */
void out_discard(struct out *t)
{
	out_free(t);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope: libsmartcols tables for every view, in table, raw or JSON form.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libsmartcols.h>

#include "fdscope.h"

static __noreturn void scols_oom(void)
{
	fputs("fdscope: out of memory\n", stderr);
	exit(1);
}

/* A table named @name (the JSON key); @title is shown above it as text. */
struct libscols_table *out_table(const struct opts *o, const char *name, const char *title)
{
	struct libscols_table *tb = scols_new_table();

	if (!tb)
		scols_oom();
	scols_table_set_name(tb, name);
	scols_table_enable_json(tb, o->json);
	scols_table_enable_raw(tb, o->raw);
	scols_table_enable_noheadings(tb, o->noheadings);
	if (title && !o->json && !o->raw && !o->noheadings)
		scols_cell_set_data(scols_table_get_title(tb), title);
	return tb;
}

void out_column(struct libscols_table *tb, const char *name, int json, int flags)
{
	struct libscols_column *cl = scols_table_new_column(tb, name, 0, flags);

	if (!cl)
		scols_oom();
	scols_column_set_json_type(cl, json);
	/*
	 * A JSON array cell holds one entry per line; libsmartcols splits it
	 * with its wrap functions. Tables show such cells on one line.
	 */
	if (json == SCOLS_JSON_ARRAY_STRING && scols_table_is_json(tb)) {
		scols_column_set_flags(cl, flags | SCOLS_FL_WRAP);
		scols_column_set_wrapfunc(cl, scols_wrapnl_chunksize, scols_wrapnl_nextchunk,
					  NULL);
	}
}

/*
 * A value that does not apply is "-" in a table and null in JSON (a "-"
 * would not even be valid JSON in a number column).
 */
void out_cell(const struct opts *o, struct libscols_line *ln, size_t i, const char *s)
{
	if (!s && o->json)
		return;
	if (scols_line_set_data(ln, i, s ? s : "-"))
		scols_oom();
}

void out_cell_u(const struct opts *o, struct libscols_line *ln, size_t i, u64 v)
{
	char tmp[24];

	out_cell(o, ln, i, utoa(v, tmp));
}

int out_print(struct libscols_table *tb)
{
	int rc = scols_print_table(tb);

	scols_unref_table(tb);
	if (rc || fflush(stdout) || ferror(stdout))
		return fds_err("write error");
	return 0;
}

/*
 * Several tables as one output: one JSON object holding each table's array,
 * or the tables one after another, separated by an empty line.
 */
int out_print_group(const struct opts *o, struct libscols_table **tbs, size_t n)
{
	size_t i;
	int rc = 0;

	if (o->json)
		fputs("{\n", stdout);
	for (i = 0; i < n; i++) {
		char *s = NULL, *start, *end;

		if (!o->json) {
			if (i && !o->raw && !o->noheadings)
				fputc('\n', stdout);
			if (scols_print_table(tbs[i]))
				rc = -1;
			continue;
		}
		/* Strip the "{\n" and "\n}" around this table's member. */
		if (scols_print_table_to_string(tbs[i], &s) || !s) {
			rc = -1;
			continue;
		}
		start = strchr(s, '\n');
		start = start ? start + 1 : s;
		end = strrchr(start, '}');
		if (end) {
			while (end > start && end[-1] == '\n')
				end--;
			*end = '\0';
		}
		fputs(start, stdout);
		fputs(i + 1 < n ? ",\n" : "\n", stdout);
		free(s);
	}
	if (o->json)
		fputs("}\n", stdout);
	for (i = 0; i < n; i++)
		scols_unref_table(tbs[i]);
	if (rc || fflush(stdout) || ferror(stdout))
		return fds_err("write error");
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope: the fd list written straight to stdout, for the common case.
 *
 * libsmartcols copies every cell, allocates for it and measures it with
 * wide-character conversions, twice; at 100k fds that is most of what
 * fdscope costs (BENCHMARKS.md). When all it would do is pad printable
 * ASCII with spaces, this writes the same bytes itself in two passes over
 * the rows, widths first: output that is no terminal (so nothing is
 * truncated), table or raw form, every cell printable ASCII. Anything else
 * is left to libsmartcols. FDSCOPE_NO_STREAM=1 always leaves it to
 * libsmartcols; tests/reader compares the two byte for byte.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libsmartcols.h>

#include "fdscope.h"

/* The length of @s when it is non-empty printable ASCII, else 0. */
static size_t plain_len(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p >= 0x20 && *p < 0x7f)
		p++;
	return *p ? 0 : (size_t)(p - (const unsigned char *)s);
}

bool stream_usable(const struct opts *o)
{
	const char *off = getenv("FDSCOPE_NO_STREAM");

	return !o->json && !isatty(STDOUT_FILENO) && !(off && *off && strcmp(off, "0"));
}

static void put_spaces(size_t n)
{
	while (n--)
		putchar_unlocked(' ');
}

static void put_text(const char *s, size_t n)
{
	while (n--)
		putchar_unlocked(*s++);
}

/* Cell @i of a line: raw form escapes its spaces as libsmartcols does. */
static void put_cell(const struct opts *o, size_t i, const char *s, const size_t *width)
{
	bool right = columns[o->cols[i]].flags & SCOLS_FL_RIGHT;
	bool last = i + 1 == o->ncols;
	size_t len = strlen(s);

	if (o->raw) {
		for (; *s; s++) {
			if (*s == ' ')
				put_text("\\x20", 4);
			else
				putchar_unlocked(*s);
		}
	} else {
		if (right)
			put_spaces(width[i] - len);
		put_text(s, len);
		if (!right && !last)
			put_spaces(width[i] - len);
	}
	putchar_unlocked(last ? '\n' : ' ');
}

/*
 * The list in table or raw form; 1 when some cell needs libsmartcols
 * (nothing has been written then), else 0 or -1 on a write error.
 */
int stream_list(const struct opts *o, struct model *m)
{
	size_t *width = xcalloc(o->ncols, sizeof(*width));
	u32 *rows = xcalloc(m->nfiles + 1, sizeof(*rows));
	struct sbuf b = { 0 };
	size_t nrows = 0, r, i;
	int rc = 1;

	/* Headers count even when not shown, as in libsmartcols. */
	for (i = 0; i < o->ncols; i++)
		width[i] = strlen(columns[o->cols[i]].name);
	for (r = 0; r < m->nfiles; r++) {
		if (!select_row(o, m, r, &b))
			continue;
		for (i = 0; i < o->ncols; i++) {
			const char *v = column_value(m, r, o->cols[i], &b);
			size_t n = plain_len(v ? v : "-");

			if (!n)
				goto out;
			if (n > width[i])
				width[i] = n;
		}
		rows[nrows++] = r;
	}
	for (i = 0; i < o->ncols && !o->noheadings; i++)
		put_cell(o, i, columns[o->cols[i]].name, width);
	for (r = 0; r < nrows; r++) {
		/* Values may share @b, so each is written before the next is made. */
		for (i = 0; i < o->ncols; i++) {
			const char *v = column_value(m, rows[r], o->cols[i], &b);

			put_cell(o, i, v ? v : "-", width);
		}
	}
	rc = fflush(stdout) || ferror(stdout) ? fds_err("write error") : 0;
out:
	free(b.s);
	free(rows);
	free(width);
	return rc;
}

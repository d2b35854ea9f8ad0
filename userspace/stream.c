// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope: a long table (the fd list's, --holders') written straight to
 * stdout, for the common case.
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

#include "fdscope.h"

/*
 * libsmartcols writes a backslash as \x5c wherever it could be read as the
 * start of one of its own \xHH escapes: every one in raw form, one followed
 * by 'x' in a table.
 */
static bool escaped(const struct opts *o, const char *p)
{
	return *p == '\\' && (o->raw || p[1] == 'x');
}

/* Bytes a cell is scanned for: ordinary printable ASCII is 0. */
enum { C_PLAIN, C_SPACE, C_BACKSLASH, C_OTHER };

static const unsigned char byte_class[256] = {
	[0 ... 0x1f] = C_OTHER, [' '] = C_SPACE, ['\\'] = C_BACKSLASH,
	[0x7f ... 0xff] = C_OTHER,
};

/* @s from its first byte that is not plain printable ASCII (at worst its NUL). */
static const char *skip_plain(const char *s)
{
	while (byte_class[(unsigned char)*s] == C_PLAIN)
		s++;
	return s;
}

/*
 * The width of @s as written, when it is non-empty printable ASCII; 0 when
 * libsmartcols must encode it. If @bytes is not NULL and the width is not
 * 0, *@bytes is its length when it is written byte for byte, else 0 (a
 * byte of it is escaped).
 */
size_t stream_plain_len(const struct opts *o, const char *s, size_t *bytes)
{
	const char *p = s;
	size_t extra = 0;
	bool rewritten = false;

	for (;; p++) {
		p = skip_plain(p);
		if (byte_class[(unsigned char)*p] == C_OTHER)
			break;
		/* A backslash as \x5c, or in raw form a space as \x20. */
		if (escaped(o, p))
			extra += 3;
		rewritten |= escaped(o, p) || o->raw;
	}
	if (*p || p == s)
		return 0;
	if (bytes)
		*bytes = rewritten ? 0 : (size_t)(p - s);
	return (size_t)(p - s) + extra;
}

bool stream_usable(const struct opts *o)
{
	const char *off = getenv("FDSCOPE_NO_STREAM");

	return !o->json && !isatty(STDOUT_FILENO) && !(off && *off && strcmp(off, "0"));
}

/* The output, written in large pieces: rows are made of many small ones. */
static struct sbuf outbuf = { .big = true };
/* Kept whole, not written as it grows (the second half of a list). */
static bool keep_output;

static void put(const char *s, size_t n)
{
	sb_addn(&outbuf, s, n);
}

/* @n spaces at @d, which has room for them; the end. */
static char *fill_spaces(char *d, size_t n)
{
	static const char spaces[64] = { [0 ... 63] = ' ' };

	for (; n > sizeof(spaces); n -= sizeof(spaces), d += sizeof(spaces))
		memcpy(d, spaces, sizeof(spaces));
	copy_short(d, spaces, n);
	return d + n;
}

static void stream_put_spaces(size_t n)
{
	if (outbuf.len + n + 1 > outbuf.cap)
		sb_grow(&outbuf, n);
	outbuf.len = (size_t)(fill_spaces(outbuf.s + outbuf.len, n) - outbuf.s);
	outbuf.s[outbuf.len] = '\0';
}

/*
 * Text @s as libsmartcols writes it: spaces in raw form, some backslashes.
 * Runs of plain bytes are copied whole (stream_plain_len() has checked
 * that nothing else is in @s).
 */
static void stream_put_escaped(const struct opts *o, const char *s)
{
	const char *run = s;

	for (;; s++) {
		const char *esc;

		s = skip_plain(s);
		if (!*s)
			break;
		if (o->raw && *s == ' ')
			esc = "\\x20";
		else if (escaped(o, s))
			esc = "\\x5c";
		else
			continue;
		put(run, s - run);
		put(esc, 4);
		run = s + 1;
	}
	put(run, s - run);
}

static void flush_out(void)
{
	fwrite(outbuf.s, 1, outbuf.len, stdout);
	sb_reset(&outbuf);
}

/*
 * Cell @s of a line, @len wide as written, padded to @width in a table,
 * then the separator; the last cell ends the line.
 */
void stream_put_cell(const struct opts *o, const char *s, size_t len, size_t width,
		     bool right, bool last)
{
	if (!o->raw && right)
		stream_put_spaces(width - len);
	stream_put_escaped(o, s);
	if (!o->raw && !right && !last)
		stream_put_spaces(width - len);
	sb_addc(&outbuf, last ? '\n' : ' ');
	if (last && outbuf.len >= 1 << 16 && !keep_output)
		flush_out();
}

/* What stream_put_cell() kept, written; the buffer freed. */
void stream_flush(void)
{
	flush_out();
	sb_free(&outbuf);
}

/* Cell @i of a line, @len wide as written, padded in a table. */
static void put_cell(const struct opts *o, const struct stream_table *st, size_t i,
		     const char *s, size_t len, const size_t *width)
{
	stream_put_cell(o, s, len, width[i], st->right[i], i + 1 == st->ncols);
}

/* The cells of the rows this process writes, made once for both passes. */
struct cells {
	struct sbuf text;	/* each cell, NUL-terminated */
	u32 *at;		/* per row and column: where its cell starts */
	u32 *len;		/* its width as written, and CELL_ESCAPED */
};

/* A cell with bytes that are escaped: not written byte for byte. */
#define CELL_ESCAPED	BIT(31)

/*
 * The row of @c whose cells start at @k, into the output: the whole line
 * in room made once (@line bytes at most), unless some cell is escaped.
 */
static void put_row(const struct opts *o, const struct stream_table *st,
		    const struct cells *c, size_t k, const size_t *width, size_t line)
{
	bool pad = !o->raw;
	size_t i;
	char *d;

	if (outbuf.len + line + 1 > outbuf.cap)
		sb_grow(&outbuf, line);
	d = outbuf.s + outbuf.len;
	for (i = 0; i < st->ncols; i++, k++) {
		const char *s = c->text.s + c->at[k];
		size_t len = c->len[k];
		bool last = i + 1 == st->ncols;

		if (len & CELL_ESCAPED) {
			outbuf.len = (size_t)(d - outbuf.s);
			stream_put_cell(o, s, len & ~CELL_ESCAPED, width[i], st->right[i], last);
			if (outbuf.len + line + 1 > outbuf.cap)
				sb_grow(&outbuf, line);
			d = outbuf.s + outbuf.len;
			continue;
		}
		if (pad && st->right[i])
			d = fill_spaces(d, width[i] - len);
		copy_short(d, s, len);
		d += len;
		if (pad && !st->right[i] && !last)
			d = fill_spaces(d, width[i] - len);
		*d++ = last ? '\n' : ' ';
	}
	*d = '\0';
	outbuf.len = (size_t)(d - outbuf.s);
	if (outbuf.len >= 1 << 16 && !keep_output)
		flush_out();
}

/*
 * Make the cells of @n rows into @c and widen @width to them; false when
 * some cell needs libsmartcols.
 */
static bool measure(const struct opts *o, const struct stream_table *st, size_t from,
		    size_t to, size_t *width, struct sbuf *b, struct cells *c)
{
	size_t n = to - from, r, i, k = 0;

	c->at = xbig_realloc(NULL, (n * st->ncols + 1) * sizeof(*c->at));
	c->len = xbig_realloc(NULL, (n * st->ncols + 1) * sizeof(*c->len));
	for (r = from; r < to; r++) {
		for (i = 0; i < st->ncols; i++, k++) {
			const char *v = st->cell(st->ctx, r, i, b);
			size_t len, bytes = 0;

			v = v ? v : "-";
			len = stream_plain_len(o, v, &bytes);
			if (!len)
				return false;
			if (len > width[i])
				width[i] = len;
			c->at[k] = (u32)c->text.len;
			c->len[k] = (u32)len | (bytes ? 0 : CELL_ESCAPED);
			sb_addn(&c->text, v, (bytes ? bytes : strlen(v)) + 1);
		}
	}
	return true;
}

/*
 * The widths of both halves, the same in both processes: the child sends
 * its own, the parent sends back the widest of the two. The first
 * element says whether every cell is plain.
 */
static int merge_widths(struct halves *h, size_t ncols, size_t *width, bool *plain)
{
	size_t n = ncols + 1, *got = xcalloc(n, sizeof(*got)), i;
	int rc;

	width[ncols] = *plain;
	if (!h->child) {
		rc = halves_send(h, width, n * sizeof(*width)) ||
		     halves_recv(h, width, n * sizeof(*width));
	} else {
		rc = halves_recv(h, got, n * sizeof(*got));
		for (i = 0; !rc && i < ncols; i++)
			width[i] = got[i] > width[i] ? got[i] : width[i];
		width[ncols] = !rc && *plain && got[ncols];
		if (!rc)
			rc = halves_send(h, width, n * sizeof(*width));
	}
	*plain = width[ncols];
	free(got);
	return rc ? -1 : 0;
}

/*
 * The @nrows rows of @st in table or raw form; 1 when some cell needs
 * libsmartcols (nothing has been written then), else 0 or -1 on a write
 * error. A long table is made by two processes (halves.c).
 */
int stream_rows(const struct opts *o, const struct stream_table *st, size_t nrows)
{
	size_t *width = xcalloc(st->ncols + 1, sizeof(*width));
	size_t from = 0, to = nrows, line = 0, mid, k, r, i;
	struct halves h = { .child = -1 };
	struct cells c = { .text.big = true };
	struct sbuf b = { 0 };
	bool plain, split;
	int rc = 1;

	/* Headers count even when not shown, as in libsmartcols. */
	for (i = 0; i < st->ncols; i++)
		width[i] = strlen(st->names[i]);
	split = !halves_split(&h, nrows, &mid);
	if (split && h.child)
		to = mid;
	else if (split)
		from = mid;
	plain = measure(o, st, from, to, width, &b, &c);
	if (split && merge_widths(&h, st->ncols, width, &plain))
		plain = false;
	if (split && !h.child && !plain)
		halves_child_done(&h, NULL, 0);
	if (!plain) {
		if (split)
			halves_parent_done(&h, false);
		goto out;
	}
	for (i = 0; i < st->ncols && !o->noheadings && !from; i++)
		put_cell(o, st, i, st->names[i], strlen(st->names[i]), width);
	/* The child keeps its half until the parent has written its own. */
	keep_output = split && !h.child;
	for (i = 0; i < st->ncols; i++)
		line += width[i] + 1;
	for (r = from, k = 0; r < to; r++, k += st->ncols)
		put_row(o, st, &c, k, width, line);
	if (keep_output)
		halves_child_done(&h, outbuf.s, outbuf.len);
	flush_out();
	rc = fflush(stdout) || ferror(stdout) ? -1 : 0;
	if (split && halves_parent_done(&h, !rc))
		rc = -1;
	if (rc)
		rc = fds_err("write error");
out:
	sb_free(&outbuf);
	sb_free(&c.text);
	big_free(c.at);
	big_free(c.len);
	free(b.s);
	free(width);
	return rc;
}

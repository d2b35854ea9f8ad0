// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope: JSON values. Strings are escaped as RFC 8259 asks (quote,
 * backslash, control characters); other bytes are copied, as libsmartcols
 * does, so a path's bytes survive.
 */
#include <string.h>

#include "fdscope.h"

static const char hex[] = "0123456789abcdef";

/* The bytes a JSON string escapes, and its end (NUL). */
static const unsigned char json_escaped[256] = {
	[0 ... 0x1f] = 1, ['"'] = 1, ['\\'] = 1, [0x7f] = 1,
};

/* @s as a JSON string, or null. */
void json_str(struct sbuf *b, const char *s)
{
	const char *run;

	if (!s) {
		sb_add(b, "null");
		return;
	}
	sb_addc(b, '"');
	for (run = s;; s++) {
		unsigned char c;
		char esc[6] = { '\\', 'u', '0', '0' };

		while (!json_escaped[(unsigned char)*s])
			s++;
		c = (unsigned char)*s;
		if (!c)
			break;
		sb_addn(b, run, s - run);
		run = s + 1;
		if (c == '"' || c == '\\') {
			esc[1] = (char)c;
			sb_addn(b, esc, 2);
			continue;
		}
		esc[4] = hex[c >> 4];
		esc[5] = hex[c & 15];
		sb_addn(b, esc, 6);
	}
	sb_addn(b, run, s - run);
	sb_addc(b, '"');
}

/* A column name as its key: "PID" is "pid", as libsmartcols writes it. */
void json_key(struct sbuf *b, const char *name)
{
	sb_addc(b, '"');
	for (; *name; name++)
		sb_addc(b, (*name >= 'A' && *name <= 'Z') ? *name - 'A' + 'a' : *name);
	sb_add(b, "\": ");
}

/* Decimal digits, after a minus sign: anything else is written as a string. */
static void json_num(struct sbuf *b, const char *s, size_t n)
{
	size_t i = n > 1 && s[0] == '-';

	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		;
	if (n && i == n) {
		sb_addn(b, s, n);
	} else {
		struct sbuf t = { 0 };

		sb_addn(&t, s, n);
		json_str(b, t.s);
		sb_free(&t);
	}
}

static void json_uint(struct sbuf *b, const char *key, u64 v, bool null)
{
	json_str(b, key);
	sb_addc(b, ':');
	if (null)
		sb_add(b, "null");
	else
		sb_addu(b, v);
}

/* One list entry, with the same keys whatever it is. */
static void json_holder(struct sbuf *b, const struct holder *e)
{
	bool none = !e->pid;

	sb_addc(b, '{');
	json_uint(b, "pid", (u64)e->pid, none);
	if (e->tid) {
		sb_addc(b, ',');
		json_uint(b, "tid", (u64)e->tid, false);
	}
	sb_add(b, ",\"command\":");
	json_str(b, none ? NULL : e->comm);
	sb_addc(b, ',');
	if (e->assoc) {
		sb_add(b, "\"assoc\":");
		json_str(b, e->assoc);
	} else {
		json_uint(b, "assoc", (u64)e->fd, e->fd < 0);
	}
	sb_add(b, ",\"mode\":");
	json_str(b, e->mode ? mode_text(e->mode) : NULL);
	if (none) {
		sb_addc(b, ',');
		json_uint(b, "inode", e->inode, false);
	}
	sb_addc(b, '}');
}

/* A list as an array of objects; an empty list is []. */
void json_holders(struct sbuf *b, const struct holders *h)
{
	size_t i;

	sb_addc(b, '[');
	for (i = 0; i < h->n; i++) {
		if (i)
			sb_addc(b, ',');
		json_holder(b, &h->v[i]);
	}
	sb_addc(b, ']');
}

/* "3/511" as {"queued": 3, "max": 511}; anything else as a string. */
static void json_pair(struct sbuf *b, const char *s)
{
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : 0;

	if (!slash || !n || strspn(s, "0123456789") != n || !slash[1] ||
	    strspn(slash + 1, "0123456789") != strlen(slash + 1)) {
		json_str(b, s);
		return;
	}
	sb_add(b, "{\"queued\":");
	sb_addn(b, s, n);
	sb_add(b, ",\"max\":");
	sb_add(b, slash + 1);
	sb_addc(b, '}');
}

/* "REG:200,SOCK:1" as {"REG": 200, "SOCK": 1}. */
static void json_counts(struct sbuf *b, const char *s)
{
	struct sbuf key = { 0 };
	bool first = true;

	sb_addc(b, '{');
	while (*s) {
		size_t len = strcspn(s, ",");
		const char *colon = memrchr(s, ':', len);

		if (!first)
			sb_addc(b, ',');
		first = false;
		sb_reset(&key);
		sb_addn(&key, s, colon ? (size_t)(colon - s) : len);
		json_str(b, key.s);
		sb_addc(b, ':');
		if (colon)
			json_num(b, colon + 1, len - (colon + 1 - s));
		else
			sb_add(b, "null");
		s += len;
		if (*s)
			s++;
	}
	sb_addc(b, '}');
	sb_free(&key);
}

/* "3,5,7" as [3,5,7]. */
static void json_nums(struct sbuf *b, const char *s)
{
	sb_addc(b, '[');
	while (*s) {
		size_t len = strcspn(s, ",");

		json_num(b, s, len);
		s += len;
		if (*s) {
			sb_addc(b, ',');
			s++;
		}
	}
	sb_addc(b, ']');
}

/* "0-EOF" as "start":0,"end":null; "0-99" as "start":0,"end":99. */
static void json_lock_range(struct sbuf *b, const char *s, size_t n)
{
	const char *dash = memchr(s, '-', n);

	sb_add(b, ",\"start\":");
	if (!dash) {
		sb_add(b, "null,\"end\":null");
		return;
	}
	json_num(b, s, dash - s);
	sb_add(b, ",\"end\":");
	if (n - (dash + 1 - s) == 3 && !memcmp(dash + 1, "EOF", 3))
		sb_add(b, "null");
	else
		json_num(b, dash + 1, n - (dash + 1 - s));
}

/*
 * A LOCKS cell, "posix:W:0-EOF,lease:R:breaking,+3 more", as objects:
 * {"class":"posix","type":"W","start":0,"end":null,"breaking":false},
 * end null for "to the end of the file", start and end null without a
 * range; "+N more" as {"more":N}.
 */
void json_locks(struct sbuf *b, const char *s)
{
	struct sbuf field = { 0 };
	bool first = true;

	sb_addc(b, '[');
	while (*s) {
		size_t len = strcspn(s, ",");
		const char *c1 = memchr(s, ':', len);
		const char *c2 = c1 ? memchr(c1 + 1, ':', len - (c1 + 1 - s)) : NULL;
		const char *end = s + len;

		if (!first)
			sb_addc(b, ',');
		first = false;
		if (*s == '+') {
			sb_add(b, "{\"more\":");
			json_num(b, s + 1, strspn(s + 1, "0123456789"));
			sb_addc(b, '}');
		} else {
			sb_reset(&field);
			sb_addn(&field, s, c1 ? (size_t)(c1 - s) : len);
			sb_add(b, "{\"class\":");
			json_str(b, field.s);
			sb_reset(&field);
			if (c1)
				sb_addn(&field, c1 + 1, (c2 ? c2 : end) - (c1 + 1));
			sb_add(b, ",\"type\":");
			json_str(b, c1 ? field.s : NULL);
			if (c2 && c2[1] >= '0' && c2[1] <= '9') {
				const char *c3 = memchr(c2 + 1, ':', end - (c2 + 1));

				json_lock_range(b, c2 + 1, (c3 ? c3 : end) - (c2 + 1));
				c2 = c3;
			} else {
				json_lock_range(b, "", 0);
			}
			sb_add(b, ",\"breaking\":");
			sb_add(b, c2 ? "true" : "false");
			sb_addc(b, '}');
		}
		s = end;
		if (*s)
			s++;
	}
	sb_addc(b, ']');
	sb_free(&field);
}

/* Cell text @s of a column of type @type (J_*), or null. */
void json_value(struct sbuf *b, int type, const char *s)
{
	/* An fd that holds no lock holds an empty list. */
	if ((!s || !*s) && (type == J_LOCKS || type == J_NUMS)) {
		sb_add(b, "[]");
		return;
	}
	/* An empty string is null, as libsmartcols writes it. */
	if (!s || !*s) {
		sb_add(b, "null");
		return;
	}
	switch (type) {
	case J_NUM:
		json_num(b, s, strlen(s));
		return;
	case J_BOOL:
		sb_add(b, *s == '1' ? "true" : "false");
		return;
	case J_PAIR:
		json_pair(b, s);
		return;
	case J_COUNTS:
		json_counts(b, s);
		return;
	case J_LOCKS:
		json_locks(b, s);
		return;
	case J_NUMS:
		json_nums(b, s);
		return;
	case J_RAW:
		sb_add(b, s);
		return;
	}
	json_str(b, s);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope: Graphviz DOT strings. A command name or path may hold any byte,
 * and dot(1) takes UTF-8 and reads HTML entities in labels, so a string is
 * written to show its bytes and nothing else: valid UTF-8 is kept, '"' and
 * '\' are escaped, '&' is "&amp;", and other bytes (control characters,
 * stray bytes of broken UTF-8) are shown as the text \xNN, as libsmartcols
 * shows them.
 */
#include <string.h>

#include "fdscope.h"

/* The length of the valid UTF-8 sequence at @s (> 0x7f), or 0. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n, i;
	unsigned char lo = 0x80, hi = 0xbf;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	/* No overlong forms, no surrogates, nothing above U+10FFFF. */
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	for (i = 1; i < n; i++) {
		if (s[i] < lo || s[i] > hi)
			return 0;
		lo = 0x80;
		hi = 0xbf;
	}
	return n;
}

/* @s as the inside of a DOT double-quoted string. */
void dot_escape(struct sbuf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	while (*p) {
		n = *p >= 0x80 ? utf8_len(p) : 0;
		if (n) {
			sb_addn(b, (const char *)p, n);
			p += n;
			continue;
		}
		if (*p == '"' || *p == '\\') {
			sb_addc(b, '\\');
			sb_addc(b, (char)*p);
		} else if (*p == '&') {
			sb_add(b, "&amp;");
		} else if (*p < 0x20 || *p >= 0x7f) {
			/* "\\" is how DOT writes one backslash. */
			sb_add(b, "\\\\x");
			sb_addc(b, hex[*p >> 4]);
			sb_addc(b, hex[*p & 15]);
		} else {
			sb_addc(b, (char)*p);
		}
		p++;
	}
}

// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope: allocation that cannot fail, messages, a growing string, and
 * reading a whole file.
 */
#include <errno.h>
#include <stdarg.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdscope.h"

static __noreturn void oom(void)
{
	fputs("fdscope: out of memory\n", stderr);
	exit(1);
}

/* big_realloc() (bigmem.c), or exit. */
void *xbig_realloc(void *p, size_t size)
{
	p = big_realloc(p, size);
	if (!p)
		oom();
	return p;
}

/*
 * The user's character set (LC_CTYPE), loaded the first time something
 * needs it: libsmartcols measuring a cell that is not plain ASCII, a
 * regular expression, ncurses. Loading a locale reads its files, and most
 * runs write ASCII that needs none. Messages and numbers stay in C's.
 */
void fds_locale(void)
{
	static bool loaded;

	if (!loaded)
		setlocale(LC_CTYPE, "");
	loaded = true;
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n, size_t size)
{
	size_t bytes;

	if (size && n > (size_t)-1 / size)
		oom();
	bytes = n * size;
	p = realloc(p, bytes ? bytes : 1);
	if (!p)
		oom();
	return p;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		oom();
	return p;
}

/* A loader thread's messages, printed by the main thread in a fixed order. */
static __thread struct sbuf *msg_sink;

void fds_msg_capture(struct sbuf *sink)
{
	msg_sink = sink;
}

static void vmsg(const char *prefix, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	if (!msg_sink) {
		fputs(prefix, stderr);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
		return;
	}
	sb_add(msg_sink, prefix);
	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		return;
	sb_grow(msg_sink, (size_t)n + 1);
	vsnprintf(msg_sink->s + msg_sink->len, (size_t)n + 1, fmt, ap);
	msg_sink->len += (size_t)n;
	sb_addc(msg_sink, '\n');
}

void fds_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("fdscope: warning: ", fmt, ap);
	va_end(ap);
}

/* Print "fdscope: ..." on one line of stderr; returns -1 for the caller. */
int fds_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("fdscope: ", fmt, ap);
	va_end(ap);
	return -1;
}

/* Decimal digits of @v into @buf (at least 21 bytes); returns the start. */
char *utoa(u64 v, char *buf)
{
	char *p = buf + 20;

	*p = '\0';
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return p;
}

void sb_reset(struct sbuf *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = '\0';
}

/* Room for @n more bytes and a NUL: the slow path of sb_addn(). */
void sb_grow(struct sbuf *b, size_t n)
{
	size_t cap = b->cap ? b->cap : 256;

	while (cap < b->len + n + 1)
		cap *= 2;
	b->s = b->big ? xbig_realloc(b->s, cap) : xrealloc(b->s, cap, 1);
	b->cap = cap;
}

void sb_add(struct sbuf *b, const char *s)
{
	sb_addn(b, s, strlen(s));
}

void sb_addu(struct sbuf *b, u64 v)
{
	char tmp[24];

	sb_add(b, utoa(v, tmp));
}

void sb_free(struct sbuf *b)
{
	if (b->big)
		big_free(b->s);
	else
		free(b->s);
	b->s = NULL;
	b->len = 0;
	b->cap = 0;
}

/* @s escaped as the module writes a field: \ooo for space, controls and \. */
void sb_add_escaped(struct sbuf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[4] = { '\\', (char)('0' + (c >> 6)), (char)('0' + ((c >> 3) & 7)),
				(char)('0' + (c & 7)) };

		if (c <= 0x20 || c == 0x7f || c == '\\')
			sb_addn(b, esc, 4);
		else
			sb_addc(b, (char)c);
	}
}

/*
 * Read everything from @fd into one NUL-terminated buffer, with room for
 * one more byte.
 */
int read_all(int fd, char **bufp, size_t *lenp)
{
	size_t cap = 1 << 20, len = 0;
	struct stat st;
	char *buf;

	if (!fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_size > 0)
		cap = (size_t)st.st_size + 2;
	buf = xmalloc(cap);
	for (;;) {
		ssize_t n;

		if (cap - len < 2) {
			cap *= 2;
			buf = xrealloc(buf, cap, 1);
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			free(buf);
			return -1;
		}
		if (!n)
			break;
		len += n;
	}
	buf[len] = '\0';
	*bufp = buf;
	*lenp = len;
	return 0;
}

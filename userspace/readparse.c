// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope: one file read and parsed as it arrives. The kernel formats a
 * live file inside read(), so the lines of one read are parsed before the
 * next: while this thread parses, the kernel formats the other files for
 * the other threads (input.c reads them in parallel). The text goes into
 * blocks that never move, since the records point into it; a line cut by
 * the end of a block moves to the next one.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdscope.h"

/* Large reads: each one walks the kernel's tables from where it stopped. */
#define BLOCK_SIZE	(4u << 20)
/* A block with less room than this is left for a new one. */
#define READ_MIN	(64u << 10)

static char *new_block(struct read_blocks *b, size_t size)
{
	char *p = xmalloc(size);

	b->v = xrealloc(b->v, b->n + 1, sizeof(*b->v));
	b->v[b->n++] = p;
	return p;
}

/*
 * Read @fd to its end and parse it as @kind into @t, the text kept in @b.
 * 0; -1 with errno when read() fails; -2 when the text does not parse
 * (what is wrong in @err, its line in t->errline). *@last_line is the
 * number of the last line when the file lacks its final newline (it is
 * read as if it had one), else 0.
 */
int read_parse(int fd, enum fds_kind kind, struct fds_table *t, struct read_blocks *b,
	       char *err, size_t errlen, size_t *last_line)
{
	struct fds_parser ps;
	size_t cap = BLOCK_SIZE, len = 0, done = 0;
	struct stat st;
	char *buf;

	*last_line = 0;
	/* A saved file is read whole, into one block. */
	if (!fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_size > 0)
		cap = (size_t)st.st_size + READ_MIN;
	buf = new_block(b, cap);
	fds_parse_start(&ps, t, kind, err, errlen);
	for (;;) {
		ssize_t n;
		char *nl;

		/* Two bytes stay free: a missing final newline and a NUL. */
		if (cap - len < READ_MIN) {
			size_t part = len - done;
			char *next;

			cap = part * 2 > BLOCK_SIZE ? part * 2 : BLOCK_SIZE;
			next = new_block(b, cap);
			memcpy(next, buf + done, part);
			buf = next;
			len = part;
			done = 0;
		}
		n = read(fd, buf + len, cap - len - 2);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			fds_parse_abort(&ps);
			errno = e;
			return -1;
		}
		if (!n)
			break;
		nl = memrchr(buf + len, '\n', n);
		len += n;
		if (!nl)
			continue;
		if (fds_parse_lines(&ps, buf + done, nl + 1 - (buf + done)))
			goto bad;
		done = nl + 1 - buf;
	}
	buf[len] = '\0';
	/*
	 * A saved file that lost its final newline (an editor, a transfer)
	 * is read whole; if its last line is cut short, that is the error.
	 */
	if (len > done && ps.line) {
		buf[len++] = '\n';
		buf[len] = '\0';
		*last_line = ps.line + 1;
		if (fds_parse_lines(&ps, buf + done, len - done))
			goto bad;
		done = len;
	}
	return fds_parse_end(&ps, len - done) ? -2 : 0;
bad:
	fds_parse_abort(&ps);
	return -2;
}

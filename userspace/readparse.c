// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope: one file read and parsed as it arrives. The kernel formats a
 * live file inside read(), so a thread of its own parses the lines of each
 * read while this one waits in the next (input.c reads the files in
 * parallel too). The text goes into blocks that never move, since the
 * records point into it; a line cut by the end of a block moves to the
 * next one. Only whole lines are handed over, and never written again by
 * the reading thread.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdscope.h"

/* Large reads: each one walks the kernel's tables from where it stopped. */
#define BLOCK_SIZE	(4u << 20)
/* A block with less room than this is left for a new one. */
#define READ_MIN	(64u << 10)
/* A live file's reads: the lines of the last one are parsed after it. */
#define READ_LIVE	(1024u << 10)

/* Whole lines handed to the parsing thread, in the file's order. */
struct feed {
	pthread_mutex_t lock;
	pthread_cond_t more;
	char **start;		/* each run of lines */
	size_t *len;
	size_t n, cap;
	bool eof;		/* no more runs will come */
	struct fds_parser *ps;
	bool failed;		/* the parsing thread's own until joined */
	bool threaded;		/* else each run is parsed as it is given */
	pthread_t thread;
};

static void *parse_feed(void *arg)
{
	struct feed *f = arg;
	size_t next = 0;

	for (;;) {
		char *start;
		size_t len;

		pthread_mutex_lock(&f->lock);
		while (next == f->n && !f->eof)
			pthread_cond_wait(&f->more, &f->lock);
		if (next == f->n) {
			pthread_mutex_unlock(&f->lock);
			return NULL;
		}
		start = f->start[next];
		len = f->len[next++];
		pthread_mutex_unlock(&f->lock);
		/* After an error the rest is read, not parsed. */
		if (!f->failed && fds_parse_lines(f->ps, start, len))
			f->failed = true;
	}
}

/* Parse the @len bytes at @start, whole lines: now, or in the parsing thread. */
static int give(struct feed *f, char *start, size_t len)
{
	if (!f->threaded)
		return fds_parse_lines(f->ps, start, len);
	pthread_mutex_lock(&f->lock);
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 64;
		f->start = xrealloc(f->start, f->cap, sizeof(*f->start));
		f->len = xrealloc(f->len, f->cap, sizeof(*f->len));
	}
	f->start[f->n] = start;
	f->len[f->n++] = len;
	pthread_cond_signal(&f->more);
	pthread_mutex_unlock(&f->lock);
	return 0;
}

/* Every line given is parsed: 0, or -1 if some did not parse. */
static int drain(struct feed *f)
{
	if (!f->threaded)
		return 0;
	pthread_mutex_lock(&f->lock);
	f->eof = true;
	pthread_cond_signal(&f->more);
	pthread_mutex_unlock(&f->lock);
	pthread_join(f->thread, NULL);
	f->threaded = false;
	free(f->start);
	free(f->len);
	return f->failed ? -1 : 0;
}

static char *new_block(struct read_blocks *b, size_t size)
{
	char *p = xbig_realloc(NULL, size);

	b->v = xrealloc(b->v, b->n + 1, sizeof(*b->v));
	b->v[b->n++] = p;
	return p;
}

/*
 * Read @fd to its end and parse it as @kind into @t, the text kept in @b,
 * only the columns in @want (fds_parse_want()).
 * 0; -1 with errno when read() fails; -2 when the text does not parse
 * (what is wrong in @err, its line in t->errline). *@last_line is the
 * number of the last line when the file lacks its final newline (it is
 * read as if it had one), else 0.
 */
int read_parse(int fd, enum fds_kind kind, u64 want, struct fds_table *t,
	       struct read_blocks *b, char *err, size_t errlen, size_t *last_line)
{
	struct feed f = { .lock = PTHREAD_MUTEX_INITIALIZER, .more = PTHREAD_COND_INITIALIZER };
	size_t cap = BLOCK_SIZE, len = 0, done = 0, chunk = READ_LIVE;
	struct fds_parser ps;
	struct stat st;
	char *buf;
	int rc = 0;

	*last_line = 0;
	f.ps = &ps;
	fds_parse_start(&ps, t, kind, err, errlen);
	fds_parse_want(&ps, want);
	/* A saved file is read whole, into one block, and parsed after. */
	if (!fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_size > 0) {
		cap = (size_t)st.st_size + READ_MIN;
		chunk = cap;
	} else {
		f.threaded = !pthread_create(&f.thread, NULL, parse_feed, &f);
	}
	buf = new_block(b, cap);
	for (;;) {
		size_t want = cap - len - 2;
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
			want = cap - len - 2;
		}
		n = read(fd, buf + len, want < chunk ? want : chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			drain(&f);
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
		if (give(&f, buf + done, nl + 1 - (buf + done))) {
			rc = -2;
			break;
		}
		done = nl + 1 - buf;
	}
	if (drain(&f) || rc)
		goto bad;
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

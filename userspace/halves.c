// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope: a long list made by two processes, half of its rows each. Most
 * of what fdscope itself spends on 100k fds is making the cells; a child
 * made by fork() makes the second half's while the parent makes the
 * first's. Each has its own copy of the model, with the indexes and the
 * user names that are filled on first use, so nothing but the pipes
 * between them is shared. The parent writes its half first, then lets
 * the child write its own: the output is the same bytes as one process's.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fdscope.h"

/* Fewer rows than this are made faster than a process is made. */
#define HALVES_MIN_ROWS	16384
/* The parent's share of the rows. */
#define HALVES_PARENT_PERCENT	54

static int write_full(int fd, const void *p, size_t n)
{
	const char *s = p;

	while (n) {
		ssize_t w = write(fd, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

static int read_full(int fd, void *p, size_t n)
{
	char *s = p;

	while (n) {
		ssize_t r = read(fd, s, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		s += r;
		n -= (size_t)r;
	}
	return 0;
}

/*
 * Split the work on @nrows rows: 0 and *@mid set, in both processes
 * (h->child is 0 in the child); -1 when it is not split, and this
 * process does every row.
 */
int halves_split(struct halves *h, size_t nrows, size_t *mid)
{
	int down[2], up[2];

	if (nrows < HALVES_MIN_ROWS)
		return -1;
	if (pipe2(down, O_CLOEXEC))
		return -1;
	if (pipe2(up, O_CLOEXEC)) {
		close(down[0]);
		close(down[1]);
		return -1;
	}
	/* Nothing buffered may be written twice. */
	fflush(stdout);
	h->child = fork();
	if (h->child < 0) {
		close(down[0]);
		close(down[1]);
		close(up[0]);
		close(up[1]);
		return -1;
	}
	if (h->child) {
		close(down[0]);
		close(up[1]);
		h->to = down[1];
		h->from = up[0];
	} else {
		close(down[1]);
		close(up[0]);
		h->to = up[1];
		h->from = down[0];
	}
	/*
	 * The parent writes its rows as it makes them; the child keeps its
	 * own until the parent is done, and filling that memory costs it
	 * about a tenth more per row (a fifth in JSON, measured under TCG):
	 * the parent takes a little more than half.
	 */
	*mid = nrows / 100 * HALVES_PARENT_PERCENT;
	return 0;
}

/* Send @n bytes to the other process; -1 if it is gone. */
int halves_send(struct halves *h, const void *p, size_t n)
{
	return write_full(h->to, p, n);
}

/* Receive @n bytes from the other process; -1 if it is gone. */
int halves_recv(struct halves *h, void *p, size_t n)
{
	return read_full(h->from, p, n);
}

/*
 * The child's end: wait for the parent's turn, write @n bytes of @s to
 * stdout if it says so, and exit (1 on a write error).
 */
void halves_child_done(struct halves *h, const char *s, size_t n)
{
	char go = 0;
	int rc = 0;

	if (!read_full(h->from, &go, 1) && go)
		rc = fwrite(s, 1, n, stdout) != n || fflush(stdout);
	_exit(rc);
}

/*
 * The parent's end: the child writes its half after what the parent has
 * written, if @go; -1 when it could not.
 */
int halves_parent_done(struct halves *h, bool go)
{
	char c = go;
	int status;

	if (fflush(stdout))
		c = 0;
	write_full(h->to, &c, 1);
	close(h->to);
	close(h->from);
	while (waitpid(h->child, &status, 0) < 0) {
		if (errno != EINTR)
			return -1;
	}
	return WIFEXITED(status) && !WEXITSTATUS(status) && c ? 0 : -1;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope: reading the module's files, live from debugfs or from a saved
 * directory (--dir), with the module's per-open pid filter when it helps.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "fdscope.h"

#define DEBUGFS_MAGIC	0x64626720

bool input_on_debugfs(const char *path)
{
	struct statfs sfs;

	return !statfs(path, &sfs) && sfs.f_type == DEBUGFS_MAGIC;
}

static size_t count_lines(const char *buf, size_t len)
{
	size_t n = 0;

	while (len--)
		n += *buf++ == '\n';
	return n;
}

/* The one-line reason why the live file @path cannot be opened. */
static int live_open_error(const char *path, int err)
{
	if (err == ENOENT) {
		if (!input_on_debugfs(DEBUGFS_MOUNT))
			return fds_err("debugfs is not mounted on %s (mount -t debugfs none %s)",
				       DEBUGFS_MOUNT, DEBUGFS_MOUNT);
		if (access(FDSCOPE_DIR, F_OK))
			return fds_err("the fdscope module is not loaded (no %s; modprobe fdscope)",
				       FDSCOPE_DIR);
	}
	if ((err == EACCES || err == EPERM) && geteuid())
		return fds_err("%s: %s (fdscope must run as root)", path, strerror(err));
	if (err == EACCES || err == EPERM)
		return fds_err("%s: %s (kernel lockdown?)", path, strerror(err));
	return fds_err("%s: %s", path, strerror(err));
}

/*
 * Open @path read-write and install the pid filter; -1 with errno when the
 * kernel refuses either step, so the caller falls back to an unfiltered read.
 */
static int open_filtered(const char *path, const struct selection *s)
{
	struct sbuf cmd = { 0 };
	size_t i;
	ssize_t n;
	int fd, err;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -1;
	sb_add(&cmd, "pid ");
	for (i = 0; i < s->npids; i++) {
		if (i)
			sb_addc(&cmd, ',');
		sb_addu(&cmd, (u64)s->pids[i]);
	}
	sb_addc(&cmd, '\n');
	n = write(fd, cmd.s, cmd.len);
	err = errno;
	free(cmd.s);
	if (n != (ssize_t)cmd.len) {
		close(fd);
		errno = n < 0 ? err : EIO;
		return -1;
	}
	return fd;
}

/*
 * Whether a missing @kind leaves its columns "-" rather than failing: any
 * file but `files` in a saved dump, and live the files that a module older
 * than the reader lacks, unless the view is made of them.
 */
static bool optional_file(const struct opts *o, enum fds_kind kind)
{
	if (kind == FDS_LOCKS && o->view == VIEW_LOCKS)
		return false;
	if (kind == FDS_LOCKS || kind == FDS_EPOLL || kind == FDS_HOLDERS ||
	    kind == FDS_SOCKSTATS || kind == FDS_DETAILS)
		return true;
	return o->dir && kind != FDS_FILES;
}

/*
 * Read and parse one file into m->tab[kind]. A missing optional file in a
 * saved directory is a warning and leaves the table empty.
 */
int input_load_kind(struct model *m, const struct opts *o, enum fds_kind kind, bool kfilter)
{
	const char *name = fds_kind_name(kind);
	const char *dir = o->dir ? o->dir : FDSCOPE_DIR;
	struct fds_table *t = &m->tab[kind];
	char err[256], *path;
	size_t len, plen;
	bool unterminated;
	size_t last = 0;	/* the line that had no newline */
	int fd = -1;

	plen = strlen(dir) + strlen(name) + 2;
	path = xmalloc(plen);
	snprintf(path, plen, "%s/%s", dir, name);

	if (kfilter) {
		fd = open_filtered(path, &o->sel);
		if (fd < 0 && errno != EACCES && errno != EPERM && errno != EINVAL &&
		    errno != E2BIG && errno != EROFS && errno != ENOENT) {
			fds_err("%s: pid filter: %s", path, strerror(errno));
			goto fail;
		}
	}
	if (fd < 0)
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;

		/*
		 * Files newer than the dump's module are no news: silent.
		 * Dumps and modules older than the holders file lack it.
		 */
		if (e == ENOENT && (kind == FDS_LOCKS || kind == FDS_EPOLL ||
				    kind == FDS_HOLDERS || kind == FDS_SOCKSTATS ||
				    kind == FDS_DETAILS) &&
		    optional_file(o, kind)) {
			free(path);
			return 0;
		}
		if (e == ENOENT && optional_file(o, kind)) {
			fds_warn("%s: %s; its columns show -", path, strerror(e));
			free(path);
			return 0;
		}
		if (o->dir)
			fds_err("%s: %s", path, strerror(e));
		else
			live_open_error(path, e);
		goto fail;
	}
	if (read_all(fd, &m->buf[kind], &len)) {
		fds_err("%s: read error: %s", path, strerror(errno));
		close(fd);
		goto fail;
	}
	close(fd);
	/*
	 * A saved file that lost its final newline (an editor, a transfer)
	 * is read whole; if its last line is cut short, that is the error.
	 */
	unterminated = len && m->buf[kind][len - 1] != '\n' && memchr(m->buf[kind], '\n', len);
	if (unterminated) {
		m->buf[kind][len++] = '\n';
		last = count_lines(m->buf[kind], len);
	}
	if (fds_parse(t, kind, m->buf[kind], len, err, sizeof(err))) {
		if (unterminated && t->errline == last)
			fds_err("%s:%zu: truncated line (no newline at end of file)", path,
				t->errline);
		else if (t->errline)
			fds_err("%s:%zu: %s", path, t->errline, err);
		else
			fds_err("%s: %s", path, err);
		goto fail;
	}
	m->unterminated[kind] = unterminated;
	free(path);
	return 0;
fail:
	free(path);
	return -1;
}

/* One file to load, maybe in a thread of its own. */
struct loader {
	struct model *m;
	const struct opts *o;
	enum fds_kind kind;
	bool kfilter;
	int rc;
	struct sbuf msgs;
	pthread_t thread;
	bool threaded;
};

static void *load_one(void *arg)
{
	struct loader *l = arg;

	fds_msg_capture(&l->msgs);
	l->rc = input_load_kind(l->m, l->o, l->kind, l->kfilter);
	fds_msg_capture(NULL);
	return NULL;
}

/*
 * Read the files in parallel: most of a live read is the kernel formatting
 * each file, and the files and sockets walks are independent. Messages are
 * printed afterwards in the files' order, up to the first failure, as a
 * one-by-one read would print them.
 */
int input_load(struct model *m, const struct opts *o, unsigned int need)
{
	const char *dir = o->dir ? o->dir : FDSCOPE_DIR;
	struct loader l[FDS_NKINDS];
	size_t n = 0, i;
	bool kfilter;
	int kind, rc = 0;

	/*
	 * Only a debugfs directory takes the pid filter: a saved dump opened
	 * read-write would be overwritten. --endpoints and --holders need the
	 * other processes' fds (the other end, every reference counted).
	 */
	kfilter = o->sel.npids && o->sel.npids <= KERNEL_FILTER_MAX &&
		  o->view != VIEW_ENDPOINTS && o->view != VIEW_GRAPH && o->view != VIEW_LOCKS &&
		  o->view != VIEW_HOLDERS && input_on_debugfs(dir);
	l[n++] = (struct loader){ .kind = FDS_FILES, .kfilter = kfilter };
	if (need & NEED_SOCKS)
		l[n++] = (struct loader){ .kind = FDS_SOCKETS, .kfilter = kfilter };
	if (need & NEED_TASKS)
		l[n++] = (struct loader){ .kind = FDS_TASKS, .kfilter = kfilter };
	if (need & NEED_SOCKSTATS)
		l[n++] = (struct loader){ .kind = FDS_SOCKSTATS, .kfilter = kfilter };
	if (need & NEED_DETAILS)
		l[n++] = (struct loader){ .kind = FDS_DETAILS, .kfilter = kfilter };
	/* The module takes no pid filter on the others: rows are selected here. */
	if (need & NEED_HOLDERS)
		l[n++] = (struct loader){ .kind = FDS_HOLDERS };
	if (need & NEED_LOCKS)
		l[n++] = (struct loader){ .kind = FDS_LOCKS };
	if (need & NEED_EPOLL)
		l[n++] = (struct loader){ .kind = FDS_EPOLL };

	for (i = 0; i < n; i++) {
		l[i].m = m;
		l[i].o = o;
		/* The first in this thread; a thread that cannot start, too. */
		l[i].threaded = i && !pthread_create(&l[i].thread, NULL, load_one, &l[i]);
	}
	for (i = 0; i < n; i++) {
		if (!l[i].threaded)
			load_one(&l[i]);
	}
	for (i = 0; i < n; i++) {
		if (l[i].threaded)
			pthread_join(l[i].thread, NULL);
		if (!rc && l[i].msgs.len)
			fputs(l[i].msgs.s, stderr);
		sb_free(&l[i].msgs);
		if (l[i].rc)
			rc = -1;
	}
	if (rc)
		return -1;
	sockstats_merge(&m->tab[FDS_SOCKETS], &m->tab[FDS_SOCKSTATS]);
	/* Warned after every file is read: an error stays the only line. */
	for (kind = 0; kind < FDS_NKINDS; kind++) {
		if (m->unterminated[kind])
			fds_warn("%s/%s: no newline at end of file; its last line was read",
				 dir, fds_kind_name(kind));
	}
	return 0;
}

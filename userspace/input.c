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
 * Open @path read-write and write the filter @cmd (docs/format.md); -1 with
 * errno when the kernel refuses either step, so the caller falls back to
 * an unfiltered read.
 */
static int open_filtered(const char *path, const char *cmd)
{
	size_t len = strlen(cmd);
	ssize_t n;
	int fd, err;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = write(fd, cmd, len);
	err = errno;
	if (n != (ssize_t)len) {
		close(fd);
		errno = n < 0 ? err : EIO;
		return -1;
	}
	return fd;
}

/* What a kernel that cannot or will not filter answers: read everything. */
static bool filter_refused(int err)
{
	return err == EACCES || err == EPERM || err == EINVAL || err == E2BIG ||
	       err == EROFS || err == ENOENT;
}

/* "pid N,M,...\n": the selection's pids, for the module's pid filter. */
static void pid_filter(struct sbuf *cmd, const struct selection *s)
{
	size_t i;

	sb_add(cmd, "pid ");
	for (i = 0; i < s->npids; i++) {
		if (i)
			sb_addc(cmd, ',');
		sb_addu(cmd, (u64)s->pids[i]);
	}
	sb_addc(cmd, '\n');
}

/* The files added after files, sockets and tasks: older modules lack them. */
static bool newer_file(enum fds_kind kind)
{
	return kind == FDS_LOCKS || kind == FDS_EPOLL || kind == FDS_HOLDERS ||
	       kind == FDS_SOCKSTATS || kind == FDS_DETAILS;
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
	if (newer_file(kind))
		return true;
	return o->dir && kind != FDS_FILES;
}

/* Read and parse @fd, opened from @path, into m->tab[kind]: the columns in @want. */
static int read_kind(struct model *m, enum fds_kind kind, u64 want, const char *path, int fd)
{
	struct fds_table *t = &m->tab[kind];
	size_t last;
	char err[256];
	int rc;

	rc = read_parse(fd, kind, want, t, &m->bufs[kind], err, sizeof(err), &last);
	if (rc == -1)
		return fds_err("%s: read error: %s", path, strerror(errno));
	if (rc && last && t->errline == last)
		return fds_err("%s:%zu: truncated line (no newline at end of file)", path,
			       t->errline);
	if (rc && t->errline)
		return fds_err("%s:%zu: %s", path, t->errline, err);
	if (rc)
		return fds_err("%s: %s", path, err);
	m->unterminated[kind] = last != 0;
	return 0;
}

static char *kind_path(const struct opts *o, enum fds_kind kind)
{
	const char *name = fds_kind_name(kind);
	const char *dir = o->dir ? o->dir : FDSCOPE_DIR;
	size_t plen = strlen(dir) + strlen(name) + 2;
	char *path = xmalloc(plen);

	snprintf(path, plen, "%s/%s", dir, name);
	return path;
}

/* @cmd and a "fields" line naming the columns in @want, into @b. */
static void fields_filter(struct sbuf *b, enum fds_kind kind, u64 want, const char *cmd)
{
	int col;

	if (cmd)
		sb_add(b, cmd);
	sb_add(b, "fields ");
	for (col = 0; col < 64; col++) {
		if (!(want & (1ull << col)))
			continue;
		if (b->s[b->len - 1] != ' ')
			sb_addc(b, ',');
		sb_add(b, fds_column_name(kind, col));
	}
	sb_addc(b, '\n');
}

/*
 * Read and parse one file into m->tab[kind], through the module's filter
 * @cmd if it is not NULL and the module takes it (m->filtered[kind] says
 * whether it did). Only the columns in @want are kept (0: all); the
 * module is asked for only those fields when @live, and a module that
 * predates "fields" is asked without them. A missing optional file in a
 * saved directory is a warning and leaves the table empty.
 */
static int load_kind(struct model *m, const struct opts *o, enum fds_kind kind, const char *cmd,
		     u64 want, bool live)
{
	char *path = kind_path(o, kind);
	int fd = -1;

	if (want && live) {
		struct sbuf with = { 0 };

		fields_filter(&with, kind, want, cmd);
		fd = open_filtered(path, with.s);
		sb_free(&with);
		if (fd < 0 && !filter_refused(errno)) {
			fds_err("%s: filter: %s", path, strerror(errno));
			goto fail;
		}
		m->filtered[kind] = fd >= 0 && cmd;
	}
	if (fd < 0 && cmd) {
		fd = open_filtered(path, cmd);
		if (fd < 0 && !filter_refused(errno)) {
			fds_err("%s: filter: %s", path, strerror(errno));
			goto fail;
		}
		m->filtered[kind] = fd >= 0;
	}
	if (fd < 0)
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;

		/*
		 * Files newer than the dump's module are no news: silent.
		 */
		if (e == ENOENT && newer_file(kind) && optional_file(o, kind)) {
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
	if (read_kind(m, kind, want, path, fd)) {
		close(fd);
		goto fail;
	}
	close(fd);
	free(path);
	return 0;
fail:
	free(path);
	return -1;
}

/* Read and parse one file into m->tab[kind], with the pid filter if @kfilter. */
int input_load_kind(struct model *m, const struct opts *o, enum fds_kind kind, bool kfilter)
{
	struct sbuf cmd = { 0 };
	int rc;

	if (kfilter)
		pid_filter(&cmd, &o->sel);
	rc = load_kind(m, o, kind, kfilter ? cmd.s : NULL, 0, false);
	sb_free(&cmd);
	return rc;
}

/* One file to load, maybe in a thread of its own. */
struct loader {
	struct model *m;
	const struct opts *o;
	enum fds_kind kind;
	const char *cmd;	/* the module's filter, or NULL */
	u64 want;		/* the columns kept (load_kind()) */
	bool live;
	int rc;
	struct sbuf msgs;
	pthread_t thread;
	bool threaded;
};

static void *load_one(void *arg)
{
	struct loader *l = arg;

	fds_msg_capture(&l->msgs);
	l->rc = load_kind(l->m, l->o, l->kind, l->cmd, l->want, l->live);
	fds_msg_capture(NULL);
	return NULL;
}

/*
 * Read the files in parallel: most of a live read is the kernel formatting
 * each file, and the files and sockets walks are independent. Messages are
 * printed afterwards in the files' order, up to the first failure, as a
 * one-by-one read would print them.
 */
static int load_parallel(struct model *m, const struct opts *o, struct loader *l, size_t n)
{
	size_t i;
	int rc = 0;

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
	return rc;
}

/* One more read of @kind through @cmd, appended to m->tab[kind]; 1: refused. */
static int load_more(struct model *m, const struct opts *o, enum fds_kind kind,
		     const char *cmd, size_t recsize)
{
	struct fds_table *t = &m->tab[kind], more;
	char *path = kind_path(o, kind), *buf, err[256];
	size_t len, keep = 0, i;
	int fd, rc = -1;

	fd = open_filtered(path, cmd);
	if (fd < 0) {
		rc = filter_refused(errno) ? 1 : fds_err("%s: filter: %s", path, strerror(errno));
		free(path);
		return rc;
	}
	if (read_all(fd, &buf, &len)) {
		fds_err("%s: read error: %s", path, strerror(errno));
		close(fd);
		free(path);
		return -1;
	}
	close(fd);
	m->extra = xrealloc(m->extra, m->nextra + 1, sizeof(*m->extra));
	m->extra[m->nextra++] = buf;
	if (fds_parse(&more, kind, buf, len, err, sizeof(err))) {
		fds_err("%s: %s", path, err);
		free(path);
		return -1;
	}
	free(path);
	if (t->present && t->cols != more.cols) {
		/* Another module between two reads: read it all again. */
		fds_table_free(&more);
		return 1;
	}
	for (i = 0; i < more.nrecs; i++) {
		/* A busy or more line is in every holders read: keep the first. */
		if (kind == FDS_HOLDERS &&
		    HAVE((const struct fds_hold *)more.recs + i, HC_STATUS))
			continue;
		memmove((char *)more.recs + keep * recsize, (char *)more.recs + i * recsize,
			recsize);
		keep++;
	}
	if (!t->present) {
		*t = more;
		t->nrecs = keep;
		return 0;
	}
	if (keep) {
		t->recs = xbig_realloc(t->recs, (t->nrecs + keep) * recsize);
		memcpy((char *)t->recs + t->nrecs * recsize, more.recs, keep * recsize);
		t->nrecs += keep;
	}
	fds_table_free(&more);
	return 0;
}

static bool have_u64(const u64 *v, size_t n, u64 x)
{
	while (n--) {
		if (v[n] == x)
			return true;
	}
	return false;
}

/*
 * The chains behind the files in flight --holders shows: for each
 * receiving socket (via), the fds that hold it (sockets) and the records
 * that hold it in flight or in a ring (holders), whose own receiving
 * sockets are looked up in turn, as deep as view_holders() follows them.
 * Each round asks the module for those socket inodes only. 1: refused.
 */
static int load_chains(struct model *m, const struct opts *o, const char *sockdev)
{
	u64 *done = NULL;
	size_t ndone = 0, from = 0, round, k, i;
	struct sbuf cmd = { 0 };
	int rc = 0;

	for (round = 0; round <= HOLDERS_CHAIN_DEPTH && !rc; round++) {
		const struct fds_table *h = &m->tab[FDS_HOLDERS];
		size_t end = h->nrecs, todo = ndone;

		for (i = from; i < end; i++) {
			const struct fds_hold *r = (const struct fds_hold *)h->recs + i;

			if (HAVE(r, HC_VIA) && !HAVE(r, HC_STATUS) && streq(r->assoc, "inflight") &&
			    !have_u64(done, ndone, r->via)) {
				done = xrealloc(done, ndone + 1, sizeof(*done));
				done[ndone++] = r->via;
			}
		}
		from = end;
		if (todo == ndone)
			break;
		for (k = todo; k < ndone && !rc; k += KERNEL_FILTER_MAX) {
			sb_reset(&cmd);
			sb_add(&cmd, "ino ");
			for (i = k; i < ndone && i < k + KERNEL_FILTER_MAX; i++) {
				if (i > k)
					sb_addc(&cmd, ',');
				sb_add(&cmd, sockdev);
				sb_addc(&cmd, ':');
				sb_addu(&cmd, done[i]);
			}
			sb_addc(&cmd, '\n');
			rc = load_more(m, o, FDS_SOCKETS, cmd.s, sizeof(struct fds_sock));
			if (!rc)
				rc = load_more(m, o, FDS_HOLDERS, cmd.s, sizeof(struct fds_hold));
		}
	}
	sb_free(&cmd);
	free(done);
	return rc;
}

/*
 * --holders on a live system: the module lists only the files on the
 * targets' devices (or the target files), and then the sockets that
 * chains of files in flight go through, not every fd. 1 when that cannot
 * be done: the caller reads everything, as before.
 */
static int load_holders(struct model *m, const struct opts *o, unsigned int need)
{
	struct loader l[3];
	struct sbuf cmd = { 0 };
	char sockdev[32];
	size_t n = 0;
	int rc = 1;

	if (holders_filter(o, &cmd, sockdev, sizeof(sockdev)))
		return 1;
	l[n++] = (struct loader){ .kind = FDS_FILES, .cmd = cmd.s,
				  .want = columns_want(o, FDS_FILES), .live = true };
	l[n++] = (struct loader){ .kind = FDS_HOLDERS, .cmd = cmd.s };
	if (need & NEED_TASKS)
		l[n++] = (struct loader){ .kind = FDS_TASKS };
	if (load_parallel(m, o, l, n))
		rc = -1;
	else if (m->filtered[FDS_FILES] && m->filtered[FDS_HOLDERS])
		rc = load_chains(m, o, sockdev);
	else if (!m->filtered[FDS_FILES] && !m->filtered[FDS_HOLDERS])
		/* Refused (lockdown, an older module): both were read whole. */
		rc = load_kind(m, o, FDS_SOCKETS, NULL, 0, false);
	sb_free(&cmd);
	/* Read one way and another: forget it all, read everything. */
	if (rc > 0)
		model_free(m);
	return rc;
}

int input_load(struct model *m, const struct opts *o, unsigned int need)
{
	const char *dir = o->dir ? o->dir : FDSCOPE_DIR;
	struct loader l[FDS_NKINDS];
	struct sbuf cmd = { 0 }, dcmd = { 0 };
	size_t n = 0;
	bool kfilter, live;
	int kind, rc;

	/*
	 * Only a debugfs directory takes the module's filters: a saved dump
	 * opened read-write would be overwritten. --endpoints and --holders
	 * need the other processes' fds (the other end, every reference
	 * counted); --holders asks for its targets' files instead.
	 */
	live = input_on_debugfs(dir);
	if (o->view == VIEW_HOLDERS && live) {
		rc = load_holders(m, o, need);
		if (rc <= 0)
			goto done;
	}
	kfilter = o->sel.npids && o->sel.npids <= KERNEL_FILTER_MAX &&
		  o->view != VIEW_ENDPOINTS && o->view != VIEW_GRAPH && o->view != VIEW_LOCKS &&
		  o->view != VIEW_HOLDERS && live;
	if (kfilter)
		pid_filter(&cmd, &o->sel);
	l[n++] = (struct loader){ .kind = FDS_FILES, .cmd = cmd.s,
				  .want = columns_want(o, FDS_FILES), .live = live };
	if (need & NEED_SOCKS)
		l[n++] = (struct loader){ .kind = FDS_SOCKETS, .cmd = cmd.s,
					  .want = columns_want(o, FDS_SOCKETS), .live = live };
	if (need & NEED_TASKS)
		l[n++] = (struct loader){ .kind = FDS_TASKS, .cmd = cmd.s };
	if (need & NEED_SOCKSTATS)
		l[n++] = (struct loader){ .kind = FDS_SOCKSTATS, .cmd = cmd.s };
	if (need & NEED_DETAILS) {
		/*
		 * tun/tap interfaces only when asked for: the module takes
		 * rtnl_lock for them. A module that predates "opt" refuses
		 * the write, and details are read without them.
		 */
		if ((need & NEED_TUN) && live) {
			if (cmd.s)
				sb_add(&dcmd, cmd.s);
			sb_add(&dcmd, "opt tun\n");
		}
		l[n++] = (struct loader){ .kind = FDS_DETAILS, .cmd = dcmd.s ? dcmd.s : cmd.s };
	}
	/* The module takes no pid filter on the others: rows are selected here. */
	if (need & NEED_HOLDERS)
		l[n++] = (struct loader){ .kind = FDS_HOLDERS };
	if (need & NEED_LOCKS)
		l[n++] = (struct loader){ .kind = FDS_LOCKS };
	if (need & NEED_EPOLL)
		l[n++] = (struct loader){ .kind = FDS_EPOLL };
	rc = load_parallel(m, o, l, n);
	sb_free(&cmd);
	sb_free(&dcmd);
done:
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

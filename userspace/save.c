// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope: --save DIR, a dump that reads the same on any machine: every
 * file of the module's directory, the names of the uids its tasks run as
 * (`users`), where and when it was taken (`meta`), and live the lock
 * waiters that only /proc/locks lists (`proc-locks`).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "fdscope.h"

static int write_file(const char *dir, const char *name, const char *data, size_t len)
{
	struct sbuf path = { 0 };
	FILE *f;
	int rc = 0;

	sb_add(&path, dir);
	sb_addc(&path, '/');
	sb_add(&path, name);
	f = fopen(path.s, "w");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f)) {
		rc = fds_err("%s: %s", path.s, strerror(errno));
		if (f)
			fclose(f);
	}
	sb_free(&path);
	return rc;
}

/* Copy every regular file of @src (debugfs reports no sizes: read each). */
static int copy_files(const char *src, const char *dst, size_t *copied)
{
	DIR *d = opendir(src);
	struct dirent *de;
	int rc = 0;

	if (!d)
		return fds_err("%s: %s", src, strerror(errno));
	while (!rc && (de = readdir(d))) {
		struct sbuf path = { 0 };
		struct stat st;
		size_t len;
		char *buf;
		int fd;

		if (de->d_name[0] == '.')
			continue;
		sb_add(&path, src);
		sb_addc(&path, '/');
		sb_add(&path, de->d_name);
		fd = open(path.s, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode)) {
			if (fd >= 0)
				close(fd);
			else
				rc = fds_err("%s: %s", path.s, strerror(errno));
			sb_free(&path);
			continue;
		}
		if (read_all(fd, &buf, &len)) {
			rc = fds_err("%s: read error: %s", path.s, strerror(errno));
		} else {
			rc = write_file(dst, de->d_name, buf, len);
			free(buf);
			(*copied)++;
		}
		close(fd);
		sb_free(&path);
	}
	closedir(d);
	return rc;
}

/*
 * `proc-locks`: /proc/locks as it is, for --locks to find the waiters in
 * the dump. procfs reports no sizes either.
 */
static int save_proc_locks(const char *dst)
{
	size_t len;
	char *buf;
	int fd, rc;

	fd = open(PROC_LOCKS, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fds_err("%s: %s", PROC_LOCKS, strerror(errno));
	if (read_all(fd, &buf, &len)) {
		rc = fds_err("%s: read error: %s", PROC_LOCKS, strerror(errno));
		close(fd);
		return rc;
	}
	close(fd);
	rc = write_file(dst, PROC_LOCKS_SAVED, buf, len);
	free(buf);
	return rc;
}

/* `users`: "uid name" for each uid the tasks run as, names \ooo-escaped. */
static int save_users(const struct model *m, const char *dst)
{
	struct sbuf b = { 0 };
	struct idx seen;
	size_t i;
	int rc;

	idx_init(&seen, m->ntasks);
	sb_add(&b, "# fdscope-users 1 uid name\n");
	for (i = 0; i < m->ntasks; i++) {
		const struct fds_task *t = &m->tasks[i];
		u32 *slot;

		if (!HAVE(t, TC_UID))
			continue;
		slot = idx_slot(&seen, t->uid);
		if (*slot != IDX_NONE)
			continue;
		*slot = 0;
		sb_addu(&b, t->uid);
		sb_addc(&b, ' ');
		sb_add_escaped(&b, user_name(t->uid));
		sb_addc(&b, '\n');
	}
	rc = write_file(dst, "users", b.s, b.len);
	idx_free(&seen);
	sb_free(&b);
	return rc;
}

int meta_saver(const char *dir)
{
	static const char head[] = "# fdscope-meta 1 ";
	struct sbuf path = { 0 };
	char *buf = NULL, *p;
	int fd, pid = 0;
	size_t len;

	sb_add(&path, dir);
	sb_add(&path, "/meta");
	fd = open(path.s, O_RDONLY | O_CLOEXEC);
	sb_free(&path);
	if (fd < 0)
		return 0;
	if (!read_all(fd, &buf, &len) && !strncmp(buf, head, sizeof(head) - 1)) {
		for (p = strchr(buf, '\n'); p; p = strchr(p + 1, '\n')) {
			if (!strncmp(p + 1, "saver ", 6)) {
				pid = atoi(p + 7);
				break;
			}
		}
	}
	free(buf);
	close(fd);
	return pid > 0 ? pid : 0;
}

/*
 * `meta`: kernel release, hostname and time, one "key value" a line, and
 * the pid of the fdscope that read the module (saver), which is in the
 * dump itself: --diff leaves it out.
 */
static int save_meta(const char *dst, int saver)
{
	struct sbuf b = { 0 };
	struct utsname u;
	char host[256] = "-", when[64] = "-";
	time_t now = time(NULL);
	struct tm tm;
	int rc;

	if (uname(&u))
		strcpy(u.release, "-");
	if (gethostname(host, sizeof(host) - 1))
		strcpy(host, "-");
	if (gmtime_r(&now, &tm))
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	sb_add(&b, "# fdscope-meta 1 key value\nrelease ");
	sb_add_escaped(&b, u.release);
	sb_add(&b, "\nhostname ");
	sb_add_escaped(&b, host);
	sb_add(&b, "\ntime ");
	sb_add(&b, when);
	sb_addc(&b, '\n');
	if (saver) {
		sb_add(&b, "saver ");
		sb_addu(&b, (u64)saver);
		sb_addc(&b, '\n');
	}
	rc = write_file(dst, "meta", b.s, b.len);
	sb_free(&b);
	return rc;
}

/* Copy the live files (or --dir's) to @dst, with the uid names and meta. */
int save_dump(const struct opts *o, const char *dst)
{
	const char *src = o->dir ? o->dir : FDSCOPE_DIR;
	struct opts all = { .dir = dst, .threads = true };
	struct model m = { 0 };
	size_t copied = 0;
	int rc, saver;

	/* A copy of a dump keeps its saver; this process saved a live one. */
	saver = o->dir ? meta_saver(o->dir) : (int)getpid();
	if (mkdir(dst, 0700) && errno != EEXIST)
		return fds_err("%s: %s", dst, strerror(errno));
	if (copy_files(src, dst, &copied))
		return -1;
	if (!copied)
		return fds_err("%s: no files to save", src);
	/* A saved source brings its own copy, if it has one. */
	if (!o->dir && save_proc_locks(dst))
		return -1;
	/* The names come from this machine, unless the source has its own. */
	if (o->dir)
		users_load(o->dir);
	rc = input_load(&m, &all, NEED_TASKS);
	if (!rc) {
		model_init(&m, &all);
		rc = save_users(&m, dst) || save_meta(dst, saver) ? -1 : 0;
	}
	model_free(&m);
	return rc;
}

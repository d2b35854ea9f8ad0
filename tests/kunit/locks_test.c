// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope_locks: "locks" records of locks the test takes on files in its
 * own table: flock, POSIX ranges, an OFD lock under the two fds that share
 * its description, and more locks than one record lists; read under the
 * inode's flc_lock with KASAN and lockdep watching.
 */
#include <kunit/test.h>
#include <linux/fcntl.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/sched.h>

#include "../../module/compat.h"
#include "fdscope_kunit.h"

/* A new regular file, installed at an fd of the test's table. */
static struct file *fdscope_locks_file(struct kunit *test, const char *name, int *fd)
{
	struct file *file = filp_open(name, O_RDWR | O_CREAT | O_TRUNC, 0600);

	KUNIT_ASSERT_FALSE(test, IS_ERR(file));
	*fd = fdscope_kunit_install(test, file, false);
	return file;
}

static void fdscope_locks_posix(struct kunit *test, struct file *file, void *owner,
				unsigned int flags, unsigned char type, loff_t start, loff_t end)
{
	struct file_lock fl;

	fdscope_lock_request(&fl, flags, type, file, owner, start, end);
	KUNIT_ASSERT_EQ(test, posix_lock_file(file, &fl, NULL), 0);
}

/* The record of @fd's lock of @class starting at @start ("-": no range). */
static int fdscope_locks_row(struct kunit *test, const struct fdscope_kunit_out *out, int fd,
			     const char *class, const char *start)
{
	unsigned int c_fd = fdscope_kunit_col(test, out, "fd");
	unsigned int c_class = fdscope_kunit_col(test, out, "class");
	unsigned int c_start = fdscope_kunit_col(test, out, "lock_start");
	char *want = fdscope_kunit_sprintf(test, "%d", fd);
	unsigned int r;

	for (r = 0; r < out->nrows; r++)
		if (!strcmp(out->rows[r][c_fd], want) && !strcmp(out->rows[r][c_class], class) &&
		    !strcmp(out->rows[r][c_start], start))
			return r;
	KUNIT_FAIL(test, "no %s lock at %s under fd %d", class, start, fd);
	return -1;
}

static void fdscope_locks_kinds_test(struct kunit *test)
{
	struct fdscope_kunit_out out;
	struct file *a, *b;
	struct file_lock fl;
	char *tgid = fdscope_kunit_sprintf(test, "%d", task_tgid_vnr(current));
	int fa, fb, fb2, row;

	a = fdscope_locks_file(test, "/fdscope-kunit-locks-a", &fa);
	b = fdscope_locks_file(test, "/fdscope-kunit-locks-b", &fb);
	get_file(b);
	fb2 = fdscope_kunit_install(test, b, false);

	fdscope_lock_request(&fl, FL_FLOCK, F_WRLCK, a, a, 0, OFFSET_MAX);
	KUNIT_ASSERT_EQ(test, locks_lock_file_wait(a, &fl), 0);
	fdscope_locks_posix(test, a, current->files, FL_POSIX, F_RDLCK, 0, 99);
	fdscope_locks_posix(test, a, current->files, FL_POSIX, F_WRLCK, 200, OFFSET_MAX);
	fdscope_locks_posix(test, b, b, FL_POSIX | FL_OFDLCK, F_WRLCK, 10, 19);

	fdscope_kunit_walk(test, FDSCOPE_LOCKS, fdscope_kunit_own_filter(test), 4096, &out);
	KUNIT_EXPECT_EQ(test, out.nrows, 5U);

	row = fdscope_locks_row(test, &out, fa, "FLOCK", "-");
	KUNIT_ASSERT_GE(test, row, 0);
	fdscope_kunit_expect(test, &out, row, "type", "WRITE");
	fdscope_kunit_expect(test, &out, row, "lock_end", "-");
	fdscope_kunit_expect(test, &out, row, "lock_pid", tgid);
	fdscope_kunit_expect(test, &out, row, "fileid", fdscope_kunit_file_id(test, a));
	fdscope_kunit_expect(test, &out, row, "blocking", "0");
	fdscope_kunit_expect(test, &out, row, "breaking", "-");
	fdscope_kunit_expect(test, &out, row, "status", "-");
	fdscope_kunit_expect(test, &out, row, "ino",
			     fdscope_kunit_sprintf(test, "%lu", file_inode(a)->i_ino));

	row = fdscope_locks_row(test, &out, fa, "POSIX", "0");
	KUNIT_ASSERT_GE(test, row, 0);
	fdscope_kunit_expect(test, &out, row, "type", "READ");
	fdscope_kunit_expect(test, &out, row, "lock_end", "99");
	fdscope_kunit_expect(test, &out, row, "lock_pid", tgid);
	row = fdscope_locks_row(test, &out, fa, "POSIX", "200");
	KUNIT_ASSERT_GE(test, row, 0);
	fdscope_kunit_expect(test, &out, row, "type", "WRITE");
	fdscope_kunit_expect(test, &out, row, "lock_end", "EOF");

	/* An OFD lock belongs to the description: under both fds, with no pid. */
	row = fdscope_locks_row(test, &out, fb, "OFDLCK", "10");
	KUNIT_ASSERT_GE(test, row, 0);
	fdscope_kunit_expect(test, &out, row, "lock_end", "19");
	fdscope_kunit_expect(test, &out, row, "lock_pid", "-");
	KUNIT_EXPECT_GE(test, fdscope_locks_row(test, &out, fb2, "OFDLCK", "10"), 0);
}

/* More locks than one record lists: 64, then a "more" line with the rest. */
static void fdscope_locks_more_test(struct kunit *test)
{
	const int n = FDSCOPE_HELD_MAX + 6;
	struct fdscope_kunit_out out;
	struct file *file;
	int fd, i, row;

	file = fdscope_locks_file(test, "/fdscope-kunit-locks-many", &fd);
	/* One byte each, with gaps: POSIX would merge adjacent ranges. */
	for (i = 0; i < n; i++)
		fdscope_locks_posix(test, file, current->files, FL_POSIX, F_WRLCK, 2 * i, 2 * i);

	fdscope_kunit_walk(test, FDSCOPE_LOCKS, fdscope_kunit_own_filter(test), 4096, &out);
	KUNIT_EXPECT_EQ(test, out.nrows, (unsigned int)FDSCOPE_HELD_MAX + 1);
	row = fdscope_kunit_find(test, &out, "status", "more");
	KUNIT_ASSERT_GE(test, row, 0);
	fdscope_kunit_expect(test, &out, row, "count", "6");
	fdscope_kunit_expect(test, &out, row, "class", "-");
}

static struct kunit_case fdscope_locks_test_cases[] = {
	KUNIT_CASE(fdscope_locks_kinds_test),
	KUNIT_CASE(fdscope_locks_more_test),
	{}
};

static struct kunit_suite fdscope_locks_suite = {
	.name = "fdscope_locks",
	.init = fdscope_kunit_table_init,
	.exit = fdscope_kunit_watch_exit,
	.test_cases = fdscope_locks_test_cases,
};

kunit_test_suite(fdscope_locks_suite);

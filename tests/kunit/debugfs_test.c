// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope_debugfs: the directory and files fdscope_init() created at boot,
 * with the names and modes docs/format.md gives them, what a write of the
 * filter does to an open file's stream, and what a dev or ino filter lists.
 */
#include <kunit/test.h>
#include <linux/debugfs.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kdev_t.h>
#include <linux/net.h>
#include <linux/uidgid.h>

#include "fdscope_kunit.h"

/* The debugfs directory and files fdscope_init() made: names and modes. */
static void fdscope_debugfs_files_test(struct kunit *test)
{
	static const char *const names[] = { "files", "sockets", "tasks", "holders" };
	struct dentry *dir, *file;
	unsigned int i;

	dir = debugfs_lookup("fdscope", NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dir);
	KUNIT_EXPECT_EQ(test, d_inode(dir)->i_mode, (umode_t)(S_IFDIR | 0500));
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		file = debugfs_lookup(names[i], dir);
		KUNIT_EXPECT_NOT_ERR_OR_NULL_MSG(test, file, "%s", names[i]);
		if (IS_ERR_OR_NULL(file))
			continue;
		KUNIT_EXPECT_EQ_MSG(test, d_inode(file)->i_mode, (umode_t)(S_IFREG | 0400),
				    "%s", names[i]);
		KUNIT_EXPECT_TRUE_MSG(test, uid_eq(d_inode(file)->i_uid, GLOBAL_ROOT_UID),
				      "%s", names[i]);
		dput(file);
	}
	dput(dir);
}

/* A regular file with a long name, so a few dozen records fill pages. */
static struct file *fdscope_debugfs_file(struct kunit *test, char letter)
{
	char *path = fdscope_kunit_sprintf(test, "/fdscope-kunit-rewind-%c%0200d", letter, 0);
	struct file *file = filp_open(path, O_RDWR | O_CREAT, 0600);

	KUNIT_ASSERT_FALSE(test, IS_ERR(file));
	return file;
}

/*
 * A filter write rewinds the open file: a read at any offset after it,
 * pread() at the offset the last read stopped at included, sees the new
 * stream, never bytes seq_file kept of the old one.
 */
static void fdscope_debugfs_write_rewinds_test(struct kunit *test)
{
	const size_t page = 4096;
	struct fdscope_kunit_reader *r;
	struct file *a, *b;
	char *filter, *want, *got;
	static const loff_t offsets[] = { 4096, 0, 100, 5000 };
	unsigned int i;
	ssize_t n;

	fdscope_kunit_own_table(test);
	filter = fdscope_kunit_own_filter(test);
	a = fdscope_debugfs_file(test, 'a');
	b = fdscope_debugfs_file(test, 'b');
	for (i = 0; i < 40; i++)
		KUNIT_ASSERT_EQ(test, replace_fd(i, a, 0), 0);

	got = kunit_kzalloc(test, page + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, got);
	r = fdscope_kunit_open(test, FDSCOPE_FILES, filter);
	KUNIT_ASSERT_EQ(test, fdscope_kunit_read(r, got, page), (ssize_t)page);

	/* The same filter, a changed table: only a real rewind shows it. */
	for (i = 0; i < 40; i++)
		KUNIT_ASSERT_EQ(test, replace_fd(i, b, 0), 0);
	want = fdscope_kunit_read_all(test, FDSCOPE_FILES, filter, page);
	KUNIT_ASSERT_GT(test, strlen(want), (size_t)(5000 + page));
	KUNIT_ASSERT_EQ(test, fdscope_kunit_write(r, filter, strlen(filter)),
			(ssize_t)strlen(filter));

	for (i = 0; i < ARRAY_SIZE(offsets); i++) {
		memset(got, 0, page + 1);
		n = fdscope_kunit_pread(r, got, page, offsets[i]);
		KUNIT_EXPECT_EQ_MSG(test, n, (ssize_t)page, "pread at %lld", offsets[i]);
		KUNIT_EXPECT_TRUE_MSG(test, !memcmp(got, want + offsets[i], page),
				      "pread at %lld after the write: \"%.60s\"",
				      offsets[i], got);
	}
	/* read() carries on from the write's position: the start. */
	memset(got, 0, page + 1);
	KUNIT_EXPECT_EQ(test, fdscope_kunit_read(r, got, page), (ssize_t)page);
	KUNIT_EXPECT_TRUE(test, !memcmp(got, want, page));
	/* A bad write changes nothing: the stream goes on. */
	KUNIT_EXPECT_EQ(test, fdscope_kunit_write(r, "pid x", 5), (ssize_t)-EINVAL);
	memset(got, 0, page + 1);
	KUNIT_EXPECT_EQ(test, fdscope_kunit_read(r, got, page), (ssize_t)page);
	KUNIT_EXPECT_TRUE(test, !memcmp(got, want + page, page));

	fdscope_kunit_close(r);
	fput(a);
	fput(b);
}

/* "pid <test>\n<line>": the test's own records, limited by @line too. */
static char *fdscope_debugfs_own(struct kunit *test, const char *line)
{
	return fdscope_kunit_sprintf(test, "%s\n%s", fdscope_kunit_own_filter(test), line);
}

/* The "dev" and "ino" fields of @file, as a filter names them. */
static char *fdscope_debugfs_dev(struct kunit *test, const struct file *file)
{
	dev_t dev = file_inode(file)->i_sb->s_dev;

	return fdscope_kunit_sprintf(test, "%u:%u", MAJOR(dev), MINOR(dev));
}

static char *fdscope_debugfs_ino(struct kunit *test, const struct file *file)
{
	return fdscope_kunit_sprintf(test, "%s:%lu", fdscope_debugfs_dev(test, file),
				     file_inode(file)->i_ino);
}

/*
 * dev and ino filters, read through the real files: files lists only the
 * fds whose file they name (the union of both), sockets the same, holders
 * the cwd and root on that device, and tasks refuses them and keeps the
 * filter it had.
 */
static void fdscope_debugfs_file_filter_test(struct kunit *test)
{
	struct fdscope_kunit_sock s = { };
	struct fdscope_kunit_out out;
	struct fdscope_kunit_reader *r;
	char *rootdev, *sockdev, *line, *before, *after;
	struct file *a, *b;
	int fa, fb;

	fdscope_kunit_own_table(test);
	a = fdscope_debugfs_file(test, 'a');
	b = fdscope_debugfs_file(test, 'b');
	fa = fdscope_kunit_install(test, a, false);
	fb = fdscope_kunit_install(test, b, false);
	fdscope_kunit_socket(test, AF_UNIX, SOCK_STREAM, 0, &s);
	fdscope_kunit_sock_install(test, &s);
	rootdev = fdscope_debugfs_dev(test, a);
	sockdev = fdscope_debugfs_dev(test, s.file);
	KUNIT_ASSERT_STRNEQ(test, rootdev, sockdev);

	/* dev: the two regular files, not the socket. */
	line = fdscope_kunit_sprintf(test, "dev %s", rootdev);
	fdscope_kunit_walk(test, FDSCOPE_FILES, fdscope_debugfs_own(test, line), 4096, &out);
	KUNIT_EXPECT_EQ(test, out.nrows, 2U);
	KUNIT_EXPECT_GE(test, fdscope_kunit_find_fd(test, &out, fa), 0);
	KUNIT_EXPECT_GE(test, fdscope_kunit_find_fd(test, &out, fb), 0);
	KUNIT_EXPECT_EQ(test, fdscope_kunit_count(test, &out, "dev", rootdev), 2U);

	/* ino: one file; with dev, the union. */
	line = fdscope_kunit_sprintf(test, "ino %s", fdscope_debugfs_ino(test, b));
	fdscope_kunit_walk(test, FDSCOPE_FILES, fdscope_debugfs_own(test, line), 4096, &out);
	KUNIT_EXPECT_EQ(test, out.nrows, 1U);
	KUNIT_EXPECT_EQ(test, fdscope_kunit_find_fd(test, &out, fb), 0);
	line = fdscope_kunit_sprintf(test, "ino %s\ndev %s", fdscope_debugfs_ino(test, a),
				     sockdev);
	fdscope_kunit_walk(test, FDSCOPE_FILES, fdscope_debugfs_own(test, line), 4096, &out);
	KUNIT_EXPECT_EQ(test, out.nrows, 2U);
	KUNIT_EXPECT_GE(test, fdscope_kunit_find_fd(test, &out, fa), 0);
	KUNIT_EXPECT_GE(test, fdscope_kunit_find_fd(test, &out, s.fd), 0);

	/* sockets: the socket by its inode; nothing on the files' device. */
	line = fdscope_kunit_sprintf(test, "ino %s", fdscope_debugfs_ino(test, s.file));
	fdscope_kunit_walk(test, FDSCOPE_SOCKETS, fdscope_debugfs_own(test, line), 4096, &out);
	KUNIT_EXPECT_EQ(test, out.nrows, 1U);
	line = fdscope_kunit_sprintf(test, "dev %s", rootdev);
	fdscope_kunit_walk(test, FDSCOPE_SOCKETS, fdscope_debugfs_own(test, line), 4096, &out);
	KUNIT_EXPECT_EQ(test, out.nrows, 0U);

	/* holders: the test thread's cwd and root are on the root device. */
	line = fdscope_kunit_sprintf(test, "dev %s", rootdev);
	fdscope_kunit_walk(test, FDSCOPE_HOLDERS, fdscope_debugfs_own(test, line), 4096, &out);
	KUNIT_EXPECT_EQ(test, fdscope_kunit_count(test, &out, "assoc", "cwd"), 1U);
	KUNIT_EXPECT_EQ(test, fdscope_kunit_count(test, &out, "assoc", "root"), 1U);
	line = fdscope_kunit_sprintf(test, "dev %s", sockdev);
	fdscope_kunit_walk(test, FDSCOPE_HOLDERS, fdscope_debugfs_own(test, line), 4096, &out);
	KUNIT_EXPECT_EQ(test, out.nrows, 0U);

	/* tasks lists no file: refused, and the pid filter stays. */
	before = fdscope_kunit_read_all(test, FDSCOPE_TASKS, fdscope_kunit_own_filter(test), 4096);
	r = fdscope_kunit_open(test, FDSCOPE_TASKS, fdscope_kunit_own_filter(test));
	line = fdscope_kunit_sprintf(test, "dev %s", rootdev);
	KUNIT_EXPECT_EQ(test, fdscope_kunit_write(r, line, strlen(line)), (ssize_t)-EINVAL);
	after = kunit_kzalloc(test, 4096, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, after);
	KUNIT_EXPECT_GT(test, fdscope_kunit_read(r, after, 4095), (ssize_t)0);
	KUNIT_EXPECT_STREQ(test, after, before);
	fdscope_kunit_close(r);
}

static struct kunit_case fdscope_debugfs_test_cases[] = {
	KUNIT_CASE(fdscope_debugfs_files_test),
	KUNIT_CASE(fdscope_debugfs_write_rewinds_test),
	KUNIT_CASE(fdscope_debugfs_file_filter_test),
	{}
};

static struct kunit_suite fdscope_debugfs_suite = {
	.name = "fdscope_debugfs",
	.init = fdscope_kunit_watch_init,
	.exit = fdscope_kunit_watch_exit,
	.test_cases = fdscope_debugfs_test_cases,
};

kunit_test_suite(fdscope_debugfs_suite);

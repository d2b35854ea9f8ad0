// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope_debugfs: the directory and files fdscope_init() created at boot,
 * with the names and modes docs/format.md gives them.
 */
#include <kunit/test.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/uidgid.h>

#include "fdscope_kunit.h"

/* The debugfs directory and files fdscope_init() made: names and modes. */
static void fdscope_debugfs_files_test(struct kunit *test)
{
	static const char *const names[] = { "files", "sockets", "tasks" };
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

static struct kunit_case fdscope_debugfs_test_cases[] = {
	KUNIT_CASE(fdscope_debugfs_files_test),
	{}
};

static struct kunit_suite fdscope_debugfs_suite = {
	.name = "fdscope_debugfs",
	.init = fdscope_kunit_watch_init,
	.exit = fdscope_kunit_watch_exit,
	.test_cases = fdscope_debugfs_test_cases,
};

kunit_test_suite(fdscope_debugfs_suite);

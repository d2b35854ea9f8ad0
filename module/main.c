// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope: every task's fd table and the sockets behind it, in debugfs.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/module.h>

static struct dentry *fdscope_dir;

static int __init fdscope_init(void)
{
	fdscope_dir = debugfs_create_dir("fdscope", NULL);
	if (IS_ERR(fdscope_dir))
		return PTR_ERR(fdscope_dir);
	d_inode(fdscope_dir)->i_mode = S_IFDIR | 0500;
	return 0;
}

static void __exit fdscope_exit(void)
{
	debugfs_remove(fdscope_dir);
}

module_init(fdscope_init);
module_exit(fdscope_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Every task's fd table and the sockets behind it, in debugfs");
MODULE_AUTHOR("fdscope developers");
MODULE_VERSION("0.1");

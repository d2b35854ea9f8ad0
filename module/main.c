// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope: every task's fd table, and the sockets behind socket fds,
 * published as text in debugfs. See docs/format.md.
 */
#include <linux/module.h>

#include "fdscope.h"

static int __init fdscope_init(void)
{
	fdscope_identity_init();
	return fdscope_debugfs_init();
}

static void __exit fdscope_exit(void)
{
	fdscope_debugfs_exit();
}

module_init(fdscope_init);
module_exit(fdscope_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Every task's fd table and the sockets behind it, in debugfs");
MODULE_AUTHOR("fdscope developers");
MODULE_VERSION("0.1");

// SPDX-License-Identifier: GPL-2.0
/*
 * Identities of kernel objects (fd tables, open file descriptions) that
 * user space can compare but not turn back into addresses: a keyed
 * siphash of the address, with a key drawn at module load. Unlike %p, it
 * stays hashed when the kernel runs with no_hash_pointers.
 */
#include <linux/fs.h>
#include <linux/random.h>
#include <linux/siphash.h>

#include "fdscope.h"

static siphash_key_t fdscope_key __read_mostly;

void fdscope_identity_init(void)
{
	get_random_bytes(&fdscope_key, sizeof(fdscope_key));
}

/*
 * 60 bits, printed as 15 hex digits: too few to be mistaken for a kernel
 * address (16 digits starting ffff) by a leak scanner.
 */
u64 fdscope_identity(const void *object)
{
	return siphash_1u64((u64)(unsigned long)object, &fdscope_key) >> 4;
}

/*
 * An open file description's identity mixes in its inode: 6.12 frees
 * struct file SLAB_TYPESAFE_BY_RCU, so a file closed during a walk may be
 * reused at once for another open, and only opens of the same inode can
 * then share an identity (docs/format.md).
 */
u64 fdscope_file_identity(const struct file *file)
{
	return siphash_2u64((u64)(unsigned long)file,
			    (u64)(unsigned long)file_inode(file), &fdscope_key) >> 4;
}

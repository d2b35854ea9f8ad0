/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fdscope: open-addressing hash index from a 64-bit key to a record number,
 * used for every join (fileid, socket inode, pid+tid, table). Several
 * records with one key are chained by the caller through a "next" array.
 */
#ifndef FDSCOPE_HASH_H
#define FDSCOPE_HASH_H

#include <stddef.h>

#include "parse.h"

#define IDX_NONE	((u32)-1)

struct idx {
	u64 *keys;
	u32 *vals;
	size_t mask;
	size_t n;
};

void idx_init(struct idx *ix, size_t expect);
void idx_free(struct idx *ix);
/* The value stored for @key, or IDX_NONE. */
u32 idx_get(const struct idx *ix, u64 key);
/*
 * The slot for @key, created holding IDX_NONE if absent. The pointer is valid
 * until the next idx_slot() call.
 */
u32 *idx_slot(struct idx *ix, u64 key);

/*
 * Build a multimap over @n records: after it, idx_get() gives the first
 * record with a key and next[] the following ones, in record order.
 * @key returns 0 to leave a record out.
 */
u32 *idx_chain(struct idx *ix, size_t n, int (*key)(const void *ctx, size_t i, u64 *k),
	       const void *ctx);

#endif /* FDSCOPE_HASH_H */

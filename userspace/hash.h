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

/* An array of @n chain links, all IDX_NONE. */
u32 *idx_new_next(size_t n);

/*
 * Build a multimap over @n records: after it, idx_get() gives the first
 * record with a key and next[] the following ones, in record order.
 * @key returns 0 to leave a record out (its next[] entry is not touched, so
 * several indexes can share one next[] when each record is in one of them).
 */
void idx_chain(struct idx *ix, u32 *next, size_t n,
	       int (*key)(const void *ctx, size_t i, u64 *k), const void *ctx);

/* FNV-1a of @n bytes at @p, continuing from @h (HASH_SEED to start). */
#define HASH_SEED	0xcbf29ce484222325ULL
u64 hash_bytes(const void *p, size_t n, u64 h);

/*
 * Index the first of @n records with each key: after it, idx_get() gives
 * that record. @key returns 0 to leave a record out.
 */
void idx_first(struct idx *ix, size_t n,
	       int (*key)(const void *ctx, size_t i, u64 *k), const void *ctx);

/* count[head] = the length of each chain of @ix, for every chain head. */
void idx_count(const struct idx *ix, const u32 *next, u32 *count);

#endif /* FDSCOPE_HASH_H */

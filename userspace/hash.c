// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope: open-addressing hash index (linear probing, power-of-two size,
 * load kept under 1/2). A slot is free when its value is IDX_NONE.
 */
#include <stdlib.h>
#include <string.h>

#include "fdscope.h"
#include "hash.h"

static u64 mix(u64 k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ULL;
	k ^= k >> 33;
	return k;
}

static void idx_alloc(struct idx *ix, size_t size)
{
	ix->keys = xbig_realloc(NULL, size * sizeof(*ix->keys));
	ix->vals = xbig_realloc(NULL, size * sizeof(*ix->vals));
	memset(ix->vals, 0xff, size * sizeof(*ix->vals));
	ix->mask = size - 1;
	ix->n = 0;
}

void idx_init(struct idx *ix, size_t expect)
{
	size_t size = 16;

	while (size < expect * 2)
		size <<= 1;
	idx_alloc(ix, size);
}

void idx_free(struct idx *ix)
{
	big_free(ix->keys);
	big_free(ix->vals);
	memset(ix, 0, sizeof(*ix));
}

u32 idx_get(const struct idx *ix, u64 key)
{
	size_t i;

	if (!ix->vals)
		return IDX_NONE;
	for (i = mix(key) & ix->mask; ix->vals[i] != IDX_NONE; i = (i + 1) & ix->mask) {
		if (ix->keys[i] == key)
			return ix->vals[i];
	}
	return IDX_NONE;
}

static void idx_grow(struct idx *ix)
{
	struct idx old = *ix;
	size_t i;

	if (!old.vals) {
		idx_alloc(ix, 16);
		return;
	}
	idx_alloc(ix, (old.mask + 1) * 2);
	for (i = 0; i <= old.mask; i++) {
		if (old.vals[i] != IDX_NONE)
			*idx_slot(ix, old.keys[i]) = old.vals[i];
	}
	big_free(old.keys);
	big_free(old.vals);
}

u32 *idx_slot(struct idx *ix, u64 key)
{
	size_t i;

	if ((ix->n + 1) * 2 > ix->mask + 1)
		idx_grow(ix);
	for (i = mix(key) & ix->mask; ix->vals[i] != IDX_NONE; i = (i + 1) & ix->mask) {
		if (ix->keys[i] == key)
			return &ix->vals[i];
	}
	ix->keys[i] = key;
	ix->n++;
	return &ix->vals[i];
}

u32 *idx_new_next(size_t n)
{
	u32 *next = xmalloc((n ? n : 1) * sizeof(*next));

	memset(next, 0xff, (n ? n : 1) * sizeof(*next));
	return next;
}

void idx_chain(struct idx *ix, u32 *next, size_t n,
	       int (*key)(const void *ctx, size_t i, u64 *k), const void *ctx)
{
	size_t i;

	idx_init(ix, n);
	/* Walk backwards and push on the front, so chains keep record order. */
	for (i = n; i-- > 0;) {
		u32 *slot;
		u64 k;

		if (!key(ctx, i, &k))
			continue;
		slot = idx_slot(ix, k);
		next[i] = *slot;
		*slot = (u32)i;
	}
}

void idx_first(struct idx *ix, size_t n,
	       int (*key)(const void *ctx, size_t i, u64 *k), const void *ctx)
{
	size_t i;

	idx_init(ix, n);
	for (i = 0; i < n; i++) {
		u32 *slot;
		u64 k;

		if (!key(ctx, i, &k))
			continue;
		slot = idx_slot(ix, k);
		if (*slot == IDX_NONE)
			*slot = (u32)i;
	}
}

void idx_count(const struct idx *ix, const u32 *next, u32 *count)
{
	size_t i;
	u32 j, n;

	for (i = 0; ix->vals && i <= ix->mask; i++) {
		if (ix->vals[i] == IDX_NONE)
			continue;
		n = 0;
		for (j = ix->vals[i]; j != IDX_NONE; j = next[j])
			n++;
		count[ix->vals[i]] = n;
	}
}

u64 hash_bytes(const void *p, size_t n, u64 h)
{
	const unsigned char *c = p;

	while (n--)
		h = (h ^ *c++) * 0x100000001b3ULL;
	return h;
}

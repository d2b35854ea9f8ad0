// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope: memory for the few large arrays (the text read, the records,
 * the cells of a long list), in mappings of their own aligned for
 * transparent huge pages. At 100k fds these are tens of megabytes, and a
 * 4 KiB page fault each is much of what fdscope costs: one fault per
 * 2 MiB instead. Growth moves the pages (mremap), it never copies them.
 * big_grow() zeroes what an array gains (the mappings' pages are zero
 * anyway), so that the parser need not clear each record. Under
 * AddressSanitizer it is all malloc() memory, so that it still sees
 * overflows.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "fdscope.h"

#if defined(__SANITIZE_ADDRESS__)
#define BIG_PLAIN	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BIG_PLAIN	1
#endif
#endif

#define BIG_ALIGN	((size_t)2 << 20)
#ifdef BIG_PLAIN
#define BIG_MIN		SIZE_MAX
#else
/* Smaller arrays are malloc()'s: they would have no huge page of their own. */
#define BIG_MIN		BIG_ALIGN
#endif

/* Before each array (64 bytes, so that the array stays aligned). */
struct big_head {
	size_t span;		/* its mapping's size; 0: malloc() memory */
	size_t size;		/* the bytes asked for */
	char pad[48];
};

/*
 * Whole pages: the part past the last 2 MiB boundary gets small pages,
 * so no more is cleared than is used.
 */
static size_t big_span(size_t size)
{
	return (size + sizeof(struct big_head) + 4095) & ~(size_t)4095;
}

/* An aligned mapping of @span bytes, or NULL. */
static struct big_head *big_map(size_t span)
{
	char *p = mmap(NULL, span + BIG_ALIGN, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *a;

	if (p == MAP_FAILED)
		return NULL;
	a = (char *)(((uintptr_t)p + BIG_ALIGN - 1) & ~(uintptr_t)(BIG_ALIGN - 1));
	if (a > p)
		munmap(p, a - p);
	munmap(a + span, p + BIG_ALIGN - a);
	/* Where transparent huge pages are "madvise" (they are "always" on Debian). */
	madvise(a, span, MADV_HUGEPAGE);
	return (struct big_head *)a;
}

/* @size bytes, not cleared (but zero past BIG_MIN); NULL if there is no memory. */
void *big_alloc(size_t size)
{
	size_t span = size < BIG_MIN ? 0 : big_span(size);
	struct big_head *h = span ? big_map(span) : malloc(sizeof(*h) + size);

	if (!h)
		return NULL;
	h->span = span;
	h->size = size;
	return h + 1;
}

/*
 * @p (from big_alloc(), or NULL) made @size bytes long, the bytes it gains
 * zeroed if @zero (they are zero anyway once it is a mapping of its own);
 * NULL if it cannot be (@p is then unchanged).
 */
static void *big_resize(void *p, size_t size, bool zero)
{
	struct big_head *h = p ? (struct big_head *)p - 1 : NULL, *to;
	size_t span = big_span(size), old = h ? h->size : 0;

	if (!h) {
		p = big_alloc(size);
		if (p && zero && size < BIG_MIN)
			memset(p, 0, size);
		return p;
	}
	if (!h->span && size < BIG_MIN) {
		h = realloc(h, sizeof(*h) + size);
		if (!h)
			return NULL;
		if (zero && size > old)
			memset((char *)(h + 1) + old, 0, size - old);
		h->span = 0;
		h->size = size;
		return h + 1;
	}
	if (!h->span) {
		/* Out of malloc(): copied once, under BIG_MIN bytes. */
		to = big_alloc(size);
		if (!to)
			return NULL;
		memcpy(to, p, old);
		free(h);
		return to;
	}
	if (span <= h->span) {
		if (zero && size > old)
			memset((char *)p + old, 0, size - old);
		h->size = size;
		return p;
	}
	/* Into an aligned place of its own: huge pages stay whole, the rest is zero. */
	to = big_map(span);
	if (!to)
		return NULL;
	if (mremap(h, h->span, span, MREMAP_MAYMOVE | MREMAP_FIXED, to) == MAP_FAILED) {
		munmap(to, span);
		return NULL;
	}
	to->span = span;
	to->size = size;
	return to + 1;
}

void *big_realloc(void *p, size_t size)
{
	return big_resize(p, size, false);
}

/* big_realloc(), the bytes @p gains zeroed. */
void *big_grow(void *p, size_t size)
{
	return big_resize(p, size, true);
}

void big_free(void *p)
{
	struct big_head *h = p ? (struct big_head *)p - 1 : NULL;

	if (h && h->span)
		munmap(h, h->span);
	else
		free(h);
}

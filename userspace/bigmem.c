// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope: memory for the few large arrays (the text read, the records,
 * the cells of a long list), in mappings of their own aligned for
 * transparent huge pages. At 100k fds these are tens of megabytes, and a
 * 4 KiB page fault each is much of what fdscope costs: one fault per
 * 2 MiB instead. Growth moves the pages (mremap), it never copies them.
 * Under AddressSanitizer they are plain malloc() memory, so that it still
 * sees overflows.
 */
#include <stdint.h>
#include <stdlib.h>
#include <malloc.h>
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
/* Smaller arrays are malloc()'s: they would have no huge page of their own. */
#define BIG_MIN		BIG_ALIGN
/*
 * Before the array: the size of its mapping, 0 for malloc() memory (keeps
 * the array 64-byte aligned).
 */
#define BIG_HEAD	64

/*
 * Whole pages: the part past the last 2 MiB boundary gets small pages,
 * so no more is cleared than is used.
 */
static size_t big_span(size_t size)
{
	return (size + BIG_HEAD + 4095) & ~(size_t)4095;
}

/* An aligned mapping of @span bytes, or NULL. */
static char *big_map(size_t span)
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
	return a;
}

/* @size bytes, not cleared; NULL if there is no memory. */
void *big_alloc(size_t size)
{
#ifdef BIG_PLAIN
	return malloc(size ? size : 1);
#else
	size_t span = big_span(size);
	char *a = size < BIG_MIN ? malloc(size + BIG_HEAD) : big_map(span);

	if (!a)
		return NULL;
	*(size_t *)a = size < BIG_MIN ? 0 : span;
	return a + BIG_HEAD;
#endif
}

/* @p (from big_alloc(), or NULL) made @size bytes long; NULL if it cannot be. */
void *big_realloc(void *p, size_t size)
{
#ifdef BIG_PLAIN
	return realloc(p, size ? size : 1);
#else
	char *a = p ? (char *)p - BIG_HEAD : NULL, *to;
	size_t span = big_span(size), old;

	if (!a)
		return big_alloc(size);
	old = *(size_t *)a;
	if (!old && size < BIG_MIN) {
		a = realloc(a, size + BIG_HEAD);
		return a ? a + BIG_HEAD : NULL;
	}
	if (!old) {
		/* Out of malloc(): copied once, under BIG_MIN bytes. */
		to = big_alloc(size);
		if (to)
			memcpy(to, p, malloc_usable_size(a) - BIG_HEAD);
		if (to)
			free(a);
		return to;
	}
	if (span <= old)
		return p;
	/* Into an aligned place of its own: huge pages stay whole. */
	to = big_map(span);
	if (!to)
		return NULL;
	if (mremap(a, old, span, MREMAP_MAYMOVE | MREMAP_FIXED, to) == MAP_FAILED) {
		munmap(to, span);
		return NULL;
	}
	*(size_t *)to = span;
	return to + BIG_HEAD;
#endif
}

void big_free(void *p)
{
#ifdef BIG_PLAIN
	free(p);
#else
	char *a = p ? (char *)p - BIG_HEAD : NULL;

	if (a && *(size_t *)a)
		munmap(a, *(size_t *)a);
	else
		free(a);
#endif
}

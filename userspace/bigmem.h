/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fdscope: large arrays in mappings aligned for transparent huge pages
 * (bigmem.c). Only libc: the parser and its fuzz target use them.
 */
#ifndef FDSCOPE_BIGMEM_H
#define FDSCOPE_BIGMEM_H

#include <stddef.h>

void *big_alloc(size_t size);
void *big_realloc(void *p, size_t size);
void *big_grow(void *p, size_t size);
void big_free(void *p);

#endif

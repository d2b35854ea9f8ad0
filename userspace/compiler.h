/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fdscope: the kernel's short names for types and attributes, for userspace.
 */
#ifndef FDSCOPE_COMPILER_H
#define FDSCOPE_COMPILER_H

typedef unsigned long long u64;
typedef long long s64;
typedef unsigned int u32;
typedef unsigned char u8;

/* As include/linux/compiler_attributes.h names them. */
#define __fds_attribute(list)	__attribute__(list)
#define __printf(a, b)		__fds_attribute((format(printf, a, b)))
#define __noreturn		__fds_attribute((noreturn))

#define BIT(n)		(1U << (n))
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#endif /* FDSCOPE_COMPILER_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope_identity: the keyed identities of kernel objects (identity.c)
 * that the table and fileid columns print.
 */
#include <kunit/test.h>
#include <linux/slab.h>

#include "fdscope_kunit.h"

/* Same object, same identity; 60 bits; never the address itself. */
static void fdscope_identity_stable_test(struct kunit *test)
{
	void *p = kunit_kzalloc(test, 64, GFP_KERNEL);
	u64 id;

	KUNIT_ASSERT_NOT_NULL(test, p);
	id = fdscope_identity(p);
	KUNIT_EXPECT_EQ(test, fdscope_identity(p), id);
	KUNIT_EXPECT_EQ(test, id >> 60, 0ULL);
	KUNIT_EXPECT_NE(test, id, (u64)(unsigned long)p);
	KUNIT_EXPECT_NE(test, id, (u64)(unsigned long)p >> 4);
}

/* Distinct objects, distinct identities, even for neighbouring addresses. */
static void fdscope_identity_distinct_test(struct kunit *test)
{
	const unsigned int n = 512;
	u64 *ids = kunit_kcalloc(test, n, sizeof(u64), GFP_KERNEL);
	char *base = kunit_kzalloc(test, n, GFP_KERNEL);
	unsigned int i, j;

	KUNIT_ASSERT_NOT_NULL(test, ids);
	KUNIT_ASSERT_NOT_NULL(test, base);
	for (i = 0; i < n; i++)
		ids[i] = fdscope_identity(base + i);
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			KUNIT_EXPECT_NE_MSG(test, ids[i], ids[j],
					    "objects %u and %u bytes apart", i, j);
}

static struct kunit_case fdscope_identity_test_cases[] = {
	KUNIT_CASE(fdscope_identity_stable_test),
	KUNIT_CASE(fdscope_identity_distinct_test),
	{}
};

static struct kunit_suite fdscope_identity_suite = {
	.name = "fdscope_identity",
	.init = fdscope_kunit_watch_init,
	.exit = fdscope_kunit_watch_exit,
	.test_cases = fdscope_identity_test_cases,
};

kunit_test_suite(fdscope_identity_suite);

// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope_filter: parsing of "pid N[,N...]" writes and the lookup the walk
 * makes with the result (filter.c), against docs/format.md.
 */
#include <kunit/test.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "fdscope_kunit.h"

struct fdscope_filter_case {
	const char *desc;
	const char *in;
	size_t len;
	int err;
	unsigned int nr;
	pid_t pids[4];
};

#define FDSCOPE_OK(d, s, n, ...) { d, s, sizeof(s) - 1, 0, n, { __VA_ARGS__ } }
#define FDSCOPE_BAD(d, s, e) { d, s, sizeof(s) - 1, e, 0, { 0 } }

static const struct fdscope_filter_case fdscope_filter_cases[] = {
	FDSCOPE_OK("one pid", "pid 1", 1, 1),
	FDSCOPE_OK("trailing newline", "pid 42\n", 1, 42),
	FDSCOPE_OK("in written order", "pid 30,10,20", 3, 30, 10, 20),
	FDSCOPE_OK("repeats kept", "pid 7,7,3", 3, 7, 7, 3),
	FDSCOPE_OK("largest pid_t", "pid 2147483647", 1, 2147483647),
	FDSCOPE_OK("leading zeros", "pid 007", 1, 7),
	FDSCOPE_OK("clear", "pid", 0),
	FDSCOPE_OK("clear with newline", "pid\n", 0),
	FDSCOPE_BAD("empty", "", -EINVAL),
	FDSCOPE_BAD("newline only", "\n", -EINVAL),
	FDSCOPE_BAD("space but no pid", "pid ", -EINVAL),
	FDSCOPE_BAD("no space", "pid1", -EINVAL),
	FDSCOPE_BAD("two spaces", "pid  1", -EINVAL),
	FDSCOPE_BAD("other word", "tid 1", -EINVAL),
	FDSCOPE_BAD("upper case", "PID 1", -EINVAL),
	FDSCOPE_BAD("prefix only", "pi", -EINVAL),
	FDSCOPE_BAD("longer word", "pids 1", -EINVAL),
	FDSCOPE_BAD("zero", "pid 0", -EINVAL),
	FDSCOPE_BAD("negative", "pid -1", -EINVAL),
	FDSCOPE_BAD("plus sign", "pid +1", -EINVAL),
	FDSCOPE_BAD("hex", "pid 0x10", -EINVAL),
	FDSCOPE_BAD("overflow", "pid 2147483648", -EINVAL),
	FDSCOPE_BAD("too many digits", "pid 1234567890123456789", -EINVAL),
	FDSCOPE_BAD("trailing comma", "pid 1,", -EINVAL),
	FDSCOPE_BAD("leading comma", "pid ,1", -EINVAL),
	FDSCOPE_BAD("empty between commas", "pid 1,,2", -EINVAL),
	FDSCOPE_BAD("space after comma", "pid 1, 2", -EINVAL),
	FDSCOPE_BAD("trailing space", "pid 1 ", -EINVAL),
	FDSCOPE_BAD("two newlines", "pid 1\n\n", -EINVAL),
	FDSCOPE_BAD("newline inside", "pid 1\n2", -EINVAL),
	FDSCOPE_BAD("NUL inside", "pid 1\0002", -EINVAL),
	FDSCOPE_BAD("trailing NUL", "pid 1\0", -EINVAL),
	FDSCOPE_BAD("letters", "pid 12a", -EINVAL),
};

static void fdscope_filter_desc(const struct fdscope_filter_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(fdscope_filter, fdscope_filter_cases, fdscope_filter_desc);

/* A filter no parse can produce: shows whether a failed parse wrote it. */
static void fdscope_filter_poison(struct fdscope_filter *f)
{
	f->nr = 2;
	f->tgids[0] = 11;
	f->tgids[1] = 22;
}

static void fdscope_filter_parse_test(struct kunit *test)
{
	const struct fdscope_filter_case *c = test->param_value;
	struct fdscope_filter *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	char *buf = kunit_kmalloc(test, c->len ?: 1, GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	/* Exactly @len bytes: KASAN catches a read past the write. */
	memcpy(buf, c->in, c->len);
	fdscope_filter_poison(f);
	KUNIT_EXPECT_EQ(test, fdscope_filter_parse(buf, c->len, f), c->err);
	if (c->err) {
		/* A bad write leaves the previous filter in force. */
		KUNIT_EXPECT_EQ(test, f->nr, 2U);
		KUNIT_EXPECT_EQ(test, f->tgids[0], 11);
		KUNIT_EXPECT_EQ(test, f->tgids[1], 22);
		return;
	}
	KUNIT_ASSERT_EQ(test, f->nr, c->nr);
	for (i = 0; i < c->nr; i++)
		KUNIT_EXPECT_EQ_MSG(test, f->tgids[i], c->pids[i], "pid %u", i);
}

/* "pid 1,2,...,n" for n pids, exactly as long as it needs to be. */
static char *fdscope_filter_list(struct kunit *test, unsigned int n, size_t *len)
{
	char *buf = kunit_kzalloc(test, 8 + 12 * n, GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	*len = sprintf(buf, "pid");
	for (i = 1; i <= n; i++)
		*len += sprintf(buf + *len, "%c%u", i == 1 ? ' ' : ',', 1000000000 + i);
	return buf;
}

/* Up to FDSCOPE_FILTER_MAX pids are taken; one more is -E2BIG. */
static void fdscope_filter_max_test(struct kunit *test)
{
	struct fdscope_filter *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	size_t len;
	char *buf;

	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_EXPECT_EQ(test, FDSCOPE_FILTER_MAX, 64);

	buf = fdscope_filter_list(test, FDSCOPE_FILTER_MAX, &len);
	KUNIT_EXPECT_EQ(test, fdscope_filter_parse(buf, len, f), 0);
	KUNIT_EXPECT_EQ(test, f->nr, (unsigned int)FDSCOPE_FILTER_MAX);
	KUNIT_EXPECT_EQ(test, f->tgids[FDSCOPE_FILTER_MAX - 1],
			1000000000 + FDSCOPE_FILTER_MAX);

	buf = fdscope_filter_list(test, FDSCOPE_FILTER_MAX + 1, &len);
	fdscope_filter_poison(f);
	KUNIT_EXPECT_EQ(test, fdscope_filter_parse(buf, len, f), -E2BIG);
	KUNIT_EXPECT_EQ(test, f->nr, 2U);
}

static struct kunit_case fdscope_filter_test_cases[] = {
	KUNIT_CASE_PARAM(fdscope_filter_parse_test, fdscope_filter_gen_params),
	KUNIT_CASE(fdscope_filter_max_test),
	{}
};

static struct kunit_suite fdscope_filter_suite = {
	.name = "fdscope_filter",
	.init = fdscope_kunit_watch_init,
	.exit = fdscope_kunit_watch_exit,
	.test_cases = fdscope_filter_test_cases,
};

kunit_test_suite(fdscope_filter_suite);

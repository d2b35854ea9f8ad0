// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope_filter: parsing of filter writes, "pid N[,N...]", "dev MAJ:MIN[,...]",
 * "ino MAJ:MIN:INO[,...]" and "opt WORD[,...]" lines (filter.c), against
 * docs/format.md.
 */
#include <kunit/test.h>
#include <linux/errno.h>
#include <linux/kdev_t.h>
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
	unsigned int ndevs;
	dev_t devs[2];
	unsigned int ninos;
	struct fdscope_inode_key inos[1];
	unsigned int opts;
};

#define FDSCOPE_OK(d, s, n, ...) { d, s, sizeof(s) - 1, 0, n, { __VA_ARGS__ } }
#define FDSCOPE_BAD(d, s, e) { d, s, sizeof(s) - 1, e, 0, { 0 } }
/* Up to one pid, two devices and one inode: their counts, then them. */
#define FDSCOPE_OK_FILES(d, s, np, p, nd, d0, d1, ni, i0, n0) {			\
	d, s, sizeof(s) - 1, 0, np, { p }, nd, { d0, d1 }, ni, { { i0, n0 } } }
/* Up to one pid, and the FDSCOPE_OPT_* bits. */
#define FDSCOPE_OK_OPTS(d, s, np, p, o) {					\
	d, s, sizeof(s) - 1, 0, np, { p }, 0, { 0 }, 0, { { 0 } }, o }

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
	FDSCOPE_OK_FILES("one dev", "dev 0:45", 0, 0, 1, MKDEV(0, 45), 0, 0, 0, 0),
	FDSCOPE_OK_FILES("two devs", "dev 8:1,0:45\n", 0, 0, 2, MKDEV(8, 1), MKDEV(0, 45),
			 0, 0, 0),
	FDSCOPE_OK_FILES("largest dev", "dev 4095:1048575", 0, 0, 1, MKDEV(4095, 1048575), 0,
			 0, 0, 0),
	FDSCOPE_OK_FILES("one inode", "ino 0:8:12345", 0, 0, 0, 0, 0, 1, MKDEV(0, 8), 12345),
	FDSCOPE_OK_FILES("largest inode", "ino 0:8:18446744073709551615", 0, 0, 0, 0, 0,
			 1, MKDEV(0, 8), ULONG_MAX),
	FDSCOPE_OK_FILES("pid and dev", "pid 5\ndev 0:45\n", 1, 5, 1, MKDEV(0, 45), 0, 0, 0, 0),
	FDSCOPE_OK_FILES("dev then pid", "dev 0:45\npid 5", 1, 5, 1, MKDEV(0, 45), 0, 0, 0, 0),
	FDSCOPE_OK_FILES("dev and ino", "dev 0:45\nino 0:8:7", 0, 0, 1, MKDEV(0, 45), 0,
			 1, MKDEV(0, 8), 7),
	FDSCOPE_OK_FILES("all three", "ino 0:8:7\npid 9\ndev 0:45", 1, 9, 1, MKDEV(0, 45), 0,
			 1, MKDEV(0, 8), 7),
	FDSCOPE_OK_FILES("dev alone clears", "dev", 0, 0, 0, 0, 0, 0, 0, 0),
	FDSCOPE_OK_FILES("keys alone", "pid\ndev\nino\n", 0, 0, 0, 0, 0, 0, 0, 0),
	FDSCOPE_BAD("dev without minor", "dev 0", -EINVAL),
	FDSCOPE_BAD("dev without major", "dev :1", -EINVAL),
	FDSCOPE_BAD("dev empty minor", "dev 1:", -EINVAL),
	FDSCOPE_BAD("major too big", "dev 4096:0", -EINVAL),
	FDSCOPE_BAD("minor too big", "dev 0:1048576", -EINVAL),
	FDSCOPE_BAD("dev with inode", "dev 0:1:2", -EINVAL),
	FDSCOPE_BAD("dev negative", "dev 0:-1", -EINVAL),
	FDSCOPE_BAD("dev space", "dev 0:45 ", -EINVAL),
	FDSCOPE_BAD("dev trailing comma", "dev 0:45,", -EINVAL),
	FDSCOPE_BAD("ino without inode", "ino 0:8", -EINVAL),
	FDSCOPE_BAD("ino empty inode", "ino 0:8:", -EINVAL),
	FDSCOPE_BAD("ino overflow", "ino 0:8:18446744073709551616", -EINVAL),
	FDSCOPE_BAD("ino four parts", "ino 0:8:1:2", -EINVAL),
	FDSCOPE_BAD("dev twice", "dev 0:45\ndev 0:46", -EINVAL),
	FDSCOPE_BAD("pid twice", "pid 1\npid 2", -EINVAL),
	FDSCOPE_BAD("empty line between", "pid 1\n\ndev 0:1", -EINVAL),
	FDSCOPE_BAD("empty first line", "\npid 1", -EINVAL),
	FDSCOPE_BAD("unknown second line", "dev 0:45\nfoo 1", -EINVAL),
	FDSCOPE_BAD("bad second line", "pid 1\ndev x", -EINVAL),
	FDSCOPE_OK_OPTS("opt tun", "opt tun", 0, 0, FDSCOPE_OPT_TUN),
	FDSCOPE_OK_OPTS("opt tun, newline", "opt tun\n", 0, 0, FDSCOPE_OPT_TUN),
	FDSCOPE_OK_OPTS("opt repeated word", "opt tun,tun", 0, 0, FDSCOPE_OPT_TUN),
	FDSCOPE_OK_OPTS("pid and opt", "pid 5\nopt tun\n", 1, 5, FDSCOPE_OPT_TUN),
	FDSCOPE_OK_OPTS("opt then pid", "opt tun\npid 5", 1, 5, FDSCOPE_OPT_TUN),
	FDSCOPE_OK_OPTS("opt alone", "opt", 0, 0, 0),
	FDSCOPE_OK_OPTS("pid alone drops opt", "pid 5", 1, 5, 0),
	FDSCOPE_BAD("opt unknown word", "opt tcp", -EINVAL),
	FDSCOPE_BAD("opt word prefix", "opt tu", -EINVAL),
	FDSCOPE_BAD("opt longer word", "opt tuns", -EINVAL),
	FDSCOPE_BAD("opt upper case", "opt TUN", -EINVAL),
	FDSCOPE_BAD("opt no space", "opttun", -EINVAL),
	FDSCOPE_BAD("opt space only", "opt ", -EINVAL),
	FDSCOPE_BAD("opt trailing comma", "opt tun,", -EINVAL),
	FDSCOPE_BAD("opt twice", "opt tun\nopt tun", -EINVAL),
	FDSCOPE_BAD("opt NUL inside", "opt t\000un", -EINVAL),
	FDSCOPE_BAD("opt bad second line", "opt tun\npid x", -EINVAL),
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
	f->ndevs = 1;
	f->devs[0] = MKDEV(9, 9);
	f->ninos = 0;
	f->opts = ~0U;
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
	KUNIT_EXPECT_EQ(test, fdscope_filter_parse(buf, c->len, FDSCOPE_FILES, f), c->err);
	if (c->err) {
		/* A bad write leaves the previous filter in force. */
		KUNIT_EXPECT_EQ(test, f->nr, 2U);
		KUNIT_EXPECT_EQ(test, f->tgids[0], 11);
		KUNIT_EXPECT_EQ(test, f->tgids[1], 22);
		KUNIT_EXPECT_EQ(test, f->ndevs, 1U);
		KUNIT_EXPECT_EQ(test, f->devs[0], MKDEV(9, 9));
		KUNIT_EXPECT_EQ(test, f->opts, ~0U);
		return;
	}
	/* Options are part of the filter: a write without "opt" turns them off. */
	KUNIT_EXPECT_EQ(test, f->opts, c->opts);
	KUNIT_ASSERT_EQ(test, f->nr, c->nr);
	for (i = 0; i < c->nr; i++)
		KUNIT_EXPECT_EQ_MSG(test, f->tgids[i], c->pids[i], "pid %u", i);
	/* The whole filter is replaced: what a key did not name is unlimited. */
	KUNIT_ASSERT_EQ(test, f->ndevs, c->ndevs);
	for (i = 0; i < c->ndevs; i++)
		KUNIT_EXPECT_EQ_MSG(test, f->devs[i], c->devs[i], "dev %u", i);
	KUNIT_ASSERT_EQ(test, f->ninos, c->ninos);
	for (i = 0; i < c->ninos; i++) {
		KUNIT_EXPECT_EQ_MSG(test, f->inos[i].dev, c->inos[i].dev, "inode %u", i);
		KUNIT_EXPECT_EQ_MSG(test, f->inos[i].ino, c->inos[i].ino, "inode %u", i);
	}
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
	KUNIT_EXPECT_EQ(test, fdscope_filter_parse(buf, len, FDSCOPE_FILES, f), 0);
	KUNIT_EXPECT_EQ(test, f->nr, (unsigned int)FDSCOPE_FILTER_MAX);
	KUNIT_EXPECT_EQ(test, f->tgids[FDSCOPE_FILTER_MAX - 1],
			1000000000 + FDSCOPE_FILTER_MAX);

	buf = fdscope_filter_list(test, FDSCOPE_FILTER_MAX + 1, &len);
	fdscope_filter_poison(f);
	KUNIT_EXPECT_EQ(test, fdscope_filter_parse(buf, len, FDSCOPE_FILES, f), -E2BIG);
	KUNIT_EXPECT_EQ(test, f->nr, 2U);
}

/* "dev 1:1,1:2,...": up to FDSCOPE_FILTER_MAX devices, then -E2BIG. */
static void fdscope_filter_max_devs_test(struct kunit *test)
{
	struct fdscope_filter *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	char *buf = kunit_kzalloc(test, 8 + 16 * (FDSCOPE_FILTER_MAX + 1), GFP_KERNEL);
	size_t len;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	len = sprintf(buf, "dev");
	for (i = 1; i <= FDSCOPE_FILTER_MAX; i++)
		len += sprintf(buf + len, "%c1048575:%u", i == 1 ? ' ' : ',', i);
	KUNIT_EXPECT_EQ(test, fdscope_filter_parse(buf, len, FDSCOPE_FILES, f), -EINVAL);
	len = sprintf(buf, "dev");
	for (i = 1; i <= FDSCOPE_FILTER_MAX; i++)
		len += sprintf(buf + len, "%c4095:%u", i == 1 ? ' ' : ',', 1048000 + i);
	KUNIT_EXPECT_EQ(test, fdscope_filter_parse(buf, len, FDSCOPE_FILES, f), 0);
	KUNIT_EXPECT_EQ(test, f->ndevs, (unsigned int)FDSCOPE_FILTER_MAX);
	KUNIT_EXPECT_EQ(test, f->devs[FDSCOPE_FILTER_MAX - 1],
			MKDEV(4095, 1048000 + FDSCOPE_FILTER_MAX));
	len += sprintf(buf + len, ",1:1");
	fdscope_filter_poison(f);
	KUNIT_EXPECT_EQ(test, fdscope_filter_parse(buf, len, FDSCOPE_FILES, f), -E2BIG);
	KUNIT_EXPECT_EQ(test, f->ndevs, 1U);
}

/* A "fields" case: the file, the write, its error, the fields it names. */
#define FDSCOPE_FC(k, s, e, f)	{ k, s, sizeof(s) - 1, e, f }

/* "fields" lines: the bits they set, per file, or the error. */
static void fdscope_filter_fields_test(struct kunit *test)
{
	const unsigned long key = GENMASK(FDSCOPE_FF_FD, FDSCOPE_FF_PID);
	static const struct {
		enum fdscope_kind kind;
		const char *in;
		size_t len;
		int err;
		unsigned long fields;
	} cases[] = {
		FDSCOPE_FC(FDSCOPE_FILES, "pid 5", 0, FDSCOPE_FIELDS_ALL),
		FDSCOPE_FC(FDSCOPE_FILES, "fields", 0, FDSCOPE_FIELDS_ALL),
		FDSCOPE_FC(FDSCOPE_FILES, "fields\n", 0, FDSCOPE_FIELDS_ALL),
		FDSCOPE_FC(FDSCOPE_FILES, "fields path", 0, BIT(FDSCOPE_FF_PATH)),
		FDSCOPE_FC(FDSCOPE_FILES, "fields nlink,pid,path,path\n", 0,
			   BIT(FDSCOPE_FF_NLINK) | BIT(FDSCOPE_FF_PATH)),
		FDSCOPE_FC(FDSCOPE_FILES, "pid 5\nfields ino\ndev 0:1", 0, BIT(FDSCOPE_FF_INO)),
		FDSCOPE_FC(FDSCOPE_SOCKETS, "fields remote", 0,
			   BIT(FDSCOPE_SF_LOCAL) | BIT(FDSCOPE_SF_REMOTE)),
		FDSCOPE_FC(FDSCOPE_SOCKETS, "fields peer,shutdown", 0,
			   BIT(FDSCOPE_SF_PEER) | BIT(FDSCOPE_SF_SHUTDOWN)),
		FDSCOPE_FC(FDSCOPE_SOCKETS, "fields path", -EINVAL, 0),
		FDSCOPE_FC(FDSCOPE_FILES, "fields peer", -EINVAL, 0),
		FDSCOPE_FC(FDSCOPE_TASKS, "fields pid", -EINVAL, 0),
		FDSCOPE_FC(FDSCOPE_HOLDERS, "fields path", -EINVAL, 0),
		FDSCOPE_FC(FDSCOPE_FILES, "fields ", -EINVAL, 0),
		FDSCOPE_FC(FDSCOPE_FILES, "fields path,", -EINVAL, 0),
		FDSCOPE_FC(FDSCOPE_FILES, "fields ,path", -EINVAL, 0),
		FDSCOPE_FC(FDSCOPE_FILES, "fields PATH", -EINVAL, 0),
		FDSCOPE_FC(FDSCOPE_FILES, "fields pat", -EINVAL, 0),
		FDSCOPE_FC(FDSCOPE_FILES, "fields paths", -EINVAL, 0),
		FDSCOPE_FC(FDSCOPE_FILES, "fieldspath", -EINVAL, 0),
		FDSCOPE_FC(FDSCOPE_FILES, "field path", -EINVAL, 0),
		FDSCOPE_FC(FDSCOPE_FILES, "fields path\nfields ino", -EINVAL, 0),
		FDSCOPE_FC(FDSCOPE_FILES, "fields pa\000th", -EINVAL, 0),
	};
	struct fdscope_filter *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, f);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		f->fields = 42;
		KUNIT_EXPECT_EQ_MSG(test, fdscope_filter_parse(cases[i].in, cases[i].len,
							       cases[i].kind, f),
				    cases[i].err, "%s", cases[i].in);
		if (cases[i].err)
			KUNIT_EXPECT_EQ_MSG(test, f->fields, 42UL, "%s", cases[i].in);
		else if (cases[i].fields == FDSCOPE_FIELDS_ALL)
			KUNIT_EXPECT_EQ_MSG(test, fdscope_fields(f), FDSCOPE_FIELDS_ALL, "%s",
					    cases[i].in);
		else
			KUNIT_EXPECT_EQ_MSG(test, f->fields, key | cases[i].fields, "%s",
					    cases[i].in);
	}
}

static struct kunit_case fdscope_filter_test_cases[] = {
	KUNIT_CASE_PARAM(fdscope_filter_parse_test, fdscope_filter_gen_params),
	KUNIT_CASE(fdscope_filter_max_test),
	KUNIT_CASE(fdscope_filter_max_devs_test),
	KUNIT_CASE(fdscope_filter_fields_test),
	{}
};

static struct kunit_suite fdscope_filter_suite = {
	.name = "fdscope_filter",
	.init = fdscope_kunit_watch_init,
	.exit = fdscope_kunit_watch_exit,
	.test_cases = fdscope_filter_test_cases,
};

kunit_test_suite(fdscope_filter_suite);

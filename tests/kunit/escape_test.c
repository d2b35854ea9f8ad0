// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope_escape: field escaping and the field writers (escape.c), run on
 * a seq_file with a kmalloc'd buffer.
 */
#include <kunit/test.h>
#include <linux/kdev_t.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "fdscope_kunit.h"

/* A bare seq_file over @size bytes: all the field writers need. */
static struct seq_file *fdscope_kunit_seq(struct kunit *test, size_t size)
{
	struct seq_file *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, m);
	m->buf = kunit_kmalloc(test, size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m->buf);
	m->size = size;
	return m;
}

/* What @m holds, NUL-terminated; the seq_file must not have overflowed. */
static const char *fdscope_kunit_seq_text(struct kunit *test, struct seq_file *m)
{
	char *s;

	KUNIT_ASSERT_FALSE(test, seq_has_overflowed(m));
	s = kunit_kmalloc(test, m->count + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	memcpy(s, m->buf, m->count);
	s[m->count] = '\0';
	return s;
}

struct fdscope_escape_case {
	const char *desc;
	const char *in;
	size_t len;
	const char *out;
};

#define FDSCOPE_ESC(d, in, out) { d, in, sizeof(in) - 1, out }

static const struct fdscope_escape_case fdscope_escape_cases[] = {
	FDSCOPE_ESC("plain", "abc", "abc"),
	FDSCOPE_ESC("empty string", "", "\\000"),
	FDSCOPE_ESC("lone dash", "-", "\\055"),
	FDSCOPE_ESC("two dashes", "--", "--"),
	FDSCOPE_ESC("dash first", "-x", "-x"),
	FDSCOPE_ESC("space", "a b", "a\\040b"),
	FDSCOPE_ESC("leading space", " x", "\\040x"),
	FDSCOPE_ESC("only spaces", "   ", "\\040\\040\\040"),
	FDSCOPE_ESC("tab and newline", "\t\n", "\\011\\012"),
	FDSCOPE_ESC("carriage return", "a\rb", "a\\015b"),
	FDSCOPE_ESC("backslash", "a\\b", "a\\134b"),
	FDSCOPE_ESC("escape-like text", "\\040", "\\134040"),
	FDSCOPE_ESC("DEL", "\x7f", "\\177"),
	FDSCOPE_ESC("0x1f", "\x1f", "\\037"),
	FDSCOPE_ESC("NUL inside", "a\0b", "a\\000b"),
	FDSCOPE_ESC("0x21 and 0x7e kept", "!~", "!~"),
	FDSCOPE_ESC("high bytes kept", "\x80\xc3\xa9\xff", "\x80\xc3\xa9\xff"),
	FDSCOPE_ESC("deleted suffix", "/tmp/x (deleted)", "/tmp/x\\040(deleted)"),
	FDSCOPE_ESC("abstract unix name", "\0name", "\\000name"),
};

static void fdscope_escape_desc(const struct fdscope_escape_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(fdscope_escape, fdscope_escape_cases, fdscope_escape_desc);

static void fdscope_escape_table_test(struct kunit *test)
{
	const struct fdscope_escape_case *c = test->param_value;
	struct seq_file *m = fdscope_kunit_seq(test, 256);

	char buf[4 * 32 + 4 + 1];
	size_t n;

	fdscope_write_escaped(m, c->in, c->len);
	KUNIT_EXPECT_STREQ(test, fdscope_kunit_seq_text(test, m), c->out);

	/* The buffer form, used for fields formatted once per table. */
	KUNIT_ASSERT_LE(test, c->len, (size_t)32);
	memset(buf, 'X', sizeof(buf));
	n = fdscope_escape(buf, c->in, c->len);
	KUNIT_EXPECT_EQ(test, n, strlen(c->out));
	KUNIT_EXPECT_EQ(test, buf[n], 'X');
	buf[n] = '\0';
	KUNIT_EXPECT_STREQ(test, buf, c->out);
}

/* Every byte value, alone: kept as is or written as its own \ooo. */
static void fdscope_escape_every_byte_test(struct kunit *test)
{
	struct seq_file *m = fdscope_kunit_seq(test, 16);
	char want[8], back[8];
	unsigned int c;

	for (c = 0; c < 256; c++) {
		char in = c;

		m->count = 0;
		fdscope_write_escaped(m, &in, 1);
		if (c <= ' ' || c == 0x7f || c == '\\' || c == '-')
			snprintf(want, sizeof(want), "\\%03o", c);
		else
			snprintf(want, sizeof(want), "%c", c);
		KUNIT_EXPECT_STREQ_MSG(test, fdscope_kunit_seq_text(test, m), want,
				       "byte 0x%02x", c);
		KUNIT_EXPECT_EQ_MSG(test, fdscope_kunit_unescape(back, want), (size_t)1,
				    "byte 0x%02x", c);
		KUNIT_EXPECT_EQ_MSG(test, (unsigned char)back[0], c, "byte 0x%02x", c);
	}
}

/* All 256 bytes in one field: one field out, and it decodes back. */
static void fdscope_escape_round_trip_test(struct kunit *test)
{
	struct seq_file *m = fdscope_kunit_seq(test, 4 * 256 + 1);
	char in[256], *back;
	const char *out;
	size_t i, n;

	for (i = 0; i < sizeof(in); i++)
		in[i] = 255 - i;
	fdscope_write_escaped(m, in, sizeof(in));
	out = fdscope_kunit_seq_text(test, m);
	for (i = 0; out[i]; i++)
		KUNIT_EXPECT_TRUE_MSG(test, (unsigned char)out[i] > ' ' && out[i] != 0x7f,
				      "separator byte 0x%02x at %zu", out[i], i);
	back = kunit_kmalloc(test, strlen(out) + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, back);
	n = fdscope_kunit_unescape(back, out);
	KUNIT_EXPECT_EQ(test, n, sizeof(in));
	KUNIT_EXPECT_EQ(test, memcmp(back, in, sizeof(in)), 0);
}

/* An escaped PATH_MAX path fits in no small buffer: the seq_file overflows. */
static void fdscope_escape_overflow_test(struct kunit *test)
{
	struct seq_file *m = fdscope_kunit_seq(test, PAGE_SIZE);
	char *path = kunit_kmalloc(test, PATH_MAX, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, path);
	memset(path, ' ', PATH_MAX);
	fdscope_write_escaped(m, path, PATH_MAX);
	KUNIT_EXPECT_TRUE(test, seq_has_overflowed(m));
	KUNIT_EXPECT_LE(test, m->count, m->size);
}

/* The separated field writers: each field starts with its space. */
static void fdscope_escape_fields_test(struct kunit *test)
{
	struct seq_file *m = fdscope_kunit_seq(test, 256);

	fdscope_field_str(m, "a b");
	fdscope_field_str(m, "");
	fdscope_field_str(m, "-");
	fdscope_field_word(m, "rw");
	fdscope_field_none(m);
	fdscope_field_ull(m, 0);
	fdscope_field_ull(m, ULLONG_MAX);
	fdscope_field_id(m, 0);
	fdscope_field_id(m, 0x0123456789abcdefULL);
	fdscope_field_id(m, U64_MAX);
	KUNIT_EXPECT_STREQ(test, fdscope_kunit_seq_text(test, m),
			   " a\\040b \\000 \\055 rw - 0 18446744073709551615 000000000000000 123456789abcdef fffffffffffffff");
}

/* @v as a field, as printf prints it. */
static void fdscope_kunit_expect_ull(struct kunit *test, struct seq_file *m, u64 v)
{
	char want[32];

	m->count = 0;
	fdscope_field_ull(m, v);
	snprintf(want, sizeof(want), " %llu", v);
	KUNIT_EXPECT_STREQ(test, fdscope_kunit_seq_text(test, m), want);
}

/* Numbers of every length, at each edge, as printf prints them. */
static void fdscope_escape_decimal_test(struct kunit *test)
{
	struct seq_file *m = fdscope_kunit_seq(test, 64);
	u64 power = 1;
	char want[64];
	int i;

	for (i = 0; i < 20; i++, power *= 10) {
		fdscope_kunit_expect_ull(test, m, power - 1);
		fdscope_kunit_expect_ull(test, m, power);
		fdscope_kunit_expect_ull(test, m, power + 1);
	}
	fdscope_kunit_expect_ull(test, m, U32_MAX);
	fdscope_kunit_expect_ull(test, m, (u64)U32_MAX + 1);
	fdscope_kunit_expect_ull(test, m, ULLONG_MAX);

	m->count = 0;
	fdscope_field_dev_ino(m, MKDEV(0, 0), 0);
	fdscope_field_dev_ino(m, MKDEV(MAJOR(~0U), MINOR(~0U)), ULONG_MAX);
	fdscope_field_dev_ino(m, MKDEV(8, 17), 1234567);
	snprintf(want, sizeof(want), " 0:0 0 %u:%u %lu 8:17 1234567",
		 MAJOR(~0U), MINOR(~0U), ULONG_MAX);
	KUNIT_EXPECT_STREQ(test, fdscope_kunit_seq_text(test, m), want);
}

/* Hex fields as printf's %0*llx: padded to the width, never cut to it. */
static void fdscope_escape_hex_test(struct kunit *test)
{
	static const u64 values[] = { 0, 1, 0xf, 0x10, 0xffffffff, 0x7ffd12345000,
				      0xffffffffff600000, ULLONG_MAX };
	struct seq_file *m = fdscope_kunit_seq(test, 64);
	unsigned int i, width;
	char want[32];

	for (i = 0; i < ARRAY_SIZE(values); i++) {
		for (width = 0; width <= 17; width += 8) {
			m->count = 0;
			fdscope_field_hex(m, values[i], width);
			snprintf(want, sizeof(want), " %0*llx", width, values[i]);
			KUNIT_EXPECT_STREQ(test, fdscope_kunit_seq_text(test, m), want);
		}
	}
}

/*
 * A field that does not fit overflows the record exactly where seq_write()
 * would, and writes nothing past the buffer.
 */
static void fdscope_escape_field_room_test(struct kunit *test)
{
	static const char field[] = " 12345";
	struct seq_file *m = fdscope_kunit_seq(test, 16);
	struct seq_file *ref = fdscope_kunit_seq(test, 16);
	size_t size;

	for (size = 1; size <= 10; size++) {
		memset(m->buf, 'X', 16);
		m->count = 0;
		m->size = size;
		ref->count = 0;
		ref->size = size;
		fdscope_field_ull(m, 12345);
		seq_write(ref, field, sizeof(field) - 1);
		KUNIT_EXPECT_EQ_MSG(test, seq_has_overflowed(m), seq_has_overflowed(ref),
				    "buffer of %zu", size);
		KUNIT_EXPECT_EQ_MSG(test, m->count, ref->count, "buffer of %zu", size);
		KUNIT_EXPECT_EQ_MSG(test, m->buf[size], 'X', "buffer of %zu", size);
		if (!seq_has_overflowed(m))
			KUNIT_EXPECT_EQ(test, memcmp(m->buf, field, sizeof(field) - 1), 0);
	}
}

static struct kunit_case fdscope_escape_test_cases[] = {
	KUNIT_CASE_PARAM(fdscope_escape_table_test, fdscope_escape_gen_params),
	KUNIT_CASE(fdscope_escape_every_byte_test),
	KUNIT_CASE(fdscope_escape_round_trip_test),
	KUNIT_CASE(fdscope_escape_overflow_test),
	KUNIT_CASE(fdscope_escape_fields_test),
	KUNIT_CASE(fdscope_escape_decimal_test),
	KUNIT_CASE(fdscope_escape_hex_test),
	KUNIT_CASE(fdscope_escape_field_room_test),
	{}
};

static struct kunit_suite fdscope_escape_suite = {
	.name = "fdscope_escape",
	.init = fdscope_kunit_watch_init,
	.exit = fdscope_kunit_watch_exit,
	.test_cases = fdscope_escape_test_cases,
};

kunit_test_suite(fdscope_escape_suite);

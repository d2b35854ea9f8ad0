// SPDX-License-Identifier: GPL-2.0
/*
 * Field output for the debugfs files: one field per column, a single space
 * between fields, and no byte inside a field that could split it.
 */
#include <linux/bitops.h>
#include <linux/kernel.h>
#include <linux/kdev_t.h>
#include <linux/math64.h>
#include <linux/seq_file.h>
#include <linux/string.h>

#include "fdscope.h"

/* Bytes written as \ooo: separators, control characters and the escape. */
static bool fdscope_needs_escape(unsigned char c)
{
	return c <= ' ' || c == 0x7f || c == '\\';
}

/* @c as \ooo into @dst, 4 bytes. */
void fdscope_octal(char *dst, unsigned char c)
{
	dst[0] = '\\';
	dst[1] = '0' + (c >> 6);
	dst[2] = '0' + ((c >> 3) & 7);
	dst[3] = '0' + (c & 7);
}

/*
 * The empty string and a lone "-" (which would read as "does not apply")
 * are escaped whole: their 4-byte field, or NULL for any other @s.
 */
static const char *fdscope_special_field(const char *s, size_t len)
{
	if (len == 0)
		return "\\000";
	if (len == 1 && s[0] == '-')
		return "\\055";
	return NULL;
}

/*
 * Write @len bytes of @s escaped, and nothing else: no separator. A whole
 * field of them is fdscope_field_bytes(). Runs of plain bytes are copied
 * whole.
 */
void fdscope_write_escaped(struct seq_file *m, const char *s, size_t len)
{
	const char *special = fdscope_special_field(s, len);
	size_t start = 0, i;
	char esc[4];

	if (special) {
		seq_write(m, special, 4);
		return;
	}
	for (i = 0; i < len; i++) {
		if (!fdscope_needs_escape(s[i]))
			continue;
		seq_write(m, s + start, i - start);
		fdscope_octal(esc, s[i]);
		seq_write(m, esc, sizeof(esc));
		start = i + 1;
	}
	seq_write(m, s + start, len - start);
}

/*
 * fdscope_write_escaped() into @dst, which has room for 4 * @len + 4 bytes:
 * for short fields formatted once and written many times. Returns the
 * length written (not NUL-terminated).
 */
size_t fdscope_escape(char *dst, const char *s, size_t len)
{
	const char *special = fdscope_special_field(s, len);
	size_t i, n = 0;

	if (special) {
		memcpy(dst, special, 4);
		return 4;
	}
	for (i = 0; i < len; i++) {
		if (fdscope_needs_escape(s[i])) {
			fdscope_octal(dst + n, s[i]);
			n += 4;
		} else {
			dst[n++] = s[i];
		}
	}
	return n;
}

/* The fields: each one starts with the space before it. */

/* @len bytes, escaped. */
void fdscope_field_bytes(struct seq_file *m, const char *s, size_t len)
{
	seq_putc(m, ' ');
	fdscope_write_escaped(m, s, len);
}

/* A NUL-terminated string, escaped. */
void fdscope_field_str(struct seq_file *m, const char *s)
{
	fdscope_field_bytes(m, s, strlen(s));
}

/* A name from a fixed table: never empty, "-" or needing escapes. */
void fdscope_field_word(struct seq_file *m, const char *s)
{
	size_t len = strlen(s);
	char *buf = fdscope_field_room(m, len);

	if (buf)
		memcpy(buf, s, len);
}

/* @name from a fixed table, or the number @fmt prints when it has none. */
void fdscope_field_name(struct seq_file *m, const char *name, const char *fmt, ...)
{
	va_list args;

	if (name) {
		fdscope_field_word(m, name);
		return;
	}
	seq_putc(m, ' ');
	va_start(args, fmt);
	seq_vprintf(m, fmt, args);
	va_end(args);
}

/* "Does not apply". */
void fdscope_field_none(struct seq_file *m)
{
	char *buf = fdscope_field_room(m, 1);

	if (buf)
		*buf = '-';
}

/* How many decimal digits @v has. */
unsigned int fdscope_dec_len(u64 v)
{
	unsigned int len = 1;

	for (; v >= 10000; v = div_u64(v, 10000))
		len += 4;
	if (v >= 1000)
		return len + 3;
	if (v >= 100)
		return len + 2;
	return v >= 10 ? len + 1 : len;
}

/* @v in decimal into the fdscope_dec_len(@v) bytes that end before @end. */
void fdscope_dec(char *end, u64 v)
{
	u32 low;

	while (v > U32_MAX)
		*--end = '0' + do_div(v, 10);
	low = v;
	do {
		*--end = '0' + low % 10;
		low /= 10;
	} while (low);
}

/* "major:minor" into @buf, @major and @minor digits long; returns its end. */
static char *fdscope_put_dev(char *buf, dev_t dev, unsigned int major, unsigned int minor)
{
	fdscope_dec(buf + major, MAJOR(dev));
	buf[major] = ':';
	fdscope_dec(buf + major + 1 + minor, MINOR(dev));
	return buf + major + 1 + minor;
}

/* A device as major:minor: one field. */
void fdscope_field_dev(struct seq_file *m, dev_t dev)
{
	unsigned int major = fdscope_dec_len(MAJOR(dev));
	unsigned int minor = fdscope_dec_len(MINOR(dev));
	char *buf = fdscope_field_room(m, major + 1 + minor);

	if (buf)
		fdscope_put_dev(buf, dev, major, minor);
}

/* A device as major:minor, then an inode number: two fields. */
void fdscope_field_dev_ino(struct seq_file *m, dev_t dev, unsigned long ino)
{
	unsigned int major = fdscope_dec_len(MAJOR(dev));
	unsigned int minor = fdscope_dec_len(MINOR(dev));
	unsigned int inode = fdscope_dec_len(ino);
	char *buf = fdscope_field_room(m, major + 1 + minor + 1 + inode);

	if (!buf)
		return;
	buf = fdscope_put_dev(buf, dev, major, minor);
	*buf = ' ';
	fdscope_dec(buf + 1 + inode, ino);
}

void fdscope_field_ull(struct seq_file *m, unsigned long long v)
{
	unsigned int len = fdscope_dec_len(v);
	char *buf = fdscope_field_room(m, len);

	if (buf)
		fdscope_dec(buf + len, v);
}

/* A signed number: only a racy unlocked read makes it negative. */
void fdscope_field_ll(struct seq_file *m, long long v)
{
	if (v >= 0)
		fdscope_field_ull(m, v);
	else
		seq_put_decimal_ll(m, " ", v);
}

/* @v in hex, zero-padded to at least @width digits, as seq_put_hex_ll() (not exported). */
void fdscope_field_hex(struct seq_file *m, u64 v, unsigned int width)
{
	unsigned int len = v ? (fls64(v) + 3) / 4 : 1;
	char *buf;

	len = max(len, width);
	buf = fdscope_field_room(m, len);
	if (!buf)
		return;
	while (len--) {
		buf[len] = hex_asc_lo(v);
		v >>= 4;
	}
}

/* Identities: their 60 bits as 15 hex digits. */
void fdscope_field_id(struct seq_file *m, u64 id)
{
	fdscope_field_hex(m, id & GENMASK_ULL(59, 0), 15);
}

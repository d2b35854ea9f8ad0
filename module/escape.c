// SPDX-License-Identifier: GPL-2.0
/*
 * Field output for the debugfs files: one field per column, a single space
 * between fields, and no byte inside a field that could split it.
 */
#include <linux/kernel.h>
#include <linux/seq_file.h>
#include <linux/string.h>

#include "fdscope.h"

/* Bytes written as \ooo: separators, control characters and the escape. */
static bool fdscope_needs_escape(unsigned char c)
{
	return c <= ' ' || c == 0x7f || c == '\\';
}

static void fdscope_put_octal(struct seq_file *m, unsigned char c)
{
	char esc[4] = { '\\', '0' + (c >> 6), '0' + ((c >> 3) & 7), '0' + (c & 7) };

	seq_write(m, esc, sizeof(esc));
}

/*
 * Write @len bytes of @s as one field, preceded by the field separator
 * unless it is the first field of the line. Runs of plain bytes are
 * copied whole; the empty string and a lone "-" (which would read as
 * "does not apply") are escaped too.
 */
void fdscope_put_escaped(struct seq_file *m, const char *s, size_t len)
{
	size_t start = 0, i;

	if (len == 0) {
		seq_puts(m, "\\000");
		return;
	}
	if (len == 1 && s[0] == '-') {
		seq_puts(m, "\\055");
		return;
	}
	for (i = 0; i < len; i++) {
		if (!fdscope_needs_escape(s[i]))
			continue;
		seq_write(m, s + start, i - start);
		fdscope_put_octal(m, s[i]);
		start = i + 1;
	}
	seq_write(m, s + start, len - start);
}

/* The separated fields: each one starts with the space before it. */
void fdscope_put_str(struct seq_file *m, const char *s)
{
	seq_putc(m, ' ');
	fdscope_put_escaped(m, s, strlen(s));
}

void fdscope_put_none(struct seq_file *m)
{
	seq_puts(m, " -");
}

void fdscope_put_ull(struct seq_file *m, unsigned long long v)
{
	seq_put_decimal_ull(m, " ", v);
}

/* Identities: 15 hex digits, zero-padded (seq_put_hex_ll is not exported). */
void fdscope_put_id(struct seq_file *m, u64 id)
{
	char hex[16];
	int i;

	hex[0] = ' ';
	for (i = 15; i > 0; i--, id >>= 4)
		hex[i] = hex_asc_lo(id);
	seq_write(m, hex, sizeof(hex));
}

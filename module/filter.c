// SPDX-License-Identifier: GPL-2.0
/*
 * The per-open pid filter: "pid N[,N...]" written to a debugfs file limits
 * what that open file lists to those thread groups.
 */
#include <linux/ctype.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "fdscope.h"

/*
 * Parse @buf (not NUL-terminated, @len bytes, one optional trailing
 * newline) into @filter. "pid" alone clears the filter. @filter is only
 * written on success, so a bad write leaves the previous one in force.
 */
int fdscope_filter_parse(const char *buf, size_t len, struct fdscope_filter *filter)
{
	struct fdscope_filter parsed = { .nr = 0 };
	char word[16];
	size_t i = 0, n;
	unsigned int j;
	int pid;

	if (len && buf[len - 1] == '\n')
		len--;
	if (len < 3 || memcmp(buf, "pid", 3))
		return -EINVAL;
	i = 3;
	if (i < len && buf[i++] != ' ')
		return -EINVAL;
	while (i < len) {
		for (n = 0; i + n < len && buf[i + n] != ','; n++)
			;
		if (n == 0 || n >= sizeof(word))
			return -EINVAL;
		memcpy(word, buf + i, n);
		word[n] = '\0';
		/* Digits only: kstrtoint alone would take "+1", "1\n" and "1\0x". */
		for (j = 0; j < n; j++)
			if (!isdigit(word[j]))
				return -EINVAL;
		if (kstrtoint(word, 10, &pid) || pid <= 0)
			return -EINVAL;
		if (parsed.nr == FDSCOPE_FILTER_MAX)
			return -E2BIG;
		parsed.tgids[parsed.nr++] = pid;
		i += n;
		/* A comma must be followed by another pid. */
		if (i < len && ++i == len)
			return -EINVAL;
	}
	if (len > 3 && parsed.nr == 0)
		return -EINVAL;

	*filter = parsed;
	return 0;
}


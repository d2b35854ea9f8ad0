// SPDX-License-Identifier: GPL-2.0
/*
 * The fields files and sockets records print. By default every one; an
 * open file that wrote "fields NAME[,NAME...]" (filter.c) gets those only,
 * in the file's own order, and its header names exactly them. A reader
 * that needs a few columns then costs the walk only those: most of a
 * record's cost is formatting it. The key (pid tid comm fd) is always
 * printed, so that every record still says whose fd it is.
 */
#include <linux/kernel.h>
#include <linux/string.h>

#include "fdscope.h"

static const char *const fdscope_files_fields[FDSCOPE_FF_COUNT] = {
	"pid", "tid", "comm", "fd", "table", "cloexec", "mode", "flags", "pos",
	"type", "dev", "ino", "fileid", "refs", "deleted", "path", "start",
	"epolls", "size", "nlink",
};

static const char *const fdscope_sockets_fields[FDSCOPE_SF_COUNT] = {
	"pid", "tid", "comm", "fd", "fileid", "ino", "family", "type", "proto",
	"state", "local", "remote", "rxq", "txq", "drops", "uid", "netns", "peer",
	"inflight", "backlog", "groups", "start", "cookie", "shutdown",
};

/* The files whose fields can be chosen; the others have no list here. */
static const struct {
	const char *header;
	const char *const *names;
	unsigned int count;
} fdscope_field_lists[FDSCOPE_KINDS] = {
	[FDSCOPE_FILES] = { "fdscope-files", fdscope_files_fields, FDSCOPE_FF_COUNT },
	[FDSCOPE_SOCKETS] = { "fdscope-sockets", fdscope_sockets_fields, FDSCOPE_SF_COUNT },
};

/* Field @name[0..@len) of @kind's records: its bit number, or -EINVAL. */
int fdscope_fields_lookup(enum fdscope_kind kind, const char *name, size_t len)
{
	unsigned int i;

	for (i = 0; i < fdscope_field_lists[kind].count; i++) {
		const char *field = fdscope_field_lists[kind].names[i];

		if (strlen(field) == len && !memcmp(field, name, len))
			return i;
	}
	return -EINVAL;
}

/*
 * The fields that asking for @field of @kind prints: a socket's local and
 * remote addresses come from one read, and are printed together.
 */
unsigned long fdscope_fields_with(enum fdscope_kind kind, unsigned int field)
{
	if (kind == FDSCOPE_SOCKETS && (field == FDSCOPE_SF_LOCAL || field == FDSCOPE_SF_REMOTE))
		return BIT(FDSCOPE_SF_LOCAL) | BIT(FDSCOPE_SF_REMOTE);
	return BIT(field);
}

/* The fields always printed: the key, pid tid comm fd, first in both lists. */
unsigned long fdscope_fields_key(enum fdscope_kind kind)
{
	return fdscope_field_lists[kind].count ? GENMASK(FDSCOPE_FF_FD, FDSCOPE_FF_PID) : 0;
}

/* "# fdscope-KIND VERSION" and the names of the fields in @fields. */
void fdscope_fields_header(struct seq_file *m, enum fdscope_kind kind, unsigned long fields)
{
	unsigned int i;

	seq_printf(m, "# %s %d", fdscope_field_lists[kind].header, FDSCOPE_FORMAT_VERSION);
	for (i = 0; i < fdscope_field_lists[kind].count; i++) {
		if (!fdscope_shows(fields, i))
			continue;
		seq_putc(m, ' ');
		seq_puts(m, fdscope_field_lists[kind].names[i]);
	}
	seq_putc(m, '\n');
}

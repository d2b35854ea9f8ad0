// SPDX-License-Identifier: GPL-2.0
/*
 * A file's own fdinfo text, printed into a scratch seq_file: the only way
 * to some state that is private to the file's class (an eventpoll's
 * interest list, an eventfd's counter, a timerfd's expiry). Only for the
 * classes whose show_fdinfo() touches nothing but the seq_file's buffer
 * (no procfs state, no m->file): eventpoll, eventfd, timerfd, signalfd,
 * inotify, fanotify, and tun (which takes rtnl_lock(): only for an open
 * file that asked for it). Never call it for any other file: pidfd's
 * reads the procfs superblock of m->file, others are drivers' own code.
 *
 * The buffer belongs to one open debugfs file (struct fdscope_text): it
 * starts at a page and doubles up to 1 MiB, and is freed at release.
 */
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "fdscope.h"

/* The scratch buffer starts at a page and doubles up to this. */
#define FDSCOPE_FDINFO_SCRATCH_MAX	(1024 * 1024)

/*
 * @file's show_fdinfo() text in @s, which points into r->text.scratch;
 * false if even the largest buffer overflowed (then @s holds what fitted)
 * or there is no buffer or no show_fdinfo().
 */
bool fdscope_fdinfo_text(struct fdscope_reader *r, struct file *file, struct seq_file *s)
{
	struct fdscope_text *text = &r->text;
	size_t size = text->scratch_size ?: PAGE_SIZE;

	*s = (struct seq_file) { };
	if (!file->f_op->show_fdinfo)
		return false;
	for (;;) {
		if (size > text->scratch_size) {
			kvfree(text->scratch);
			text->scratch = kvmalloc(size, GFP_KERNEL);
			text->scratch_size = text->scratch ? size : 0;
			if (!text->scratch)
				return false;
		}
		/* No .file: a show_fdinfo() that wanted one would oops, not read junk. */
		*s = (struct seq_file) { .buf = text->scratch, .size = size };
		file->f_op->show_fdinfo(s, file);
		if (!seq_has_overflowed(s))
			return true;
		if (size >= FDSCOPE_FDINFO_SCRATCH_MAX)
			return false;
		size *= 2;
	}
}

/*
 * The next line of @s's text after @pos (NULL: the first), NUL-terminated
 * in place; NULL at the end. A last line without a newline is left out:
 * it was cut by an overflow.
 */
char *fdscope_fdinfo_line(struct seq_file *s, char *pos)
{
	char *line = pos ? pos + strlen(pos) + 1 : s->buf;
	char *end;

	if (!s->buf || line >= s->buf + s->count)
		return NULL;
	end = memchr(line, '\n', s->buf + s->count - line);
	if (!end)
		return NULL;
	*end = '\0';
	return line;
}

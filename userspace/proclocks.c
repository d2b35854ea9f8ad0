// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope: /proc/locks, for the requests waiting for a lock, which the
 * module cannot read (docs/format.md, `locks`). Each lock is a line
 *
 *   7: POSIX  ADVISORY  WRITE 7000 08:01:1310721 0 99
 *
 * and each request waiting for it follows with the same number and "->",
 * indented one more space per level of the kernel's tree of waiters:
 *
 *   7: -> POSIX  ADVISORY  READ 7001 08:01:1310721 0 99
 *
 * The device is MAJOR:MINOR in hex (%02x:%02x); the pid is -1 for an OFD
 * lock. The second word (ADVISORY, ACTIVE, BREAKING, ...) is not kept.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fdscope.h"

/* The next space-separated word of @p, NUL-terminated in place. */
static char *word(char **p)
{
	char *w;

	while (**p == ' ')
		(*p)++;
	if (!**p)
		return NULL;
	w = *p;
	while (**p && **p != ' ')
		(*p)++;
	if (**p)
		*(*p)++ = '\0';
	return w;
}

static bool number(const char *s, int base, u64 *v)
{
	char *end;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return false;
	errno = 0;
	*v = strtoull(s, &end, base);
	return !*end && !errno;
}

/* "08:01:1310721" as dev "8:1", as the module writes it, and the inode. */
static bool dev_ino(char *s, struct proc_lock *l)
{
	char *c1 = strchr(s, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	u64 major, minor;

	if (!c2)
		return false;
	*c1 = '\0';
	*c2 = '\0';
	if (!number(s, 16, &major) || !number(c1 + 1, 16, &minor) ||
	    !number(c2 + 1, 10, &l->ino) || major > 0xfff || minor > 0xfffff)
		return false;
	snprintf(l->dev, sizeof(l->dev), "%u:%u", (unsigned int)major, (unsigned int)minor);
	return true;
}

/* One line (NUL-terminated, no newline) into @l; false if malformed. */
static bool proc_lock_line(char *s, struct proc_lock *l)
{
	char *w, *class, *type, *pid, *where, *start, *end;
	size_t n;
	u64 v;

	memset(l, 0, sizeof(*l));
	w = word(&s);
	n = w ? strlen(w) : 0;
	if (n < 2 || w[n - 1] != ':')
		return false;
	w[n - 1] = '\0';
	if (!number(w, 10, &l->id))
		return false;
	/* A waiter's "->" sits after one space per level above the first. */
	if (!strncmp(s + strspn(s, " "), "->", 2)) {
		l->level = (int)strspn(s, " ") + 1;
		w = word(&s);
		if (!w || strcmp(w, "->"))
			return false;
	}
	class = word(&s);
	if (!word(&s))
		return false;
	type = word(&s);
	pid = word(&s);
	where = word(&s);
	start = word(&s);
	end = word(&s);
	if (!end || word(&s))
		return false;
	if (strlen(class) >= sizeof(l->class) || strlen(type) >= sizeof(l->type))
		return false;
	strcpy(l->class, class);
	strcpy(l->type, type);
	if (!strcmp(pid, "-1"))
		l->pid = -1;
	else if (number(pid, 10, &v) && v <= 0x7fffffff)
		l->pid = (int)v;
	else
		return false;
	if (!dev_ino(where, l) || !number(start, 10, &l->start))
		return false;
	if (!strcmp(end, "EOF"))
		l->end = FDS_LOCK_EOF;
	else if (!number(end, 10, &l->end))
		return false;
	return true;
}

/*
 * Parse the @len bytes of @buf (changed in place) into *@locks. -1 after a
 * message naming @name and the line when a line is not a /proc/locks line.
 */
int proc_locks_parse(char *buf, size_t len, const char *name, struct proc_lock **locks,
		     size_t *n)
{
	size_t cap = 0, line = 0;
	char *p = buf, *end = buf + len, *nl;

	*locks = NULL;
	*n = 0;
	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', end - p);
		if (!nl)
			return fds_err("%s:%zu: truncated line (no newline at end of file)", name,
				       line + 1);
		*nl = '\0';
		line++;
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			*locks = xrealloc(*locks, cap, sizeof(**locks));
		}
		if (memchr(p, '\0', nl - p) || !proc_lock_line(p, &(*locks)[*n]))
			return fds_err("%s:%zu: not a /proc/locks line", name, line);
		(*n)++;
	}
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope: user names, looked up once per uid: in a saved dump's `users`
 * file when it has one (the names of the machine it was taken on), else
 * in this machine's passwd database.
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fdscope.h"

static struct idx cache;
static char **names;
static size_t nnames;
static bool from_dump;		/* the names are the dump's: no passwd lookups */

static void remember(u64 uid, const char *name)
{
	u32 *slot = idx_slot(&cache, uid);

	if (*slot != IDX_NONE)
		return;
	names = xrealloc(names, nnames + 1, sizeof(*names));
	names[nnames] = xstrdup(name);
	*slot = (u32)nnames++;
}

/* Read DIR/users, as --save writes it; no such file is no error. */
int users_load(const char *dir)
{
	struct sbuf path = { 0 };
	char *buf, *line, *next;
	size_t len, n = 1;
	int fd, rc = 0;

	sb_add(&path, dir);
	sb_add(&path, "/users");
	fd = open(path.s, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = errno == ENOENT ? 0 : fds_err("%s: %s", path.s, strerror(errno));
		sb_free(&path);
		return rc;
	}
	if (read_all(fd, &buf, &len)) {
		close(fd);
		rc = fds_err("%s: read error: %s", path.s, strerror(errno));
		sb_free(&path);
		return rc;
	}
	close(fd);
	if (strncmp(buf, "# fdscope-users 1 ", 18)) {
		rc = fds_err("%s:1: not an fdscope users file", path.s);
		goto out;
	}
	from_dump = true;
	for (line = strchr(buf, '\n'); line && line[1]; line = next) {
		char *name, *end;
		u64 uid;

		line++;
		n++;
		next = strchr(line, '\n');
		if (next)
			*next = '\0';
		name = strchr(line, ' ');
		uid = strtoull(line, &end, 10);
		if (!name || end != name || *line < '0' || *line > '9' ||
		    fds_unescape(name + 1, strlen(name + 1)) < 0) {
			rc = fds_err("%s:%zu: expected 'uid name'", path.s, n);
			goto out;
		}
		remember(uid, name + 1);
		if (!next)
			break;
	}
out:
	free(buf);
	sb_free(&path);
	return rc;
}

/* The login name of @uid, or the number itself when it has none. */
const char *user_name(u64 uid)
{
	struct passwd *pw;
	char tmp[24];
	u32 *slot;

	slot = idx_slot(&cache, uid);
	if (*slot != IDX_NONE)
		return names[*slot];
	pw = uid <= (uid_t)-1 && !from_dump ? getpwuid((uid_t)uid) : NULL;
	names = xrealloc(names, nnames + 1, sizeof(*names));
	names[nnames] = xstrdup(pw ? pw->pw_name : utoa(uid, tmp));
	*slot = (u32)nnames;
	return names[nnames++];
}

/* @name as a uid: a number, or a login name. */
int user_lookup(const char *name, u64 *uid)
{
	struct passwd *pw;
	char *end;

	size_t i;

	if (*name >= '0' && *name <= '9') {
		*uid = strtoull(name, &end, 10);
		if (!*end)
			return 0;
	}
	for (i = 0; i <= cache.mask && from_dump && cache.keys; i++) {
		if (cache.vals[i] != IDX_NONE && !strcmp(names[cache.vals[i]], name)) {
			*uid = cache.keys[i];
			return 0;
		}
	}
	if (from_dump)
		return -1;
	pw = getpwnam(name);
	if (!pw)
		return -1;
	*uid = pw->pw_uid;
	return 0;
}

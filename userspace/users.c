// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope: user names, looked up once per uid.
 */
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "fdscope.h"

static struct idx cache;
static char **names;
static size_t nnames;

/* The login name of @uid, or the number itself when it has none. */
const char *user_name(u64 uid)
{
	struct passwd *pw;
	char tmp[24];
	u32 *slot;

	slot = idx_slot(&cache, uid);
	if (*slot != IDX_NONE)
		return names[*slot];
	pw = uid <= (uid_t)-1 ? getpwuid((uid_t)uid) : NULL;
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

	if (*name >= '0' && *name <= '9') {
		*uid = strtoull(name, &end, 10);
		if (!*end)
			return 0;
	}
	pw = getpwnam(name);
	if (!pw)
		return -1;
	*uid = pw->pw_uid;
	return 0;
}

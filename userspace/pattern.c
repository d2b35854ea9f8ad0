// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope: fd names grouped into patterns, for --diff: "/var/log/app/\*.log
 * ×40" rather than forty paths. Names that differ only in their numbers
 * share a pattern with each run of digits as '*'; names left alone after
 * that share one when they differ only in their last path component
 * (keeping its extension).
 */
#include <stdlib.h>
#include <string.h>

#include "fdscope.h"

struct named {
	const char *name;
	char *key;
};

static int by_key(const void *a, const void *b)
{
	return strcmp(((const struct named *)a)->key, ((const struct named *)b)->key);
}

static int by_count(const void *a, const void *b)
{
	const struct pattern *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->text, y->text);
}

/* @name with every run of digits as one '*'. */
static char *digits_as_star(const char *name)
{
	char *out = xmalloc(strlen(name) + 1), *w = out;

	while (*name) {
		if (*name >= '0' && *name <= '9') {
			*w++ = '*';
			name += strspn(name, "0123456789");
			continue;
		}
		*w++ = *name++;
	}
	*w = '\0';
	return out;
}

/* "/dir/name.ext" as "/dir/\*.ext"; NULL when @name has no directory. */
static char *last_as_star(const char *name)
{
	const char *slash = strrchr(name, '/');
	const char *dot;
	char *out;

	if (!slash || !slash[1])
		return NULL;
	dot = strrchr(slash, '.');
	if (dot == slash + 1)
		dot = NULL;
	out = xmalloc(strlen(name) + 3);
	memcpy(out, name, slash + 1 - name);
	strcpy(out + (slash + 1 - name), "*");
	if (dot)
		strcat(out, dot);
	return out;
}

/* Sorted runs of equal keys: the patterns of runs of two or more. */
static void add_runs(struct named *v, size_t n, bool *grouped, struct pattern **out,
		     size_t *nout)
{
	size_t i = 0, j;

	while (i < n) {
		for (j = i + 1; j < n && !strcmp(v[j].key, v[i].key); j++)
			;
		if (j - i >= 2) {
			*out = xrealloc(*out, *nout + 1, sizeof(**out));
			(*out)[*nout].text = xstrdup(v[i].key);
			(*out)[(*nout)++].count = j - i;
			while (i < j)
				grouped[i++] = true;
		}
		i = j;
	}
}

/* Both passes may make one pattern ("/log/\*.log"): count it once. */
static size_t merge_equal(struct pattern *p, size_t n)
{
	size_t i, j, kept = 0;

	for (i = 0; i < n; i++) {
		for (j = 0; j < kept && strcmp(p[j].text, p[i].text); j++)
			;
		if (j < kept) {
			p[j].count += p[i].count;
			free(p[i].text);
		} else {
			p[kept++] = p[i];
		}
	}
	return kept;
}

/*
 * Group @n names into patterns, most frequent first; *@out is allocated,
 * free it with patterns_free(). Returns the number of patterns.
 */
size_t patterns_group(const char * const *names, size_t n, struct pattern **out)
{
	struct named *v = xcalloc(n + 1, sizeof(*v));
	bool *grouped = xcalloc(n + 1, sizeof(*grouped));
	size_t nout = 0, nleft = 0, i;

	*out = NULL;
	for (i = 0; i < n; i++) {
		v[i].name = names[i];
		v[i].key = digits_as_star(names[i]);
	}
	qsort(v, n, sizeof(*v), by_key);
	add_runs(v, n, grouped, out, &nout);

	/* The names no number explains: try their last component. */
	for (i = 0; i < n; i++) {
		char *key;

		free(v[i].key);
		if (grouped[i])
			continue;
		key = last_as_star(v[i].name);
		v[nleft].name = v[i].name;
		v[nleft++].key = key ? key : xstrdup(v[i].name);
	}
	memset(grouped, 0, (n + 1) * sizeof(*grouped));
	qsort(v, nleft, sizeof(*v), by_key);
	add_runs(v, nleft, grouped, out, &nout);
	for (i = 0; i < nleft; i++) {
		if (!grouped[i]) {
			*out = xrealloc(*out, nout + 1, sizeof(**out));
			(*out)[nout].text = xstrdup(v[i].name);
			(*out)[nout++].count = 1;
		}
		free(v[i].key);
	}
	nout = merge_equal(*out, nout);
	if (nout)
		qsort(*out, nout, sizeof(**out), by_count);
	free(grouped);
	free(v);
	return nout;
}

void patterns_free(struct pattern *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(p[i].text);
	free(p);
}

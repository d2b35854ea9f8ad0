// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the fdscope reader's parser and joins.
 *
 * The first input byte picks what the rest is: 0, 1, 2 one `files`, `sockets`
 * or `tasks` file for the parser alone; 3 a `files` and a `sockets` file
 * separated by two NUL bytes, parsed, joined, and every row's columns
 * computed (NAME, ENDPOINTS, ...), as the reader does.
 */
#include <stdlib.h>
#include <string.h>

#include "../../userspace/fdscope.h"

/*
 * Every string must be NUL-terminated inside the buffer (ASan checks); the
 * lengths go to a global so that the compiler keeps the strlen() calls.
 */
size_t fuzz_sink;

static void check_strings(const struct fds_table *t)
{
	size_t i, sum = 0;

	for (i = 0; i < t->nrecs; i++) {
		if (t->kind == FDS_FILES) {
			const struct fds_file *f = (const struct fds_file *)t->recs + i;

			if (HAVE(f, FC_PATH) != !!f->path)
				abort();
			if (f->path)
				sum += strlen(f->path);
			if (f->comm)
				sum += strlen(f->comm);
			if (f->type)
				sum += strlen(f->type);
		} else if (t->kind == FDS_SOCKETS) {
			const struct fds_sock *s = (const struct fds_sock *)t->recs + i;

			if (HAVE(s, SC_LOCAL) != !!s->local)
				abort();
			if (s->local)
				sum += strlen(s->local);
			if (s->remote)
				sum += strlen(s->remote);
		} else if (t->kind == FDS_HOLDERS) {
			const struct fds_hold *h = (const struct fds_hold *)t->recs + i;

			if (HAVE(h, HC_PATH) != !!h->path)
				abort();
			sum += strlen(h->assoc);
			if (h->path)
				sum += strlen(h->path);
			if (h->map_prot)
				sum += strlen(h->map_prot);
		} else {
			const struct fds_task *k = (const struct fds_task *)t->recs + i;

			if (k->comm)
				sum += strlen(k->comm);
		}
	}
	fuzz_sink = sum;
}

/* Parse @len bytes at @data as @kind into a heap copy of exactly that size. */
static int parse(struct model *m, enum fds_kind kind, const u8 *data, size_t len)
{
	char err[256];

	m->buf[kind] = malloc(len ? len : 1);
	if (!m->buf[kind])
		return -1;
	memcpy(m->buf[kind], data, len);
	if (fds_parse(&m->tab[kind], kind, m->buf[kind], len, err, sizeof(err))) {
		if (!err[0])
			abort();	/* every error says what is wrong */
		return -1;
	}
	check_strings(&m->tab[kind]);
	return 0;
}

/* The first two NUL bytes in @data, or NULL. */
static const u8 *separator(const u8 *data, size_t size)
{
	size_t i;

	for (i = 0; i + 1 < size; i++) {
		if (!data[i] && !data[i + 1])
			return data + i;
	}
	return NULL;
}

static void joined(const u8 *data, size_t size)
{
	struct opts o = { .threads = true };
	struct model m = { 0 };
	struct sbuf b = { 0 };
	const u8 *sep, *sep2, *end = data + size;
	size_t i, row;
	int col;

	sep = separator(data, size);
	if (!sep)
		return;
	sep2 = separator(sep + 2, end - sep - 2);
	if (parse(&m, FDS_FILES, data, sep - data) ||
	    parse(&m, FDS_SOCKETS, sep + 2, (sep2 ? sep2 : end) - sep - 2))
		goto out;
	if (sep2 && parse(&m, FDS_HOLDERS, sep2 + 2, end - sep2 - 2))
		goto out;
	model_init(&m, &o);
	for (row = 0; row < m.nrows; row++) {
		for (col = 0; col < NCOLUMNS; col++) {
			const char *v;

			if (col == COL_USER || col == COL_UID)
				continue;
			v = column_value(&m, row, col, &b);
			if (v)
				fuzz_sink = strlen(v);
		}
	}
	for (i = 0; i < m.nsocks; i++) {
		struct in6_addr a;
		int port;

		if (!parse_sockaddr(m.socks[i].local, &a, &port))
			fuzz_sink = (size_t)port;
		if (!parse_sockaddr(m.socks[i].remote, &a, &port))
			fuzz_sink = (size_t)port;
	}
	model_index_fileids(&m);
out:
	free(b.s);
	model_free(&m);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct model m = { 0 };

	if (!size)
		return 0;
	if (data[0] % 4 == 3) {
		joined(data + 1, size - 1);
		return 0;
	}
	parse(&m, (enum fds_kind)(data[0] % 4), data + 1, size - 1);
	model_free(&m);
	return 0;
}

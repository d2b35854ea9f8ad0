// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the fdscope reader's parser and joins.
 *
 * The first input byte picks what the rest is (modulo 8): 0, 1, 2, 4, 5 one
 * `files`, `sockets`, `tasks`, `locks` or `epoll` file for the parser alone;
 * 3 a `files` and a `sockets` file separated by two NUL bytes, and optionally
 * a `holders` file after another separator, parsed, joined, and every row's
 * columns computed (NAME, ENDPOINTS, HOLDERS, ...), as the reader does; 6 the
 * same with `locks` and `epoll` files after two more separators, and
 * optionally `holders` after them; 7 a copy of /proc/locks.
 *
 * fuzz_one_input() is libFuzzer's LLVMFuzzerTestOneInput(): run.sh links
 * that name to it.
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
		} else if (t->kind == FDS_TASKS) {
			const struct fds_task *k = (const struct fds_task *)t->recs + i;

			if (k->comm)
				sum += strlen(k->comm);
		} else if (t->kind == FDS_LOCKS) {
			const struct fds_lock *l = (const struct fds_lock *)t->recs + i;

			if (HAVE(l, LC_CLASS) != !!l->class)
				abort();
			if (l->class)
				sum += strlen(l->class);
			if (l->dev)
				sum += strlen(l->dev);
		} else if (t->kind == FDS_DETAILS) {
			const struct fds_detail *d = (const struct fds_detail *)t->recs + i;

			if (HAVE(d, DC_DETAILS) != !!d->details)
				abort();
			if (d->details)
				sum += strlen(d->details);
			if (d->class)
				sum += strlen(d->class);
		} else {
			const struct fds_epoll *e = (const struct fds_epoll *)t->recs + i;

			if (HAVE(e, EC_TDEV) != !!e->tdev)
				abort();
			if (e->tdev)
				sum += strlen(e->tdev);
		}
	}
	fuzz_sink = sum;
}

/*
 * Parse @len bytes at @data as @kind into a heap copy of exactly that size
 * (big_alloc()'s, as the reader's text is: model_free() frees it so).
 */
static int parse(struct model *m, enum fds_kind kind, const u8 *data, size_t len)
{
	struct read_blocks *b = &m->bufs[kind];
	char *buf = big_alloc(len ? len : 1);
	char err[256];

	b->v = malloc(sizeof(*b->v));
	if (!buf || !b->v) {
		big_free(buf);
		return -1;
	}
	b->v[b->n++] = buf;
	memcpy(buf, data, len);
	if (fds_parse(&m->tab[kind], kind, buf, len, err, sizeof(err))) {
		if (!err[0])
			abort();	/* every error says what is wrong */
		return -1;
	}
	check_strings(&m->tab[kind]);
	return 0;
}

/* The part of @data before two NUL bytes, or all of it; *@rest after them. */
static size_t part(const u8 *data, size_t size, const u8 **rest)
{
	size_t i;

	for (i = 0; i + 1 < size; i++) {
		if (!data[i] && !data[i + 1]) {
			*rest = data + i + 2;
			return i;
		}
	}
	*rest = NULL;
	return size;
}

/* The @n files of @order separated by two NUL bytes; the first @min must be there. */
static void joined(const u8 *data, size_t size, const enum fds_kind *order, size_t n,
		   size_t min)
{
	struct opts o = { .threads = true, .name_tcp = true };
	struct model m = { 0 };
	struct sbuf b = { 0 };
	const u8 *rest = data;
	size_t i, row, len;
	int col;

	for (i = 0; i < n && rest; i++) {
		data = rest;
		len = part(data, size, &rest);
		if (parse(&m, order[i], data, len))
			goto out;
		size -= rest ? (size_t)(rest - data) : size;
	}
	if (i < min)
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

static void proc_locks(const u8 *data, size_t size)
{
	struct proc_lock *locks;
	char *buf = malloc(size ? size : 1);
	size_t n;

	if (!buf)
		return;
	memcpy(buf, data, size);
	if (!proc_locks_parse(buf, size, "proc-locks", &locks, &n) && n && !locks[n - 1].dev[0])
		abort();	/* every line read has its device */
	free(locks);
	free(buf);
}

int fuzz_one_input(const u8 *data, size_t size)
{
	static const enum fds_kind order[] = {
		FDS_FILES, FDS_SOCKETS, FDS_LOCKS, FDS_EPOLL, FDS_HOLDERS, FDS_DETAILS,
	};
	static const enum fds_kind order_holders[] = { FDS_FILES, FDS_SOCKETS, FDS_HOLDERS };
	struct model m = { 0 };

	if (!size)
		return 0;
	switch (data[0] % 8) {
	case 0:
	case 1:
	case 2:
		parse(&m, (enum fds_kind)(data[0] % 8), data + 1, size - 1);
		break;
	case 3:
		joined(data + 1, size - 1, order_holders, 3, 2);
		break;
	case 4:
		parse(&m, FDS_LOCKS, data + 1, size - 1);
		break;
	case 5:
		parse(&m, data[0] & 8 ? FDS_DETAILS : FDS_EPOLL, data + 1, size - 1);
		break;
	case 6:
		joined(data + 1, size - 1, order, 6, 4);
		break;
	case 7:
		proc_locks(data + 1, size - 1);
		break;
	}
	model_free(&m);
	return 0;
}

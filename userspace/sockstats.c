// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope: the module's sockstats file (ss -i and ss -m counters), read
 * only when a column needs it, joined into the sockets records it extends.
 */
#include <stdlib.h>

#include "fdscope.h"

/* The sockstats columns: the counters after the identifying ones. */
#define SOCKSTATS_HAVE	(((1ull << (SC_SK_BACKLOG + 1)) - 1) & ~((1ull << SC_RTT) - 1))

/* The same fd of the same table and the same open file in both reads. */
static bool same_fd(const struct fds_sock *a, const struct fds_sock *b)
{
	return a->tid == b->tid && a->fileid == b->fileid && HAVE(a, SC_FILEID) &&
	       HAVE(b, SC_FILEID);
}

/*
 * Copy each sockstats record's counters into its sockets record. A socket
 * closed, or an fd reused, between the two reads keeps "-".
 */
void sockstats_merge(struct fds_table *socks, struct fds_table *stats)
{
	struct fds_sock *sv = socks->recs;
	const struct fds_sock *st = stats->recs;
	struct idx ix;
	u32 *next;
	size_t i;

	if (!stats->present || !socks->nrecs || !stats->nrecs)
		return;
	idx_init(&ix, socks->nrecs);
	next = idx_new_next(socks->nrecs);
	idx_chain(&ix, next, socks->nrecs, model_sock_key_of, sv);
	for (i = 0; i < stats->nrecs; i++) {
		u32 j;

		for (j = idx_get(&ix, model_sock_key(&st[i])); j != IDX_NONE; j = next[j]) {
			if (!same_fd(&sv[j], &st[i]))
				continue;
			/* rtt up to sk_backlog are one run of fields. */
			memcpy(&sv[j].rtt, &st[i].rtt,
			       offsetof(struct fds_sock, sk_backlog) + sizeof(sv[j].sk_backlog) -
			       offsetof(struct fds_sock, rtt));
			sv[j].have |= st[i].have & SOCKSTATS_HAVE;
			break;
		}
	}
	free(next);
	idx_free(&ix);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope: the other end of a TCP or UDP connection whose two ends are both
 * on this machine: the socket of the same protocol, in the same network
 * namespace, whose local address is this one's remote and whose remote is
 * this one's local. Addresses are compared as IPv6 with IPv4 v4-mapped, so
 * that a v6 listener's accepted socket pairs with its v4 client.
 */
#include <stdlib.h>
#include <string.h>

#include "fdscope.h"

struct inet_ends {
	struct in6_addr local;
	struct in6_addr remote;
	int local_port;
	int remote_port;
	bool connected;		/* TCP or UDP, both addresses known */
};

struct loopback {
	struct inet_ends *ends;	/* per sockets row */
	struct idx by_ends;	/* netns, proto, local, remote -> first row */
	u32 *next;
};

static bool parse_ends(const struct fds_sock *s, struct inet_ends *e)
{
	if (!streq(s->family, "inet") && !streq(s->family, "inet6"))
		return false;
	if (!streq(s->proto, "tcp") && !streq(s->proto, "udp"))
		return false;
	if (model_is_unconnected(s->remote))
		return false;
	return !parse_sockaddr(s->local, &e->local, &e->local_port) &&
	       !parse_sockaddr(s->remote, &e->remote, &e->remote_port);
}

/* The key of a socket whose local end is @a:@ap and remote end @b:@bp. */
static u64 ends_key(const struct fds_sock *s, const struct in6_addr *a, int ap,
		    const struct in6_addr *b, int bp)
{
	u64 netns = HAVE(s, SC_NETNS) ? s->netns : 0;
	u64 h = hash_bytes(&netns, sizeof(netns), HASH_SEED);

	h = hash_bytes(s->proto, strlen(s->proto), h);
	h = hash_bytes(a, sizeof(*a), h);
	h = hash_bytes(&ap, sizeof(ap), h);
	h = hash_bytes(b, sizeof(*b), h);
	return hash_bytes(&bp, sizeof(bp), h);
}

static int own_key(const void *ctx, size_t i, u64 *k)
{
	const struct model *m = ctx;
	const struct inet_ends *e = &m->loopback->ends[i];

	if (!e->connected)
		return 0;
	*k = ends_key(&m->socks[i], &e->local, e->local_port, &e->remote, e->remote_port);
	return 1;
}

static struct loopback *loopback_index(struct model *m)
{
	struct loopback *lb = m->loopback;
	size_t i;

	if (lb)
		return lb;
	lb = xcalloc(1, sizeof(*lb));
	lb->ends = xcalloc(m->nsocks + 1, sizeof(*lb->ends));
	for (i = 0; i < m->nsocks; i++)
		lb->ends[i].connected = parse_ends(&m->socks[i], &lb->ends[i]);
	m->loopback = lb;
	lb->next = idx_new_next(m->nsocks);
	idx_chain(&lb->by_ends, lb->next, m->nsocks, own_key, m);
	return lb;
}

/* Whether sockets row @j is the other end of sockets row @i. */
static bool is_other_end(const struct model *m, size_t i, size_t j)
{
	const struct fds_sock *a = &m->socks[i], *b = &m->socks[j];
	const struct inet_ends *x = &m->loopback->ends[i], *y = &m->loopback->ends[j];

	/* A UDP socket connected to its own address is not its own peer. */
	if (HAVE(a, SC_INO) && HAVE(b, SC_INO) && a->ino == b->ino)
		return false;
	if (HAVE(a, SC_NETNS) != HAVE(b, SC_NETNS) || (HAVE(a, SC_NETNS) && a->netns != b->netns))
		return false;
	return y->connected && streq(a->proto, b->proto) &&
	       x->local_port == y->remote_port && x->remote_port == y->local_port &&
	       !memcmp(&x->local, &y->remote, sizeof(x->local)) &&
	       !memcmp(&x->remote, &y->local, sizeof(x->remote));
}

/* The first sockets row at the other end of sockets row @i, or IDX_NONE. */
static u32 first_other_end(struct model *m, size_t i)
{
	struct loopback *lb = loopback_index(m);
	const struct inet_ends *e = &lb->ends[i];
	u32 j;

	if (!e->connected)
		return IDX_NONE;
	j = idx_get(&lb->by_ends, ends_key(&m->socks[i], &e->remote, e->remote_port,
					   &e->local, e->local_port));
	while (j != IDX_NONE && !is_other_end(m, i, j))
		j = lb->next[j];
	return j;
}

/* The socket inode at the other end of sockets row @i, or 0 if none is here. */
u64 loopback_peer_ino(struct model *m, size_t i)
{
	u32 j = first_other_end(m, i);

	return j == IDX_NONE ? 0 : m->socks[j].ino;
}

/* Every fd on the other end of sockets row @i; false if none. */
bool loopback_endpoints(struct model *m, size_t i, struct holders *h)
{
	u32 j = first_other_end(m, i);

	if (j == IDX_NONE)
		return false;
	for (; j != IDX_NONE; j = m->loopback->next[j]) {
		if (is_other_end(m, i, j))
			holders_add_sock(h, &m->socks[j]);
	}
	return true;
}

void loopback_free(struct model *m)
{
	if (!m->loopback)
		return;
	free(m->loopback->ends);
	free(m->loopback->next);
	idx_free(&m->loopback->by_ends);
	free(m->loopback);
	m->loopback = NULL;
}

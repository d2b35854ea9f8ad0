// SPDX-License-Identifier: GPL-2.0
/*
 * The "local" and "remote" fields of a socket record: addresses the way
 * ss shows them, read without lock_sock().
 */
#include <linux/if_packet.h>
#include <linux/netdevice.h>
#include <linux/netlink.h>
#include <linux/un.h>
#include <net/af_unix.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>
#include <net/sock.h>

#include "fdscope.h"

/* a.b.c.d:port, as %pI4 prints it but without a trip through vsnprintf(). */
static void fdscope_put_ipv4(struct seq_file *m, __be32 addr, u16 port)
{
	const u8 *b = (const u8 *)&addr;

	seq_put_decimal_ull(m, " ", b[0]);
	seq_put_decimal_ull(m, ".", b[1]);
	seq_put_decimal_ull(m, ".", b[2]);
	seq_put_decimal_ull(m, ".", b[3]);
	seq_put_decimal_ull(m, ":", port);
}

/* a.b.c.d:port or [v6]:port, v4-mapped v6 addresses as [::ffff:a.b.c.d]. */
static void fdscope_put_inet_addr(struct seq_file *m, struct sock *sk, bool remote)
{
	const struct inet_sock *inet = inet_sk(sk);
	u16 port = ntohs(remote ? READ_ONCE(inet->inet_dport) : READ_ONCE(inet->inet_sport));

#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6) {
		seq_printf(m, " [%pI6c]:%u",
			   remote ? &sk->sk_v6_daddr : &sk->sk_v6_rcv_saddr, port);
		return;
	}
#endif
	fdscope_put_ipv4(m, remote ? READ_ONCE(inet->inet_daddr) :
			 READ_ONCE(inet->inet_rcv_saddr), port);
}

/*
 * The name @sk is bound to: a path, "@name" for the abstract namespace
 * (whose bytes, NULs included, are escaped as they are), "-" if unbound.
 * The address is published once with release semantics and lives as long
 * as the socket, which the caller holds.
 */
static void fdscope_put_unix_name(struct seq_file *m, struct sock *sk)
{
	struct unix_address *addr;
	const char *path;
	size_t len;

	/* Pairs with the smp_store_release() that publishes it in bind(). */
	addr = sk ? smp_load_acquire(&unix_sk(sk)->addr) : NULL;

	if (!addr || addr->len <= offsetof(struct sockaddr_un, sun_path)) {
		fdscope_put_none(m);
		return;
	}
	path = addr->name->sun_path;
	len = addr->len - offsetof(struct sockaddr_un, sun_path);
	seq_putc(m, ' ');
	if (path[0]) {
		fdscope_put_escaped(m, path, strnlen(path, len));
	} else {
		seq_putc(m, '@');
		if (len > 1)
			fdscope_put_escaped(m, path + 1, len - 1);
	}
}

static void fdscope_put_netlink_addrs(struct seq_file *m, struct socket *sock)
{
	struct sockaddr_nl addr;

	if (kernel_getsockname(sock, (struct sockaddr *)&addr) < 0)
		fdscope_put_none(m);
	else
		fdscope_put_ull(m, addr.nl_pid);
	if (kernel_getpeername(sock, (struct sockaddr *)&addr) < 0)
		fdscope_put_none(m);
	else
		fdscope_put_ull(m, addr.nl_pid);
}

/* The interface a packet socket is bound to, by name; "*" for all. */
static void fdscope_put_packet_addrs(struct seq_file *m, struct socket *sock)
{
	struct sockaddr_ll addr = { .sll_ifindex = 0 };
	char name[IFNAMSIZ] = "";
	struct net_device *dev;

	if (kernel_getsockname(sock, (struct sockaddr *)&addr) < 0) {
		seq_puts(m, " - -");
		return;
	}
	if (!addr.sll_ifindex) {
		seq_puts(m, " * -");
		return;
	}
	rcu_read_lock();
	dev = dev_get_by_index_rcu(sock_net(sock->sk), addr.sll_ifindex);
	if (dev)
		strscpy(name, dev->name, sizeof(name));
	rcu_read_unlock();
	if (name[0])
		fdscope_put_str(m, name);
	else
		fdscope_put_ull(m, addr.sll_ifindex);
	fdscope_put_none(m);
}

/* @peer: the unix peer, referenced by the caller, or NULL. */
void fdscope_put_sock_endpoints(struct seq_file *m, struct socket *sock, struct sock *peer)
{
	struct sock *sk = sock->sk;

	switch (sk->sk_family) {
	case AF_INET:
	case AF_INET6:
		fdscope_put_inet_addr(m, sk, false);
		fdscope_put_inet_addr(m, sk, true);
		break;
	case AF_UNIX:
		fdscope_put_unix_name(m, sk);
		fdscope_put_unix_name(m, peer);
		break;
	case AF_NETLINK:
		fdscope_put_netlink_addrs(m, sock);
		break;
	case AF_PACKET:
		fdscope_put_packet_addrs(m, sock);
		break;
	default:
		seq_puts(m, " - -");
	}
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The "local" and "remote" fields of a socket record: addresses the way
 * ss shows them, read without lock_sock(). Inet and unix addresses are
 * read from the sock as /proc/net/tcp and unix_diag read them; netlink
 * and packet sockets keep theirs private, so their ->getname() reports
 * them, always into a struct sockaddr_storage: a getname writes what its
 * device or family decides (packet_getname() copies dev->addr_len bytes
 * of hardware address, 16 for ip6tnl, 20 for IPoIB).
 */
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/netdevice.h>
#include <linux/netlink.h>
#include <linux/un.h>
#include <linux/vm_sockets.h>
#include <net/af_unix.h>
#include <net/af_vsock.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>
#include <net/sock.h>

#include "fdscope.h"

/* a.b.c.d:port, as %pI4 prints it but without a trip through vsnprintf(). */
static void fdscope_field_ipv4(struct seq_file *m, __be32 addr, u16 port)
{
	const u8 *b = (const u8 *)&addr;
	const u16 part[] = { b[0], b[1], b[2], b[3], port };
	static const char sep[] = "...:";
	unsigned int len[ARRAY_SIZE(part)], total = sizeof(sep) - 1, i;
	char *buf;

	for (i = 0; i < ARRAY_SIZE(part); i++)
		total += len[i] = fdscope_dec_len(part[i]);
	buf = fdscope_field_room(m, total);
	if (!buf)
		return;
	for (i = 0; i < ARRAY_SIZE(part); i++) {
		buf += len[i];
		fdscope_dec(buf, part[i]);
		if (sep[i])
			*buf++ = sep[i];
	}
}

/* a.b.c.d:port or [v6]:port, v4-mapped v6 addresses as [::ffff:a.b.c.d]. */
static void fdscope_field_inet_addr(struct seq_file *m, struct sock *sk, bool remote)
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
	fdscope_field_ipv4(m, remote ? READ_ONCE(inet->inet_daddr) :
			 READ_ONCE(inet->inet_rcv_saddr), port);
}

/*
 * The name @sk is bound to: a path, "@name" for the abstract namespace
 * (whose bytes, NULs included, are escaped as they are), "-" if unbound.
 * The address is published once with release semantics and lives as long
 * as the socket, which the caller holds.
 */
static void fdscope_field_unix_name(struct seq_file *m, struct sock *sk)
{
	struct unix_address *addr;
	const char *path;
	size_t len;

	/* Pairs with the smp_store_release() that publishes it in bind(). */
	addr = sk ? smp_load_acquire(&unix_sk(sk)->addr) : NULL;

	if (!addr || addr->len <= offsetof(struct sockaddr_un, sun_path)) {
		fdscope_field_none(m);
		return;
	}
	path = addr->name->sun_path;
	len = addr->len - offsetof(struct sockaddr_un, sun_path);
	seq_putc(m, ' ');
	if (path[0]) {
		fdscope_write_escaped(m, path, strnlen(path, len));
	} else {
		seq_putc(m, '@');
		if (len > 1)
			fdscope_write_escaped(m, path + 1, len - 1);
	}
}

/*
 * The socket's own name, as getsockname() reports it, for the families
 * whose fields are read that way (netlink and packet): its length, or
 * < 0. Never called for inet sockets: their getname takes lock_sock().
 */
int fdscope_sock_name(struct socket *sock, struct sockaddr_storage *addr)
{
	memset(addr, 0, sizeof(*addr));
	if (sock->sk->sk_family != AF_NETLINK && sock->sk->sk_family != AF_PACKET)
		return -EOPNOTSUPP;
	return kernel_getsockname(sock, (struct sockaddr *)addr);
}

/* The peer's name, as getpeername() reports it: its length, or < 0. */
int fdscope_sock_peername(struct socket *sock, struct sockaddr_storage *addr)
{
	memset(addr, 0, sizeof(*addr));
	return kernel_getpeername(sock, (struct sockaddr *)addr);
}

/*
 * The ethertype a packet socket receives, in host order, or -1 if it
 * cannot be read: SOCK_PACKET's getname (packet_getname_spkt()) reports
 * only a device name, and its protocol lives in the private struct
 * packet_sock (only /proc/net/packet and packet_diag show it). Other packet
 * sockets report the protocol bind() last set. @addr: fdscope_sock_name()'s
 * result.
 */
int fdscope_packet_proto(struct socket *sock, const struct sockaddr_storage *addr)
{
	if (sock->sk->sk_type == SOCK_PACKET)
		return -1;
	return ntohs(((const struct sockaddr_ll *)addr)->sll_protocol);
}

static void fdscope_field_netlink_pid(struct seq_file *m, int len,
				      const struct sockaddr_storage *addr)
{
	if (len < 0)
		fdscope_field_none(m);
	else
		fdscope_field_ull(m, ((const struct sockaddr_nl *)addr)->nl_pid);
}

/* Port ids: the socket's own (@name) and its destination's. */
static void fdscope_field_netlink_addrs(struct seq_file *m, struct socket *sock,
					int len, const struct sockaddr_storage *name)
{
	struct sockaddr_storage peer;

	fdscope_field_netlink_pid(m, len, name);
	fdscope_field_netlink_pid(m, fdscope_sock_peername(sock, &peer), &peer);
}

/*
 * packet_getname_spkt() copies at most this many bytes of the device
 * name, sa_data's size, with no NUL when the name fills them.
 */
#define FDSCOPE_SPKT_NAME_MAX	14

/*
 * The interface a packet socket is bound to, by name; "*" for all, its
 * index if it has no name, "-" if unknown (the device went away).
 */
static void fdscope_field_packet_dev(struct seq_file *m, struct socket *sock,
				     int len, const struct sockaddr_storage *name)
{
	const struct sockaddr_ll *ll = (const struct sockaddr_ll *)name;
	char ifname[IFNAMSIZ] = "";
	struct net_device *dev;
	const char *spkt;

	if (len < 0) {
		fdscope_field_none(m);
		return;
	}
	if (sock->sk->sk_type == SOCK_PACKET) {
		spkt = (const char *)name + offsetof(struct sockaddr, sa_data);
		len = strnlen(spkt, FDSCOPE_SPKT_NAME_MAX);
		if (len)
			fdscope_field_bytes(m, spkt, len);
		else
			fdscope_field_word(m, "*");
		return;
	}
	if (!ll->sll_ifindex) {
		fdscope_field_word(m, "*");
		return;
	}
	if (ll->sll_ifindex < 0) {
		fdscope_field_none(m);
		return;
	}
	rcu_read_lock();
	dev = dev_get_by_index_rcu(sock_net(sock->sk), ll->sll_ifindex);
	if (dev)
		strscpy(ifname, dev->name, sizeof(ifname));
	rcu_read_unlock();
	if (ifname[0])
		fdscope_field_str(m, ifname);
	else
		fdscope_field_ull(m, ll->sll_ifindex);
}

/* One half of "cid:port": the number, or "*" for the wildcard @any, as ss. */
static void fdscope_put_vsock_part(struct seq_file *m, const char *sep, u32 v, u32 any)
{
	seq_puts(m, sep);
	if (v == any)
		seq_putc(m, '*');
	else
		seq_put_decimal_ull(m, "", v);
}

/*
 * A vsock address as ss shows it, "cid:port". vsock_sk() is a cast and the
 * fields are read as vsock's own sock_diag reads them, without its lock:
 * no call into vsock.ko, which need not be loaded for fdscope to load.
 */
static void fdscope_field_vsock_addr(struct seq_file *m, struct sock *sk, bool remote)
{
	const struct vsock_sock *vsk = vsock_sk(sk);
	const struct sockaddr_vm *a = remote ? &vsk->remote_addr : &vsk->local_addr;

	fdscope_put_vsock_part(m, " ", READ_ONCE(a->svm_cid), VMADDR_CID_ANY);
	fdscope_put_vsock_part(m, ":", READ_ONCE(a->svm_port), VMADDR_PORT_ANY);
}

/*
 * @name, @len: fdscope_sock_name()'s result for netlink and packet
 * sockets (unused for other families); @peer: the unix peer, referenced
 * by the caller, or NULL.
 */
void fdscope_field_sock_endpoints(struct seq_file *m, struct socket *sock, int len,
				  const struct sockaddr_storage *name, struct sock *peer)
{
	struct sock *sk = sock->sk;

	switch (sk->sk_family) {
	case AF_INET:
	case AF_INET6:
		fdscope_field_inet_addr(m, sk, false);
		fdscope_field_inet_addr(m, sk, true);
		break;
	case AF_UNIX:
		fdscope_field_unix_name(m, sk);
		fdscope_field_unix_name(m, peer);
		break;
	case AF_NETLINK:
		fdscope_field_netlink_addrs(m, sock, len, name);
		break;
	case AF_PACKET:
		fdscope_field_packet_dev(m, sock, len, name);
		fdscope_field_none(m);
		break;
	case AF_VSOCK:
		fdscope_field_vsock_addr(m, sk, false);
		fdscope_field_vsock_addr(m, sk, true);
		break;
	default:
		seq_puts(m, " - -");
	}
}

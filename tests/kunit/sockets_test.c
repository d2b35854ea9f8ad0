// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope_sockets: "sockets" records of sockets the test creates with
 * sock_create_kern() and installs in its own fd table: TCP (listening,
 * connected over loopback with data queued), UDP over IPv6 and v4-mapped
 * addresses, unix stream pairs with an fd in flight, bound and abstract
 * unix sockets, netlink and packet sockets (on devices with long hardware
 * addresses, and SOCK_PACKET); the socket cookie and the shutdown state.
 */
#include <kunit/test.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/if_arp.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/iopoll.h>
#include <linux/net.h>
#include <linux/netdevice.h>
#include <linux/netlink.h>
#include <linux/pipe_fs_i.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/socket.h>
#include <linux/tcp.h>
#include <linux/uio.h>
#include <linux/un.h>
#include <net/af_unix.h>
#include <net/ipv6.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "fdscope_kunit.h"

static void fdscope_kunit_loopback_up(struct kunit *test)
{
	struct net_device *lo = init_net.loopback_dev;
	int err;

	rtnl_lock();
	err = dev_change_flags(lo, lo->flags | IFF_UP, NULL);
	rtnl_unlock();
	KUNIT_ASSERT_EQ(test, err, 0);
}

/* Loopback delivers from softirq context: poll for up to 5 s. */
#define FDSCOPE_POLL(op, val, cond, sk) \
	read_poll_timeout(op, val, cond, 10 * USEC_PER_MSEC, 5 * USEC_PER_SEC, false, sk)

static u32 fdscope_ack_backlog(struct sock *sk)
{
	return READ_ONCE(sk->sk_ack_backlog);
}

static u32 fdscope_tcp_unread(struct sock *sk)
{
	return READ_ONCE(tcp_sk(sk)->rcv_nxt) - READ_ONCE(tcp_sk(sk)->copied_seq);
}

static u32 fdscope_tcp_unacked(struct sock *sk)
{
	return READ_ONCE(tcp_sk(sk)->write_seq) - READ_ONCE(tcp_sk(sk)->snd_una);
}

static int fdscope_kunit_row(struct kunit *test, const struct fdscope_kunit_out *out,
			     const struct fdscope_kunit_sock *s)
{
	return fdscope_kunit_find_fd(test, out, s->fd);
}

/* The fields every socket record fills in the same way. */
static void fdscope_expect_sock(struct kunit *test, const struct fdscope_kunit_out *out,
				int row, const struct fdscope_kunit_sock *s)
{
	fdscope_kunit_expect(test, out, row, "pid",
			     fdscope_kunit_sprintf(test, "%d", task_tgid_vnr(current)));
	fdscope_kunit_expect(test, out, row, "tid", "-");
	fdscope_kunit_expect(test, out, row, "comm", FDSCOPE_KUNIT_COMM_ESCAPED);
	fdscope_kunit_expect(test, out, row, "fileid", fdscope_kunit_file_id(test, s->file));
	fdscope_kunit_expect(test, out, row, "ino",
			     fdscope_kunit_sprintf(test, "%lu", SOCK_INODE(s->sock)->i_ino));
	fdscope_kunit_expect(test, out, row, "drops", "0");
	fdscope_kunit_expect(test, out, row, "uid", "0");
	fdscope_kunit_expect(test, out, row, "netns",
			     fdscope_kunit_sprintf(test, "%u", init_net.ns.inum));
}

static int fdscope_kunit_port(struct kunit *test, struct socket *sock)
{
	struct sockaddr_storage addr;

	KUNIT_ASSERT_GE(test, kernel_getsockname(sock, (struct sockaddr *)&addr), 0);
	if (addr.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&addr)->sin6_port);
	return ntohs(((struct sockaddr_in *)&addr)->sin_port);
}

static struct sockaddr_in fdscope_kunit_in4(__be32 addr, int port)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = addr,
		.sin_port = htons(port),
	};

	return sin;
}

/* Only socket fds are listed, and each joins its "files" record. */
static void fdscope_sockets_only_sockets_test(struct kunit *test)
{
	struct fdscope_kunit_sock udp, nl;
	struct fdscope_kunit_out out, files;
	struct file *pipe[2];
	int row, frow;

	KUNIT_ASSERT_EQ(test, create_pipe_files(pipe, 0), 0);
	fdscope_kunit_install(test, pipe[0], false);
	fdscope_kunit_socket(test, AF_INET, SOCK_DGRAM, IPPROTO_UDP, &udp);
	fdscope_kunit_sock_install(test, &udp);
	fdscope_kunit_install(test, pipe[1], false);
	fdscope_kunit_install(test, filp_open("/", O_RDONLY | O_DIRECTORY, 0), false);
	fdscope_kunit_socket(test, AF_NETLINK, SOCK_RAW, NETLINK_ROUTE, &nl);
	fdscope_kunit_sock_install(test, &nl);

	fdscope_kunit_walk(test, FDSCOPE_SOCKETS, fdscope_kunit_own_filter(test), 4096, &out);
	KUNIT_EXPECT_EQ(test, out.nrows, 2U);
	fdscope_kunit_check_order(test, &out);
	fdscope_kunit_walk(test, FDSCOPE_FILES, fdscope_kunit_own_filter(test), 4096, &files);
	KUNIT_EXPECT_EQ(test, files.nrows, 5U);

	row = fdscope_kunit_row(test, &out, &udp);
	fdscope_expect_sock(test, &out, row, &udp);
	frow = fdscope_kunit_find_fd(test, &files, udp.fd);
	fdscope_kunit_expect(test, &out, row, "fileid",
			     fdscope_kunit_field(test, &files, frow, "fileid"));
	fdscope_kunit_expect(test, &out, row, "ino",
			     fdscope_kunit_field(test, &files, frow, "ino"));
	row = fdscope_kunit_row(test, &out, &nl);
	fdscope_expect_sock(test, &out, row, &nl);
}

/*
 * TCP over loopback: a listener with a connection waiting in its accept
 * queue, then the accepted socket with 5 unread bytes and its client.
 */
static void fdscope_sockets_tcp_test(struct kunit *test)
{
	struct fdscope_kunit_sock lsn, cli, srv;
	struct sockaddr_in addr;
	struct fdscope_kunit_out out;
	int port, cport, row;
	char *local, *remote;
	u32 n;

	fdscope_kunit_loopback_up(test);
	fdscope_kunit_socket(test, AF_INET, SOCK_STREAM, IPPROTO_TCP, &lsn);
	addr = fdscope_kunit_in4(htonl(INADDR_ANY), 0);
	KUNIT_ASSERT_EQ(test, kernel_bind(lsn.sock, (struct sockaddr *)&addr, sizeof(addr)), 0);
	KUNIT_ASSERT_EQ(test, kernel_listen(lsn.sock, 7), 0);
	fdscope_kunit_sock_install(test, &lsn);
	port = fdscope_kunit_port(test, lsn.sock);

	fdscope_kunit_walk(test, FDSCOPE_SOCKETS, fdscope_kunit_own_filter(test), 4096, &out);
	row = fdscope_kunit_row(test, &out, &lsn);
	fdscope_expect_sock(test, &out, row, &lsn);
	fdscope_kunit_expect(test, &out, row, "family", "inet");
	fdscope_kunit_expect(test, &out, row, "type", "stream");
	fdscope_kunit_expect(test, &out, row, "proto", "tcp");
	fdscope_kunit_expect(test, &out, row, "state", "LISTEN");
	fdscope_kunit_expect(test, &out, row, "local",
			     fdscope_kunit_sprintf(test, "0.0.0.0:%d", port));
	fdscope_kunit_expect(test, &out, row, "remote", "0.0.0.0:0");
	fdscope_kunit_expect(test, &out, row, "rxq", "0");
	fdscope_kunit_expect(test, &out, row, "txq", "7");
	fdscope_kunit_expect(test, &out, row, "backlog", "0/7");
	fdscope_kunit_expect(test, &out, row, "peer", "-");
	fdscope_kunit_expect(test, &out, row, "inflight", "-");
	fdscope_kunit_expect(test, &out, row, "groups", "-");

	fdscope_kunit_socket(test, AF_INET, SOCK_STREAM, IPPROTO_TCP, &cli);
	addr = fdscope_kunit_in4(htonl(INADDR_LOOPBACK), port);
	KUNIT_ASSERT_EQ(test, kernel_connect(cli.sock, (struct sockaddr *)&addr,
					     sizeof(addr), 0), 0);
	fdscope_kunit_sock_install(test, &cli);
	cport = fdscope_kunit_port(test, cli.sock);
	KUNIT_ASSERT_EQ(test, FDSCOPE_POLL(fdscope_ack_backlog, n, n == 1, lsn.sock->sk), 0);

	fdscope_kunit_walk(test, FDSCOPE_SOCKETS, fdscope_kunit_own_filter(test), 4096, &out);
	row = fdscope_kunit_row(test, &out, &lsn);
	fdscope_kunit_expect(test, &out, row, "rxq", "1");
	fdscope_kunit_expect(test, &out, row, "backlog", "1/7");

	KUNIT_ASSERT_EQ(test, kernel_accept(lsn.sock, &srv.sock, 0), 0);
	fdscope_kunit_sock_install(test, &srv);
	KUNIT_ASSERT_EQ(test, fdscope_kunit_send(cli.sock, "hello", 5, NULL, 0), 5);
	KUNIT_ASSERT_EQ(test, FDSCOPE_POLL(fdscope_tcp_unread, n, n == 5, srv.sock->sk), 0);
	KUNIT_ASSERT_EQ(test, FDSCOPE_POLL(fdscope_tcp_unacked, n, n == 0, cli.sock->sk), 0);

	fdscope_kunit_walk(test, FDSCOPE_SOCKETS, fdscope_kunit_own_filter(test), 4096, &out);
	KUNIT_EXPECT_EQ(test, out.nrows, 3U);
	fdscope_kunit_check_order(test, &out);
	local = fdscope_kunit_sprintf(test, "127.0.0.1:%d", port);
	remote = fdscope_kunit_sprintf(test, "127.0.0.1:%d", cport);

	row = fdscope_kunit_row(test, &out, &lsn);
	fdscope_kunit_expect(test, &out, row, "state", "LISTEN");
	fdscope_kunit_expect(test, &out, row, "rxq", "0");
	fdscope_kunit_expect(test, &out, row, "backlog", "0/7");

	row = fdscope_kunit_row(test, &out, &srv);
	fdscope_expect_sock(test, &out, row, &srv);
	fdscope_kunit_expect(test, &out, row, "proto", "tcp");
	fdscope_kunit_expect(test, &out, row, "state", "ESTABLISHED");
	fdscope_kunit_expect(test, &out, row, "local", local);
	fdscope_kunit_expect(test, &out, row, "remote", remote);
	fdscope_kunit_expect(test, &out, row, "rxq", "5");
	fdscope_kunit_expect(test, &out, row, "txq", "0");
	fdscope_kunit_expect(test, &out, row, "backlog", "-");

	row = fdscope_kunit_row(test, &out, &cli);
	fdscope_expect_sock(test, &out, row, &cli);
	fdscope_kunit_expect(test, &out, row, "state", "ESTABLISHED");
	fdscope_kunit_expect(test, &out, row, "local", remote);
	fdscope_kunit_expect(test, &out, row, "remote", local);
	fdscope_kunit_expect(test, &out, row, "rxq", "0");
	fdscope_kunit_expect(test, &out, row, "txq", "0");

	/* The ss -i and ss -m counters: a file of their own, one row per socket. */
	fdscope_kunit_walk(test, FDSCOPE_SOCKSTATS, fdscope_kunit_own_filter(test), 4096, &out);
	KUNIT_EXPECT_EQ(test, out.nrows, 3U);
	fdscope_kunit_check_order(test, &out);
	row = fdscope_kunit_row(test, &out, &lsn);
	fdscope_kunit_expect(test, &out, row, "rtt", "-");
	fdscope_kunit_expect(test, &out, row, "cwnd", "-");
	fdscope_kunit_expect(test, &out, row, "rcvbuf",
			     fdscope_kunit_sprintf(test, "%d", READ_ONCE(lsn.sock->sk->sk_rcvbuf)));
	row = fdscope_kunit_row(test, &out, &srv);
	fdscope_kunit_expect(test, &out, row, "cwnd",
			     fdscope_kunit_sprintf(test, "%u", tcp_snd_cwnd(tcp_sk(srv.sock->sk))));
	fdscope_kunit_expect(test, &out, row, "unacked", "0");
	fdscope_kunit_expect(test, &out, row, "rmem",
			     fdscope_kunit_sprintf(test, "%d", sk_rmem_alloc_get(srv.sock->sk)));
	row = fdscope_kunit_row(test, &out, &cli);
	fdscope_kunit_expect(test, &out, row, "unacked", "0");
	fdscope_kunit_expect(test, &out, row, "sndbuf",
			     fdscope_kunit_sprintf(test, "%d", READ_ONCE(cli.sock->sk->sk_sndbuf)));
}

/* UDP over IPv6: unbound-peer CLOSE, and connected to a v4-mapped address. */
static void fdscope_sockets_udp6_test(struct kunit *test)
{
	struct sockaddr_in6 any = { .sin6_family = AF_INET6 };
	struct sockaddr_in6 mapped = {
		.sin6_family = AF_INET6,
		.sin6_port = htons(9),
	};
	struct fdscope_kunit_sock un, con;
	struct fdscope_kunit_out out;
	int row;

	fdscope_kunit_loopback_up(test);
	ipv6_addr_set_v4mapped(htonl(INADDR_LOOPBACK), &mapped.sin6_addr);
	fdscope_kunit_socket(test, AF_INET6, SOCK_DGRAM, IPPROTO_UDP, &un);
	KUNIT_ASSERT_EQ(test, kernel_bind(un.sock, (struct sockaddr *)&any, sizeof(any)), 0);
	fdscope_kunit_sock_install(test, &un);
	fdscope_kunit_socket(test, AF_INET6, SOCK_DGRAM, IPPROTO_UDP, &con);
	KUNIT_ASSERT_EQ(test, kernel_connect(con.sock, (struct sockaddr *)&mapped,
					     sizeof(mapped), 0), 0);
	fdscope_kunit_sock_install(test, &con);

	fdscope_kunit_walk(test, FDSCOPE_SOCKETS, fdscope_kunit_own_filter(test), 4096, &out);
	KUNIT_EXPECT_EQ(test, out.nrows, 2U);
	row = fdscope_kunit_row(test, &out, &un);
	fdscope_expect_sock(test, &out, row, &un);
	fdscope_kunit_expect(test, &out, row, "family", "inet6");
	fdscope_kunit_expect(test, &out, row, "type", "dgram");
	fdscope_kunit_expect(test, &out, row, "proto", "udp");
	fdscope_kunit_expect(test, &out, row, "state", "CLOSE");
	fdscope_kunit_expect(test, &out, row, "local",
			     fdscope_kunit_sprintf(test, "[::]:%d",
						   fdscope_kunit_port(test, un.sock)));
	fdscope_kunit_expect(test, &out, row, "remote", "[::]:0");
	fdscope_kunit_expect(test, &out, row, "rxq", "0");
	fdscope_kunit_expect(test, &out, row, "backlog", "-");

	row = fdscope_kunit_row(test, &out, &con);
	fdscope_expect_sock(test, &out, row, &con);
	fdscope_kunit_expect(test, &out, row, "state", "ESTABLISHED");
	fdscope_kunit_expect(test, &out, row, "local",
			     fdscope_kunit_sprintf(test, "[::ffff:127.0.0.1]:%d",
						   fdscope_kunit_port(test, con.sock)));
	fdscope_kunit_expect(test, &out, row, "remote", "[::ffff:127.0.0.1]:9");
}

/* UDP over IPv4 with a datagram sent to itself waiting to be read. */
static void fdscope_sockets_udp4_queued_test(struct kunit *test)
{
	struct fdscope_kunit_sock udp;
	struct fdscope_kunit_out out;
	struct sockaddr_in addr;
	int port, row, n;
	char *self;

	fdscope_kunit_loopback_up(test);
	fdscope_kunit_socket(test, AF_INET, SOCK_DGRAM, IPPROTO_UDP, &udp);
	addr = fdscope_kunit_in4(htonl(INADDR_LOOPBACK), 0);
	KUNIT_ASSERT_EQ(test, kernel_bind(udp.sock, (struct sockaddr *)&addr, sizeof(addr)), 0);
	port = fdscope_kunit_port(test, udp.sock);
	addr = fdscope_kunit_in4(htonl(INADDR_LOOPBACK), port);
	KUNIT_ASSERT_EQ(test, kernel_connect(udp.sock, (struct sockaddr *)&addr,
					     sizeof(addr), 0), 0);
	fdscope_kunit_sock_install(test, &udp);
	KUNIT_ASSERT_EQ(test, fdscope_kunit_send(udp.sock, "abc", 3, NULL, 0), 3);
	KUNIT_ASSERT_EQ(test, FDSCOPE_POLL(sk_rmem_alloc_get, n, n > 0, udp.sock->sk), 0);

	fdscope_kunit_walk(test, FDSCOPE_SOCKETS, fdscope_kunit_own_filter(test), 4096, &out);
	row = fdscope_kunit_row(test, &out, &udp);
	fdscope_expect_sock(test, &out, row, &udp);
	self = fdscope_kunit_sprintf(test, "127.0.0.1:%d", port);
	fdscope_kunit_expect(test, &out, row, "state", "ESTABLISHED");
	fdscope_kunit_expect(test, &out, row, "local", self);
	fdscope_kunit_expect(test, &out, row, "remote", self);
	KUNIT_EXPECT_STRNEQ(test, fdscope_kunit_field(test, &out, row, "rxq"), "0");
}

/*
 * A unix stream pair, one byte and one fd (a pipe's) sent from a to b with
 * SCM_RIGHTS and not yet received: peers point at each other, b counts
 * one fd in flight and one byte queued, and the pipe has the in-flight
 * reference on top of its fd's.
 */
static void fdscope_sockets_unix_pair_test(struct kunit *test)
{
	struct fdscope_kunit_sock a, b;
	struct fdscope_kunit_out out, files;
	struct file *pipe[2];
	int fdp, row;

	KUNIT_ASSERT_EQ(test, create_pipe_files(pipe, 0), 0);
	fdp = fdscope_kunit_install(test, pipe[0], false);
	fput(pipe[1]);
	fdscope_kunit_socket(test, AF_UNIX, SOCK_STREAM, 0, &a);
	fdscope_kunit_socket(test, AF_UNIX, SOCK_STREAM, 0, &b);
	KUNIT_ASSERT_EQ(test, a.sock->ops->socketpair(a.sock, b.sock), 0);
	fdscope_kunit_sock_install(test, &a);
	fdscope_kunit_sock_install(test, &b);

	fdscope_kunit_send_fds(test, a.sock, &fdp, 1);
	KUNIT_ASSERT_EQ(test, atomic_read(&unix_sk(b.sock->sk)->scm_stat.nr_fds), 1);

	fdscope_kunit_walk(test, FDSCOPE_SOCKETS, fdscope_kunit_own_filter(test), 4096, &out);
	KUNIT_EXPECT_EQ(test, out.nrows, 2U);
	row = fdscope_kunit_row(test, &out, &a);
	fdscope_expect_sock(test, &out, row, &a);
	fdscope_kunit_expect(test, &out, row, "family", "unix");
	fdscope_kunit_expect(test, &out, row, "type", "stream");
	fdscope_kunit_expect(test, &out, row, "proto", "-");
	fdscope_kunit_expect(test, &out, row, "state", "connected");
	fdscope_kunit_expect(test, &out, row, "local", "-");
	fdscope_kunit_expect(test, &out, row, "remote", "-");
	fdscope_kunit_expect(test, &out, row, "peer",
			     fdscope_kunit_sprintf(test, "%lu", SOCK_INODE(b.sock)->i_ino));
	fdscope_kunit_expect(test, &out, row, "inflight", "0");
	fdscope_kunit_expect(test, &out, row, "rxq", "0");
	fdscope_kunit_expect(test, &out, row, "backlog", "-");
	row = fdscope_kunit_row(test, &out, &b);
	fdscope_expect_sock(test, &out, row, &b);
	fdscope_kunit_expect(test, &out, row, "state", "connected");
	fdscope_kunit_expect(test, &out, row, "peer",
			     fdscope_kunit_sprintf(test, "%lu", SOCK_INODE(a.sock)->i_ino));
	fdscope_kunit_expect(test, &out, row, "inflight", "1");
	fdscope_kunit_expect(test, &out, row, "rxq", "1");
	fdscope_kunit_expect(test, &out, row, "txq", "0");

	fdscope_kunit_walk(test, FDSCOPE_FILES, fdscope_kunit_own_filter(test), 4096, &files);
	row = fdscope_kunit_find_fd(test, &files, fdp);
	fdscope_kunit_expect(test, &files, row, "refs", "2");
}

static int fdscope_kunit_unix_addr(struct sockaddr_un *sun, const char *name, size_t len)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	memcpy(sun->sun_path, name, len);
	return offsetof(struct sockaddr_un, sun_path) + len;
}

/*
 * Named unix sockets: a datagram socket bound to a path and a client
 * connected to it; an abstract stream listener (name with a space) with a
 * connection queued, then accepted.
 */
static void fdscope_sockets_unix_named_test(struct kunit *test)
{
	static const char path[] = "/fdscope-kunit.sock";
	static const char abstract[] = "\0fdscope kunit";
	struct fdscope_kunit_sock srv, cli, lsn, con, acc;
	struct fdscope_kunit_out out;
	struct sockaddr_un sun;
	int len, row;

	fdscope_kunit_socket(test, AF_UNIX, SOCK_DGRAM, 0, &srv);
	len = fdscope_kunit_unix_addr(&sun, path, sizeof(path));
	KUNIT_ASSERT_EQ(test, kernel_bind(srv.sock, (struct sockaddr *)&sun, len), 0);
	fdscope_kunit_sock_install(test, &srv);
	fdscope_kunit_socket(test, AF_UNIX, SOCK_DGRAM, 0, &cli);
	KUNIT_ASSERT_EQ(test, kernel_connect(cli.sock, (struct sockaddr *)&sun, len, 0), 0);
	fdscope_kunit_sock_install(test, &cli);

	fdscope_kunit_socket(test, AF_UNIX, SOCK_STREAM, 0, &lsn);
	len = fdscope_kunit_unix_addr(&sun, abstract, sizeof(abstract) - 1);
	KUNIT_ASSERT_EQ(test, kernel_bind(lsn.sock, (struct sockaddr *)&sun, len), 0);
	KUNIT_ASSERT_EQ(test, kernel_listen(lsn.sock, 3), 0);
	fdscope_kunit_sock_install(test, &lsn);
	fdscope_kunit_socket(test, AF_UNIX, SOCK_STREAM, 0, &con);
	KUNIT_ASSERT_EQ(test, kernel_connect(con.sock, (struct sockaddr *)&sun, len,
					     O_NONBLOCK), 0);
	fdscope_kunit_sock_install(test, &con);

	fdscope_kunit_walk(test, FDSCOPE_SOCKETS, fdscope_kunit_own_filter(test), 4096, &out);
	KUNIT_EXPECT_EQ(test, out.nrows, 4U);
	row = fdscope_kunit_row(test, &out, &srv);
	fdscope_expect_sock(test, &out, row, &srv);
	fdscope_kunit_expect(test, &out, row, "type", "dgram");
	/* af_unix marks both ends of a datagram connect() established. */
	fdscope_kunit_expect(test, &out, row, "state", "connected");
	fdscope_kunit_expect(test, &out, row, "local", path);
	fdscope_kunit_expect(test, &out, row, "remote", "-");
	fdscope_kunit_expect(test, &out, row, "peer", "-");
	row = fdscope_kunit_row(test, &out, &cli);
	fdscope_kunit_expect(test, &out, row, "state", "connected");
	fdscope_kunit_expect(test, &out, row, "local", "-");
	fdscope_kunit_expect(test, &out, row, "remote", path);
	fdscope_kunit_expect(test, &out, row, "peer",
			     fdscope_kunit_sprintf(test, "%lu", SOCK_INODE(srv.sock)->i_ino));

	row = fdscope_kunit_row(test, &out, &lsn);
	fdscope_expect_sock(test, &out, row, &lsn);
	fdscope_kunit_expect(test, &out, row, "type", "stream");
	fdscope_kunit_expect(test, &out, row, "state", "listen");
	fdscope_kunit_expect(test, &out, row, "local", "@fdscope\\040kunit");
	fdscope_kunit_expect(test, &out, row, "remote", "-");
	fdscope_kunit_expect(test, &out, row, "rxq", "1");
	fdscope_kunit_expect(test, &out, row, "txq", "3");
	fdscope_kunit_expect(test, &out, row, "backlog", "1/3");
	row = fdscope_kunit_row(test, &out, &con);
	fdscope_kunit_expect(test, &out, row, "state", "connected");
	fdscope_kunit_expect(test, &out, row, "remote", "@fdscope\\040kunit");

	KUNIT_ASSERT_EQ(test, kernel_accept(lsn.sock, &acc.sock, 0), 0);
	fdscope_kunit_sock_install(test, &acc);
	fdscope_kunit_walk(test, FDSCOPE_SOCKETS, fdscope_kunit_own_filter(test), 4096, &out);
	KUNIT_EXPECT_EQ(test, out.nrows, 5U);
	row = fdscope_kunit_row(test, &out, &lsn);
	fdscope_kunit_expect(test, &out, row, "rxq", "0");
	fdscope_kunit_expect(test, &out, row, "backlog", "0/3");
	row = fdscope_kunit_row(test, &out, &con);
	fdscope_kunit_expect(test, &out, row, "peer",
			     fdscope_kunit_sprintf(test, "%lu", SOCK_INODE(acc.sock)->i_ino));
	row = fdscope_kunit_row(test, &out, &acc);
	fdscope_expect_sock(test, &out, row, &acc);
	fdscope_kunit_expect(test, &out, row, "state", "connected");
	fdscope_kunit_expect(test, &out, row, "local", "@fdscope\\040kunit");
	fdscope_kunit_expect(test, &out, row, "peer",
			     fdscope_kunit_sprintf(test, "%lu", SOCK_INODE(con.sock)->i_ino));
}

/* Netlink: port ids and multicast groups, before and after bind. */
static void fdscope_sockets_netlink_test(struct kunit *test)
{
	struct sockaddr_nl addr = {
		.nl_family = AF_NETLINK,
		.nl_groups = 0x5,
	};
	struct fdscope_kunit_sock unbound, bound;
	struct sockaddr_storage name;
	struct fdscope_kunit_out out;
	int row;

	fdscope_kunit_socket(test, AF_NETLINK, SOCK_RAW, NETLINK_ROUTE, &unbound);
	fdscope_kunit_sock_install(test, &unbound);
	fdscope_kunit_socket(test, AF_NETLINK, SOCK_DGRAM, NETLINK_GENERIC, &bound);
	KUNIT_ASSERT_EQ(test, kernel_bind(bound.sock, (struct sockaddr *)&addr,
					  sizeof(addr)), 0);
	fdscope_kunit_sock_install(test, &bound);
	/* Never an exact-size buffer for a getname: the family decides the size. */
	KUNIT_ASSERT_GE(test, kernel_getsockname(bound.sock, (struct sockaddr *)&name), 0);
	addr = *(struct sockaddr_nl *)&name;
	KUNIT_ASSERT_NE(test, addr.nl_pid, 0U);

	fdscope_kunit_walk(test, FDSCOPE_SOCKETS, fdscope_kunit_own_filter(test), 4096, &out);
	KUNIT_EXPECT_EQ(test, out.nrows, 2U);
	row = fdscope_kunit_row(test, &out, &unbound);
	fdscope_expect_sock(test, &out, row, &unbound);
	fdscope_kunit_expect(test, &out, row, "family", "netlink");
	fdscope_kunit_expect(test, &out, row, "type", "raw");
	fdscope_kunit_expect(test, &out, row, "proto", "NETLINK_ROUTE");
	fdscope_kunit_expect(test, &out, row, "state", "-");
	fdscope_kunit_expect(test, &out, row, "local", "0");
	fdscope_kunit_expect(test, &out, row, "remote", "0");
	fdscope_kunit_expect(test, &out, row, "groups", "00000000");
	fdscope_kunit_expect(test, &out, row, "peer", "-");
	fdscope_kunit_expect(test, &out, row, "inflight", "-");
	fdscope_kunit_expect(test, &out, row, "backlog", "-");
	row = fdscope_kunit_row(test, &out, &bound);
	fdscope_kunit_expect(test, &out, row, "type", "dgram");
	fdscope_kunit_expect(test, &out, row, "proto", "NETLINK_GENERIC");
	fdscope_kunit_expect(test, &out, row, "local",
			     fdscope_kunit_sprintf(test, "%u", addr.nl_pid));
	fdscope_kunit_expect(test, &out, row, "groups", "00000005");
}

/* Packet sockets: protocol names or hex, bound interface or "*". */
static void fdscope_sockets_packet_test(struct kunit *test)
{
	struct sockaddr_ll ll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_IP),
		.sll_ifindex = init_net.loopback_dev->ifindex,
	};
	struct fdscope_kunit_sock all, ip, odd;
	struct fdscope_kunit_out out;
	int row;

	fdscope_kunit_loopback_up(test);
	fdscope_kunit_socket(test, AF_PACKET, SOCK_RAW, (__force int)htons(ETH_P_ALL), &all);
	fdscope_kunit_sock_install(test, &all);
	fdscope_kunit_socket(test, AF_PACKET, SOCK_DGRAM, (__force int)htons(ETH_P_IP), &ip);
	KUNIT_ASSERT_EQ(test, kernel_bind(ip.sock, (struct sockaddr *)&ll, sizeof(ll)), 0);
	fdscope_kunit_sock_install(test, &ip);
	fdscope_kunit_socket(test, AF_PACKET, SOCK_RAW, (__force int)htons(0x88b5), &odd);
	fdscope_kunit_sock_install(test, &odd);

	fdscope_kunit_walk(test, FDSCOPE_SOCKETS, fdscope_kunit_own_filter(test), 4096, &out);
	KUNIT_EXPECT_EQ(test, out.nrows, 3U);
	row = fdscope_kunit_row(test, &out, &all);
	fdscope_expect_sock(test, &out, row, &all);
	fdscope_kunit_expect(test, &out, row, "family", "packet");
	fdscope_kunit_expect(test, &out, row, "type", "raw");
	fdscope_kunit_expect(test, &out, row, "proto", "ETH_P_ALL");
	fdscope_kunit_expect(test, &out, row, "state", "-");
	fdscope_kunit_expect(test, &out, row, "local", "*");
	fdscope_kunit_expect(test, &out, row, "remote", "-");
	row = fdscope_kunit_row(test, &out, &ip);
	fdscope_kunit_expect(test, &out, row, "type", "dgram");
	fdscope_kunit_expect(test, &out, row, "proto", "ETH_P_IP");
	fdscope_kunit_expect(test, &out, row, "local", "lo");
	fdscope_kunit_expect(test, &out, row, "remote", "-");
	row = fdscope_kunit_row(test, &out, &odd);
	fdscope_kunit_expect(test, &out, row, "proto", "0x88b5");
}

static const struct net_device_ops fdscope_kunit_netdev_ops;

static void fdscope_kunit_netdev_setup(struct net_device *dev)
{
	dev->netdev_ops = &fdscope_kunit_netdev_ops;
	dev->type = ARPHRD_NONE;
	dev->flags = IFF_NOARP;
	dev->mtu = ETH_DATA_LEN;
	dev->needs_free_netdev = true;
}

/*
 * A device whose hardware address is @addr_len bytes long (ip6tnl's 16,
 * IPoIB's 20, the most any device has), registered in init_net.
 */
static struct net_device *fdscope_kunit_netdev(struct kunit *test, unsigned char addr_len)
{
	u8 addr[MAX_ADDR_LEN];
	struct net_device *dev;

	dev = alloc_netdev(0, "fdscope%d", NET_NAME_UNKNOWN, fdscope_kunit_netdev_setup);
	KUNIT_ASSERT_NOT_NULL(test, dev);
	dev->addr_len = addr_len;
	memset(addr, 0xa5, sizeof(addr));
	dev_addr_set(dev, addr);
	KUNIT_ASSERT_EQ(test, register_netdev(dev), 0);
	return dev;
}

/*
 * Packet sockets bound to devices with long hardware addresses: their
 * getsockname() writes 12 + addr_len bytes, more than a struct
 * sockaddr_ll holds (the stack overflow that panicked 6.1 on ip6tnl). The
 * records name the device; once it is unregistered, "-".
 */
static void fdscope_sockets_packet_long_addr_test(struct kunit *test)
{
	static const unsigned char lens[] = { 16, 20, MAX_ADDR_LEN };
	struct fdscope_kunit_sock socks[ARRAY_SIZE(lens)];
	struct net_device *devs[ARRAY_SIZE(lens)];
	struct fdscope_kunit_out out;
	struct sockaddr_ll ll;
	unsigned int i;
	int row;

	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		devs[i] = fdscope_kunit_netdev(test, lens[i]);
		ll = (struct sockaddr_ll) {
			.sll_family = AF_PACKET,
			.sll_protocol = htons(ETH_P_ALL),
			.sll_ifindex = devs[i]->ifindex,
		};
		fdscope_kunit_socket(test, AF_PACKET, SOCK_RAW, 0, &socks[i]);
		KUNIT_ASSERT_EQ(test, kernel_bind(socks[i].sock, (struct sockaddr *)&ll,
						  sizeof(ll)), 0);
		fdscope_kunit_sock_install(test, &socks[i]);
	}

	fdscope_kunit_walk(test, FDSCOPE_SOCKETS, fdscope_kunit_own_filter(test), 4096, &out);
	KUNIT_EXPECT_EQ(test, out.nrows, (unsigned int)ARRAY_SIZE(lens));
	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		row = fdscope_kunit_row(test, &out, &socks[i]);
		fdscope_expect_sock(test, &out, row, &socks[i]);
		fdscope_kunit_expect(test, &out, row, "proto", "ETH_P_ALL");
		fdscope_kunit_expect(test, &out, row, "local", devs[i]->name);
	}

	for (i = 0; i < ARRAY_SIZE(lens); i++)
		unregister_netdev(devs[i]);
	fdscope_kunit_walk(test, FDSCOPE_SOCKETS, fdscope_kunit_own_filter(test), 4096, &out);
	for (i = 0; i < ARRAY_SIZE(lens); i++)
		fdscope_kunit_expect(test, &out, fdscope_kunit_row(test, &out, &socks[i]),
				     "local", "-");
}

/*
 * SOCK_PACKET: getsockname() reports the device's name in a plain struct
 * sockaddr, not a sockaddr_ll; the protocol is private to af_packet.
 */
static void fdscope_sockets_packet_spkt_test(struct kunit *test)
{
	struct sockaddr sa = { .sa_family = AF_PACKET };
	struct fdscope_kunit_sock bound, unbound;
	struct fdscope_kunit_out out;
	int row;

	memcpy((char *)&sa + offsetof(struct sockaddr, sa_data), "lo", 3);
	fdscope_kunit_loopback_up(test);
	fdscope_kunit_socket(test, AF_PACKET, SOCK_PACKET, (__force int)htons(ETH_P_ALL),
			     &bound);
	KUNIT_ASSERT_EQ(test, kernel_bind(bound.sock, &sa, sizeof(sa)), 0);
	fdscope_kunit_sock_install(test, &bound);
	fdscope_kunit_socket(test, AF_PACKET, SOCK_PACKET, (__force int)htons(ETH_P_IP),
			     &unbound);
	fdscope_kunit_sock_install(test, &unbound);

	fdscope_kunit_walk(test, FDSCOPE_SOCKETS, fdscope_kunit_own_filter(test), 4096, &out);
	row = fdscope_kunit_row(test, &out, &bound);
	fdscope_expect_sock(test, &out, row, &bound);
	fdscope_kunit_expect(test, &out, row, "type", "packet");
	fdscope_kunit_expect(test, &out, row, "proto", "-");
	fdscope_kunit_expect(test, &out, row, "local", "lo");
	fdscope_kunit_expect(test, &out, row, "remote", "-");
	row = fdscope_kunit_row(test, &out, &unbound);
	fdscope_kunit_expect(test, &out, row, "proto", "-");
	fdscope_kunit_expect(test, &out, row, "local", "*");
}

/* The cookie sock_diag reports for @s, as the decimal the record holds. */
static char *fdscope_kunit_cookie(struct kunit *test, const struct fdscope_kunit_sock *s)
{
	u32 cookie[2];

	sock_diag_save_cookie(s->sock->sk, cookie);
	return fdscope_kunit_sprintf(test, "%llu", (u64)cookie[1] << 32 | cookie[0]);
}

/*
 * Cookies: a socket nobody asked about yet gets one from the walk, the same
 * in the next walk and the one sock_diag reports; every socket its own.
 */
static void fdscope_sockets_cookie_test(struct kunit *test)
{
	struct fdscope_kunit_sock s[3];
	struct fdscope_kunit_out one, two;
	const char *c[3];
	int i, j, row;

	fdscope_kunit_socket(test, AF_UNIX, SOCK_STREAM, 0, &s[0]);
	fdscope_kunit_socket(test, AF_INET, SOCK_DGRAM, IPPROTO_UDP, &s[1]);
	fdscope_kunit_socket(test, AF_NETLINK, SOCK_RAW, NETLINK_ROUTE, &s[2]);
	for (i = 0; i < 3; i++) {
		KUNIT_ASSERT_EQ(test, atomic64_read(&s[i].sock->sk->sk_cookie), 0);
		fdscope_kunit_sock_install(test, &s[i]);
	}

	fdscope_kunit_walk(test, FDSCOPE_SOCKETS, fdscope_kunit_own_filter(test), 4096, &one);
	fdscope_kunit_walk(test, FDSCOPE_SOCKETS, fdscope_kunit_own_filter(test), 4096, &two);
	for (i = 0; i < 3; i++) {
		KUNIT_EXPECT_NE(test, atomic64_read(&s[i].sock->sk->sk_cookie), 0);
		row = fdscope_kunit_row(test, &one, &s[i]);
		c[i] = fdscope_kunit_field(test, &one, row, "cookie");
		KUNIT_EXPECT_STREQ(test, c[i], fdscope_kunit_cookie(test, &s[i]));
		row = fdscope_kunit_row(test, &two, &s[i]);
		fdscope_kunit_expect(test, &two, row, "cookie", c[i]);
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_STRNEQ(test, c[i], c[j]);
	}
}

/*
 * shutdown(): af_unix shuts the matching side of the peer too, so that
 * SHUT_RD on a shows "-->" on a and "<--" on b, as ss -x shows them.
 * Netlink has no shutdown() and shows "-".
 */
static void fdscope_sockets_shutdown_test(struct kunit *test)
{
	static const struct {
		int how;		/* -1: none */
		const char *self, *peer;
	} cases[] = {
		{ -1, "<->", "<->" },
		{ SHUT_RD, "-->", "<--" },
		{ SHUT_WR, "<--", "-->" },
		{ SHUT_RDWR, "---", "---" },
	};
	struct fdscope_kunit_sock a[ARRAY_SIZE(cases)], b[ARRAY_SIZE(cases)], nl, dg;
	struct fdscope_kunit_out out;
	size_t i;
	int row;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		fdscope_kunit_socket(test, AF_UNIX, SOCK_STREAM, 0, &a[i]);
		fdscope_kunit_socket(test, AF_UNIX, SOCK_STREAM, 0, &b[i]);
		KUNIT_ASSERT_EQ(test, a[i].sock->ops->socketpair(a[i].sock, b[i].sock), 0);
		if (cases[i].how >= 0)
			KUNIT_ASSERT_EQ(test, kernel_sock_shutdown(a[i].sock, cases[i].how), 0);
		fdscope_kunit_sock_install(test, &a[i]);
		fdscope_kunit_sock_install(test, &b[i]);
	}
	fdscope_kunit_socket(test, AF_UNIX, SOCK_DGRAM, 0, &dg);
	fdscope_kunit_sock_install(test, &dg);
	fdscope_kunit_socket(test, AF_NETLINK, SOCK_RAW, NETLINK_ROUTE, &nl);
	fdscope_kunit_sock_install(test, &nl);

	fdscope_kunit_walk(test, FDSCOPE_SOCKETS, fdscope_kunit_own_filter(test), 4096, &out);
	KUNIT_EXPECT_EQ(test, out.nrows, 2 * ARRAY_SIZE(cases) + 2);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		row = fdscope_kunit_row(test, &out, &a[i]);
		fdscope_kunit_expect(test, &out, row, "shutdown", cases[i].self);
		row = fdscope_kunit_row(test, &out, &b[i]);
		fdscope_kunit_expect(test, &out, row, "shutdown", cases[i].peer);
	}
	row = fdscope_kunit_row(test, &out, &dg);
	fdscope_kunit_expect(test, &out, row, "shutdown", "<->");
	row = fdscope_kunit_row(test, &out, &nl);
	fdscope_kunit_expect(test, &out, row, "shutdown", "-");
}

/*
 * "fields": a unix pair with an fd in flight, a bound IPv4 UDP socket and
 * a netlink socket with groups, read with a few fields each time. Asking
 * for either address prints both.
 */
static void fdscope_sockets_fields_test(struct kunit *test)
{
	struct sockaddr_nl groups = { .nl_family = AF_NETLINK, .nl_groups = 0x5 };
	struct sockaddr_in any = { .sin_family = AF_INET };
	struct fdscope_kunit_sock a, b, udp, nl;

	fdscope_kunit_loopback_up(test);
	fdscope_kunit_socket(test, AF_UNIX, SOCK_STREAM, 0, &a);
	fdscope_kunit_socket(test, AF_UNIX, SOCK_STREAM, 0, &b);
	KUNIT_ASSERT_EQ(test, a.sock->ops->socketpair(a.sock, b.sock), 0);
	fdscope_kunit_sock_install(test, &a);
	fdscope_kunit_sock_install(test, &b);
	fdscope_kunit_socket(test, AF_INET, SOCK_DGRAM, IPPROTO_UDP, &udp);
	KUNIT_ASSERT_EQ(test, kernel_bind(udp.sock, (struct sockaddr *)&any, sizeof(any)), 0);
	fdscope_kunit_sock_install(test, &udp);
	fdscope_kunit_socket(test, AF_NETLINK, SOCK_RAW, NETLINK_ROUTE, &nl);
	KUNIT_ASSERT_EQ(test, kernel_bind(nl.sock, (struct sockaddr *)&groups,
					  sizeof(groups)), 0);
	fdscope_kunit_sock_install(test, &nl);
	fdscope_kunit_send_fds(test, a.sock, &udp.fd, 1);

	fdscope_kunit_check_fields(test, FDSCOPE_SOCKETS, "remote",
				   "pid tid comm fd local remote");
	fdscope_kunit_check_fields(test, FDSCOPE_SOCKETS, "local",
				   "pid tid comm fd local remote");
	fdscope_kunit_check_fields(test, FDSCOPE_SOCKETS, "inflight,peer",
				   "pid tid comm fd peer inflight");
	fdscope_kunit_check_fields(test, FDSCOPE_SOCKETS, "txq", "pid tid comm fd txq");
	fdscope_kunit_check_fields(test, FDSCOPE_SOCKETS, "rxq", "pid tid comm fd rxq");
	fdscope_kunit_check_fields(test, FDSCOPE_SOCKETS, "groups,proto",
				   "pid tid comm fd proto groups");
	fdscope_kunit_check_fields(test, FDSCOPE_SOCKETS, "state,type,family,ino,fileid",
				   "pid tid comm fd fileid ino family type state");
	fdscope_kunit_check_fields(test, FDSCOPE_SOCKETS,
				   "shutdown,cookie,start,backlog,netns,uid,drops",
				   "pid tid comm fd drops uid netns backlog start cookie shutdown");
	fdscope_kunit_check_fields(test, FDSCOPE_SOCKETS, "fd", "pid tid comm fd");
}

static struct kunit_case fdscope_sockets_test_cases[] = {
	KUNIT_CASE(fdscope_sockets_only_sockets_test),
	KUNIT_CASE(fdscope_sockets_tcp_test),
	KUNIT_CASE(fdscope_sockets_udp6_test),
	KUNIT_CASE(fdscope_sockets_udp4_queued_test),
	KUNIT_CASE(fdscope_sockets_unix_pair_test),
	KUNIT_CASE(fdscope_sockets_unix_named_test),
	KUNIT_CASE(fdscope_sockets_netlink_test),
	KUNIT_CASE(fdscope_sockets_packet_test),
	KUNIT_CASE(fdscope_sockets_packet_long_addr_test),
	KUNIT_CASE(fdscope_sockets_packet_spkt_test),
	KUNIT_CASE(fdscope_sockets_cookie_test),
	KUNIT_CASE(fdscope_sockets_shutdown_test),
	KUNIT_CASE(fdscope_sockets_fields_test),
	{}
};

static struct kunit_suite fdscope_sockets_suite = {
	.name = "fdscope_sockets",
	.init = fdscope_kunit_table_init,
	.exit = fdscope_kunit_watch_exit,
	.test_cases = fdscope_sockets_test_cases,
};

kunit_test_suite(fdscope_sockets_suite);

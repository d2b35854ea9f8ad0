// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope_sockaddr: the "local" and "remote" fields (sockaddr.c), table
 * driven: each case binds and connects real sockets, then formats them
 * with fdscope_field_sock_endpoints() into a seq_file with a kmalloc'd
 * buffer. IPv4, IPv6 (compressed, uncompressed, v4-mapped), and unix path
 * and abstract names up to the longest sun_path allows.
 */
#include <kunit/test.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/inet.h>
#include <linux/net.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/string.h>
#include <linux/un.h>
#include <net/af_unix.h>
#include <net/ip.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "fdscope_kunit.h"

/* " <local> <remote>" as fdscope_field_sock_endpoints() writes it. */
static const char *fdscope_endpoints(struct kunit *test, struct socket *sock,
				     struct sock *peer)
{
	struct seq_file *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	struct sockaddr_storage name;
	const size_t size = 2048;
	char *s;
	int len;

	KUNIT_ASSERT_NOT_NULL(test, m);
	m->buf = kunit_kmalloc(test, size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m->buf);
	m->size = size;
	len = fdscope_sock_name(sock, &name);
	fdscope_field_sock_endpoints(m, sock, len, &name, peer);
	KUNIT_ASSERT_FALSE(test, seq_has_overflowed(m));
	s = kunit_kzalloc(test, m->count + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	memcpy(s, m->buf, m->count);
	return s;
}

/* A kernel socket in init_net (the test releases it). */
static struct socket *fdscope_sockaddr_socket(struct kunit *test, int family, int type,
					      int proto)
{
	struct socket *sock;

	KUNIT_ASSERT_EQ(test, sock_create_kern(&init_net, family, type, proto, &sock), 0);
	return sock;
}

static void fdscope_sockaddr_loopback_up(struct kunit *test)
{
	struct net_device *lo = init_net.loopback_dev;
	int err;

	rtnl_lock();
	err = dev_change_flags(lo, lo->flags | IFF_UP, NULL);
	rtnl_unlock();
	KUNIT_ASSERT_EQ(test, err, 0);
}

struct fdscope_inet_case {
	const char *desc;
	int family;
	const char *bind;	/* address to bind to, NULL: none */
	int port;
	bool freebind;		/* bind to an address no interface has */
	const char *peer;	/* address to connect to, NULL: none */
	int peer_port;
	const char *want;	/* " <local> <remote>" */
};

static const struct fdscope_inet_case fdscope_inet_cases[] = {
	{ "v4 unbound", AF_INET, NULL, 0, false, NULL, 0, " 0.0.0.0:0 0.0.0.0:0" },
	{ "v4 any", AF_INET, "0.0.0.0", 40001, false, NULL, 0, " 0.0.0.0:40001 0.0.0.0:0" },
	{ "v4 loopback, connected", AF_INET, "127.0.0.1", 40002, false, "127.0.0.1", 9,
	  " 127.0.0.1:40002 127.0.0.1:9" },
	{ "v4 highest port", AF_INET, "192.0.2.200", 65535, true, NULL, 0,
	  " 192.0.2.200:65535 0.0.0.0:0" },
	{ "v6 unbound", AF_INET6, NULL, 0, false, NULL, 0, " [::]:0 [::]:0" },
	{ "v6 any", AF_INET6, "::", 40003, false, NULL, 0, " [::]:40003 [::]:0" },
	{ "v6 loopback, connected", AF_INET6, "::1", 40004, false, "::1", 53,
	  " [::1]:40004 [::1]:53" },
	{ "v6 compressed", AF_INET6, "2001:db8:0:0:1:0:0:1", 1, true, NULL, 0,
	  " [2001:db8::1:0:0:1]:1 [::]:0" },
	{ "v6 leading zeros", AF_INET6, "2001:0db8:0000:0000:0000:0000:0000:00ff", 2, true,
	  NULL, 0, " [2001:db8::ff]:2 [::]:0" },
	{ "v6 no zero run", AF_INET6, "2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff", 443, true,
	  NULL, 0, " [2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff]:443 [::]:0" },
	{ "v6 v4-mapped, connected", AF_INET6, "::", 40005, false, "::ffff:127.0.0.1", 7,
	  " [::ffff:127.0.0.1]:40005 [::ffff:127.0.0.1]:7" },
	{ "v6 v4-mapped bind", AF_INET6, "::ffff:10.1.2.3", 40006, true, NULL, 0,
	  " [::ffff:10.1.2.3]:40006 [::]:0" },
};

static void fdscope_inet_desc(const struct fdscope_inet_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(fdscope_inet, fdscope_inet_cases, fdscope_inet_desc);

static int fdscope_sockaddr_in(struct kunit *test, int family, const char *addr, int port,
			       struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		KUNIT_ASSERT_EQ(test, in4_pton(addr, -1, (u8 *)&sin->sin_addr, -1, NULL), 1);
		return sizeof(*sin);
	}
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(port);
	KUNIT_ASSERT_EQ(test, in6_pton(addr, -1, sin6->sin6_addr.s6_addr, -1, NULL), 1);
	return sizeof(*sin6);
}

static void fdscope_inet_endpoints_test(struct kunit *test)
{
	const struct fdscope_inet_case *c = test->param_value;
	struct sockaddr_storage ss;
	struct socket *sock;
	int len, err = 0;

	fdscope_sockaddr_loopback_up(test);
	sock = fdscope_sockaddr_socket(test, c->family, SOCK_DGRAM, IPPROTO_UDP);
	if (c->freebind)
		ip_sock_set_freebind(sock->sk);
	if (c->bind) {
		len = fdscope_sockaddr_in(test, c->family, c->bind, c->port, &ss);
		err = kernel_bind(sock, (struct sockaddr *)&ss, len);
		KUNIT_EXPECT_EQ_MSG(test, err, 0, "bind %s", c->bind);
	}
	if (!err && c->peer) {
		len = fdscope_sockaddr_in(test, c->family, c->peer, c->peer_port, &ss);
		err = kernel_connect(sock, (struct sockaddr *)&ss, len, 0);
		KUNIT_EXPECT_EQ_MSG(test, err, 0, "connect %s", c->peer);
	}
	if (!err)
		KUNIT_EXPECT_STREQ(test, fdscope_endpoints(test, sock, NULL), c->want);
	sock_release(sock);
}

/*
 * A unix datagram socket bound to @len bytes of sun_path, and a second
 * one connected to it: the first shows the name as local, the second as
 * remote. @fill names a generated name: '/' or NUL, then @fill bytes.
 */
struct fdscope_unix_case {
	const char *desc;
	const char *name;
	size_t len;
	char fill;
	const char *want;	/* the escaped name; NULL: generated */
};

static const struct fdscope_unix_case fdscope_unix_cases[] = {
	{ "path", "/fdscope-addr-path", 19, 0, "/fdscope-addr-path" },
	{ "path, no NUL in length", "/fdscope-addr-nonul", 19, 0, "/fdscope-addr-nonul" },
	{ "path with space and backslash", "/fdscope addr\\x", 16, 0,
	  "/fdscope\\040addr\\134x" },
	{ "path of 107 bytes and NUL", NULL, 108, 'p', NULL },
	{ "path of 108 bytes, no NUL", NULL, 108, 'q', NULL },
	{ "abstract", "\0fdscope-addr", 13, 0, "@fdscope-addr" },
	{ "abstract with NUL, space, backslash", "\0a\0b c\\", 7, 0,
	  "@a\\000b\\040c\\134" },
	{ "abstract, one byte", "\0z", 2, 0, "@z" },
	{ "abstract of 107 bytes", NULL, 108, 'a', NULL },
	{ "abstract, trailing NUL", "\0t\0", 3, 0, "@t\\000" },
};

static void fdscope_unix_desc(const struct fdscope_unix_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(fdscope_unix, fdscope_unix_cases, fdscope_unix_desc);

static void fdscope_unix_endpoints_test(struct kunit *test)
{
	const struct fdscope_unix_case *c = test->param_value;
	const size_t off = offsetof(struct sockaddr_un, sun_path);
	/* unix_bind() writes a NUL after the address: room for it. */
	struct sockaddr_storage *ss = kunit_kzalloc(test, sizeof(*ss), GFP_KERNEL);
	struct sockaddr_un *sun = (struct sockaddr_un *)ss;
	struct socket *srv, *cli;
	char *want, *peer_want;
	struct sock *peer;
	size_t namelen;

	KUNIT_ASSERT_NOT_NULL(test, ss);
	sun->sun_family = AF_UNIX;
	if (c->name) {
		memcpy(sun->sun_path, c->name, c->len);
		want = kunit_kzalloc(test, strlen(c->want) + 1, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, want);
		strcpy(want, c->want);
	} else {
		/* sun_path[0] is '/' for a path or NUL for an abstract name. */
		sun->sun_path[0] = c->fill == 'a' ? '\0' : '/';
		namelen = c->fill == 'p' ? c->len - 2 : c->len - 1;
		memset(sun->sun_path + 1, c->fill, namelen);
		want = kunit_kzalloc(test, namelen + 2, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, want);
		want[0] = c->fill == 'a' ? '@' : '/';
		memset(want + 1, c->fill, namelen);
	}

	srv = fdscope_sockaddr_socket(test, AF_UNIX, SOCK_DGRAM, 0);
	cli = fdscope_sockaddr_socket(test, AF_UNIX, SOCK_DGRAM, 0);
	KUNIT_EXPECT_EQ(test, kernel_bind(srv, (struct sockaddr *)sun, off + c->len), 0);
	KUNIT_EXPECT_EQ(test, kernel_connect(cli, (struct sockaddr *)sun, off + c->len, 0), 0);
	peer = unix_peer_get(cli->sk);
	KUNIT_EXPECT_PTR_EQ(test, peer, srv->sk);

	KUNIT_EXPECT_STREQ(test, fdscope_endpoints(test, srv, NULL),
			   fdscope_kunit_sprintf(test, " %s -", want));
	peer_want = fdscope_kunit_sprintf(test, " - %s", want);
	KUNIT_EXPECT_STREQ(test, fdscope_endpoints(test, cli, peer), peer_want);
	if (peer)
		sock_put(peer);
	sock_release(cli);
	sock_release(srv);
}

/* Unbound unix sockets have neither name. */
static void fdscope_unix_unbound_test(struct kunit *test)
{
	struct socket *sock = fdscope_sockaddr_socket(test, AF_UNIX, SOCK_STREAM, 0);

	KUNIT_EXPECT_STREQ(test, fdscope_endpoints(test, sock, NULL), " - -");
	sock_release(sock);
}

static struct kunit_case fdscope_sockaddr_test_cases[] = {
	KUNIT_CASE_PARAM(fdscope_inet_endpoints_test, fdscope_inet_gen_params),
	KUNIT_CASE_PARAM(fdscope_unix_endpoints_test, fdscope_unix_gen_params),
	KUNIT_CASE(fdscope_unix_unbound_test),
	{}
};

static struct kunit_suite fdscope_sockaddr_suite = {
	.name = "fdscope_sockaddr",
	.init = fdscope_kunit_watch_init,
	.exit = fdscope_kunit_watch_exit,
	.test_cases = fdscope_sockaddr_test_cases,
};

kunit_test_suite(fdscope_sockaddr_suite);

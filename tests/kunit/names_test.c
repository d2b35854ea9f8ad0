// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope_names: every name table in names.c against docs/format.md,
 * including the numbers that must have no name.
 */
#include <kunit/test.h>
#include <linux/fcntl.h>
#include <linux/fs.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/net.h>
#include <linux/netlink.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/stat.h>
#include <linux/string.h>
#include <net/tcp_states.h>

#include "fdscope_kunit.h"

/* A number and the name it must have; NULL: it must have none. */
struct fdscope_name_case {
	int value;
	const char *name;
};

static void fdscope_name_desc(const struct fdscope_name_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%d (0x%x) -> %s", c->value,
		 c->value, c->name ?: "no name");
}

static void fdscope_expect_name(struct kunit *test, const char *(*lookup)(int))
{
	const struct fdscope_name_case *c = test->param_value;
	const char *got = lookup(c->value);

	if (!c->name) {
		KUNIT_EXPECT_NULL(test, got);
		return;
	}
	KUNIT_ASSERT_NOT_NULL(test, got);
	KUNIT_EXPECT_STREQ(test, got, c->name);
}

static const struct fdscope_name_case fdscope_family_cases[] = {
	{ AF_UNIX, "unix" },
	{ AF_INET, "inet" },
	{ AF_INET6, "inet6" },
	{ AF_NETLINK, "netlink" },
	{ AF_PACKET, "packet" },
	{ AF_VSOCK, "vsock" },
	{ AF_XDP, "xdp" },
	{ AF_UNSPEC, NULL },
	{ AF_AX25, NULL },
	{ AF_MAX, NULL },
	{ 1000, NULL },
	{ -1, NULL },
};

static const struct fdscope_name_case fdscope_socktype_cases[] = {
	{ SOCK_STREAM, "stream" },
	{ SOCK_DGRAM, "dgram" },
	{ SOCK_RAW, "raw" },
	{ SOCK_RDM, "rdm" },
	{ SOCK_SEQPACKET, "seqpacket" },
	{ SOCK_DCCP, "dccp" },
	{ SOCK_PACKET, "packet" },
	{ 0, NULL },
	{ 7, NULL },
	{ SOCK_MAX, NULL },
	{ -1, NULL },
};

static const struct fdscope_name_case fdscope_ipproto_cases[] = {
	{ IPPROTO_TCP, "tcp" },
	{ IPPROTO_UDP, "udp" },
	{ IPPROTO_UDPLITE, "udplite" },
	{ IPPROTO_ICMP, "icmp" },
	{ IPPROTO_ICMPV6, "icmpv6" },
	{ IPPROTO_SCTP, "sctp" },
	{ IPPROTO_MPTCP, "mptcp" },
	{ IPPROTO_RAW, "raw" },
	{ IPPROTO_IPIP, NULL },
	{ 200, NULL },
	{ 256, NULL },
	{ -1, NULL },
};

static const struct fdscope_name_case fdscope_netlink_cases[] = {
	{ NETLINK_ROUTE, "NETLINK_ROUTE" },
	{ NETLINK_USERSOCK, "NETLINK_USERSOCK" },
	{ NETLINK_SOCK_DIAG, "NETLINK_SOCK_DIAG" },
	{ NETLINK_AUDIT, "NETLINK_AUDIT" },
	{ NETLINK_KOBJECT_UEVENT, "NETLINK_KOBJECT_UEVENT" },
	{ NETLINK_GENERIC, "NETLINK_GENERIC" },
	{ NETLINK_CRYPTO, "NETLINK_CRYPTO" },
	{ NETLINK_SMC, "NETLINK_SMC" },
	{ NETLINK_SMC + 1, NULL },
	{ MAX_LINKS, NULL },
	{ -1, NULL },
};

static const struct fdscope_name_case fdscope_ethproto_cases[] = {
	{ ETH_P_ALL, "ETH_P_ALL" },
	{ ETH_P_IP, "ETH_P_IP" },
	{ ETH_P_ARP, "ETH_P_ARP" },
	{ ETH_P_IPV6, "ETH_P_IPV6" },
	{ ETH_P_8021Q, "ETH_P_8021Q" },
	{ ETH_P_LLDP, "ETH_P_LLDP" },
	{ 0, NULL },
	{ 0x88b5, NULL },
	{ 0xffff, NULL },
};

static const struct fdscope_name_case fdscope_tcp_state_cases[] = {
	{ TCP_ESTABLISHED, "ESTABLISHED" },
	{ TCP_SYN_SENT, "SYN_SENT" },
	{ TCP_SYN_RECV, "SYN_RECV" },
	{ TCP_FIN_WAIT1, "FIN_WAIT1" },
	{ TCP_FIN_WAIT2, "FIN_WAIT2" },
	{ TCP_TIME_WAIT, "TIME_WAIT" },
	{ TCP_CLOSE, "CLOSE" },
	{ TCP_CLOSE_WAIT, "CLOSE_WAIT" },
	{ TCP_LAST_ACK, "LAST_ACK" },
	{ TCP_LISTEN, "LISTEN" },
	{ TCP_CLOSING, "CLOSING" },
	{ TCP_NEW_SYN_RECV, "NEW_SYN_RECV" },
	{ 0, NULL },
	{ 64, NULL },
	{ -1, NULL },
};

static const struct fdscope_name_case fdscope_unix_state_cases[] = {
	{ TCP_LISTEN, "listen" },
	{ TCP_ESTABLISHED, "connected" },
	{ TCP_CLOSE, "unconnected" },
	{ TCP_SYN_SENT, "unconnected" },
	{ 0, "unconnected" },
};

static const struct fdscope_name_case fdscope_type_cases[] = {
	{ S_IFREG, "REG" },
	{ S_IFREG | 0755, "REG" },
	{ S_IFDIR | 01777, "DIR" },
	{ S_IFCHR, "CHR" },
	{ S_IFBLK, "BLK" },
	{ S_IFIFO | 0600, "FIFO" },
	{ S_IFSOCK | 0777, "SOCK" },
	{ S_IFLNK, "LNK" },
	{ 0, NULL },		/* anonymous inodes: the class is used */
	{ 0600, NULL },
};

static const struct fdscope_name_case fdscope_mode_cases[] = {
	{ (__force int)FMODE_READ, "r" },
	{ (__force int)FMODE_WRITE, "w" },
	{ (__force int)(FMODE_READ | FMODE_WRITE), "rw" },
	{ (__force int)(FMODE_READ | FMODE_LSEEK | FMODE_PREAD), "r" },
	{ 0, NULL },
	{ (__force int)FMODE_PATH, NULL },
	{ (__force int)(FMODE_PATH | FMODE_READ), NULL },
};

KUNIT_ARRAY_PARAM(fdscope_family, fdscope_family_cases, fdscope_name_desc);
KUNIT_ARRAY_PARAM(fdscope_socktype, fdscope_socktype_cases, fdscope_name_desc);
KUNIT_ARRAY_PARAM(fdscope_ipproto, fdscope_ipproto_cases, fdscope_name_desc);
KUNIT_ARRAY_PARAM(fdscope_netlink, fdscope_netlink_cases, fdscope_name_desc);
KUNIT_ARRAY_PARAM(fdscope_ethproto, fdscope_ethproto_cases, fdscope_name_desc);
KUNIT_ARRAY_PARAM(fdscope_tcp_state, fdscope_tcp_state_cases, fdscope_name_desc);
KUNIT_ARRAY_PARAM(fdscope_unix_state, fdscope_unix_state_cases, fdscope_name_desc);
KUNIT_ARRAY_PARAM(fdscope_type, fdscope_type_cases, fdscope_name_desc);
KUNIT_ARRAY_PARAM(fdscope_mode, fdscope_mode_cases, fdscope_name_desc);

static const char *fdscope_ethproto_int(int proto)
{
	return fdscope_ethproto_name(proto);
}

static const char *fdscope_type_int(int mode)
{
	return fdscope_type_name(mode);
}

static const char *fdscope_mode_int(int mode)
{
	return fdscope_mode_name((__force fmode_t)mode);
}

static void fdscope_family_name_test(struct kunit *test)
{
	fdscope_expect_name(test, fdscope_family_name);
}

static void fdscope_socktype_name_test(struct kunit *test)
{
	fdscope_expect_name(test, fdscope_socktype_name);
}

static void fdscope_ipproto_name_test(struct kunit *test)
{
	fdscope_expect_name(test, fdscope_ipproto_name);
}

static void fdscope_netlink_name_test(struct kunit *test)
{
	fdscope_expect_name(test, fdscope_netlink_name);
}

static void fdscope_ethproto_name_test(struct kunit *test)
{
	fdscope_expect_name(test, fdscope_ethproto_int);
}

static void fdscope_tcp_state_name_test(struct kunit *test)
{
	fdscope_expect_name(test, fdscope_tcp_state_name);
}

static void fdscope_unix_state_name_test(struct kunit *test)
{
	fdscope_expect_name(test, fdscope_unix_state_name);
}

static void fdscope_type_name_test(struct kunit *test)
{
	fdscope_expect_name(test, fdscope_type_int);
}

static void fdscope_mode_name_test(struct kunit *test)
{
	fdscope_expect_name(test, fdscope_mode_int);
}

/* Open flags to their comma-separated names, in the documented order. */
struct fdscope_flags_case {
	const char *desc;
	unsigned int flags;
	const char *names;
};

#define FDSCOPE_ALL_FLAG_NAMES \
	"append,async,direct,directory,dsync,largefile,noatime,nofollow,nonblock,path,sync,tmpfile"

static const struct fdscope_flags_case fdscope_flags_cases[] = {
	{ "none", 0, "" },
	{ "access and creation flags are not named",
	  O_RDWR | O_CREAT | O_EXCL | O_TRUNC | O_NOCTTY | O_CLOEXEC, "" },
	{ "append", O_APPEND, "append" },
	{ "async", FASYNC, "async" },
	{ "direct", O_DIRECT, "direct" },
	{ "directory", O_DIRECTORY, "directory" },
	{ "dsync", O_DSYNC, "dsync" },
	{ "largefile", O_LARGEFILE, "largefile" },
	{ "noatime", O_NOATIME, "noatime" },
	{ "nofollow", O_NOFOLLOW, "nofollow" },
	{ "nonblock", O_NONBLOCK, "nonblock" },
	{ "path", O_PATH, "path" },
	{ "O_SYNC includes O_DSYNC", O_SYNC, "dsync,sync" },
	{ "O_TMPFILE includes O_DIRECTORY", O_TMPFILE | O_RDWR, "directory,tmpfile" },
	{ "order is fixed", O_NONBLOCK | O_LARGEFILE | O_APPEND, "append,largefile,nonblock" },
	{ "all", O_APPEND | FASYNC | O_DIRECT | O_DIRECTORY | O_DSYNC | O_LARGEFILE |
		 O_NOATIME | O_NOFOLLOW | O_NONBLOCK | O_PATH | O_SYNC | O_TMPFILE,
	  FDSCOPE_ALL_FLAG_NAMES },
	{ "unknown bits", 0x80000000U, "" },
};

static void fdscope_flags_desc(const struct fdscope_flags_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(fdscope_flags, fdscope_flags_cases, fdscope_flags_desc);

static void fdscope_flag_names_test(struct kunit *test)
{
	const struct fdscope_flags_case *c = test->param_value;
	char *buf = kunit_kmalloc(test, 96, GFP_KERNEL);	/* as files.c */
	int len;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	len = fdscope_flag_names(c->flags, buf, 96);
	KUNIT_EXPECT_STREQ(test, buf, c->names);
	KUNIT_EXPECT_EQ(test, len, (int)strlen(c->names));
}

/*
 * A buffer too small for every name truncates, NUL-terminated, without
 * writing past its end (KASAN watches the exact-size allocations).
 */
static void fdscope_flag_names_small_buffer_test(struct kunit *test)
{
	const unsigned int all = O_APPEND | FASYNC | O_DIRECT | O_DIRECTORY |
				 O_DSYNC | O_LARGEFILE | O_NOATIME | O_NOFOLLOW |
				 O_NONBLOCK | O_PATH | O_SYNC | O_TMPFILE;
	const size_t need = sizeof(FDSCOPE_ALL_FLAG_NAMES);
	size_t size;
	char *buf;
	int len;

	for (size = 1; size <= need; size++) {
		buf = kunit_kmalloc(test, size, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, buf);
		len = fdscope_flag_names(all, buf, size);
		KUNIT_EXPECT_LT_MSG(test, (size_t)len, size, "size %zu", size);
		KUNIT_EXPECT_EQ_MSG(test, strnlen(buf, size), (size_t)len, "size %zu", size);
		KUNIT_EXPECT_EQ_MSG(test, memcmp(buf, FDSCOPE_ALL_FLAG_NAMES, len), 0,
				    "size %zu", size);
		kunit_kfree(test, buf);
	}
	/* files.c formats into 96 bytes: every name must fit. */
	KUNIT_EXPECT_LE(test, need, (size_t)96);
}

/* An anonymous inode's /proc text and the class it names (NULL: none). */
struct fdscope_anon_case {
	const char *path;
	const char *class;
};

static const struct fdscope_anon_case fdscope_anon_cases[] = {
	{ "anon_inode:[eventfd]", "eventfd" },
	{ "anon_inode:[eventpoll]", "eventpoll" },
	{ "anon_inode:[timerfd]", "timerfd" },
	{ "anon_inode:[io_uring]", "io_uring" },
	{ "anon_inode:inotify", "inotify" },
	{ "anon_inode:bpf-map", "bpf-map" },
	{ "anon_inode:[pidfd]", "pidfd" },
	{ "anon_inode:[a b]", "a b" },
	{ "anon_inode:[]", NULL },
	{ "anon_inode:", NULL },
	{ "anon_inode", NULL },
	{ "/anon_inode:[eventfd]", NULL },
	{ "pipe:[1234]", NULL },
	{ "socket:[1234]", NULL },
	{ "/dev/null", NULL },
	{ "", NULL },
};

static void fdscope_anon_desc(const struct fdscope_anon_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "\"%s\"", c->path);
}

KUNIT_ARRAY_PARAM(fdscope_anon, fdscope_anon_cases, fdscope_anon_desc);

static void fdscope_anon_class_test(struct kunit *test)
{
	const struct fdscope_anon_case *c = test->param_value;
	size_t len = 12345;
	const char *class = fdscope_anon_class(c->path, &len);

	if (!c->class) {
		KUNIT_EXPECT_NULL(test, class);
		return;
	}
	KUNIT_ASSERT_NOT_NULL(test, class);
	KUNIT_EXPECT_EQ(test, len, strlen(c->class));
	KUNIT_EXPECT_EQ(test, strncmp(class, c->class, len), 0);
	/* A pointer into the path, not a copy. */
	KUNIT_EXPECT_TRUE(test, class > c->path && class < c->path + strlen(c->path));
}

static struct kunit_case fdscope_names_test_cases[] = {
	KUNIT_CASE_PARAM(fdscope_family_name_test, fdscope_family_gen_params),
	KUNIT_CASE_PARAM(fdscope_socktype_name_test, fdscope_socktype_gen_params),
	KUNIT_CASE_PARAM(fdscope_ipproto_name_test, fdscope_ipproto_gen_params),
	KUNIT_CASE_PARAM(fdscope_netlink_name_test, fdscope_netlink_gen_params),
	KUNIT_CASE_PARAM(fdscope_ethproto_name_test, fdscope_ethproto_gen_params),
	KUNIT_CASE_PARAM(fdscope_tcp_state_name_test, fdscope_tcp_state_gen_params),
	KUNIT_CASE_PARAM(fdscope_unix_state_name_test, fdscope_unix_state_gen_params),
	KUNIT_CASE_PARAM(fdscope_type_name_test, fdscope_type_gen_params),
	KUNIT_CASE_PARAM(fdscope_mode_name_test, fdscope_mode_gen_params),
	KUNIT_CASE_PARAM(fdscope_flag_names_test, fdscope_flags_gen_params),
	KUNIT_CASE(fdscope_flag_names_small_buffer_test),
	KUNIT_CASE_PARAM(fdscope_anon_class_test, fdscope_anon_gen_params),
	{}
};

static struct kunit_suite fdscope_names_suite = {
	.name = "fdscope_names",
	.init = fdscope_kunit_watch_init,
	.exit = fdscope_kunit_watch_exit,
	.test_cases = fdscope_names_test_cases,
};

kunit_test_suite(fdscope_names_suite);

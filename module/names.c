// SPDX-License-Identifier: GPL-2.0
/*
 * Names for the numbers the debugfs files show: open flags, file types,
 * socket families, types, protocols and states. Pure table lookups, so
 * KUnit can check every entry.
 */
#include <linux/fcntl.h>
#include <linux/fs.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/kernel.h>
#include <linux/net.h>
#include <linux/netlink.h>
#include <linux/socket.h>
#include <linux/string.h>
#include <net/tcp_states.h>

#include "fdscope.h"

const char *fdscope_mode_name(fmode_t mode)
{
	if (mode & FMODE_PATH)
		return NULL;
	switch (mode & (FMODE_READ | FMODE_WRITE)) {
	case FMODE_READ | FMODE_WRITE:
		return "rw";
	case FMODE_READ:
		return "r";
	case FMODE_WRITE:
		return "w";
	}
	return NULL;
}

static const struct {
	unsigned int flag;
	const char *name;
} fdscope_flags[] = {
	{ O_APPEND, "append" },
	{ FASYNC, "async" },
	{ O_DIRECT, "direct" },
	{ O_DIRECTORY, "directory" },
	{ O_DSYNC, "dsync" },
	{ O_LARGEFILE, "largefile" },
	{ O_NOATIME, "noatime" },
	{ O_NOFOLLOW, "nofollow" },
	{ O_NONBLOCK, "nonblock" },
	{ O_PATH, "path" },
	{ __O_SYNC, "sync" },
	{ __O_TMPFILE, "tmpfile" },
};

/*
 * Write the comma-separated names of @flags into @buf; return the length,
 * 0 when no flag is named. O_SYNC includes O_DSYNC and O_TMPFILE includes
 * O_DIRECTORY, so each is named by its own bit.
 */
int fdscope_flag_names(unsigned int flags, char *buf, size_t size)
{
	size_t len = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(fdscope_flags); i++) {
		if (!(flags & fdscope_flags[i].flag))
			continue;
		len += scnprintf(buf + len, size - len, "%s%s", len ? "," : "",
				 fdscope_flags[i].name);
	}
	return len;
}

const char *fdscope_type_name(umode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return "REG";
	case S_IFDIR:
		return "DIR";
	case S_IFCHR:
		return "CHR";
	case S_IFBLK:
		return "BLK";
	case S_IFIFO:
		return "FIFO";
	case S_IFSOCK:
		return "SOCK";
	case S_IFLNK:
		return "LNK";
	}
	return NULL;
}

/*
 * The class of an anonymous inode from its /proc/PID/fd text,
 * "anon_inode:[eventfd]" or "anon_inode:inotify": a pointer into @path
 * and its length, or NULL when @path is not an anonymous inode's.
 */
const char *fdscope_anon_class(const char *path, size_t *len)
{
	static const char prefix[] = "anon_inode:";
	size_t n;

	if (strncmp(path, prefix, sizeof(prefix) - 1))
		return NULL;
	path += sizeof(prefix) - 1;
	n = strlen(path);
	if (n >= 2 && path[0] == '[' && path[n - 1] == ']') {
		path++;
		n -= 2;
	}
	if (!n)
		return NULL;
	*len = n;
	return path;
}

#define FDSCOPE_NAME(i, s) [i] = s

static const char * const fdscope_families[] = {
	FDSCOPE_NAME(AF_UNIX, "unix"),
	FDSCOPE_NAME(AF_INET, "inet"),
	FDSCOPE_NAME(AF_INET6, "inet6"),
	FDSCOPE_NAME(AF_NETLINK, "netlink"),
	FDSCOPE_NAME(AF_PACKET, "packet"),
	FDSCOPE_NAME(AF_KEY, "key"),
	FDSCOPE_NAME(AF_BLUETOOTH, "bluetooth"),
	FDSCOPE_NAME(AF_CAN, "can"),
	FDSCOPE_NAME(AF_TIPC, "tipc"),
	FDSCOPE_NAME(AF_ALG, "alg"),
	FDSCOPE_NAME(AF_VSOCK, "vsock"),
	FDSCOPE_NAME(AF_KCM, "kcm"),
	FDSCOPE_NAME(AF_QIPCRTR, "qipcrtr"),
	FDSCOPE_NAME(AF_SMC, "smc"),
	FDSCOPE_NAME(AF_XDP, "xdp"),
	FDSCOPE_NAME(AF_MCTP, "mctp"),
	FDSCOPE_NAME(AF_RDS, "rds"),
	FDSCOPE_NAME(AF_PPPOX, "pppox"),
};

static const char * const fdscope_socktypes[] = {
	FDSCOPE_NAME(SOCK_STREAM, "stream"),
	FDSCOPE_NAME(SOCK_DGRAM, "dgram"),
	FDSCOPE_NAME(SOCK_RAW, "raw"),
	FDSCOPE_NAME(SOCK_RDM, "rdm"),
	FDSCOPE_NAME(SOCK_SEQPACKET, "seqpacket"),
	FDSCOPE_NAME(SOCK_DCCP, "dccp"),
	FDSCOPE_NAME(SOCK_PACKET, "packet"),
};

static const char * const fdscope_ipprotos[] = {
	FDSCOPE_NAME(IPPROTO_IP, "ip"),
	FDSCOPE_NAME(IPPROTO_ICMP, "icmp"),
	FDSCOPE_NAME(IPPROTO_IGMP, "igmp"),
	FDSCOPE_NAME(IPPROTO_TCP, "tcp"),
	FDSCOPE_NAME(IPPROTO_UDP, "udp"),
	FDSCOPE_NAME(IPPROTO_DCCP, "dccp"),
	FDSCOPE_NAME(IPPROTO_IPV6, "ipv6"),
	FDSCOPE_NAME(IPPROTO_GRE, "gre"),
	FDSCOPE_NAME(IPPROTO_ESP, "esp"),
	FDSCOPE_NAME(IPPROTO_AH, "ah"),
	FDSCOPE_NAME(58, "icmpv6"),	/* IPPROTO_ICMPV6, an ipv6 header */
	FDSCOPE_NAME(IPPROTO_SCTP, "sctp"),
	FDSCOPE_NAME(IPPROTO_UDPLITE, "udplite"),
	FDSCOPE_NAME(IPPROTO_RAW, "raw"),
};

static const char * const fdscope_netlinks[] = {
	FDSCOPE_NAME(NETLINK_ROUTE, "NETLINK_ROUTE"),
	FDSCOPE_NAME(NETLINK_UNUSED, "NETLINK_UNUSED"),
	FDSCOPE_NAME(NETLINK_USERSOCK, "NETLINK_USERSOCK"),
	FDSCOPE_NAME(NETLINK_FIREWALL, "NETLINK_FIREWALL"),
	FDSCOPE_NAME(NETLINK_SOCK_DIAG, "NETLINK_SOCK_DIAG"),
	FDSCOPE_NAME(NETLINK_NFLOG, "NETLINK_NFLOG"),
	FDSCOPE_NAME(NETLINK_XFRM, "NETLINK_XFRM"),
	FDSCOPE_NAME(NETLINK_SELINUX, "NETLINK_SELINUX"),
	FDSCOPE_NAME(NETLINK_ISCSI, "NETLINK_ISCSI"),
	FDSCOPE_NAME(NETLINK_AUDIT, "NETLINK_AUDIT"),
	FDSCOPE_NAME(NETLINK_FIB_LOOKUP, "NETLINK_FIB_LOOKUP"),
	FDSCOPE_NAME(NETLINK_CONNECTOR, "NETLINK_CONNECTOR"),
	FDSCOPE_NAME(NETLINK_NETFILTER, "NETLINK_NETFILTER"),
	FDSCOPE_NAME(NETLINK_IP6_FW, "NETLINK_IP6_FW"),
	FDSCOPE_NAME(NETLINK_DNRTMSG, "NETLINK_DNRTMSG"),
	FDSCOPE_NAME(NETLINK_KOBJECT_UEVENT, "NETLINK_KOBJECT_UEVENT"),
	FDSCOPE_NAME(NETLINK_GENERIC, "NETLINK_GENERIC"),
	FDSCOPE_NAME(NETLINK_SCSITRANSPORT, "NETLINK_SCSITRANSPORT"),
	FDSCOPE_NAME(NETLINK_ECRYPTFS, "NETLINK_ECRYPTFS"),
	FDSCOPE_NAME(NETLINK_RDMA, "NETLINK_RDMA"),
	FDSCOPE_NAME(NETLINK_CRYPTO, "NETLINK_CRYPTO"),
	FDSCOPE_NAME(NETLINK_SMC, "NETLINK_SMC"),
};

/* Indexed by the kernel's TCP_* states (include/net/tcp_states.h). */
static const char * const fdscope_tcp_states[] = {
	FDSCOPE_NAME(TCP_ESTABLISHED, "ESTABLISHED"),
	FDSCOPE_NAME(TCP_SYN_SENT, "SYN_SENT"),
	FDSCOPE_NAME(TCP_SYN_RECV, "SYN_RECV"),
	FDSCOPE_NAME(TCP_FIN_WAIT1, "FIN_WAIT1"),
	FDSCOPE_NAME(TCP_FIN_WAIT2, "FIN_WAIT2"),
	FDSCOPE_NAME(TCP_TIME_WAIT, "TIME_WAIT"),
	FDSCOPE_NAME(TCP_CLOSE, "CLOSE"),
	FDSCOPE_NAME(TCP_CLOSE_WAIT, "CLOSE_WAIT"),
	FDSCOPE_NAME(TCP_LAST_ACK, "LAST_ACK"),
	FDSCOPE_NAME(TCP_LISTEN, "LISTEN"),
	FDSCOPE_NAME(TCP_CLOSING, "CLOSING"),
	FDSCOPE_NAME(TCP_NEW_SYN_RECV, "NEW_SYN_RECV"),
	FDSCOPE_NAME(TCP_NEW_SYN_RECV + 1, "BOUND_INACTIVE"),
};

static const char *fdscope_lookup(const char * const *names, size_t nr, int i)
{
	return i >= 0 && (size_t)i < nr ? names[i] : NULL;
}

#define FDSCOPE_LOOKUP(table, i) fdscope_lookup(table, ARRAY_SIZE(table), i)

/* NULL for numbers without a name: callers print the number instead. */
const char *fdscope_family_name(int family)
{
	return FDSCOPE_LOOKUP(fdscope_families, family);
}

const char *fdscope_socktype_name(int type)
{
	return FDSCOPE_LOOKUP(fdscope_socktypes, type);
}

const char *fdscope_ipproto_name(int proto)
{
	if (proto == IPPROTO_MPTCP)
		return "mptcp";
	return FDSCOPE_LOOKUP(fdscope_ipprotos, proto);
}

const char *fdscope_netlink_name(int proto)
{
	return FDSCOPE_LOOKUP(fdscope_netlinks, proto);
}

const char *fdscope_ethproto_name(u16 proto)
{
	switch (proto) {
	case ETH_P_ALL:
		return "ETH_P_ALL";
	case ETH_P_IP:
		return "ETH_P_IP";
	case ETH_P_ARP:
		return "ETH_P_ARP";
	case ETH_P_IPV6:
		return "ETH_P_IPV6";
	case ETH_P_8021Q:
		return "ETH_P_8021Q";
	case ETH_P_LLDP:
		return "ETH_P_LLDP";
	}
	return NULL;
}

const char *fdscope_tcp_state_name(int state)
{
	return FDSCOPE_LOOKUP(fdscope_tcp_states, state);
}

/* af_unix keeps its state in TCP_* terms; name it the way users think of it. */
const char *fdscope_unix_state_name(int state)
{
	switch (state) {
	case TCP_LISTEN:
		return "listen";
	case TCP_ESTABLISHED:
		return "connected";
	}
	return "unconnected";
}

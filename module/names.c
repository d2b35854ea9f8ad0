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
#include <linux/in6.h>
#include <linux/kernel.h>
#include <linux/magic.h>
#include <linux/net.h>
#include <linux/netlink.h>
#include <linux/socket.h>
#include <linux/string.h>
#include <net/tcp_states.h>

#include "compat.h"
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

#define FDSCOPE_FLAG(f, s) { f, s, sizeof(s) - 1 }

static const struct {
	unsigned int flag;
	const char *name;
	size_t len;
} fdscope_flags[] = {
	FDSCOPE_FLAG(O_APPEND, "append"),
	FDSCOPE_FLAG(FASYNC, "async"),
	FDSCOPE_FLAG(O_DIRECT, "direct"),
	FDSCOPE_FLAG(O_DIRECTORY, "directory"),
	FDSCOPE_FLAG(O_DSYNC, "dsync"),
	FDSCOPE_FLAG(O_LARGEFILE, "largefile"),
	FDSCOPE_FLAG(O_NOATIME, "noatime"),
	FDSCOPE_FLAG(O_NOFOLLOW, "nofollow"),
	FDSCOPE_FLAG(O_NONBLOCK, "nonblock"),
	FDSCOPE_FLAG(O_PATH, "path"),
	FDSCOPE_FLAG(__O_SYNC, "sync"),
	FDSCOPE_FLAG(__O_TMPFILE, "tmpfile"),
};

/* Append @n bytes of @s at @len, truncated to fit and NUL-terminated. */
static size_t fdscope_append(char *buf, size_t size, size_t len, const char *s, size_t n)
{
	n = min(n, size - 1 - len);
	memcpy(buf + len, s, n);
	buf[len + n] = '\0';
	return len + n;
}

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
		if (len)
			len = fdscope_append(buf, size, len, ",", 1);
		len = fdscope_append(buf, size, len, fdscope_flags[i].name,
				     fdscope_flags[i].len);
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
/*
 * Is @file the anonymous-inode file of class @name (the dentry name the
 * kernel passes to anon_inode_get*())? Only kernel code makes those, so
 * the name is as good as the fops, which are not exported.
 */
bool fdscope_is_anon(const struct file *file, const char *name)
{
	return file_inode(file)->i_sb->s_magic == ANON_INODE_FS_MAGIC &&
	       !strcmp(file->f_path.dentry->d_name.name, name);
}

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

static const char * const fdscope_families[] = {
	[AF_UNIX] = "unix",
	[AF_INET] = "inet",
	[AF_INET6] = "inet6",
	[AF_NETLINK] = "netlink",
	[AF_PACKET] = "packet",
	[AF_KEY] = "key",
	[AF_BLUETOOTH] = "bluetooth",
	[AF_CAN] = "can",
	[AF_TIPC] = "tipc",
	[AF_ALG] = "alg",
	[AF_VSOCK] = "vsock",
	[AF_KCM] = "kcm",
	[AF_QIPCRTR] = "qipcrtr",
	[AF_SMC] = "smc",
	[AF_XDP] = "xdp",
	[AF_MCTP] = "mctp",
	[AF_RDS] = "rds",
	[AF_PPPOX] = "pppox",
};

static const char * const fdscope_socktypes[] = {
	[SOCK_STREAM] = "stream",
	[SOCK_DGRAM] = "dgram",
	[SOCK_RAW] = "raw",
	[SOCK_RDM] = "rdm",
	[SOCK_SEQPACKET] = "seqpacket",
	[SOCK_DCCP] = "dccp",
	[SOCK_PACKET] = "packet",
};

static const char * const fdscope_ipprotos[] = {
	[IPPROTO_IP] = "ip",
	[IPPROTO_ICMP] = "icmp",
	[IPPROTO_IGMP] = "igmp",
	[IPPROTO_TCP] = "tcp",
	[IPPROTO_UDP] = "udp",
	[IPPROTO_DCCP] = "dccp",
	[IPPROTO_IPV6] = "ipv6",
	[IPPROTO_GRE] = "gre",
	[IPPROTO_ESP] = "esp",
	[IPPROTO_AH] = "ah",
	[IPPROTO_ICMPV6] = "icmpv6",
	[IPPROTO_SCTP] = "sctp",
	[IPPROTO_UDPLITE] = "udplite",
	[IPPROTO_RAW] = "raw",
};

static const char * const fdscope_netlinks[] = {
	[NETLINK_ROUTE] = "NETLINK_ROUTE",
	[NETLINK_UNUSED] = "NETLINK_UNUSED",
	[NETLINK_USERSOCK] = "NETLINK_USERSOCK",
	[NETLINK_FIREWALL] = "NETLINK_FIREWALL",
	[NETLINK_SOCK_DIAG] = "NETLINK_SOCK_DIAG",
	[NETLINK_NFLOG] = "NETLINK_NFLOG",
	[NETLINK_XFRM] = "NETLINK_XFRM",
	[NETLINK_SELINUX] = "NETLINK_SELINUX",
	[NETLINK_ISCSI] = "NETLINK_ISCSI",
	[NETLINK_AUDIT] = "NETLINK_AUDIT",
	[NETLINK_FIB_LOOKUP] = "NETLINK_FIB_LOOKUP",
	[NETLINK_CONNECTOR] = "NETLINK_CONNECTOR",
	[NETLINK_NETFILTER] = "NETLINK_NETFILTER",
	[NETLINK_IP6_FW] = "NETLINK_IP6_FW",
	[NETLINK_DNRTMSG] = "NETLINK_DNRTMSG",
	[NETLINK_KOBJECT_UEVENT] = "NETLINK_KOBJECT_UEVENT",
	[NETLINK_GENERIC] = "NETLINK_GENERIC",
	[NETLINK_SCSITRANSPORT] = "NETLINK_SCSITRANSPORT",
	[NETLINK_ECRYPTFS] = "NETLINK_ECRYPTFS",
	[NETLINK_RDMA] = "NETLINK_RDMA",
	[NETLINK_CRYPTO] = "NETLINK_CRYPTO",
	[NETLINK_SMC] = "NETLINK_SMC",
};

/* Indexed by the kernel's TCP_* states (include/net/tcp_states.h). */
static const char * const fdscope_tcp_states[] = {
	[TCP_ESTABLISHED] = "ESTABLISHED",
	[TCP_SYN_SENT] = "SYN_SENT",
	[TCP_SYN_RECV] = "SYN_RECV",
	[TCP_FIN_WAIT1] = "FIN_WAIT1",
	[TCP_FIN_WAIT2] = "FIN_WAIT2",
	[TCP_TIME_WAIT] = "TIME_WAIT",
	[TCP_CLOSE] = "CLOSE",
	[TCP_CLOSE_WAIT] = "CLOSE_WAIT",
	[TCP_LAST_ACK] = "LAST_ACK",
	[TCP_LISTEN] = "LISTEN",
	[TCP_CLOSING] = "CLOSING",
	[TCP_NEW_SYN_RECV] = "NEW_SYN_RECV",
	[TCP_BOUND_INACTIVE] = "BOUND_INACTIVE",
};

static const char *fdscope_lookup(const char * const *names, size_t nr, int i)
{
	return i >= 0 && (size_t)i < nr ? names[i] : NULL;
}

/* NULL for numbers without a name: callers print the number instead. */
const char *fdscope_family_name(int family)
{
	return fdscope_lookup(fdscope_families, ARRAY_SIZE(fdscope_families), family);
}

const char *fdscope_socktype_name(int type)
{
	return fdscope_lookup(fdscope_socktypes, ARRAY_SIZE(fdscope_socktypes), type);
}

const char *fdscope_ipproto_name(int proto)
{
	if (proto == IPPROTO_MPTCP)
		return "mptcp";
	return fdscope_lookup(fdscope_ipprotos, ARRAY_SIZE(fdscope_ipprotos), proto);
}

const char *fdscope_netlink_name(int proto)
{
	return fdscope_lookup(fdscope_netlinks, ARRAY_SIZE(fdscope_netlinks), proto);
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
	return fdscope_lookup(fdscope_tcp_states, ARRAY_SIZE(fdscope_tcp_states), state);
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

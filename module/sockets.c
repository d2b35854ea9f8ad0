// SPDX-License-Identifier: GPL-2.0
/*
 * The "sockets" debugfs file: one record per socket fd, read the way
 * /proc/net/tcp and unix_diag read sockets — READ_ONCE() and the socket's
 * own small locks, never lock_sock(). The walk's file reference keeps the
 * socket and its sock alive.
 */
#include <linux/if_packet.h>
#include <linux/net.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <linux/vm_sockets.h>
#include <net/af_unix.h>
#include <net/af_vsock.h>
#include <net/inet_connection_sock.h>
#include <net/inet_sock.h>
#include <net/sock.h>
#include <net/tcp.h>
#include <net/tcp_states.h>
#include <net/udp.h>

#include "compat.h"
#include "fdscope.h"

static bool fdscope_sk_is_udp(const struct sock *sk)
{
	return sk_is_inet(sk) && sk->sk_type == SOCK_DGRAM &&
	       (sk->sk_protocol == IPPROTO_UDP || sk->sk_protocol == IPPROTO_UDPLITE);
}

static int fdscope_sk_state(struct sock *sk)
{
	return sk_is_inet(sk) ? inet_sk_state_load(sk) : READ_ONCE(sk->sk_state);
}

/*
 * Connections waiting to be accepted. af_unix queues them as skbs on the
 * listener and does not keep sk_ack_backlog, which inet does.
 */
static unsigned int fdscope_accept_queue_len(struct sock *sk)
{
	if (sk->sk_family == AF_UNIX)
		return skb_queue_len_lockless(&sk->sk_receive_queue);
	return READ_ONCE(sk->sk_ack_backlog);
}

/*
 * @len, @name: fdscope_sock_name()'s result, for packet sockets (bind()
 * may change their protocol; getsockname() knows the current one).
 */
static void fdscope_field_proto(struct seq_file *m, struct socket *sock, int len,
				const struct sockaddr_storage *name)
{
	struct sock *sk = sock->sk;
	int proto = sk->sk_protocol;

	switch (sk->sk_family) {
	case AF_INET:
	case AF_INET6:
		fdscope_field_name(m, fdscope_ipproto_name(proto), "ipproto%d", proto);
		break;
	case AF_NETLINK:
		fdscope_field_name(m, fdscope_netlink_name(proto), "NETLINK_%d", proto);
		break;
	case AF_PACKET:
		proto = len < 0 ? -1 : fdscope_packet_proto(sock, name);
		if (proto < 0)
			fdscope_field_none(m);
		else
			fdscope_field_name(m, fdscope_ethproto_name(proto), "0x%04x", proto);
		break;
	default:
		fdscope_field_none(m);
	}
}

/*
 * Families whose sk_state holds TCP_* values that mean what they mean for
 * TCP: inet, and vsock (CLOSE, SYN_SENT, ESTABLISHED, CLOSING, LISTEN).
 */
static bool fdscope_sk_tcp_states(const struct sock *sk)
{
	return sk_is_inet(sk) || sk->sk_family == AF_VSOCK;
}

static void fdscope_field_state(struct seq_file *m, struct sock *sk, int state)
{
	if (fdscope_sk_tcp_states(sk))
		fdscope_field_name(m, fdscope_tcp_state_name(state), "%d", state);
	else if (sk->sk_family == AF_UNIX)
		fdscope_field_word(m, fdscope_unix_state_name(state));
	else
		fdscope_field_none(m);
}

/*
 * Receive and send queues in bytes, as ss computes them per protocol;
 * those of them in @fields.
 */
static void fdscope_field_queues(struct seq_file *m, struct sock *sk, bool listening,
				 unsigned long fields)
{
	long rxq, txq;

	if (!(fields & (BIT(FDSCOPE_SF_RXQ) | BIT(FDSCOPE_SF_TXQ))))
		return;
	if (sk_is_inet(sk) && (sk->sk_protocol == IPPROTO_MPTCP ||
			       sk->sk_protocol == IPPROTO_SCTP)) {
		/* Their queues live in per-subflow/association state. */
		if (fdscope_shows(fields, FDSCOPE_SF_RXQ))
			fdscope_field_none(m);
		if (fdscope_shows(fields, FDSCOPE_SF_TXQ))
			fdscope_field_none(m);
		return;
	}
	if (listening) {
		rxq = fdscope_accept_queue_len(sk);
		txq = READ_ONCE(sk->sk_max_ack_backlog);
	} else if (sk_is_tcp(sk)) {
		const struct tcp_sock *tp = tcp_sk(sk);

		/* Unlocked, so a transient negative is possible. */
		rxq = max_t(int, READ_ONCE(tp->rcv_nxt) - READ_ONCE(tp->copied_seq), 0);
		txq = READ_ONCE(tp->write_seq) - READ_ONCE(tp->snd_una);
	} else if (fdscope_sk_is_udp(sk)) {
		rxq = udp_rqueue_get(sk);
		txq = sk_wmem_alloc_get(sk);
	} else if (sk->sk_family == AF_UNIX) {
		/*
		 * -EINVAL if listen() ran since the state was read: a
		 * listener's queue holds connections, not bytes.
		 */
		rxq = max_t(long, unix_inq_len(sk), 0);
		txq = unix_outq_len(sk);
	} else {
		rxq = sk_rmem_alloc_get(sk);
		txq = sk_wmem_alloc_get(sk);
	}
	if (fdscope_shows(fields, FDSCOPE_SF_RXQ))
		fdscope_field_ll(m, rxq);
	if (fdscope_shows(fields, FDSCOPE_SF_TXQ))
		fdscope_field_ll(m, txq);
}

/*
 * The socket cookie, the number sock_diag (ss -e's "sk:", in hex) and BPF's
 * bpf_get_socket_cookie() report. Generated on first use, as every
 * sock_diag dump does; lock-free and never sleeps.
 */
static void fdscope_field_cookie(struct seq_file *m, struct sock *sk)
{
	u32 cookie[2];

	sock_diag_save_cookie(sk, cookie);
	fdscope_field_ull(m, (u64)cookie[1] << 32 | cookie[0]);
}

/*
 * Which directions shutdown() closed, as ss shows it: '<' unless the
 * receive side is shut, '>' unless the send side is: "<->" open, "-->"
 * after SHUT_RD, "<--" after SHUT_WR, "---" both. af_unix also shuts the
 * peer's opposite side. "-" for families without shutdown().
 */
static void fdscope_field_shutdown(struct seq_file *m, struct sock *sk)
{
	u8 how = READ_ONCE(sk->sk_shutdown);
	char s[4];

	if (!sk_is_inet(sk) && sk->sk_family != AF_UNIX && sk->sk_family != AF_VSOCK) {
		fdscope_field_none(m);
		return;
	}
	s[0] = how & RCV_SHUTDOWN ? '-' : '<';
	s[1] = '-';
	s[2] = how & SEND_SHUTDOWN ? '-' : '>';
	s[3] = '\0';
	fdscope_field_word(m, s);
}

/* @len, @name: fdscope_sock_name()'s result. */
static void fdscope_field_netlink_groups(struct seq_file *m, int len,
					 const struct sockaddr_storage *name)
{
	if (len < 0)
		fdscope_field_none(m);
	else
		seq_printf(m, " %08x", ((const struct sockaddr_nl *)name)->nl_groups);
}

/*
 * A unix socket's peer inode (0: the peer's socket is gone, as unix_diag
 * reports it) and its count of fds in flight, those in @fields; "-" for
 * other families. @peer: unix_peer_get()'s, or NULL.
 */
static void fdscope_field_unix_peer(struct seq_file *m, struct sock *sk, struct sock *peer,
				    unsigned long fields)
{
	bool is_unix = sk->sk_family == AF_UNIX;

	if (fdscope_shows(fields, FDSCOPE_SF_PEER)) {
		if (is_unix && peer)
			fdscope_field_ull(m, sock_i_ino(peer));
		else
			fdscope_field_none(m);
	}
	if (fdscope_shows(fields, FDSCOPE_SF_INFLIGHT)) {
		if (is_unix)
			fdscope_field_ull(m, atomic_read(&unix_sk(sk)->scm_stat.nr_fds));
		else
			fdscope_field_none(m);
	}
}

/*
 * The sock behind the walk's socket fd. Only __sock_release() clears sk,
 * at the last fput: never while the walk holds the file, so NULL is a bug.
 */
struct sock *fdscope_record_sock(const struct fdscope_record *rec)
{
	struct socket *sock = sock_from_file(rec->file);
	struct sock *sk = sock ? sock->sk : NULL;

	WARN_ON_ONCE(!sk);
	return sk;
}

/*
 * The fields every socket record starts with: pid tid comm fd, then
 * fileid and ino if @fields has them.
 */
void fdscope_field_sock_id(struct seq_file *m, struct fdscope_reader *r, unsigned long fields)
{
	const struct fdscope_record *rec = &r->walk.rec;

	fdscope_field_owner(m, r);
	fdscope_field_ull(m, rec->fd);
	if (fdscope_shows(fields, FDSCOPE_SF_FILEID))
		fdscope_field_id(m, fdscope_file_identity(rec->file));
	if (fdscope_shows(fields, FDSCOPE_SF_INO))
		fdscope_field_ull(m, file_inode(rec->file)->i_ino);
}

int fdscope_sockets_show(struct seq_file *m, void *v)
{
	struct fdscope_reader *r = m->private;
	const struct fdscope_record *rec = &r->walk.rec;
	unsigned long fields = fdscope_fields(&r->walk.filter);
	struct sock *sk, *peer = NULL;
	struct sockaddr_storage name;
	struct socket *sock;
	int state, len = -1;
	bool listening;

	if (v == SEQ_START_TOKEN) {
		fdscope_fields_header(m, FDSCOPE_SOCKETS, fields);
		return 0;
	}

	sock = sock_from_file(rec->file);
	sk = fdscope_record_sock(rec);
	if (!sk)
		return SEQ_SKIP;

	state = fdscope_sk_state(sk);
	/* Only inet, vsock and unix sockets keep their state in TCP_* terms. */
	listening = state == TCP_LISTEN &&
		    (fdscope_sk_tcp_states(sk) || sk->sk_family == AF_UNIX);
	/* The peer names the remote end and is the peer field; it costs a lock. */
	if (sk->sk_family == AF_UNIX &&
	    (fields & (BIT(FDSCOPE_SF_REMOTE) | BIT(FDSCOPE_SF_PEER))))
		peer = unix_peer_get(sk);
	/* Read once: proto, local and groups all come from this one name. */
	if (fields & (BIT(FDSCOPE_SF_PROTO) | BIT(FDSCOPE_SF_LOCAL) | BIT(FDSCOPE_SF_GROUPS)))
		len = fdscope_sock_name(sock, &name);

	fdscope_field_sock_id(m, r, fields);
	if (fdscope_shows(fields, FDSCOPE_SF_FAMILY))
		fdscope_field_name(m, fdscope_family_name(sk->sk_family), "af%d", sk->sk_family);
	if (fdscope_shows(fields, FDSCOPE_SF_TYPE))
		fdscope_field_name(m, fdscope_socktype_name(sk->sk_type), "%d", sk->sk_type);
	if (fdscope_shows(fields, FDSCOPE_SF_PROTO))
		fdscope_field_proto(m, sock, len, &name);
	if (fdscope_shows(fields, FDSCOPE_SF_STATE))
		fdscope_field_state(m, sk, state);
	/* Local and remote come together (fdscope_fields_with()). */
	if (fdscope_shows(fields, FDSCOPE_SF_LOCAL))
		fdscope_field_sock_endpoints(m, sock, len, &name, peer);
	fdscope_field_queues(m, sk, listening, fields);
	if (fdscope_shows(fields, FDSCOPE_SF_DROPS))
		fdscope_field_ull(m, atomic_read(&sk->sk_drops));
	/*
	 * sock_i_uid() without its sk_callback_lock: that lock guards against
	 * sock_orphan(), which cannot run while the walk holds the file.
	 */
	if (fdscope_shows(fields, FDSCOPE_SF_UID))
		fdscope_field_ull(m, from_kuid_munged(seq_user_ns(m),
						      file_inode(rec->file)->i_uid));
	if (fdscope_shows(fields, FDSCOPE_SF_NETNS))
		fdscope_field_ull(m, sock_net(sk)->ns.inum);
	fdscope_field_unix_peer(m, sk, peer, fields);
	if (fdscope_shows(fields, FDSCOPE_SF_BACKLOG)) {
		if (listening)
			seq_printf(m, " %u/%u", fdscope_accept_queue_len(sk),
				   READ_ONCE(sk->sk_max_ack_backlog));
		else
			fdscope_field_none(m);
	}
	if (fdscope_shows(fields, FDSCOPE_SF_GROUPS)) {
		if (sk->sk_family == AF_NETLINK)
			fdscope_field_netlink_groups(m, len, &name);
		else
			fdscope_field_none(m);
	}
	if (fdscope_shows(fields, FDSCOPE_SF_START))
		fdscope_field_start(m, rec);
	if (fdscope_shows(fields, FDSCOPE_SF_COOKIE))
		fdscope_field_cookie(m, sk);
	if (fdscope_shows(fields, FDSCOPE_SF_SHUTDOWN))
		fdscope_field_shutdown(m, sk);
	seq_putc(m, '\n');

	if (peer)
		sock_put(peer);
	return 0;
}

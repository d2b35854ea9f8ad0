// SPDX-License-Identifier: GPL-2.0
/*
 * The "sockstats" debugfs file: one record per socket fd with the counters
 * ss -i and ss -m show, read lock-free as /proc/net/tcp reads them. Apart
 * from "sockets" so that listing sockets does not pay for formatting twenty
 * numbers per socket: a reader opens this file only when asked for them.
 */
#include <linux/jiffies.h>
#include <linux/net.h>
#include <linux/tcp.h>
#include <net/inet_connection_sock.h>
#include <net/sock.h>
#include <net/tcp.h>
#include <net/tcp_states.h>

#include "compat.h"
#include "fdscope.h"

/*
 * What ss -i shows of a TCP connection, read lock-free as /proc/net/tcp
 * reads it (word-sized, racy, never lock_sock()): smoothed rtt and its
 * variance in microseconds, the retransmit timeout in microseconds, the
 * congestion window and slow-start threshold in segments, segments not yet
 * acknowledged, retransmits of the current segment and over the
 * connection's life, the receive-space estimate and the peer's window in
 * bytes. "-" for listeners and anything not TCP.
 */
static void fdscope_field_tcp_info(struct seq_file *m, struct sock *sk)
{
	const struct inet_connection_sock *icsk;
	const struct tcp_sock *tp;

	if (!sk_is_tcp(sk) || READ_ONCE(sk->sk_state) == TCP_LISTEN) {
		seq_puts(m, " - - - - - - - - - -");
		return;
	}
	tp = tcp_sk(sk);
	icsk = inet_csk(sk);
	fdscope_field_ull(m, READ_ONCE(tp->srtt_us) >> 3);
	fdscope_field_ull(m, READ_ONCE(tp->mdev_us) >> 2);
	fdscope_field_ull(m, jiffies_to_usecs(READ_ONCE(icsk->icsk_rto)));
	fdscope_field_ull(m, tcp_snd_cwnd(tp));
	fdscope_field_ull(m, READ_ONCE(tp->snd_ssthresh));
	fdscope_field_ull(m, READ_ONCE(tp->packets_out));
	fdscope_field_ull(m, READ_ONCE(icsk->icsk_retransmits));
	fdscope_field_ull(m, READ_ONCE(tp->total_retrans));
	fdscope_field_ull(m, READ_ONCE(tp->rcvq_space.space));
	fdscope_field_ull(m, READ_ONCE(tp->snd_wnd));
}

/*
 * Socket memory in bytes, as sk_get_meminfo() (not exported) and ss -m
 * read it, every family: receive queue and buffer, send queue and buffer,
 * forward-allocated, queued to send, option memory, and the backlog of
 * packets that arrived while a user held the socket.
 */
static void fdscope_field_meminfo(struct seq_file *m, struct sock *sk)
{
	fdscope_field_ull(m, sk_rmem_alloc_get(sk));
	fdscope_field_ull(m, READ_ONCE(sk->sk_rcvbuf));
	fdscope_field_ull(m, sk_wmem_alloc_get(sk));
	fdscope_field_ull(m, READ_ONCE(sk->sk_sndbuf));
	seq_put_decimal_ll(m, " ", sk_forward_alloc_get(sk));
	fdscope_field_ull(m, READ_ONCE(sk->sk_wmem_queued));
	fdscope_field_ull(m, atomic_read(&sk->sk_omem_alloc));
	fdscope_field_ull(m, READ_ONCE(sk->sk_backlog.len));
}

int fdscope_sockstats_show(struct seq_file *m, void *v)
{
	struct fdscope_reader *r = m->private;
	struct sock *sk;

	if (v == SEQ_START_TOKEN) {
		seq_printf(m, "# fdscope-sockstats %d pid tid comm fd fileid ino rtt rttvar rto cwnd ssthresh unacked retrans total_retrans rcv_space snd_wnd rmem rcvbuf wmem sndbuf fwd_alloc wmem_queued optmem sk_backlog\n",
			   FDSCOPE_FORMAT_VERSION);
		return 0;
	}

	sk = fdscope_record_sock(&r->walk.rec);
	if (!sk)
		return SEQ_SKIP;

	fdscope_field_sock_id(m, r, FDSCOPE_FIELDS_ALL);
	fdscope_field_tcp_info(m, sk);
	fdscope_field_meminfo(m, sk);
	seq_putc(m, '\n');
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The "holders" debugfs file: the references that keep a file (or a
 * directory, and so a mount) alive besides fd tables. Per owner, its cwd
 * and root, its executable, each mapping of a file; per unix socket, the
 * files in flight in its receive queue (and in those of its connections
 * not yet accepted, and of the unix sockets in flight in it); per io_uring
 * ring, its registered files.
 *
 * Locks held while their owner may be copying to or from user memory (a
 * unix socket's iolock, a ring's uring_lock) are only ever tried: when
 * one is taken, the record says "busy" rather than wait.
 */
#include <linux/fs.h>
#include <linux/io_uring_types.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/net.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <net/af_unix.h>
#include <net/scm.h>
#include <net/sock.h>
#include <net/tcp_states.h>

#include "fdscope.h"

/* A fixed-file slot holds a file pointer with two flag bits (io_uring/filetable.h). */
#define FDSCOPE_FFS_MASK	(~3UL)

/* How often to try a ring's uring_lock (an SQPOLL thread takes it per batch). */
#define FDSCOPE_URING_TRIES	3

static const char *const fdscope_assoc_names[] = {
	[FDSCOPE_CWD] = "cwd",
	[FDSCOPE_ROOT] = "root",
	[FDSCOPE_EXE] = "exe",
	[FDSCOPE_MEM] = "mem",
};

/* What a socket's queues or a ring's table hold, read in one locked section. */
struct fdscope_collect {
	struct fdscope_held *held;	/* FDSCOPE_HELD_MAX entries */
	unsigned int n;
	unsigned long more;		/* left out past FDSCOPE_HELD_MAX */
	struct pid_namespace *ns;
};

static void fdscope_hold(struct fdscope_collect *c, const struct fdscope_held *h)
{
	if (c->n == FDSCOPE_HELD_MAX) {
		c->more++;
		return;
	}
	c->held[c->n] = *h;
	get_file(h->file);
	c->n++;
}

/* An io_uring ring: io_uring_fops is not exported. */
bool fdscope_is_io_uring(struct file *file)
{
	return fdscope_is_anon(file, "[io_uring]");
}

/*
 * A unix socket that may hold files in flight: some in its own queue, or
 * (a listener) in those of its connections not yet accepted. Called under
 * the table's file_lock, which keeps the socket alive.
 */
bool fdscope_holds_inflight(struct file *file)
{
	struct socket *sock = sock_from_file(file);
	struct sock *sk = sock ? sock->sk : NULL;

	if (!sk || sk->sk_family != AF_UNIX)
		return false;
	return atomic_read(&unix_sk(sk)->scm_stat.nr_fds) ||
	       READ_ONCE(sk->sk_state) == TCP_LISTEN;
}

/* The files each message on @sk's queue carries (@sk's, or an embryo's); its lock held. */
static void fdscope_collect_queue(struct fdscope_collect *c, struct sock *sk,
				  unsigned long via, bool embryo)
{
	struct sk_buff_head *queue = &sk->sk_receive_queue;
	struct fdscope_held h = { .via = via, .embryo = embryo };
	struct scm_fp_list *fpl;
	struct sk_buff *skb;
	int i;

	skb_queue_walk(queue, skb) {
		fpl = UNIXCB(skb).fp;
		if (!fpl)
			continue;
		/* The skb holds its pid: no RCU needed to read the number. */
		h.sender = UNIXCB(skb).pid ? pid_nr_ns(UNIXCB(skb).pid, c->ns) : 0;
		for (i = 0; i < fpl->count; i++) {
			h.file = fpl->fp[i];
			fdscope_hold(c, &h);
		}
	}
}

/*
 * The files in flight to @sk, -EBUSY if its reader holds iolock. A stream
 * reader detaches a message's files while the message is still queued,
 * under iolock alone, so the queue lock is not enough; iolock may be held
 * across a copy to user memory, so it is only tried. A listener's queue
 * holds its embryos (skb->sk): no reader can reach an embryo while the
 * listener's queue lock is held, so the embryo's queue lock suffices. All
 * unix queue locks share one lockdep class: the inner one is nested.
 */
static int fdscope_collect_inflight(struct fdscope_collect *c, struct sock *sk,
				    unsigned long via)
{
	struct sk_buff *skb;

	if (READ_ONCE(sk->sk_state) == TCP_LISTEN) {
		spin_lock(&sk->sk_receive_queue.lock);
		skb_queue_walk(&sk->sk_receive_queue, skb) {
			struct sock *embryo = skb->sk;

			if (!embryo)
				continue;
			spin_lock_nested(&embryo->sk_receive_queue.lock, SINGLE_DEPTH_NESTING);
			fdscope_collect_queue(c, embryo, via, true);
			spin_unlock(&embryo->sk_receive_queue.lock);
		}
		spin_unlock(&sk->sk_receive_queue.lock);
		return 0;
	}
	if (!mutex_trylock(&unix_sk(sk)->iolock))
		return -EBUSY;
	spin_lock(&sk->sk_receive_queue.lock);
	fdscope_collect_queue(c, sk, via, false);
	spin_unlock(&sk->sk_receive_queue.lock);
	mutex_unlock(&unix_sk(sk)->iolock);
	return 0;
}

/*
 * One level further: a unix socket in flight carries the files in flight
 * to it (how the garbage collector's cycles form), and no fd table holds
 * it, so nothing else lists them. Their via is that socket's inode. A
 * socket whose reader is busy is skipped here; its own fd, if any, says so.
 */
static void fdscope_collect_nested(struct fdscope_collect *c, struct sock *outer)
{
	unsigned int i, n = c->n;
	struct socket *sock;

	for (i = 0; i < n; i++) {
		sock = sock_from_file(c->held[i].file);
		if (!sock || sock->sk == outer || sock->sk->sk_family != AF_UNIX ||
		    !atomic_read(&unix_sk(sock->sk)->scm_stat.nr_fds))
			continue;
		fdscope_collect_inflight(c, sock->sk, SOCK_INODE(sock)->i_ino);
	}
}

/*
 * The files registered in @ring's fixed-file table, -EBUSY if its
 * uring_lock stays taken. The file reference keeps the ring alive.
 */
static int fdscope_collect_uring(struct fdscope_collect *c, struct file *ring)
{
	struct io_ring_ctx *ctx = ring->private_data;
	struct fdscope_held h = { };
	unsigned int tries, slot;

	for (tries = 0; !mutex_trylock(&ctx->uring_lock); tries++) {
		if (tries == FDSCOPE_URING_TRIES)
			return -EBUSY;
		cond_resched();
	}
	for (slot = 0; slot < ctx->nr_user_files; slot++) {
		h.file = (struct file *)(READ_ONCE(ctx->file_table.files[slot].file_ptr) &
					 FDSCOPE_FFS_MASK);
		if (!h.file)
			continue;
		h.slot = slot;
		fdscope_hold(c, &h);
	}
	mutex_unlock(&ctx->uring_lock);
	return 0;
}

/* The fields before the held file: assoc fd via queue sender slot. */
static void fdscope_field_holder(struct seq_file *m, struct fdscope_reader *r,
				 const char *assoc)
{
	const struct fdscope_record *rec = &r->walk.rec;

	fdscope_field_owner(m, r);
	fdscope_field_word(m, assoc);
	if (rec->assoc == FDSCOPE_FDS)
		fdscope_field_ull(m, rec->fd);
	else
		fdscope_field_none(m);
}

/* A mapping as /proc/PID/maps shows it: start end offset perms. */
static void fdscope_field_mapping(struct seq_file *m, const struct fdscope_record *rec)
{
	unsigned long flags = rec->vm_flags;
	char prot[] = {
		' ',
		flags & VM_READ ? 'r' : '-',
		flags & VM_WRITE ? 'w' : '-',
		flags & VM_EXEC ? 'x' : '-',
		flags & VM_MAYSHARE ? 's' : 'p',
	};

	fdscope_field_hex(m, rec->start, 8);
	fdscope_field_hex(m, rec->end, 8);
	fdscope_field_hex(m, (u64)rec->pgoff << PAGE_SHIFT, 8);
	seq_write(m, prot, sizeof(prot));
}

/*
 * The record's own holder: cwd, root, exe or one mapping. Columns via,
 * queue, sender and slot, status and count do not apply.
 */
static void fdscope_show_task_holder(struct seq_file *m, struct fdscope_reader *r)
{
	const struct fdscope_record *rec = &r->walk.rec;

	fdscope_field_holder(m, r, fdscope_assoc_names[rec->assoc]);
	seq_puts(m, " - - - -");
	if (rec->assoc == FDSCOPE_MEM)
		fdscope_field_mapping(m, rec);
	else
		seq_puts(m, " - - - -");
	seq_puts(m, " - -");
	if (rec->assoc == FDSCOPE_CWD || rec->assoc == FDSCOPE_ROOT)
		fdscope_field_path(m, r, &rec->path);
	else
		fdscope_field_file(m, r, rec->file, FDSCOPE_FIELDS_ALL);
	fdscope_field_start(m, rec);
	seq_putc(m, '\n');
}

/* One line per collected file, then one for what could not be listed. */
static void fdscope_show_held(struct seq_file *m, struct fdscope_reader *r, bool inflight,
			      struct fdscope_collect *c, unsigned long via, int err, long unread)
{
	const char *assoc = inflight ? "inflight" : "uring";
	unsigned int i;

	for (i = 0; i < c->n; i++) {
		const struct fdscope_held *h = &c->held[i];

		/* Filtered after collecting: nested sockets are found in what is held. */
		if (!fdscope_filter_file(&r->walk.filter, h->file))
			continue;
		fdscope_field_holder(m, r, assoc);
		if (inflight) {
			fdscope_field_ull(m, h->via);
			fdscope_field_word(m, h->embryo ? "embryo" : "recv");
			if (h->sender)
				fdscope_field_ull(m, h->sender);
			else
				fdscope_field_none(m);
			fdscope_field_none(m);
		} else {
			seq_puts(m, " - - -");
			fdscope_field_ull(m, h->slot);
		}
		seq_puts(m, " - - - - - -");
		fdscope_field_file(m, r, h->file, FDSCOPE_FIELDS_ALL);
		fdscope_field_start(m, &r->walk.rec);
		seq_putc(m, '\n');
	}
	if (!err && !c->more)
		return;
	fdscope_field_holder(m, r, assoc);
	if (via)
		fdscope_field_ull(m, via);
	else
		fdscope_field_none(m);
	seq_puts(m, " - - - - - - -");
	fdscope_field_word(m, err ? "busy" : "more");
	if (err && unread < 0)
		fdscope_field_none(m);
	else
		fdscope_field_ull(m, err ? unread : c->more);
	seq_puts(m, " - - - - - - -");
	fdscope_field_start(m, &r->walk.rec);
	seq_putc(m, '\n');
}

/* The files a unix socket or io_uring ring at the record's fd holds. */
static void fdscope_show_fd_holder(struct seq_file *m, struct fdscope_reader *r)
{
	struct fdscope_collect c = { .held = r->text.held, .ns = r->walk.ns };
	struct file *file = r->walk.rec.file;
	struct socket *sock = sock_from_file(file);
	unsigned long via = 0;
	long unread = -1;
	unsigned int i;
	int err;

	if (sock) {
		via = SOCK_INODE(sock)->i_ino;
		err = fdscope_collect_inflight(&c, sock->sk, via);
		if (!err)
			fdscope_collect_nested(&c, sock->sk);
		unread = atomic_read(&unix_sk(sock->sk)->scm_stat.nr_fds);
	} else {
		err = fdscope_collect_uring(&c, file);
	}
	fdscope_show_held(m, r, sock, &c, via, err, unread);
	for (i = 0; i < c.n; i++)
		fput(c.held[i].file);
}

int fdscope_holders_show(struct seq_file *m, void *v)
{
	struct fdscope_reader *r = m->private;

	if (v == SEQ_START_TOKEN) {
		seq_printf(m, "# fdscope-holders %d pid tid comm assoc fd via queue sender slot map_start map_end map_offset map_prot status count type dev ino fileid refs deleted path start\n",
			   FDSCOPE_FORMAT_VERSION);
		return 0;
	}
	if (r->walk.rec.assoc == FDSCOPE_FDS)
		fdscope_show_fd_holder(m, r);
	else
		fdscope_show_task_holder(m, r);
	return 0;
}

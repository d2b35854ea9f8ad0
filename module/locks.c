// SPDX-License-Identifier: GPL-2.0
/*
 * The "locks" debugfs file: every file lock, lease and delegation held,
 * under each fd whose open file description it belongs to, attributed as
 * /proc/PID/fdinfo's "lock:" lines are (show_fd_locks(), not exported):
 * POSIX locks belong to the table that took them, flock and OFD locks,
 * leases and delegations to the description.
 *
 * Waiters are not listed: they hang off a lock under the static
 * blocked_lock_lock and are freed without RCU, so a module cannot read
 * them safely. "blocking" says that some request waits; /proc/locks names
 * the waiters (docs/format.md).
 */
#include <linux/fs.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>

#include "compat.h"
#include "fdscope.h"

/* A file whose inode ever carried a lock or lease: its context stays. */
bool fdscope_has_locks(struct file *file)
{
	return locks_inode_context(file_inode(file));
}

/*
 * The locks of @file held through the record's table, copied out under
 * the inode's flc_lock (never sleep under it); the count of those left
 * out past FDSCOPE_HELD_MAX goes to *@more.
 */
static unsigned int fdscope_collect_locks(struct fdscope_reader *r, struct file *file,
					  unsigned long *more)
{
	struct file_lock_context *ctx = locks_inode_context(file_inode(file));
	struct list_head *lists[] = { &ctx->flc_posix, &ctx->flc_flock, &ctx->flc_lease };
	const void *table = r->walk.table;
	struct fdscope_lock_info li;
	struct list_head *pos;
	unsigned int n = 0, i;

	spin_lock(&ctx->flc_lock);
	for (i = 0; i < ARRAY_SIZE(lists); i++) {
		list_for_each(pos, lists[i]) {
			fdscope_lock_info(pos, lists[i] == &ctx->flc_posix, &li);
			if (li.file != file || (li.owner != table && li.owner != file))
				continue;
			if (n == FDSCOPE_HELD_MAX) {
				(*more)++;
				continue;
			}
			r->text.locks[n++] = li;
		}
	}
	spin_unlock(&ctx->flc_lock);
	return n;
}

/* The class /proc/locks names. */
static const char *fdscope_lock_class(unsigned int flags)
{
	if (flags & FL_POSIX) {
		if (flags & FL_ACCESS)
			return "ACCESS";
		return flags & FL_OFDLCK ? "OFDLCK" : "POSIX";
	}
	if (flags & FL_FLOCK)
		return "FLOCK";
	if (flags & FL_DELEG)
		return "DELEG";
	if (flags & FL_LEASE)
		return "LEASE";
	return "UNKNOWN";
}

static const char *fdscope_lock_type(unsigned char type)
{
	switch (type) {
	case F_RDLCK:
		return "READ";
	case F_WRLCK:
		return "WRITE";
	}
	return "UNLCK";
}

/* A lock's pid (initial namespace) in the reader's, or 0: OFD, or gone. */
static pid_t fdscope_lock_pid(struct pid_namespace *ns, int nr)
{
	pid_t vnr;

	if (nr <= 0)
		return 0;
	rcu_read_lock();
	vnr = pid_nr_ns(find_pid_ns(nr, &init_pid_ns), ns);
	rcu_read_unlock();
	return vnr;
}

/* The fields after the lock's own: status count dev ino start. */
static void fdscope_field_lock_tail(struct seq_file *m, struct fdscope_reader *r,
				    struct inode *inode)
{
	fdscope_field_dev_ino(m, inode->i_sb->s_dev, inode->i_ino);
	fdscope_field_start(m, &r->walk.rec);
	seq_putc(m, '\n');
}

static void fdscope_field_lock_head(struct seq_file *m, struct fdscope_reader *r)
{
	const struct fdscope_record *rec = &r->walk.rec;

	fdscope_field_owner(m, r);
	fdscope_field_ull(m, rec->fd);
	fdscope_field_id(m, fdscope_file_identity(rec->file));
}

int fdscope_locks_show(struct seq_file *m, void *v)
{
	struct fdscope_reader *r = m->private;
	const struct fdscope_lock_info *li;
	unsigned long more = 0;
	struct inode *inode;
	struct file *file;
	unsigned int n, i;
	pid_t pid;

	if (v == SEQ_START_TOKEN) {
		seq_printf(m, "# fdscope-locks %d pid tid comm fd fileid class type lock_start lock_end lock_pid blocking breaking status count dev ino start\n",
			   FDSCOPE_FORMAT_VERSION);
		return 0;
	}
	/* Only a record, not the header, has a file. */
	file = r->walk.rec.file;
	inode = file_inode(file);

	n = fdscope_collect_locks(r, file, &more);
	for (i = 0; i < n; i++) {
		li = &r->text.locks[i];
		fdscope_field_lock_head(m, r);
		fdscope_field_word(m, fdscope_lock_class(li->flags));
		fdscope_field_word(m, fdscope_lock_type(li->type));
		if (li->flags & FL_POSIX) {
			fdscope_field_ull(m, li->start);
			if (li->end == OFFSET_MAX)
				fdscope_field_word(m, "EOF");
			else
				fdscope_field_ull(m, li->end);
		} else {
			seq_puts(m, " - -");
		}
		/* OFD locks keep their taker's pid, but it means nothing: /proc/locks says -1. */
		pid = li->flags & FL_OFDLCK ? 0 : fdscope_lock_pid(r->walk.ns, li->pid);
		if (pid)
			fdscope_field_ull(m, pid);
		else
			fdscope_field_none(m);
		fdscope_field_ull(m, li->blocking);
		if (li->flags & (FL_LEASE | FL_DELEG))
			fdscope_field_ull(m, !!(li->flags &
						(FL_UNLOCK_PENDING | FL_DOWNGRADE_PENDING)));
		else
			fdscope_field_none(m);
		seq_puts(m, " - -");
		fdscope_field_lock_tail(m, r, inode);
	}
	if (more) {
		fdscope_field_lock_head(m, r);
		seq_puts(m, " - - - - - - - more");
		fdscope_field_ull(m, more);
		fdscope_field_lock_tail(m, r, inode);
	}
	return 0;
}

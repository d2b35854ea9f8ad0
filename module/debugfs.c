// SPDX-License-Identifier: GPL-2.0
/*
 * The debugfs files, all root-only:
 *
 *	/sys/kernel/debug/fdscope/		0500
 *	/sys/kernel/debug/fdscope/files		0400	one record per fd
 *	/sys/kernel/debug/fdscope/sockets	0400	one record per socket fd
 *	/sys/kernel/debug/fdscope/tasks		0400	one record per fd table
 *	/sys/kernel/debug/fdscope/holders	0400	what else keeps files alive
 *	/sys/kernel/debug/fdscope/locks		0400	file locks, leases, per fd
 *	/sys/kernel/debug/fdscope/epoll		0400	what each eventpoll watches
 *	/sys/kernel/debug/fdscope/sockstats	0400	ss -i and ss -m counters per socket fd
 *	/sys/kernel/debug/fdscope/details	0400	what each pidfd, bpf, eventfd... is
 *
 * Each open file walks on its own cursor and may carry its own filter, set
 * by writing "pid N[,N...]", "dev MAJ:MIN[,...]", "ino MAJ:MIN:INO[,...]"
 * lines (filter.c, docs/format.md). details also takes "opt tun": a
 * tun/tap file's interface name, which costs rtnl_lock per such file;
 * files and sockets take "fields NAME[,...]": only those fields.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/limits.h>
#include <linux/pid_namespace.h>
#include <linux/seq_file.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/uio.h>

#include "compat.h"
#include "fdscope.h"

/*
 * The seq_file buffer: one read() returns at most one buffer, and each
 * read() restarts the walk at its cursor. PAGE_SIZE (seq_read()'s
 * default) is ~25 records per read().
 */
#define FDSCOPE_SEQ_BUF_SIZE	(64 * 1024)

/*
 * Longest write accepted: a full line of each key, "pid " and ten-digit
 * pids, "dev " and MAJ:MIN (4 + 7 digits), "ino " and MAJ:MIN:INO (4 + 7
 * + 20 digits), each item with its comma or newline, "opt tun\n", and a
 * "fields" line.
 */
#define FDSCOPE_WRITE_MAX	(3 * 4 + FDSCOPE_FILTER_MAX * ((10 + 1) + (13 + 1) + (33 + 1)) + \
				 sizeof("opt tun\n") - 1 + FDSCOPE_FIELDS_LINE_MAX)

static struct dentry *fdscope_dir;

const char *const fdscope_file_names[FDSCOPE_KINDS] = {
	[FDSCOPE_FILES] = "files",
	[FDSCOPE_SOCKETS] = "sockets",
	[FDSCOPE_TASKS] = "tasks",
	[FDSCOPE_HOLDERS] = "holders",
	[FDSCOPE_LOCKS] = "locks",
	[FDSCOPE_EPOLL] = "epoll",
	[FDSCOPE_SOCKSTATS] = "sockstats",
	[FDSCOPE_DETAILS] = "details",
};

static struct fdscope_walk *fdscope_seq_walk(struct seq_file *m)
{
	return &((struct fdscope_reader *)m->private)->walk;
}

static void *fdscope_seq_start(struct seq_file *m, loff_t *pos)
{
	return fdscope_walk_start(fdscope_seq_walk(m), pos);
}

static void *fdscope_seq_next(struct seq_file *m, void *v, loff_t *pos)
{
	return fdscope_walk_next(fdscope_seq_walk(m), pos);
}

static void fdscope_seq_stop(struct seq_file *m, void *v)
{
	fdscope_walk_stop(fdscope_seq_walk(m));
}

/* Every file walks the same way; only the records differ. */
#define FDSCOPE_SEQ_OPS(show_fn) {	\
	.start = fdscope_seq_start,	\
	.next = fdscope_seq_next,	\
	.stop = fdscope_seq_stop,	\
	.show = show_fn,		\
}

static const struct seq_operations fdscope_ops[] = {
	[FDSCOPE_FILES] = FDSCOPE_SEQ_OPS(fdscope_files_show),
	[FDSCOPE_SOCKETS] = FDSCOPE_SEQ_OPS(fdscope_sockets_show),
	[FDSCOPE_TASKS] = FDSCOPE_SEQ_OPS(fdscope_tasks_show),
	[FDSCOPE_HOLDERS] = FDSCOPE_SEQ_OPS(fdscope_holders_show),
	[FDSCOPE_LOCKS] = FDSCOPE_SEQ_OPS(fdscope_locks_show),
	[FDSCOPE_EPOLL] = FDSCOPE_SEQ_OPS(fdscope_epoll_show),
	[FDSCOPE_SOCKSTATS] = FDSCOPE_SEQ_OPS(fdscope_sockstats_show),
	[FDSCOPE_DETAILS] = FDSCOPE_SEQ_OPS(fdscope_details_show),
};

static int fdscope_open(struct inode *inode, struct file *file)
{
	enum fdscope_kind kind = (uintptr_t)inode->i_private;
	struct fdscope_reader *r;
	struct seq_file *m;

	r = __seq_open_private(file, &fdscope_ops[kind], sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->walk.kind = kind;
	/* Sockets and tasks print no paths: sockets are named without d_path(). */
	if (kind == FDSCOPE_FILES || kind == FDSCOPE_HOLDERS) {
		r->text.pathbuf = kmalloc(PATH_MAX, GFP_KERNEL);
		if (!r->text.pathbuf)
			goto nomem;
	}
	if (kind == FDSCOPE_HOLDERS) {
		r->text.held = kmalloc_array(FDSCOPE_HELD_MAX, sizeof(*r->text.held), GFP_KERNEL);
		if (!r->text.held)
			goto nomem;
	}
	if (kind == FDSCOPE_LOCKS) {
		r->text.locks = kmalloc_array(FDSCOPE_HELD_MAX, sizeof(*r->text.locks), GFP_KERNEL);
		if (!r->text.locks)
			goto nomem;
	}
	r->walk.ns = get_pid_ns(task_active_pid_ns(current));
	/* seq_read() allocates PAGE_SIZE itself if this fails; seq_release() frees it. */
	m = file->private_data;
	m->buf = kvmalloc(FDSCOPE_SEQ_BUF_SIZE, GFP_KERNEL_ACCOUNT);
	if (m->buf)
		m->size = FDSCOPE_SEQ_BUF_SIZE;
	return 0;

nomem:
	kfree(r->text.pathbuf);
	seq_release_private(inode, file);
	return -ENOMEM;
}

static int fdscope_release(struct inode *inode, struct file *file)
{
	struct fdscope_reader *r = ((struct seq_file *)file->private_data)->private;

	put_pid_ns(r->walk.ns);
	kfree(r->text.pathbuf);
	kfree(r->text.held);
	kfree(r->text.locks);
	kvfree(r->text.scratch);
	return seq_release_private(inode, file);
}

/*
 * Set this open file's filter and rewind it: whatever seq_file kept of the
 * old stream (the bytes buffered, the record index, the position they
 * start at) goes, so a read at any offset, pread() included, sees the new
 * filtered stream. A write that does not parse changes nothing; nor does a
 * file filter on tasks or epoll, whose records are no file's, nor an
 * "opt" line to any file but details, the only one with optional parts.
 */
static ssize_t fdscope_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct seq_file *m = iocb->ki_filp->private_data;
	struct fdscope_reader *r = m->private;
	size_t count = iov_iter_count(from);
	struct fdscope_filter *filter;
	char *buf;
	int err;

	if (count > FDSCOPE_WRITE_MAX)
		return -E2BIG;
	buf = kmalloc(count ?: 1, GFP_KERNEL);
	filter = kmalloc(sizeof(*filter), GFP_KERNEL);
	err = -ENOMEM;
	if (!buf || !filter)
		goto out;
	err = -EFAULT;
	if (copy_from_iter(buf, count, from) != count)
		goto out;
	err = fdscope_filter_parse(buf, count, r->walk.kind, filter);
	if (err)
		goto out;
	err = -EINVAL;
	if (fdscope_filter_on_files(filter) &&
	    (r->walk.kind == FDSCOPE_TASKS || r->walk.kind == FDSCOPE_EPOLL))
		goto out;
	if (filter->opts && r->walk.kind != FDSCOPE_DETAILS)
		goto out;

	mutex_lock(&m->lock);
	r->walk.filter = *filter;
	fdscope_walk_rewind(&r->walk);
	m->index = 0;
	m->count = 0;
	m->from = 0;
	m->read_pos = 0;
	iocb->ki_pos = 0;
	mutex_unlock(&m->lock);
	err = 0;
out:
	kfree(filter);
	kfree(buf);
	return err ? err : (ssize_t)count;
}

/*
 * Iterator reads and writes, so that kernel_read() and kernel_write() (the
 * KUnit suites) work on these files as read(2) and write(2) do.
 */
static const struct file_operations fdscope_fops = {
	.owner = THIS_MODULE,
	.open = fdscope_open,
	.read_iter = seq_read_iter,
	.write_iter = fdscope_write_iter,
	.llseek = seq_lseek,
	.release = fdscope_release,
};

int fdscope_debugfs_init(void)
{
	struct dentry *dir;
	uintptr_t kind;

	dir = debugfs_create_dir("fdscope", NULL);
	if (IS_ERR(dir))
		return PTR_ERR(dir);
	/* debugfs has no mode argument for directories. */
	d_inode(dir)->i_mode = S_IFDIR | 0500;
	/*
	 * Not debugfs' full proxy, which has no iterator reads: its open
	 * proxy still applies lockdown at open, and an open file pins this
	 * module (.owner), so the fops outlive any open file.
	 */
	for (kind = 0; kind < ARRAY_SIZE(fdscope_file_names); kind++)
		debugfs_create_file_unsafe(fdscope_file_names[kind], 0400, dir, (void *)kind,
					   &fdscope_fops);
	fdscope_dir = dir;
	return 0;
}

void fdscope_debugfs_exit(void)
{
	debugfs_remove(fdscope_dir);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The "epoll" debugfs file: what each eventpoll watches. struct eventpoll
 * is private and eventpoll.c exports nothing, so the interest list comes
 * from the eventpoll's own show_fdinfo() (its "tfd:" lines, the text
 * /proc/PID/fdinfo shows), printed into a scratch seq_file (fdinfo.c).
 * It takes ep->mtx, which an epoll_wait() holds while it copies events to user
 * memory: that is why this is a file of its own, never read by the files
 * walk.
 *
 * A target's fd number is the one it had when it was added; each line
 * says whether the owner's table still has that file (same dev and inode)
 * at that fd.
 */
#include <linux/fdtable.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/seq_file.h>

#include "fdscope.h"

/*
 * How many eventpolls watch @file (lsfd's XMODE "m"): its epoll hooks,
 * which are added and removed under f_lock, and whose list head is freed
 * without RCU, so the count is taken under it.
 */
unsigned int fdscope_epoll_watchers(struct file *file)
{
	unsigned int n = 0;
#ifdef CONFIG_EPOLL
	struct hlist_node *node;

	/*
	 * Almost no file is watched: f_ep is set under f_lock by the first
	 * watch, so a file that reads NULL without it had none an instant ago.
	 */
	if (!READ_ONCE(file->f_ep))
		return 0;
	spin_lock(&file->f_lock);
	for (node = file->f_ep ? file->f_ep->first : NULL; node; node = node->next)
		n++;
	spin_unlock(&file->f_lock);
#endif
	return n;
}

bool fdscope_is_eventpoll(struct file *file)
{
	return fdscope_is_anon(file, "[eventpoll]");
}

/* Does the owner's table hold a file of dev @sdev, inode @ino, at @fd? */
static bool fdscope_epoll_target_at(struct fdscope_reader *r, unsigned int fd,
				    unsigned long ino, unsigned int sdev)
{
	struct task_struct *task = r->walk.rec.task;
	struct files_struct *files;
	struct fdtable *fdt;
	struct inode *inode;
	struct file *file;
	bool same = false;

	task_lock(task);
	files = task->files;
	if (files) {
		spin_lock(&files->file_lock);
		fdt = files_fdtable(files);
		file = fd < fdt->max_fds ?
		       rcu_dereference_protected(fdt->fd[fd],
						 lockdep_is_held(&files->file_lock)) : NULL;
		if (file) {
			inode = file_inode(file);
			same = inode->i_ino == ino && inode->i_sb->s_dev == sdev;
		}
		spin_unlock(&files->file_lock);
	}
	task_unlock(task);
	return same;
}

static void fdscope_field_epoll_head(struct seq_file *m, struct fdscope_reader *r)
{
	fdscope_field_owner(m, r);
	fdscope_field_ull(m, r->walk.rec.fd);
	fdscope_field_id(m, fdscope_file_identity(r->walk.rec.file));
}

int fdscope_epoll_show(struct seq_file *m, void *v)
{
	struct fdscope_reader *r = m->private;
	unsigned long long data;
	unsigned long ino;
	unsigned int events, sdev;
	char *line;
	struct seq_file s;
	bool complete;
	int tfd;

	if (v == SEQ_START_TOKEN) {
		seq_printf(m, "# fdscope-epoll %d pid tid comm fd fileid tfd events data tdev tino match status start\n",
			   FDSCOPE_FORMAT_VERSION);
		return 0;
	}

	complete = fdscope_fdinfo_text(r, r->walk.rec.file, &s);
	for (line = NULL; (line = fdscope_fdinfo_line(&s, line));) {
		if (sscanf(line, "tfd: %d events: %x data: %llx pos:%*d ino:%lx sdev:%x",
			   &tfd, &events, &data, &ino, &sdev) != 5)
			continue;
		fdscope_field_epoll_head(m, r);
		fdscope_field_ull(m, tfd);
		seq_printf(m, " %x %llx", events, data);
		fdscope_field_dev_ino(m, sdev, ino);
		fdscope_field_ull(m, tfd >= 0 && fdscope_epoll_target_at(r, tfd, ino, sdev));
		fdscope_field_none(m);
		fdscope_field_start(m, &r->walk.rec);
		seq_putc(m, '\n');
	}
	if (!complete) {
		/* The interest list did not fit the largest scratch buffer. */
		fdscope_field_epoll_head(m, r);
		seq_puts(m, " - - - - - - more");
		fdscope_field_start(m, &r->walk.rec);
		seq_putc(m, '\n');
	}
	return 0;
}

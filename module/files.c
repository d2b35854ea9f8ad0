// SPDX-License-Identifier: GPL-2.0
/*
 * The "files" debugfs file: one record per open fd, three levels deep —
 * the fd, the open file description it points to, and the inode behind.
 */
#include <linux/dcache.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/kdev_t.h>
#include <linux/limits.h>
#include <linux/magic.h>
#include <linux/string.h>

#include "fdscope.h"

/* The same text readlink(/proc/PID/fd/N) gives; NULL if it is too long. */
static const char *fdscope_file_path(struct fdscope_walk *w, size_t *len)
{
	char *path = d_path(&w->file->f_path, w->pathbuf, PATH_MAX);

	if (IS_ERR(path))
		return NULL;
	*len = strlen(path);
	return path;
}

/*
 * sockfs and pipefs name their files in d_dname(), "socket:[ino]" and
 * "pipe:[ino]": the text to print without d_path() and its vsnprintf(),
 * or NULL for any other file.
 */
static const char *fdscope_pseudo_prefix(struct file *file, struct inode *inode)
{
	const struct dentry *dentry = file->f_path.dentry;

	if (!dentry->d_op || !dentry->d_op->d_dname)
		return NULL;
	switch (inode->i_sb->s_magic) {
	case SOCKFS_MAGIC:
		return " socket:[";
	case PIPEFS_MAGIC:
		return " pipe:[";
	}
	return NULL;
}

/*
 * Unlinked, as /proc shows it: d_path() appends " (deleted)" to unlinked
 * names, and never-linked pseudo files such as memfds carry the same
 * suffix from their d_dname(). A hashed dentry is never deleted, whatever
 * its name says.
 */
static bool fdscope_file_deleted(struct file *file, const char *path, size_t len)
{
	static const char suffix[] = " (deleted)";
	size_t n = sizeof(suffix) - 1;

	return d_unhashed(file->f_path.dentry) && len >= n &&
	       !memcmp(path + len - n, suffix, n);
}

int fdscope_files_show(struct seq_file *m, void *v)
{
	struct fdscope_walk *w = m->private;
	struct file *file = w->file;
	const char *path = NULL, *name, *anon, *pseudo;
	struct inode *inode;
	size_t len = 0, n;
	char flags[96];
	dev_t dev;

	if (v == SEQ_START_TOKEN) {
		seq_printf(m, "# fdscope-files %d pid tid comm fd table cloexec mode flags pos type dev ino fileid refs deleted path\n",
			   FDSCOPE_FORMAT_VERSION);
		return 0;
	}

	inode = file_inode(file);
	fdscope_put_owner(m, w);
	fdscope_put_ull(m, w->fd);
	fdscope_put_id(m, w->table_id);
	fdscope_put_ull(m, w->cloexec);

	name = fdscope_mode_name(file->f_mode);
	if (name)
		fdscope_put_word(m, name);
	else
		fdscope_put_none(m);
	if (fdscope_flag_names(file->f_flags, flags, sizeof(flags)))
		fdscope_put_word(m, flags);
	else
		fdscope_put_none(m);
	fdscope_put_ull(m, file->f_pos);

	/*
	 * Anonymous inodes by the class /proc shows, whatever their mode:
	 * 6.9+ pidfds live in pidfs with an S_IFREG mode but still read
	 * "anon_inode:[pidfd]". Real paths always start with '/'. Sockets
	 * and pipes are neither: their names are printed without d_path().
	 */
	pseudo = fdscope_pseudo_prefix(file, inode);
	if (!pseudo)
		path = fdscope_file_path(w, &len);
	anon = path ? fdscope_anon_class(path, &n) : NULL;
	name = fdscope_type_name(inode->i_mode);
	if (anon) {
		seq_putc(m, ' ');
		fdscope_put_escaped(m, anon, n);
	} else if (name) {
		fdscope_put_word(m, name);
	} else {
		fdscope_put_word(m, "UNKN");
	}

	dev = inode->i_sb->s_dev;
	seq_put_decimal_ull(m, " ", MAJOR(dev));
	seq_put_decimal_ull(m, ":", MINOR(dev));
	fdscope_put_ull(m, inode->i_ino);
	fdscope_put_id(m, fdscope_identity(file));
	/* Less the reference this walk holds. */
	fdscope_put_ull(m, file_count(file) - 1);
	fdscope_put_ull(m, path && fdscope_file_deleted(file, path, len));
	if (pseudo) {
		seq_puts(m, pseudo);
		seq_put_decimal_ull(m, "", inode->i_ino);
		seq_putc(m, ']');
	} else if (path) {
		seq_putc(m, ' ');
		fdscope_put_escaped(m, path, len);
	} else {
		fdscope_put_none(m);
	}
	seq_putc(m, '\n');
	return 0;
}

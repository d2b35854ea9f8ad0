// SPDX-License-Identifier: GPL-2.0
/*
 * The "files" debugfs file: one record per open fd, three levels deep —
 * the fd, the open file description it points to, and the inode behind.
 * The fields that describe a file (type to path) are shared with the
 * "holders" file.
 */
#include <linux/dcache.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/limits.h>
#include <linux/magic.h>
#include <linux/path.h>
#include <linux/string.h>

#include "compat.h"
#include "fdscope.h"

/* The same text readlink(/proc/PID/fd/N) gives; NULL if it is too long. */
static const char *fdscope_path_text(struct fdscope_reader *r, const struct path *path,
				     size_t *len)
{
	char *text = d_path(path, r->text.pathbuf, PATH_MAX);

	if (IS_ERR(text))
		return NULL;
	*len = strlen(text);
	return text;
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
static bool fdscope_path_deleted(const struct path *path, const char *text, size_t len)
{
	static const char suffix[] = " (deleted)";
	size_t n = sizeof(suffix) - 1;

	return d_unhashed(path->dentry) && len >= n && !memcmp(text + len - n, suffix, n);
}

/* The inode's type: REG, DIR, ... or UNKN. */
static void fdscope_field_type(struct seq_file *m, const struct inode *inode)
{
	fdscope_field_word(m, fdscope_type_name(inode->i_mode) ?: "UNKN");
}

/*
 * The fields every record of a file ends with: type dev ino fileid refs
 * deleted path, those of them in @fields (FDSCOPE_FF_* bits). The walk
 * holds a reference on @file (refs leaves it out). Mapped files show the
 * path and inode the user sees (on 6.12 the overlayfs ones of a backing
 * file), as /proc/PID/maps does.
 */
void fdscope_field_file(struct seq_file *m, struct fdscope_reader *r, struct file *file,
			unsigned long fields)
{
	const struct inode *inode = fdscope_file_user_inode(file);
	const struct path *upath = fdscope_file_user_path(file);
	const char *path = NULL, *anon = NULL, *pseudo;
	size_t len = 0, n;

	/*
	 * Anonymous inodes by the class /proc shows, whatever their mode:
	 * 6.9+ pidfds live in pidfs with an S_IFREG mode but still read
	 * "anon_inode:[pidfd]". Real paths always start with '/'. Sockets
	 * and pipes are neither: their names are printed without d_path().
	 */
	pseudo = fdscope_pseudo_prefix(file, file_inode(file));
	if (!pseudo && (fields & (BIT(FDSCOPE_FF_TYPE) | BIT(FDSCOPE_FF_DELETED) |
				  BIT(FDSCOPE_FF_PATH))))
		path = fdscope_path_text(r, upath, &len);
	if (fdscope_shows(fields, FDSCOPE_FF_TYPE)) {
		anon = path ? fdscope_anon_class(path, &n) : NULL;
		if (anon)
			fdscope_field_bytes(m, anon, n);
		else
			fdscope_field_type(m, inode);
	}
	if (fdscope_shows(fields, FDSCOPE_FF_DEV) && fdscope_shows(fields, FDSCOPE_FF_INO))
		fdscope_field_dev_ino(m, inode->i_sb->s_dev, inode->i_ino);
	else if (fdscope_shows(fields, FDSCOPE_FF_DEV))
		fdscope_field_dev(m, inode->i_sb->s_dev);
	else if (fdscope_shows(fields, FDSCOPE_FF_INO))
		fdscope_field_ull(m, inode->i_ino);
	if (fdscope_shows(fields, FDSCOPE_FF_FILEID))
		fdscope_field_id(m, fdscope_file_identity(file));
	/* Less the references this walk holds. */
	if (fdscope_shows(fields, FDSCOPE_FF_REFS))
		fdscope_field_ull(m, file_count(file) - fdscope_walk_refs(&r->walk, file));
	if (fdscope_shows(fields, FDSCOPE_FF_DELETED))
		fdscope_field_ull(m, path && fdscope_path_deleted(upath, path, len));
	if (!fdscope_shows(fields, FDSCOPE_FF_PATH))
		return;
	if (pseudo) {
		seq_puts(m, pseudo);
		seq_put_decimal_ull(m, "", file_inode(file)->i_ino);
		seq_putc(m, ']');
	} else if (path) {
		fdscope_field_bytes(m, path, len);
	} else {
		fdscope_field_none(m);
	}
}

/*
 * The same fields for a directory held by its path alone (cwd, root):
 * there is no open file description, so no fileid or refs.
 */
void fdscope_field_path(struct seq_file *m, struct fdscope_reader *r, const struct path *path)
{
	const struct inode *inode = d_inode(path->dentry);
	const char *text;
	size_t len = 0;

	text = fdscope_path_text(r, path, &len);
	fdscope_field_type(m, inode);
	fdscope_field_dev_ino(m, inode->i_sb->s_dev, inode->i_ino);
	seq_puts(m, " - -");
	fdscope_field_ull(m, text && fdscope_path_deleted(path, text, len));
	if (text)
		fdscope_field_bytes(m, text, len);
	else
		fdscope_field_none(m);
}

/*
 * A regular file's size in bytes and its link count (0: deleted, still
 * open: lsof +L1's question, ranked by size), those in @fields; "-" for
 * other types.
 */
static void fdscope_field_size(struct seq_file *m, const struct inode *inode,
			       unsigned long fields)
{
	bool reg = S_ISREG(inode->i_mode);

	if (fdscope_shows(fields, FDSCOPE_FF_SIZE)) {
		if (reg)
			fdscope_field_ull(m, i_size_read(inode));
		else
			fdscope_field_none(m);
	}
	if (fdscope_shows(fields, FDSCOPE_FF_NLINK)) {
		if (reg)
			fdscope_field_ull(m, inode->i_nlink);
		else
			fdscope_field_none(m);
	}
}

int fdscope_files_show(struct seq_file *m, void *v)
{
	struct fdscope_reader *r = m->private;
	const struct fdscope_record *rec = &r->walk.rec;
	unsigned long fields = fdscope_fields(&r->walk.filter);
	struct file *file = rec->file;
	const char *name;
	char flags[96];

	if (v == SEQ_START_TOKEN) {
		fdscope_fields_header(m, FDSCOPE_FILES, fields);
		return 0;
	}

	fdscope_field_owner(m, r);
	fdscope_field_ull(m, rec->fd);
	if (fdscope_shows(fields, FDSCOPE_FF_TABLE))
		fdscope_field_id(m, rec->table_id);
	if (fdscope_shows(fields, FDSCOPE_FF_CLOEXEC))
		fdscope_field_ull(m, rec->cloexec);
	if (fdscope_shows(fields, FDSCOPE_FF_MODE)) {
		name = fdscope_mode_name(file->f_mode);
		if (name)
			fdscope_field_word(m, name);
		else
			fdscope_field_none(m);
	}
	if (fdscope_shows(fields, FDSCOPE_FF_FLAGS)) {
		if (fdscope_flag_names(file->f_flags, flags, sizeof(flags)))
			fdscope_field_word(m, flags);
		else
			fdscope_field_none(m);
	}
	if (fdscope_shows(fields, FDSCOPE_FF_POS))
		fdscope_field_ull(m, file->f_pos);
	fdscope_field_file(m, r, file, fields);
	if (fdscope_shows(fields, FDSCOPE_FF_START))
		fdscope_field_start(m, rec);
	if (fdscope_shows(fields, FDSCOPE_FF_EPOLLS))
		fdscope_field_ull(m, fdscope_epoll_watchers(file));
	fdscope_field_size(m, file_inode(file), fields);
	seq_putc(m, '\n');
	return 0;
}

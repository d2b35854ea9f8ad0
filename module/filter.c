// SPDX-License-Identifier: GPL-2.0
/*
 * The per-open filter. A write to a debugfs file is one or more lines,
 *
 *	pid N[,N...]			these thread groups
 *	dev MAJ:MIN[,MAJ:MIN...]	files on these superblock devices
 *	ino MAJ:MIN:INO[,...]		these inodes
 *	opt WORD[,WORD...]		and these details, off by default:
 *					"tun" (a tun/tap file's interface)
 *	fields NAME[,NAME...]		files and sockets: print only these
 *					fields (fields.c), and the key
 *
 * each key at most once; the write replaces the whole filter. A key alone
 * puts no limit of its kind ("pid" alone clears the filter, "fields"
 * alone prints every field) and "opt" alone asks for nothing. pid is
 * ANDed with the file keys; dev and ino together select the union of
 * their files.
 */
#include <linux/ctype.h>
#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/kdev_t.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/path.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "compat.h"
#include "fdscope.h"

/* Longest number a list item holds: 2^64 - 1 has 20 digits. */
#define FDSCOPE_NUM_MAX	20

/* The decimal number in @s[0..@n): digits only, at most @max. */
static int fdscope_parse_num(const char *s, size_t n, unsigned long long max,
			     unsigned long long *v)
{
	char word[FDSCOPE_NUM_MAX + 1];
	size_t i;

	if (n == 0 || n > FDSCOPE_NUM_MAX)
		return -EINVAL;
	/* Digits only: kstrtoull alone would take "+1", "1\n" and "1\0x". */
	for (i = 0; i < n; i++)
		if (!isdigit(s[i]))
			return -EINVAL;
	memcpy(word, s, n);
	word[n] = '\0';
	if (kstrtoull(word, 10, v) || *v > max)
		return -EINVAL;
	return 0;
}

/* "MAJ:MIN" at the start of @s[0..@n); returns the bytes used, or -EINVAL. */
static int fdscope_parse_dev(const char *s, size_t n, dev_t *dev)
{
	unsigned long long major, minor;
	size_t a, b;

	for (a = 0; a < n && s[a] != ':'; a++)
		;
	if (a == n || fdscope_parse_num(s, a, MAJOR(~0U), &major))
		return -EINVAL;
	for (b = a + 1; b < n && s[b] != ':'; b++)
		;
	if (fdscope_parse_num(s + a + 1, b - a - 1, MINORMASK, &minor))
		return -EINVAL;
	*dev = MKDEV(major, minor);
	return b;
}

/* The words an "opt" line takes, by the FDSCOPE_OPT_* bit they set. */
static const char *const fdscope_opt_names[] = {
	[ilog2(FDSCOPE_OPT_TUN)] = "tun",
};

/* One word of an "opt" line into @f; a repeat is harmless. */
static int fdscope_parse_opt(struct fdscope_filter *f, const char *s, size_t n)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fdscope_opt_names); i++) {
		if (strlen(fdscope_opt_names[i]) == n && !memcmp(s, fdscope_opt_names[i], n)) {
			f->opts |= BIT(i);
			return 0;
		}
	}
	return -EINVAL;
}

/* One list item of @key into @f, a filter of @kind's file. */
static int fdscope_parse_item(struct fdscope_filter *f, enum fdscope_kind kind, char key,
			      const char *s, size_t n)
{
	unsigned long long v;
	dev_t dev;
	int used;

	switch (key) {
	case 'f':
		used = fdscope_fields_lookup(kind, s, n);
		if (used < 0)
			return used;
		f->fields |= fdscope_fields_with(kind, used);
		return 0;
	case 'o':
		return fdscope_parse_opt(f, s, n);
	case 'p':
		if (fdscope_parse_num(s, n, INT_MAX, &v) || !v)
			return -EINVAL;
		if (f->nr == FDSCOPE_FILTER_MAX)
			return -E2BIG;
		f->tgids[f->nr++] = v;
		return 0;
	case 'd':
		used = fdscope_parse_dev(s, n, &dev);
		if (used < 0 || (size_t)used != n)
			return -EINVAL;
		if (f->ndevs == FDSCOPE_FILTER_MAX)
			return -E2BIG;
		f->devs[f->ndevs++] = dev;
		return 0;
	default:
		used = fdscope_parse_dev(s, n, &dev);
		if (used < 0 || (size_t)used == n ||
		    fdscope_parse_num(s + used + 1, n - used - 1, ULONG_MAX, &v))
			return -EINVAL;
		if (f->ninos == FDSCOPE_FILTER_MAX)
			return -E2BIG;
		f->inos[f->ninos].dev = dev;
		f->inos[f->ninos++].ino = v;
		return 0;
	}
}

/*
 * One line, "key" or "key item[,item...]", into @f, a filter of @kind's
 * file; @seen: the keys so far.
 */
static int fdscope_parse_line(struct fdscope_filter *f, enum fdscope_kind kind,
			      const char *s, size_t len, unsigned int *seen)
{
	static const char *const keys[] = { "pid", "dev", "ino", "opt", "fields" };
	size_t i, n, klen = 0;
	unsigned int k;
	int err;

	for (k = 0; k < ARRAY_SIZE(keys); k++) {
		klen = strlen(keys[k]);
		if (len >= klen && !memcmp(s, keys[k], klen) && (len == klen || s[klen] == ' '))
			break;
	}
	if (k == ARRAY_SIZE(keys) || (*seen & BIT(k)))
		return -EINVAL;
	*seen |= BIT(k);
	if (len == klen)
		return 0;
	/* A space, then at least one item; a comma, then another one. */
	if (len == klen + 1)
		return -EINVAL;
	if (keys[k][0] == 'f')
		f->fields = fdscope_fields_key(kind);
	for (i = klen + 1; i <= len; i += n + 1) {
		for (n = 0; i + n < len && s[i + n] != ','; n++)
			;
		err = fdscope_parse_item(f, kind, keys[k][0], s + i, n);
		if (err)
			return err;
	}
	return 0;
}

/*
 * Parse @buf (not NUL-terminated, @len bytes, lines separated by one
 * newline, one optional trailing newline) into @filter, for a file of
 * @kind (whose field names a "fields" line uses). @filter is only written
 * on success, so a bad write leaves the previous one in force.
 */
int fdscope_filter_parse(const char *buf, size_t len, enum fdscope_kind kind,
			 struct fdscope_filter *filter)
{
	struct fdscope_filter *parsed;
	unsigned int seen = 0;
	size_t i, n;
	int err = 0;

	if (len && buf[len - 1] == '\n')
		len--;
	if (!len)
		return -EINVAL;
	parsed = kzalloc(sizeof(*parsed), GFP_KERNEL);
	if (!parsed)
		return -ENOMEM;
	for (i = 0; i <= len && !err; i += n + 1) {
		for (n = 0; i + n < len && buf[i + n] != '\n'; n++)
			;
		err = fdscope_parse_line(parsed, kind, buf + i, n, &seen);
	}
	if (!err)
		*filter = *parsed;
	kfree(parsed);
	return err;
}

/* Whether @filter limits the files listed, not only the processes. */
bool fdscope_filter_on_files(const struct fdscope_filter *filter)
{
	return filter->ndevs || filter->ninos;
}

/* Does a file whose dev and ino columns print @dev and @ino pass @filter? */
static bool fdscope_filter_inode(const struct fdscope_filter *filter,
				 const struct inode *inode)
{
	unsigned int i;
	dev_t dev;

	if (!fdscope_filter_on_files(filter))
		return true;
	dev = inode->i_sb->s_dev;
	for (i = 0; i < filter->ndevs; i++)
		if (filter->devs[i] == dev)
			return true;
	for (i = 0; i < filter->ninos; i++)
		if (filter->inos[i].dev == dev && filter->inos[i].ino == inode->i_ino)
			return true;
	return false;
}

/* @file as the records show it: the inode the user sees. */
bool fdscope_filter_file(const struct fdscope_filter *filter, const struct file *file)
{
	return fdscope_filter_inode(filter, fdscope_file_user_inode(file));
}

/* A directory held by its path alone (cwd, root). */
bool fdscope_filter_path(const struct fdscope_filter *filter, const struct path *path)
{
	return fdscope_filter_inode(filter, d_inode(path->dentry));
}

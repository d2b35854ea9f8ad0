// SPDX-License-Identifier: GPL-2.0
/*
 * The "details" debugfs file: what an anonymous-inode or pseudo file is,
 * beyond its class name. One record per fd whose file has details: the
 * target of a pidfd, a BPF object's type, id and name, a perf event's
 * attributes, a memfd's seals, an eventfd's counter, what an inotify or
 * fanotify watches, a timerfd's expiry, a signalfd's mask, a namespace
 * file's type, a pty's index, a tun/tap file's interface.
 *
 * Most are read directly, from fields that never change while the file
 * is open or are single words read once. eventfd, timerfd, signalfd,
 * inotify and fanotify keep their state private: it comes from their own
 * show_fdinfo() (fdinfo.c). Of those, only inotify and fanotify sleep (on
 * their group's mark mutex, which no one holds across a copy to user
 * memory); eventfd and timerfd take their wait queue's spinlock. Nothing
 * here takes a lock a task can hold while it copies to user memory.
 *
 * A tun/tap file's interface is the exception: tun keeps it private, and
 * its show_fdinfo() reads it under rtnl_lock(), a global mutex that other
 * tasks hold across whole netlink requests. So a tun file's record names
 * its interface only for an open file that asked for it (FDSCOPE_OPT_TUN,
 * "opt tun" written to it); without that, no record takes rtnl_lock.
 *
 * The walk picks the files (fdscope_has_details(), under the owner's
 * table lock: it only compares words and a dentry name that cannot
 * change); show() holds only the walk's reference on the file.
 */
#include <linux/bpf.h>
#include <linux/err.h>
#include <linux/eventfd.h>
#include <linux/fs.h>
#include <linux/hugetlb.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <linux/kdev_t.h>
#include <linux/magic.h>
#include <linux/major.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/perf_event.h>
#include <linux/pid.h>
#include <linux/proc_ns.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/shmem_fs.h>
#include <linux/string.h>
#include <linux/tty.h>

#include "compat.h"
#include "fdscope.h"

/* Most watched inodes one inotify or fanotify record lists; the rest are counted. */
#define FDSCOPE_DETAILS_INODES_MAX	64

/* memfd_create() names its files "memfd:<name>" (MFD_NAME_PREFIX). */
#define FDSCOPE_MEMFD_PREFIX		"memfd:"

enum fdscope_class {
	FDSCOPE_NO_CLASS,
	FDSCOPE_PIDFD,
	FDSCOPE_BPF_MAP,
	FDSCOPE_BPF_PROG,
	FDSCOPE_BPF_LINK,
	FDSCOPE_PERF_EVENT,
	FDSCOPE_MEMFD,
	FDSCOPE_EVENTFD,
	FDSCOPE_INOTIFY,
	FDSCOPE_FANOTIFY,
	FDSCOPE_TIMERFD,
	FDSCOPE_SIGNALFD,
	FDSCOPE_NSFS,
	FDSCOPE_PTMX,
	FDSCOPE_PTS,
	FDSCOPE_TUN,
};

static const char *const fdscope_class_names[] = {
	[FDSCOPE_PIDFD] = "pidfd",
	[FDSCOPE_BPF_MAP] = "bpf-map",
	[FDSCOPE_BPF_PROG] = "bpf-prog",
	[FDSCOPE_BPF_LINK] = "bpf-link",
	[FDSCOPE_PERF_EVENT] = "perf_event",
	[FDSCOPE_MEMFD] = "memfd",
	[FDSCOPE_EVENTFD] = "eventfd",
	[FDSCOPE_INOTIFY] = "inotify",
	[FDSCOPE_FANOTIFY] = "fanotify",
	[FDSCOPE_TIMERFD] = "timerfd",
	[FDSCOPE_SIGNALFD] = "signalfd",
	[FDSCOPE_NSFS] = "nsfs",
	[FDSCOPE_PTMX] = "ptmx",
	[FDSCOPE_PTS] = "pts",
	[FDSCOPE_TUN] = "tun",
};

/* The names the kernel gives anon_inode_get*() (the same on 6.1 and 6.12). */
static const struct {
	const char *name;
	enum fdscope_class class;
} fdscope_anon_classes[] = {
	{ "bpf-map", FDSCOPE_BPF_MAP },
	{ "bpf-prog", FDSCOPE_BPF_PROG },
	{ "bpf_link", FDSCOPE_BPF_LINK },
	{ "bpf-link", FDSCOPE_BPF_LINK },
	{ "[perf_event]", FDSCOPE_PERF_EVENT },
	{ "[eventfd]", FDSCOPE_EVENTFD },
	{ "inotify", FDSCOPE_INOTIFY },
	{ "[fanotify]", FDSCOPE_FANOTIFY },
	{ "[timerfd]", FDSCOPE_TIMERFD },
	{ "[signalfd]", FDSCOPE_SIGNALFD },
};

/*
 * A memfd: a never-linked tmpfs or hugetlbfs file named "memfd:...".
 * Only unhashed dentries are looked at: such a name cannot be renamed
 * while it is read (a linked tmpfs file could be).
 */
static bool fdscope_is_memfd(struct file *file, unsigned long magic)
{
	struct dentry *dentry = file->f_path.dentry;

	if (magic == TMPFS_MAGIC && !shmem_file(file))
		return false;
	return d_unhashed(dentry) &&
	       !strncmp(dentry->d_name.name, FDSCOPE_MEMFD_PREFIX,
			sizeof(FDSCOPE_MEMFD_PREFIX) - 1);
}

/*
 * A pty's master (/dev/ptmx, or a devpts instance's ptmx) or slave, or a
 * tun/tap file (/dev/net/tun: misc_open() gives every open of it tun's
 * file operations).
 */
static enum fdscope_class fdscope_chrdev_class(const struct inode *inode)
{
	unsigned int major = imajor(inode);

	if (!S_ISCHR(inode->i_mode))
		return FDSCOPE_NO_CLASS;
	if (major == TTYAUX_MAJOR && iminor(inode) == 2)
		return FDSCOPE_PTMX;
	if (major == MISC_MAJOR && iminor(inode) == TUN_MINOR)
		return FDSCOPE_TUN;
	if (major >= UNIX98_PTY_SLAVE_MAJOR &&
	    major < UNIX98_PTY_SLAVE_MAJOR + UNIX98_PTY_MAJOR_COUNT)
		return FDSCOPE_PTS;
	return FDSCOPE_NO_CLASS;
}

/*
 * Which class of detail @file has. Called under the owner's table lock,
 * with @file alive: it must not sleep. An O_PATH file has none (no
 * private data, no open state).
 */
static enum fdscope_class fdscope_detail_class(struct file *file)
{
	const struct inode *inode = file_inode(file);
	unsigned long magic = inode->i_sb->s_magic;
	const char *name;
	size_t i;

	if (file->f_mode & FMODE_PATH)
		return FDSCOPE_NO_CLASS;
	if (fdscope_pidfd_pid(file))
		return FDSCOPE_PIDFD;
	switch (magic) {
	case ANON_INODE_FS_MAGIC:
		name = file->f_path.dentry->d_name.name;
		for (i = 0; i < ARRAY_SIZE(fdscope_anon_classes); i++)
			if (!strcmp(name, fdscope_anon_classes[i].name))
				return fdscope_anon_classes[i].class;
		return FDSCOPE_NO_CLASS;
	case NSFS_MAGIC:
		return FDSCOPE_NSFS;
	case TMPFS_MAGIC:
	case HUGETLBFS_MAGIC:
		/* devtmpfs is tmpfs too: /dev/ptmx is a tmpfs inode. */
		if (S_ISREG(inode->i_mode) && fdscope_is_memfd(file, magic))
			return FDSCOPE_MEMFD;
		break;
	}
	return fdscope_chrdev_class(inode);
}

bool fdscope_has_details(struct file *file)
{
	return fdscope_detail_class(file) != FDSCOPE_NO_CLASS;
}

/* Details are "key=value" pairs, comma separated, in one field. */
static void fdscope_kv(struct seq_file *m, bool *first, const char *key)
{
	seq_putc(m, *first ? ' ' : ',');
	*first = false;
	seq_puts(m, key);
	seq_putc(m, '=');
}

static void fdscope_kv_ull(struct seq_file *m, bool *first, const char *key,
			   unsigned long long v)
{
	fdscope_kv(m, first, key);
	seq_put_decimal_ull(m, "", v);
}

static void fdscope_kv_ll(struct seq_file *m, bool *first, const char *key, long long v)
{
	fdscope_kv(m, first, key);
	seq_put_decimal_ll(m, "", v);
}

static void fdscope_kv_hex(struct seq_file *m, bool *first, const char *key,
			   unsigned long long v)
{
	fdscope_kv(m, first, key);
	seq_printf(m, "0x%llx", v);
}

/* A name the kernel chose or checked (BPF names: alnum, '_', '.'), escaped anyway. */
static void fdscope_kv_name(struct seq_file *m, bool *first, const char *key,
			    const char *s, size_t size)
{
	size_t len = strnlen(s, size);

	if (!len)
		return;
	fdscope_kv(m, first, key);
	fdscope_write_escaped(m, s, len);
}

/*
 * pidfd: the pid in the reader's namespace (0 if it has none there), and
 * whether the process is gone (reaped: /proc/PID/fdinfo's "Pid: -1").
 */
static void fdscope_pidfd_details(struct seq_file *m, struct fdscope_reader *r,
				  struct file *file, bool *first)
{
	struct pid *pid = fdscope_pidfd_pid(file);
	int thread = fdscope_pidfd_thread(file);

	fdscope_kv_ull(m, first, "pid", pid_nr_ns(pid, r->walk.ns));
	fdscope_kv_ull(m, first, "exited", !pid_has_task(pid, PIDTYPE_PID));
	if (thread >= 0)
		fdscope_kv_ull(m, first, "thread", thread);
}

/* BPF objects: set up before their fd existed, and held by the file. */
static void fdscope_bpf_details(struct seq_file *m, enum fdscope_class class,
				struct file *file, bool *first)
{
	const struct bpf_map *map;
	const struct bpf_prog *prog;
	const struct bpf_link *link;
	char tag[BPF_TAG_SIZE * 2 + 1];

	switch (class) {
	case FDSCOPE_BPF_MAP:
		map = file->private_data;
		fdscope_kv_ull(m, first, "map_type", map->map_type);
		fdscope_kv_ull(m, first, "map_id", READ_ONCE(map->id));
		fdscope_kv_name(m, first, "name", map->name, sizeof(map->name));
		fdscope_kv_ull(m, first, "key_size", map->key_size);
		fdscope_kv_ull(m, first, "value_size", map->value_size);
		fdscope_kv_ull(m, first, "max_entries", map->max_entries);
		fdscope_kv_hex(m, first, "map_flags", map->map_flags);
		break;
	case FDSCOPE_BPF_PROG:
		prog = file->private_data;
		bin2hex(tag, prog->tag, sizeof(prog->tag));
		tag[sizeof(tag) - 1] = '\0';
		fdscope_kv_ull(m, first, "prog_type", prog->type);
		fdscope_kv_ull(m, first, "prog_id", READ_ONCE(prog->aux->id));
		fdscope_kv_name(m, first, "name", prog->aux->name, sizeof(prog->aux->name));
		fdscope_kv(m, first, "prog_tag");
		seq_puts(m, tag);
		break;
	default:
		link = file->private_data;
		fdscope_kv_ull(m, first, "link_type", link->type);
		fdscope_kv_ull(m, first, "link_id", READ_ONCE(link->id));
		/* A link's program can be replaced; the old one is freed after RCU. */
		rcu_read_lock();
		prog = READ_ONCE(link->prog);
		if (prog)
			fdscope_kv_ull(m, first, "prog_id", READ_ONCE(prog->aux->id));
		rcu_read_unlock();
		break;
	}
}

/*
 * perf_event: its attributes never change; hw.target is the task it was
 * opened on, referenced for the event's life. event->ctx is not followed:
 * it is only stable under perf's own (static) context lock.
 */
static void fdscope_perf_details(struct seq_file *m, struct fdscope_reader *r,
				 struct file *file, bool *first)
{
#ifdef CONFIG_PERF_EVENTS
	const struct perf_event *event = file->private_data;
	struct task_struct *target = event->hw.target;

	fdscope_kv_ull(m, first, "type", event->attr.type);
	fdscope_kv_hex(m, first, "config", event->attr.config);
	if (target) {
		fdscope_kv_ull(m, first, "pid", task_tgid_nr_ns(target, r->walk.ns));
		fdscope_kv_ull(m, first, "tid", task_pid_nr_ns(target, r->walk.ns));
	}
	fdscope_kv_ll(m, first, "cpu", event->cpu);
#endif
}

/*
 * memfd: its seals, F_GET_SEALS's value. They are written under the inode
 * lock; one word read once needs none.
 */
static void fdscope_memfd_details(struct seq_file *m, struct file *file, bool *first)
{
	struct inode *inode = file_inode(file);
	bool huge = inode->i_sb->s_magic == HUGETLBFS_MAGIC;
	unsigned int seals = 0;

	if (!huge)
		seals = READ_ONCE(SHMEM_I(inode)->seals);
#ifdef CONFIG_HUGETLBFS
	else
		seals = READ_ONCE(HUGETLBFS_I(inode)->seals);
#endif
	fdscope_kv_hex(m, first, "seals", seals);
	fdscope_kv_ull(m, first, "hugetlb", huge);
}

/* "INO@MAJOR:MINOR" of an inode a notification group watches. */
static void fdscope_kv_inode(struct seq_file *m, bool *first, unsigned long ino,
			     unsigned int sdev)
{
	fdscope_kv(m, first, "inode");
	seq_put_decimal_ull(m, "", ino);
	seq_put_decimal_ull(m, "@", MAJOR(sdev));
	seq_put_decimal_ull(m, ":", MINOR(sdev));
}

/* inotify and fanotify: how many marks, and the inodes of the inode marks. */
static void fdscope_notify_details(struct seq_file *m, struct seq_file *s, bool complete,
				   bool *first)
{
	unsigned int watches = 0, inodes = 0, sdev, wd;
	unsigned long ino;
	char *line;
	bool listed;

	for (line = NULL; (line = fdscope_fdinfo_line(s, line));) {
		if (sscanf(line, "inotify wd:%x ino:%lx sdev:%x", &wd, &ino, &sdev) == 3) {
			listed = true;
		} else if (sscanf(line, "fanotify ino:%lx sdev:%x", &ino, &sdev) == 2) {
			listed = true;
		} else if (str_has_prefix(line, "fanotify mnt_id:") ||
			   str_has_prefix(line, "fanotify sdev:")) {
			listed = false;
		} else {
			continue;
		}
		watches++;
		if (!listed)
			continue;
		if (inodes++ < FDSCOPE_DETAILS_INODES_MAX)
			fdscope_kv_inode(m, first, ino, sdev);
	}
	fdscope_kv_ull(m, first, "watches", watches);
	if (inodes > FDSCOPE_DETAILS_INODES_MAX)
		fdscope_kv_ull(m, first, "more", inodes - FDSCOPE_DETAILS_INODES_MAX);
	if (!complete)
		fdscope_kv_ull(m, first, "truncated", 1);
}

/* eventfd, timerfd, signalfd: their fdinfo lines, renamed. */
static void fdscope_fdinfo_details(struct seq_file *m, struct seq_file *s, bool *first)
{
	unsigned long long a, b;
	unsigned int u;
	char *line;

	for (line = NULL; (line = fdscope_fdinfo_line(s, line));) {
		if (sscanf(line, "eventfd-count: %llx", &a) == 1)
			fdscope_kv_ull(m, first, "count", a);
		else if (sscanf(line, "eventfd-id: %u", &u) == 1)
			fdscope_kv_ull(m, first, "id", u);
		else if (sscanf(line, "eventfd-semaphore: %u", &u) == 1)
			fdscope_kv_ull(m, first, "semaphore", u);
		else if (sscanf(line, "clockid: %u", &u) == 1)
			fdscope_kv_ull(m, first, "clockid", u);
		else if (sscanf(line, "ticks: %llu", &a) == 1)
			fdscope_kv_ull(m, first, "ticks", a);
		else if (sscanf(line, "settime flags: %o", &u) == 1)
			fdscope_kv_ull(m, first, "settime_flags", u);
		else if (sscanf(line, "it_value: (%llu, %llu)", &a, &b) == 2)
			seq_printf(m, "%cremaining=%llu.%09llu", *first ? ' ' : ',', a, b);
		else if (sscanf(line, "it_interval: (%llu, %llu)", &a, &b) == 2)
			seq_printf(m, "%cinterval=%llu.%09llu", *first ? ' ' : ',', a, b);
		else if (sscanf(line, "sigmask: %llx", &a) == 1)
			fdscope_kv_hex(m, first, "sigmask", a);
		else
			continue;
		*first = false;
	}
}

/* Classes whose state only their show_fdinfo() prints. */
static void fdscope_private_details(struct seq_file *m, struct fdscope_reader *r,
				    enum fdscope_class class, struct file *file, bool *first)
{
	struct eventfd_ctx *ctx;
	struct seq_file s;
	bool complete;

	if (class == FDSCOPE_EVENTFD) {
		/* The exact check: the name alone is not proof enough to call in. */
		ctx = eventfd_ctx_fileget(file);
		if (IS_ERR(ctx))
			return;
		eventfd_ctx_put(ctx);
	}
	complete = fdscope_fdinfo_text(r, file, &s);
	if (class == FDSCOPE_INOTIFY || class == FDSCOPE_FANOTIFY)
		fdscope_notify_details(m, &s, complete, first);
	else
		fdscope_fdinfo_details(m, &s, first);
}

/* A namespace file: the namespace's type and inode; the file pins it. */
static void fdscope_nsfs_details(struct seq_file *m, struct file *file, bool *first)
{
	const struct ns_common *ns = get_proc_ns(file_inode(file));

	fdscope_kv(m, first, "ns_type");
	seq_puts(m, ns->ops->name);
	fdscope_kv_ull(m, first, "ns_ino", ns->inum);
}

/*
 * A pty's index, the N of /dev/pts/N: for a master from its tty (an open
 * tty file's private data, fixed from open to release), for a slave from
 * its device number.
 */
static void fdscope_tty_details(struct seq_file *m, enum fdscope_class class,
				struct file *file, bool *first)
{
	const struct tty_file_private *priv = file->private_data;
	const struct inode *inode = file_inode(file);

	if (class == FDSCOPE_PTMX) {
		if (priv && priv->tty)
			fdscope_kv_ull(m, first, "tty_index", priv->tty->index);
		return;
	}
	fdscope_kv_ull(m, first, "tty_index",
		       (imajor(inode) - UNIX98_PTY_SLAVE_MAJOR) * 256 + iminor(inode));
}

/*
 * Whether @file has tun's own file operations: the exact check before its
 * show_fdinfo() is called (the device number says which driver opened it,
 * not which one it is now). tun_get_socket() only compares f_op; it lives
 * in tun.ko, which a tun file pins, so the module is not made to depend
 * on tun.
 */
static bool fdscope_is_tun(struct file *file)
{
#if IS_ENABLED(CONFIG_TUN)
	struct socket *(*get_socket)(struct file *file);
	bool tun;

	get_socket = symbol_get(tun_get_socket);
	if (!get_socket)
		return false;
	tun = PTR_ERR_OR_ZERO(get_socket(file)) != -EINVAL;
	symbol_put(tun_get_socket);
	return tun;
#else
	return false;
#endif
}

/*
 * An interface name as a details value: it may hold any byte but '/', ':'
 * and white space (dev_valid_name()), so ',', '=' and '\' are written as
 * \ooo inside the value, before the field itself is escaped.
 */
static void fdscope_kv_ifname(struct seq_file *m, bool *first, const char *key,
			      const char *name)
{
	char buf[IFNAMSIZ * 4 + 1];
	size_t i, n = 0;

	for (i = 0; i < IFNAMSIZ && name[i]; i++) {
		if (name[i] == ',' || name[i] == '=' || name[i] == '\\') {
			fdscope_octal(buf + n, name[i]);
			n += 4;
		} else {
			buf[n++] = name[i];
		}
	}
	if (!n)
		return;
	fdscope_kv(m, first, key);
	fdscope_write_escaped(m, buf, n);
}

/*
 * tun/tap: the interface the file is attached to, from tun's fdinfo
 * ("iff:\tNAME", empty when detached). Only when this open file asked for
 * it: tun's show_fdinfo() takes rtnl_lock().
 */
static void fdscope_tun_details(struct seq_file *m, struct fdscope_reader *r,
				struct file *file, bool *first)
{
	struct seq_file s;
	char *line;

	if (!(r->walk.filter.opts & FDSCOPE_OPT_TUN) || !fdscope_is_tun(file))
		return;
	fdscope_fdinfo_text(r, file, &s);
	for (line = NULL; (line = fdscope_fdinfo_line(&s, line));)
		if (str_has_prefix(line, "iff:\t"))
			fdscope_kv_ifname(m, first, "iface", line + strlen("iff:\t"));
}

int fdscope_details_show(struct seq_file *m, void *v)
{
	struct fdscope_reader *r = m->private;
	const struct fdscope_record *rec = &r->walk.rec;
	struct file *file = rec->file;
	enum fdscope_class class;
	bool first = true;

	if (v == SEQ_START_TOKEN) {
		seq_printf(m, "# fdscope-details %d pid tid comm fd fileid class details start\n",
			   FDSCOPE_FORMAT_VERSION);
		return 0;
	}

	class = fdscope_detail_class(file);
	fdscope_field_owner(m, r);
	fdscope_field_ull(m, rec->fd);
	fdscope_field_id(m, fdscope_file_identity(file));
	fdscope_field_word(m, fdscope_class_names[class] ?: "-");
	switch (class) {
	case FDSCOPE_NO_CLASS:
		break;
	case FDSCOPE_PIDFD:
		fdscope_pidfd_details(m, r, file, &first);
		break;
	case FDSCOPE_BPF_MAP:
	case FDSCOPE_BPF_PROG:
	case FDSCOPE_BPF_LINK:
		fdscope_bpf_details(m, class, file, &first);
		break;
	case FDSCOPE_PERF_EVENT:
		fdscope_perf_details(m, r, file, &first);
		break;
	case FDSCOPE_MEMFD:
		fdscope_memfd_details(m, file, &first);
		break;
	case FDSCOPE_EVENTFD:
	case FDSCOPE_INOTIFY:
	case FDSCOPE_FANOTIFY:
	case FDSCOPE_TIMERFD:
	case FDSCOPE_SIGNALFD:
		fdscope_private_details(m, r, class, file, &first);
		break;
	case FDSCOPE_NSFS:
		fdscope_nsfs_details(m, file, &first);
		break;
	case FDSCOPE_PTMX:
	case FDSCOPE_PTS:
		fdscope_tty_details(m, class, file, &first);
		break;
	case FDSCOPE_TUN:
		fdscope_tun_details(m, r, file, &first);
		break;
	}
	if (first)
		fdscope_field_none(m);
	fdscope_field_start(m, rec);
	seq_putc(m, '\n');
	return 0;
}

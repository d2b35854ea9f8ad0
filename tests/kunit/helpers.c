// SPDX-License-Identifier: GPL-2.0
/*
 * What the fdscope suites share. The reader is the module's own debugfs
 * file, opened through a kernel mount of debugfs: debugfs.c's open, write,
 * read (seq_read, with its buffer-overflow restarts and resumption between
 * reads), llseek and release run exactly as under open(2), read(2),
 * pread(2) and write(2).
 */
#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/debug_locks.h>
#include <linux/debugfs.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/init_task.h>
#include <linux/kernel.h>
#include <linux/mount.h>
#include <linux/mutex.h>
#include <linux/net.h>
#include <linux/panic.h>
#include <linux/path.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uio.h>
#include <net/net_namespace.h>

#include "fdscope_kunit.h"

/* Largest walk output accepted before the walk is deemed not to end. */
#define FDSCOPE_KUNIT_MAX_OUTPUT	(16 << 20)

struct fdscope_kunit_reader {
	struct file *file;
	loff_t pos;
};

/* debugfs, mounted once for every suite: nothing mounts it in a KUnit boot. */
static struct vfsmount *fdscope_kunit_debugfs(struct kunit *test)
{
	static DEFINE_MUTEX(lock);
	static struct vfsmount *mnt;
	struct file_system_type *type;

	mutex_lock(&lock);
	if (!mnt) {
		type = get_fs_type("debugfs");
		if (type)
			mnt = kern_mount(type);
		if (IS_ERR(mnt))
			mnt = NULL;
	}
	mutex_unlock(&lock);
	KUNIT_ASSERT_NOT_NULL_MSG(test, mnt, "cannot mount debugfs");
	return mnt;
}

/* Open /sys/kernel/debug/fdscope/<name> read-write, as root's open(2) would. */
static struct file *fdscope_kunit_open_debugfs(struct kunit *test, const char *name)
{
	struct path path = { .mnt = fdscope_kunit_debugfs(test) };
	struct dentry *dir;
	struct file *file;

	dir = debugfs_lookup("fdscope", NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dir);
	path.dentry = debugfs_lookup(name, dir);
	dput(dir);
	KUNIT_ASSERT_NOT_ERR_OR_NULL_MSG(test, path.dentry, "no debugfs file %s", name);
	file = dentry_open(&path, O_RDWR, current_cred());
	dput(path.dentry);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(file), "open %s: %ld", name, PTR_ERR(file));
	return file;
}

static int fdscope_kunit_reader_init(struct kunit_resource *res, void *context)
{
	struct fdscope_kunit_reader *r = kzalloc(sizeof(*r), GFP_KERNEL);

	res->data = r;
	return r ? 0 : -ENOMEM;
}

/* Also run by KUnit after a failed assertion, maybe from another thread. */
static void fdscope_kunit_reader_free(struct kunit_resource *res)
{
	struct fdscope_kunit_reader *r = res->data;

	fdscope_kunit_close(r);
	kfree(r);
}

/*
 * Open the debugfs file of @kind, with the pid filter @filter ("pid
 * N,...", written to it as user space writes it) or none.
 */
struct fdscope_kunit_reader *fdscope_kunit_open(struct kunit *test,
						enum fdscope_kind kind,
						const char *filter)
{
	struct fdscope_kunit_reader *r;

	r = kunit_alloc_resource(test, fdscope_kunit_reader_init,
				 fdscope_kunit_reader_free, GFP_KERNEL, NULL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	r->file = fdscope_kunit_open_debugfs(test, fdscope_file_names[kind]);
	if (filter)
		KUNIT_ASSERT_EQ_MSG(test, fdscope_kunit_write(r, filter, strlen(filter)),
				    (ssize_t)strlen(filter), "filter \"%s\"", filter);
	return r;
}

/* read(2): from where the last read or write left the file position. */
ssize_t fdscope_kunit_read(struct fdscope_kunit_reader *r, char *buf, size_t len)
{
	return kernel_read(r->file, buf, len, &r->pos);
}

/* pread(2): at @pos, leaving the file position alone. */
ssize_t fdscope_kunit_pread(struct fdscope_kunit_reader *r, char *buf, size_t len,
			    loff_t pos)
{
	return kernel_read(r->file, buf, len, &pos);
}

/* write(2) of @len bytes of @buf. */
ssize_t fdscope_kunit_write(struct fdscope_kunit_reader *r, const char *buf, size_t len)
{
	return kernel_write(r->file, buf, len, &r->pos);
}

/* The next read starts over, as after lseek(fd, 0, SEEK_SET). */
void fdscope_kunit_rewind(struct fdscope_kunit_reader *r)
{
	r->pos = 0;
}

void fdscope_kunit_close(struct fdscope_kunit_reader *r)
{
	if (r->file) {
		fput(r->file);
		r->file = NULL;
	}
}

/*
 * Read a whole walk, @chunk bytes per read() (any size from 1 up), and
 * return it NUL-terminated. Fails the test if the walk does not end.
 */
char *fdscope_kunit_read_all(struct kunit *test, enum fdscope_kind kind,
			     const char *filter, size_t chunk)
{
	struct fdscope_kunit_reader *r = fdscope_kunit_open(test, kind, filter);
	size_t len = 0, size = PAGE_SIZE;
	char *text, *bigger;
	ssize_t n;

	KUNIT_ASSERT_NOT_NULL(test, r);
	text = kunit_kmalloc(test, size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, text);
	for (;;) {
		if (size - len < chunk + 1) {
			KUNIT_ASSERT_LT_MSG(test, size, (size_t)FDSCOPE_KUNIT_MAX_OUTPUT,
					    "the %s walk does not end",
					    fdscope_file_names[kind]);
			bigger = kunit_kmalloc(test, 2 * size + chunk, GFP_KERNEL);
			KUNIT_ASSERT_NOT_NULL(test, bigger);
			memcpy(bigger, text, len);
			kunit_kfree(test, text);
			text = bigger;
			size = 2 * size + chunk;
		}
		n = fdscope_kunit_read(r, text + len, chunk);
		KUNIT_ASSERT_GE_MSG(test, n, 0, "read() of the %s walk failed",
				    fdscope_file_names[kind]);
		KUNIT_ASSERT_LE(test, (size_t)n, chunk);
		if (!n)
			break;
		len += n;
	}
	text[len] = '\0';
	fdscope_kunit_close(r);
	return text;
}

/* One field as docs/format.md allows it: no separators, only \ooo escapes. */
static bool fdscope_kunit_field_ok(const char *f)
{
	if (!*f)
		return false;
	for (; *f; f++) {
		unsigned char c = *f;

		if (c <= ' ' || c == 0x7f)
			return false;
		if (c != '\\')
			continue;
		if (f[1] < '0' || f[1] > '3' || f[2] < '0' || f[2] > '7' ||
		    f[3] < '0' || f[3] > '7')
			return false;
		f += 3;
	}
	return true;
}

/* Split @s at single spaces into at most @max fields; return the count. */
static unsigned int fdscope_kunit_split(char *s, char **fields, unsigned int max)
{
	unsigned int n = 0;

	for (;;) {
		if (n < max)
			fields[n] = s;
		n++;
		s = strchr(s, ' ');
		if (!s)
			return n;
		*s++ = '\0';
	}
}

/*
 * Check @text (modified in place) line by line against docs/format.md and
 * split it into @out: the header names the file and version 1, every
 * record has exactly one well-formed field per header column, and the
 * text ends with a newline. Every violation fails the test.
 */
bool fdscope_kunit_parse(struct kunit *test, enum fdscope_kind kind,
			 char *text, struct fdscope_kunit_out *out)
{
	const char *name = fdscope_file_names[kind];
	unsigned int nlines = 0, i, n;
	char *line, *end, *prefix;
	bool ok = true;

	memset(out, 0, sizeof(*out));
	out->kind = kind;
	KUNIT_ASSERT_GT_MSG(test, strlen(text), (size_t)0, "the %s walk is empty", name);
	KUNIT_EXPECT_EQ_MSG(test, text[strlen(text) - 1], '\n',
			    "the %s walk does not end in a newline", name);
	for (line = text; *line; line++)
		nlines += *line == '\n';

	/* Header: "# fdscope-<name> 1 <columns>". */
	end = strchr(text, '\n');
	KUNIT_ASSERT_NOT_NULL(test, end);
	*end = '\0';
	prefix = fdscope_kunit_sprintf(test, "# fdscope-%s %d ", name,
				       FDSCOPE_FORMAT_VERSION);
	KUNIT_ASSERT_TRUE_MSG(test, str_has_prefix(text, prefix),
			      "header \"%s\" does not start \"%s\"", text, prefix);
	line = text + strlen(prefix);
	out->ncols = 1;
	for (prefix = line; *prefix; prefix++)
		out->ncols += *prefix == ' ';
	out->cols = kunit_kcalloc(test, out->ncols, sizeof(char *), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, out->cols);
	fdscope_kunit_split(line, out->cols, out->ncols);

	out->rows = kunit_kcalloc(test, nlines, sizeof(char **), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, out->rows);
	for (line = end + 1; *line; line = end + 1) {
		char **fields = kunit_kcalloc(test, out->ncols, sizeof(char *),
					      GFP_KERNEL);

		KUNIT_ASSERT_NOT_NULL(test, fields);
		end = strchr(line, '\n');
		if (!end) {
			KUNIT_FAIL(test, "%s: unterminated record \"%s\"", name, line);
			return false;
		}
		*end = '\0';
		n = fdscope_kunit_split(line, fields, out->ncols);
		if (n != out->ncols) {
			KUNIT_FAIL(test, "%s: record %u has %u fields, the header %u: \"%s\"",
				   name, out->nrows, n, out->ncols, line);
			ok = false;
			continue;
		}
		for (i = 0; i < n; i++) {
			if (fdscope_kunit_field_ok(fields[i]))
				continue;
			KUNIT_FAIL(test, "%s: record %u, column %s: bad field \"%s\"",
				   name, out->nrows, out->cols[i], fields[i]);
			ok = false;
		}
		out->rows[out->nrows++] = fields;
	}
	return ok;
}

/* Read and parse a whole walk; the test stops here if it is malformed. */
void fdscope_kunit_walk(struct kunit *test, enum fdscope_kind kind,
			const char *filter, size_t chunk,
			struct fdscope_kunit_out *out)
{
	char *text = fdscope_kunit_read_all(test, kind, filter, chunk);

	KUNIT_ASSERT_TRUE(test, fdscope_kunit_parse(test, kind, text, out));
}

/*
 * The test's own records of @kind read whole, then with "fields @fields":
 * the second names exactly @header's columns (space-separated), and each
 * of its records holds the same text in them as the whole one, in short
 * reads as in long ones.
 */
void fdscope_kunit_check_fields(struct kunit *test, enum fdscope_kind kind,
				const char *fields, const char *header)
{
	char *filter = fdscope_kunit_sprintf(test, "%s\nfields %s\n",
					     fdscope_kunit_own_filter(test), fields);
	char *names = fdscope_kunit_sprintf(test, "%s", header);
	struct fdscope_kunit_out whole, some;
	unsigned int ncols = 1, row, i;
	char **want;

	for (i = 0; names[i]; i++)
		ncols += names[i] == ' ';
	want = kunit_kcalloc(test, ncols, sizeof(*want), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, want);
	fdscope_kunit_split(names, want, ncols);

	fdscope_kunit_walk(test, kind, fdscope_kunit_own_filter(test), 4096, &whole);
	fdscope_kunit_walk(test, kind, filter, 100, &some);
	KUNIT_ASSERT_EQ_MSG(test, some.ncols, ncols, "fields %s", fields);
	for (i = 0; i < ncols; i++)
		KUNIT_EXPECT_STREQ_MSG(test, some.cols[i], want[i], "fields %s", fields);
	KUNIT_ASSERT_EQ_MSG(test, some.nrows, whole.nrows, "fields %s", fields);
	for (row = 0; row < some.nrows; row++) {
		for (i = 0; i < ncols; i++)
			KUNIT_EXPECT_STREQ_MSG(test, some.rows[row][i],
					       fdscope_kunit_field(test, &whole, row, want[i]),
					       "fields %s: record %u, %s", fields, row, want[i]);
	}
}

unsigned int fdscope_kunit_col(struct kunit *test,
			       const struct fdscope_kunit_out *out,
			       const char *name)
{
	unsigned int i;

	for (i = 0; i < out->ncols; i++)
		if (!strcmp(out->cols[i], name))
			return i;
	KUNIT_ASSERT_TRUE_MSG(test, false, "no column \"%s\" in the %s header",
			      name, fdscope_file_names[out->kind]);
	return 0;
}

const char *fdscope_kunit_field(struct kunit *test,
				const struct fdscope_kunit_out *out,
				unsigned int row, const char *col)
{
	KUNIT_ASSERT_LT(test, row, out->nrows);
	return out->rows[row][fdscope_kunit_col(test, out, col)];
}

/* Expect field @col of record @row to be @want (still escaped). */
void fdscope_kunit_expect(struct kunit *test, const struct fdscope_kunit_out *out,
			  int row, const char *col, const char *want)
{
	KUNIT_EXPECT_STREQ_MSG(test, fdscope_kunit_field(test, out, row, col), want,
			       "%s record %d, column %s",
			       fdscope_file_names[out->kind], row, col);
}

/* The first record whose @col is @value, or -1. */
int fdscope_kunit_find(struct kunit *test, const struct fdscope_kunit_out *out,
		       const char *col, const char *value)
{
	unsigned int c = fdscope_kunit_col(test, out, col), r;

	for (r = 0; r < out->nrows; r++)
		if (!strcmp(out->rows[r][c], value))
			return r;
	return -1;
}

unsigned int fdscope_kunit_count(struct kunit *test,
				 const struct fdscope_kunit_out *out,
				 const char *col, const char *value)
{
	unsigned int c = fdscope_kunit_col(test, out, col), r, n = 0;

	for (r = 0; r < out->nrows; r++)
		n += !strcmp(out->rows[r][c], value);
	return n;
}

/* The record of fd @fd, which must be listed exactly once. */
int fdscope_kunit_find_fd(struct kunit *test,
			  const struct fdscope_kunit_out *out, int fd)
{
	char *value = fdscope_kunit_sprintf(test, "%d", fd);
	int row;

	KUNIT_ASSERT_EQ_MSG(test, fdscope_kunit_count(test, out, "fd", value), 1U,
			    "fd %d is not listed exactly once", fd);
	row = fdscope_kunit_find(test, out, "fd", value);
	KUNIT_ASSERT_GE(test, row, 0);
	return row;
}

static long fdscope_kunit_number(struct kunit *test, const char *s)
{
	long v;

	KUNIT_ASSERT_EQ_MSG(test, kstrtol(s, 10, &v), 0, "\"%s\" is not a number", s);
	return v;
}

/*
 * The walk's order: owners by ascending tid (a leader's tid is its pid),
 * and per-fd kinds by ascending fd within an owner. A cursor that went
 * backwards or repeated a record shows up here.
 */
void fdscope_kunit_check_order(struct kunit *test,
			       const struct fdscope_kunit_out *out)
{
	unsigned int pid = fdscope_kunit_col(test, out, "pid");
	unsigned int tid = fdscope_kunit_col(test, out, "tid");
	long owner, fd = -1, last_owner = -1, last_fd = -1;
	unsigned int r, fdcol = 0;
	bool per_fd = out->kind != FDSCOPE_TASKS;

	if (per_fd)
		fdcol = fdscope_kunit_col(test, out, "fd");
	for (r = 0; r < out->nrows; r++) {
		const char *t = out->rows[r][tid];

		owner = fdscope_kunit_number(test, strcmp(t, "-") ? t : out->rows[r][pid]);
		if (per_fd)
			fd = fdscope_kunit_number(test, out->rows[r][fdcol]);
		if (owner < last_owner || (owner == last_owner &&
					   (!per_fd || fd <= last_fd))) {
			KUNIT_FAIL(test, "%s: record %u (tid %ld fd %ld) after tid %ld fd %ld",
				   fdscope_file_names[out->kind], r, owner, fd,
				   last_owner, last_fd);
			return;
		}
		last_owner = owner;
		last_fd = fd;
	}
}

/* Decode \ooo escapes; returns the decoded length (NULs included). */
size_t fdscope_kunit_unescape(char *dst, const char *src)
{
	size_t n = 0;

	while (*src) {
		if (src[0] == '\\' && src[1] && src[2] && src[3]) {
			dst[n++] = ((src[1] - '0') << 6) | ((src[2] - '0') << 3) |
				   (src[3] - '0');
			src += 4;
		} else {
			dst[n++] = *src++;
		}
	}
	dst[n] = '\0';
	return n;
}

char *fdscope_kunit_sprintf(struct kunit *test, const char *fmt, ...)
{
	va_list args;
	char *s;
	int len;

	va_start(args, fmt);
	len = vsnprintf(NULL, 0, fmt, args);
	va_end(args);
	s = kunit_kmalloc(test, len + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	va_start(args, fmt);
	vsnprintf(s, len + 1, fmt, args);
	va_end(args);
	return s;
}

/* A table's identity as the table column prints it. */
char *fdscope_kunit_id(struct kunit *test, const void *object)
{
	return fdscope_kunit_sprintf(test, "%015llx", fdscope_identity(object));
}

/* An open file description's identity as the fileid column prints it. */
char *fdscope_kunit_file_id(struct kunit *test, const struct file *file)
{
	return fdscope_kunit_sprintf(test, "%015llx", fdscope_file_identity(file));
}

/* The filter that limits a walk to the test thread's own thread group. */
char *fdscope_kunit_own_filter(struct kunit *test)
{
	return fdscope_kunit_sprintf(test, "pid %d", task_tgid_vnr(current));
}

/*
 * Kernel threads share init_files; give the test thread an empty table of
 * its own, so what the walk lists under its pid is exactly what the test
 * installed. The table goes away when the test thread exits.
 */
void fdscope_kunit_own_table(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, unshare_files(), 0);
	KUNIT_ASSERT_PTR_NE(test, current->files, &init_files);
	KUNIT_ASSERT_EQ(test, __close_range(0, ~0U, 0), 0);
}

/* Install @file (its reference passes to the table) at the lowest free fd. */
int fdscope_kunit_install(struct kunit *test, struct file *file, bool cloexec)
{
	int fd;

	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(file));
	fd = get_unused_fd_flags(cloexec ? O_CLOEXEC : 0);
	KUNIT_ASSERT_GE(test, fd, 0);
	fd_install(fd, file);
	return fd;
}

/* A kernel socket in init_net, not yet in any table. */
void fdscope_kunit_socket(struct kunit *test, int family, int type, int proto,
			  struct fdscope_kunit_sock *s)
{
	KUNIT_ASSERT_EQ_MSG(test, sock_create_kern(&init_net, family, type, proto, &s->sock),
			    0, "socket(%d, %d, %d)", family, type, proto);
}

/* Give @s a file and an fd in the test's table; the table owns it then. */
void fdscope_kunit_sock_install(struct kunit *test, struct fdscope_kunit_sock *s)
{
	s->file = sock_alloc_file(s->sock, 0, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(s->file));
	s->fd = fdscope_kunit_install(test, s->file, false);
}

/* sendmsg() of @len bytes, with @control (SCM_RIGHTS and the like) if any. */
int fdscope_kunit_send(struct socket *sock, const char *data, size_t len,
		       void *control, size_t controllen)
{
	struct kvec vec = { .iov_base = (void *)data, .iov_len = len };
	struct msghdr msg = {
		.msg_control = control,
		.msg_controllen = controllen,
	};

	return kernel_sendmsg(sock, &msg, &vec, 1, len);
}

/* Send @n of the test's fds over @sock with SCM_RIGHTS, and one byte. */
void fdscope_kunit_send_fds(struct kunit *test, struct socket *sock, const int *fds, int n)
{
	size_t len = CMSG_SPACE(n * sizeof(int));
	struct cmsghdr *hdr = kunit_kzalloc(test, len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, hdr);
	hdr->cmsg_len = CMSG_LEN(n * sizeof(int));
	hdr->cmsg_level = SOL_SOCKET;
	hdr->cmsg_type = SCM_RIGHTS;
	memcpy(CMSG_DATA(hdr), fds, n * sizeof(int));
	KUNIT_ASSERT_EQ(test, fdscope_kunit_send(sock, "x", 1, hdr, len), 1);
}

/*
 * What the kernel itself reports, attributed to the case it happened in,
 * whichever thread caused it: a KASAN report taints the kernel 'B', an
 * oops 'D', a WARN 'W'; lockdep switches itself off (debug_locks = 0)
 * after its first report. Each case notes both at init and fails at exit
 * if either changed. Only the first report of each kind can be pinned on
 * a case; run.sh fails the run on any report in the kernel log.
 */
#define FDSCOPE_KUNIT_TAINTS \
	((1UL << TAINT_BAD_PAGE) | (1UL << TAINT_DIE) | (1UL << TAINT_WARN))

struct fdscope_kunit_watch {
	unsigned long taint;
	int debug_locks;
};

int fdscope_kunit_watch_init(struct kunit *test)
{
	struct fdscope_kunit_watch *w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, w);
	w->taint = get_taint() & FDSCOPE_KUNIT_TAINTS;
	w->debug_locks = debug_locks;
	if (!w->debug_locks)
		kunit_info(test, "lockdep is off after an earlier report: not checked here\n");
	test->priv = w;
	return 0;
}

void fdscope_kunit_watch_exit(struct kunit *test)
{
	struct fdscope_kunit_watch *w = test->priv;
	unsigned long taint;

	if (!w)
		return;
	taint = get_taint() & FDSCOPE_KUNIT_TAINTS & ~w->taint;
	KUNIT_EXPECT_EQ_MSG(test, taint, 0UL,
			    "the kernel reported a problem during this test:%s%s%s (see the kernel log)",
			    taint & (1UL << TAINT_BAD_PAGE) ? " KASAN/bad page" : "",
			    taint & (1UL << TAINT_DIE) ? " oops" : "",
			    taint & (1UL << TAINT_WARN) ? " WARNING" : "");
	if (w->debug_locks)
		KUNIT_EXPECT_TRUE_MSG(test, debug_locks,
				      "lockdep reported a problem during this test (see the kernel log)");
}

/* Case init of the suites that work on the test thread's own table. */
int fdscope_kunit_table_init(struct kunit *test)
{
	fdscope_kunit_watch_init(test);
	fdscope_kunit_own_table(test);
	set_task_comm(current, FDSCOPE_KUNIT_COMM);
	return 0;
}

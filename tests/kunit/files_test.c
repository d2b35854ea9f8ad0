// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope_files: "files" records of files the test opens and installs in
 * its own fd table (regular files, directories, O_PATH, pipes, anonymous
 * inodes, sockets), read through the module's walk with a pid filter on
 * the test thread, and checked field by field against the objects.
 */
#include <kunit/test.h>
#include <linux/anon_inodes.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kdev_t.h>
#include <linux/limits.h>
#include <linux/namei.h>
#include <linux/net.h>
#include <linux/pipe_fs_i.h>
#include <linux/sched/task.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "../../module/compat.h"
#include "fdscope_kunit.h"

static const struct file_operations fdscope_kunit_anon_fops;

static struct file *fdscope_kunit_create(struct kunit *test, const char *path, int flags)
{
	struct file *file = filp_open(path, O_CREAT | flags, 0600);

	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(file), "open %s: %ld", path, PTR_ERR(file));
	return file;
}

static void fdscope_kunit_unlink(struct kunit *test, const char *path)
{
	struct path parent;
	struct dentry *dentry = kern_path_locked(path, &parent);
	int err = -ENOENT;

	KUNIT_ASSERT_FALSE(test, IS_ERR(dentry));
	if (d_is_positive(dentry))
		err = vfs_unlink(FDSCOPE_NOP_IDMAP, d_inode(parent.dentry), dentry, NULL);
	inode_unlock(d_inode(parent.dentry));
	dput(dentry);
	path_put(&parent);
	KUNIT_ASSERT_EQ_MSG(test, err, 0, "unlink %s", path);
}

static void fdscope_kunit_mkdir(struct kunit *test, const char *path)
{
	struct path parent;
	struct dentry *dentry;
	int err;

	dentry = kern_path_create(AT_FDCWD, path, &parent, LOOKUP_DIRECTORY);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(dentry), "mkdir %s: %ld", path, PTR_ERR(dentry));
	err = vfs_mkdir(FDSCOPE_NOP_IDMAP, d_inode(parent.dentry), dentry, 0700);
	done_path_create(&parent, dentry);
	KUNIT_ASSERT_EQ_MSG(test, err, 0, "mkdir %s", path);
}

/* Check the fields every record has, and those of the file behind it. */
static void fdscope_expect_file(struct kunit *test, const struct fdscope_kunit_out *out,
				int row, int fd, struct file *file)
{
	struct inode *inode = file_inode(file);
	dev_t dev = inode->i_sb->s_dev;

	KUNIT_EXPECT_STREQ(test, fdscope_kunit_field(test, out, row, "pid"),
			   fdscope_kunit_sprintf(test, "%d", task_tgid_vnr(current)));
	KUNIT_EXPECT_STREQ(test, fdscope_kunit_field(test, out, row, "tid"), "-");
	KUNIT_EXPECT_STREQ(test, fdscope_kunit_field(test, out, row, "comm"),
			   FDSCOPE_KUNIT_COMM_ESCAPED);
	KUNIT_EXPECT_STREQ(test, fdscope_kunit_field(test, out, row, "fd"),
			   fdscope_kunit_sprintf(test, "%d", fd));
	KUNIT_EXPECT_STREQ(test, fdscope_kunit_field(test, out, row, "table"),
			   fdscope_kunit_id(test, current->files));
	KUNIT_EXPECT_STREQ(test, fdscope_kunit_field(test, out, row, "pos"),
			   fdscope_kunit_sprintf(test, "%lld", file->f_pos));
	KUNIT_EXPECT_STREQ(test, fdscope_kunit_field(test, out, row, "dev"),
			   fdscope_kunit_sprintf(test, "%u:%u", MAJOR(dev), MINOR(dev)));
	KUNIT_EXPECT_STREQ(test, fdscope_kunit_field(test, out, row, "ino"),
			   fdscope_kunit_sprintf(test, "%lu", inode->i_ino));
	KUNIT_EXPECT_STREQ(test, fdscope_kunit_field(test, out, row, "fileid"),
			   fdscope_kunit_file_id(test, file));
	/* The walk's own reference is not counted; the test holds none. */
	KUNIT_EXPECT_STREQ(test, fdscope_kunit_field(test, out, row, "refs"),
			   fdscope_kunit_sprintf(test, "%ld", file_count(file)));
}

/*
 * A regular file at two fds (one close-on-exec) of one open file
 * description: mode, flags, position, type, identity and reference count,
 * path; then the same after the file is unlinked.
 */
static void fdscope_files_regular_test(struct kunit *test)
{
	static const char name[] = "/fdscope-kunit-regular";
	struct fdscope_kunit_out out;
	struct file *file;
	loff_t pos = 0;
	int fd1, fd2, r1, r2;

	file = fdscope_kunit_create(test, name, O_RDWR | O_APPEND | O_NOATIME);
	KUNIT_ASSERT_EQ(test, kernel_write(file, "hello", 5, &pos), 5);
	KUNIT_ASSERT_EQ(test, vfs_llseek(file, 3, SEEK_SET), 3);
	get_file(file);
	fd1 = fdscope_kunit_install(test, file, true);
	fd2 = fdscope_kunit_install(test, file, false);

	fdscope_kunit_walk(test, FDSCOPE_FILES, fdscope_kunit_own_filter(test), 4096, &out);
	KUNIT_EXPECT_EQ(test, out.nrows, 2U);
	r1 = fdscope_kunit_find_fd(test, &out, fd1);
	r2 = fdscope_kunit_find_fd(test, &out, fd2);
	fdscope_expect_file(test, &out, r1, fd1, file);
	fdscope_expect_file(test, &out, r2, fd2, file);
	fdscope_kunit_expect(test, &out, r1, "cloexec", "1");
	fdscope_kunit_expect(test, &out, r2, "cloexec", "0");
	fdscope_kunit_expect(test, &out, r1, "refs", "2");
	fdscope_kunit_expect(test, &out, r1, "mode", "rw");
	fdscope_kunit_expect(test, &out, r1, "flags", "append,noatime");
	fdscope_kunit_expect(test, &out, r1, "pos", "3");
	fdscope_kunit_expect(test, &out, r1, "type", "REG");
	fdscope_kunit_expect(test, &out, r1, "deleted", "0");
	fdscope_kunit_expect(test, &out, r1, "path", name);
	fdscope_kunit_expect(test, &out, r2, "path", name);

	fdscope_kunit_unlink(test, name);
	fdscope_kunit_walk(test, FDSCOPE_FILES, fdscope_kunit_own_filter(test), 4096, &out);
	KUNIT_EXPECT_EQ(test, out.nrows, 2U);
	r1 = fdscope_kunit_find_fd(test, &out, fd1);
	fdscope_kunit_expect(test, &out, r1, "deleted", "1");
	fdscope_kunit_expect(test, &out, r1, "path",
			     "/fdscope-kunit-regular\\040(deleted)");
	fdscope_kunit_expect(test, &out, r1, "type", "REG");
}

/* A name with a space, a tab, a backslash and a dash, escaped in place. */
static void fdscope_files_escaped_path_test(struct kunit *test)
{
	static const char name[] = "/fdscope kunit\t\\-";
	struct fdscope_kunit_out out;
	char *decoded;
	int fd, row;

	fd = fdscope_kunit_install(test, fdscope_kunit_create(test, name, O_RDONLY), false);
	fdscope_kunit_walk(test, FDSCOPE_FILES, fdscope_kunit_own_filter(test), 4096, &out);
	row = fdscope_kunit_find_fd(test, &out, fd);
	fdscope_kunit_expect(test, &out, row, "path", "/fdscope\\040kunit\\011\\134-");
	fdscope_kunit_expect(test, &out, row, "mode", "r");
	fdscope_kunit_expect(test, &out, row, "flags", "-");
	decoded = kunit_kzalloc(test, sizeof(name), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, decoded);
	KUNIT_EXPECT_EQ(test, sizeof(name) - 1,
			fdscope_kunit_unescape(decoded,
					       fdscope_kunit_field(test, &out, row, "path")));
	KUNIT_EXPECT_STREQ(test, decoded, name);
	fdscope_kunit_unlink(test, name);
}

/*
 * "deleted" follows the dentry, not the text: a linked file whose name
 * ends in " (deleted)" is not deleted until it is unlinked, and a file
 * that was never linked (shmem, as memfd_create makes) is.
 */
static void fdscope_files_deleted_test(struct kunit *test)
{
	static const char name[] = "/fdscope-kunit-fake (deleted)";
	struct fdscope_kunit_out out;
	struct file *fake, *shm;
	int fdf, fds, row;

	fake = fdscope_kunit_create(test, name, O_RDWR);
	fdf = fdscope_kunit_install(test, fake, false);
	shm = shmem_file_setup("fdscope-kunit-shm", 4096, 0);
	fds = fdscope_kunit_install(test, shm, false);

	fdscope_kunit_walk(test, FDSCOPE_FILES, fdscope_kunit_own_filter(test), 4096, &out);
	KUNIT_EXPECT_EQ(test, out.nrows, 2U);
	row = fdscope_kunit_find_fd(test, &out, fdf);
	fdscope_kunit_expect(test, &out, row, "path", "/fdscope-kunit-fake\\040(deleted)");
	fdscope_kunit_expect(test, &out, row, "deleted", "0");
	row = fdscope_kunit_find_fd(test, &out, fds);
	fdscope_expect_file(test, &out, row, fds, shm);
	fdscope_kunit_expect(test, &out, row, "type", "REG");
	fdscope_kunit_expect(test, &out, row, "path", "/fdscope-kunit-shm\\040(deleted)");
	fdscope_kunit_expect(test, &out, row, "deleted", "1");

	fdscope_kunit_unlink(test, name);
	fdscope_kunit_walk(test, FDSCOPE_FILES, fdscope_kunit_own_filter(test), 4096, &out);
	row = fdscope_kunit_find_fd(test, &out, fdf);
	fdscope_kunit_expect(test, &out, row, "path",
			     "/fdscope-kunit-fake\\040(deleted)\\040(deleted)");
	fdscope_kunit_expect(test, &out, row, "deleted", "1");
}

/* Pipes, anonymous inodes, a directory and an O_PATH file. */
static void fdscope_files_special_test(struct kunit *test)
{
	struct file *pipe[2], *anon, *spaced, *dir, *opath;
	int fdr, fdw, fda, fds, fdd, fdo, row;
	struct fdscope_kunit_out out;
	char *pipename;

	KUNIT_ASSERT_EQ(test, create_pipe_files(pipe, O_NONBLOCK), 0);
	fdr = fdscope_kunit_install(test, pipe[0], false);
	fdw = fdscope_kunit_install(test, pipe[1], true);
	anon = anon_inode_getfile("[fdscope-kunit]", &fdscope_kunit_anon_fops, NULL, O_RDWR);
	fda = fdscope_kunit_install(test, anon, false);
	spaced = anon_inode_getfile("[a b]", &fdscope_kunit_anon_fops, NULL, O_WRONLY);
	fds = fdscope_kunit_install(test, spaced, false);
	dir = filp_open("/", O_RDONLY | O_DIRECTORY, 0);
	fdd = fdscope_kunit_install(test, dir, false);
	opath = filp_open("/", O_PATH, 0);
	fdo = fdscope_kunit_install(test, opath, false);

	fdscope_kunit_walk(test, FDSCOPE_FILES, fdscope_kunit_own_filter(test), 4096, &out);
	KUNIT_EXPECT_EQ(test, out.nrows, 6U);

	pipename = fdscope_kunit_sprintf(test, "pipe:[%lu]", file_inode(pipe[0])->i_ino);
	row = fdscope_kunit_find_fd(test, &out, fdr);
	fdscope_expect_file(test, &out, row, fdr, pipe[0]);
	fdscope_kunit_expect(test, &out, row, "mode", "r");
	fdscope_kunit_expect(test, &out, row, "flags", "nonblock");
	fdscope_kunit_expect(test, &out, row, "type", "FIFO");
	fdscope_kunit_expect(test, &out, row, "path", pipename);
	fdscope_kunit_expect(test, &out, row, "deleted", "0");
	fdscope_kunit_expect(test, &out, row, "cloexec", "0");
	row = fdscope_kunit_find_fd(test, &out, fdw);
	fdscope_expect_file(test, &out, row, fdw, pipe[1]);
	fdscope_kunit_expect(test, &out, row, "mode", "w");
	fdscope_kunit_expect(test, &out, row, "type", "FIFO");
	fdscope_kunit_expect(test, &out, row, "path", pipename);
	fdscope_kunit_expect(test, &out, row, "cloexec", "1");

	row = fdscope_kunit_find_fd(test, &out, fda);
	fdscope_expect_file(test, &out, row, fda, anon);
	fdscope_kunit_expect(test, &out, row, "mode", "rw");
	fdscope_kunit_expect(test, &out, row, "type", "fdscope-kunit");
	fdscope_kunit_expect(test, &out, row, "path", "anon_inode:[fdscope-kunit]");
	fdscope_kunit_expect(test, &out, row, "deleted", "0");
	row = fdscope_kunit_find_fd(test, &out, fds);
	fdscope_kunit_expect(test, &out, row, "mode", "w");
	fdscope_kunit_expect(test, &out, row, "type", "a\\040b");
	fdscope_kunit_expect(test, &out, row, "path", "anon_inode:[a\\040b]");

	row = fdscope_kunit_find_fd(test, &out, fdd);
	fdscope_expect_file(test, &out, row, fdd, dir);
	fdscope_kunit_expect(test, &out, row, "mode", "r");
	fdscope_kunit_expect(test, &out, row, "flags", "directory");
	fdscope_kunit_expect(test, &out, row, "type", "DIR");
	fdscope_kunit_expect(test, &out, row, "path", "/");
	row = fdscope_kunit_find_fd(test, &out, fdo);
	fdscope_expect_file(test, &out, row, fdo, opath);
	fdscope_kunit_expect(test, &out, row, "mode", "-");
	fdscope_kunit_expect(test, &out, row, "flags", "path");
	fdscope_kunit_expect(test, &out, row, "type", "DIR");
	fdscope_kunit_expect(test, &out, row, "path", "/");
}

/* A socket fd: type SOCK, path socket:[ino]. */
static void fdscope_files_socket_test(struct kunit *test)
{
	struct fdscope_kunit_out out;
	struct socket *sock;
	struct file *file;
	int fd, row;

	KUNIT_ASSERT_EQ(test, sock_create_kern(&init_net, AF_INET, SOCK_STREAM,
					       IPPROTO_TCP, &sock), 0);
	file = sock_alloc_file(sock, O_NONBLOCK, NULL);
	fd = fdscope_kunit_install(test, file, false);
	fdscope_kunit_walk(test, FDSCOPE_FILES, fdscope_kunit_own_filter(test), 4096, &out);
	KUNIT_EXPECT_EQ(test, out.nrows, 1U);
	row = fdscope_kunit_find_fd(test, &out, fd);
	fdscope_expect_file(test, &out, row, fd, file);
	fdscope_kunit_expect(test, &out, row, "mode", "rw");
	fdscope_kunit_expect(test, &out, row, "flags", "nonblock");
	fdscope_kunit_expect(test, &out, row, "type", "SOCK");
	fdscope_kunit_expect(test, &out, row, "path",
			     fdscope_kunit_sprintf(test, "socket:[%lu]",
						   SOCK_INODE(sock)->i_ino));
}

/*
 * "fields": a pipe, an anonymous inode, a socket, a directory and a
 * deleted file, read with a few fields each time. Each read names only
 * the key and the fields asked for, in the file's order, and each field
 * holds what the whole record holds.
 */
static void fdscope_files_fields_test(struct kunit *test)
{
	static const char name[] = "/fdscope-kunit-fields";
	struct file *pipe[2];
	struct socket *sock;

	KUNIT_ASSERT_EQ(test, create_pipe_files(pipe, 0), 0);
	fdscope_kunit_install(test, pipe[0], false);
	fdscope_kunit_install(test, pipe[1], true);
	fdscope_kunit_install(test, anon_inode_getfile("[fdscope-kunit]",
						       &fdscope_kunit_anon_fops, NULL, O_RDWR),
			      false);
	KUNIT_ASSERT_EQ(test, sock_create_kern(&init_net, AF_INET, SOCK_STREAM,
					       IPPROTO_TCP, &sock), 0);
	fdscope_kunit_install(test, sock_alloc_file(sock, 0, NULL), false);
	fdscope_kunit_install(test, filp_open("/", O_RDONLY | O_DIRECTORY, 0), false);
	fdscope_kunit_install(test, fdscope_kunit_create(test, name, O_RDWR), false);
	fdscope_kunit_unlink(test, name);

	fdscope_kunit_check_fields(test, FDSCOPE_FILES, "path,ino,deleted",
				   "pid tid comm fd ino deleted path");
	fdscope_kunit_check_fields(test, FDSCOPE_FILES, "type", "pid tid comm fd type");
	fdscope_kunit_check_fields(test, FDSCOPE_FILES, "dev", "pid tid comm fd dev");
	fdscope_kunit_check_fields(test, FDSCOPE_FILES, "ino", "pid tid comm fd ino");
	fdscope_kunit_check_fields(test, FDSCOPE_FILES, "deleted", "pid tid comm fd deleted");
	fdscope_kunit_check_fields(test, FDSCOPE_FILES,
				   "nlink,table,size,epolls,start,refs,pos,flags,cloexec,mode,fileid",
				   "pid tid comm fd table cloexec mode flags pos fileid refs start epolls size nlink");
	fdscope_kunit_check_fields(test, FDSCOPE_FILES, "fd,pid,pid", "pid tid comm fd");
	fdscope_kunit_check_fields(test, FDSCOPE_FILES,
				   "pid,tid,comm,fd,table,cloexec,mode,flags,pos,type,dev,ino,fileid,refs,deleted,path,start,epolls,size,nlink",
				   "pid tid comm fd table cloexec mode flags pos type dev ino fileid refs deleted path start epolls size nlink");
}

/*
 * Sparse, high fds: records in fd order, close-on-exec read from the
 * grown table, one open file description behind all of them.
 */
static void fdscope_files_high_fds_test(struct kunit *test)
{
	static const int fds[] = { 0, 65, 300, 1000 };
	struct fdscope_kunit_out out;
	struct file *file;
	unsigned int i;
	int row;

	file = filp_open("/", O_RDONLY | O_DIRECTORY, 0);
	KUNIT_ASSERT_EQ(test, fdscope_kunit_install(test, file, false), 0);
	for (i = 1; i < ARRAY_SIZE(fds); i++)
		KUNIT_ASSERT_EQ(test, replace_fd(fds[i], file, i % 2 ? O_CLOEXEC : 0), 0);

	fdscope_kunit_walk(test, FDSCOPE_FILES, fdscope_kunit_own_filter(test), 4096, &out);
	KUNIT_ASSERT_EQ(test, out.nrows, (unsigned int)ARRAY_SIZE(fds));
	fdscope_kunit_check_order(test, &out);
	for (i = 0; i < ARRAY_SIZE(fds); i++) {
		row = fdscope_kunit_find_fd(test, &out, fds[i]);
		KUNIT_EXPECT_EQ(test, row, (int)i);
		fdscope_kunit_expect(test, &out, row, "cloexec", i % 2 ? "1" : "0");
		fdscope_kunit_expect(test, &out, row, "fileid", fdscope_kunit_file_id(test, file));
		fdscope_kunit_expect(test, &out, row, "refs", "4");
	}
}

/*
 * More fds than one locked section hands out, read in chunks that end
 * inside a batch and in one go: every fd once, in order, and refs counts
 * only the table's references, never the ones the walk holds ahead.
 */
static void fdscope_files_batches_test(struct kunit *test)
{
	static const size_t chunks[] = { 150, 4096 };
	const unsigned int nfds = 2 * FDSCOPE_FD_BATCH + 3;
	struct fdscope_kunit_out out;
	struct file *file, *other;
	unsigned int c, i;
	long count;
	int row;

	file = fdscope_kunit_create(test, "/fdscope-kunit-batches", O_RDWR);
	other = filp_open("/", O_RDONLY | O_DIRECTORY, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(other));
	KUNIT_ASSERT_EQ(test, fdscope_kunit_install(test, file, false), 0);
	KUNIT_ASSERT_EQ(test, fdscope_kunit_install(test, other, false), 1);
	for (i = 1; i < nfds; i++)
		KUNIT_ASSERT_EQ(test, replace_fd(10 + i, i % 7 ? file : other, 0), 0);
	count = file_count(file);

	for (c = 0; c < ARRAY_SIZE(chunks); c++) {
		fdscope_kunit_walk(test, FDSCOPE_FILES, fdscope_kunit_own_filter(test),
				   chunks[c], &out);
		KUNIT_ASSERT_EQ(test, out.nrows, nfds + 1);
		fdscope_kunit_check_order(test, &out);
		for (i = 1; i < nfds; i++) {
			struct file *at = i % 7 ? file : other;

			row = fdscope_kunit_find_fd(test, &out, 10 + i);
			KUNIT_ASSERT_GE(test, row, 0);
			fdscope_kunit_expect(test, &out, row, "refs",
					     fdscope_kunit_sprintf(test, "%ld", file_count(at)));
		}
		KUNIT_EXPECT_EQ(test, file_count(file), count);
	}
	fdscope_kunit_unlink(test, "/fdscope-kunit-batches");
}

/*
 * A record longer than the seq_file's first buffers (a path of spaces,
 * each escaped to four bytes) between two short ones: shown exactly once
 * and whole, whatever size the reads are.
 */
static void fdscope_files_long_record_test(struct kunit *test)
{
	const int depth = 14, width = 200;
	char *path = kunit_kzalloc(test, PATH_MAX, GFP_KERNEL);
	char *big, *small, *decoded;
	struct fdscope_kunit_out out;
	int i, len = 0, fd, row;

	KUNIT_ASSERT_NOT_NULL(test, path);
	len = sprintf(path, "/fdscope-kunit-long");
	fdscope_kunit_mkdir(test, path);
	for (i = 0; i < depth; i++) {
		path[len++] = '/';
		memset(path + len, ' ', width);
		len += width;
		path[len] = '\0';
		fdscope_kunit_mkdir(test, path);
	}
	strscpy(path + len, "/file", PATH_MAX - len);

	fdscope_kunit_install(test, filp_open("/", O_RDONLY | O_DIRECTORY, 0), false);
	fd = fdscope_kunit_install(test, fdscope_kunit_create(test, path, O_RDWR), false);
	fdscope_kunit_install(test, filp_open("/", O_RDONLY | O_DIRECTORY, 0), false);

	big = fdscope_kunit_read_all(test, FDSCOPE_FILES, fdscope_kunit_own_filter(test),
				     1 << 16);
	KUNIT_EXPECT_GT(test, strlen(big), (size_t)(4 * depth * width));
	small = fdscope_kunit_read_all(test, FDSCOPE_FILES, fdscope_kunit_own_filter(test), 7);
	KUNIT_EXPECT_STREQ(test, small, big);

	KUNIT_ASSERT_TRUE(test, fdscope_kunit_parse(test, FDSCOPE_FILES, big, &out));
	KUNIT_EXPECT_EQ(test, out.nrows, 3U);
	fdscope_kunit_check_order(test, &out);
	row = fdscope_kunit_find_fd(test, &out, fd);
	decoded = kunit_kzalloc(test, PATH_MAX, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, decoded);
	fdscope_kunit_unescape(decoded, fdscope_kunit_field(test, &out, row, "path"));
	KUNIT_EXPECT_STREQ(test, decoded, path);
}

/*
 * Reads that stop anywhere leave no reference behind: after every read,
 * and after closing half-way, the test's file and task are referenced as
 * before. Reading again from offset 0 starts over with the header.
 */
static void fdscope_files_partial_reads_test(struct kunit *test)
{
	struct fdscope_kunit_reader *r;
	unsigned int task_refs, i;
	struct file *file;
	char *full, *again;
	size_t len = 0;
	ssize_t n;

	file = fdscope_kunit_create(test, "/fdscope-kunit-partial", O_RDWR);
	fdscope_kunit_install(test, file, false);
	get_file(file);
	for (i = 0; i < 5; i++)
		KUNIT_ASSERT_EQ(test, replace_fd(10 + i, file, 0), 0);
	fput(file);
	task_refs = refcount_read(&current->usage);
	KUNIT_ASSERT_EQ(test, file_count(file), 6L);

	full = fdscope_kunit_read_all(test, FDSCOPE_FILES, fdscope_kunit_own_filter(test), 4096);
	again = kunit_kzalloc(test, strlen(full) + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, again);

	r = fdscope_kunit_open(test, FDSCOPE_FILES, fdscope_kunit_own_filter(test));
	KUNIT_ASSERT_NOT_NULL(test, r);
	do {
		n = fdscope_kunit_read(r, again + len, min_t(size_t, 50, strlen(full) - len));
		KUNIT_ASSERT_GE(test, n, 0L);
		len += n;
		KUNIT_EXPECT_EQ(test, file_count(file), 6L);
		KUNIT_EXPECT_EQ(test, refcount_read(&current->usage), task_refs);
	} while (n > 0 && len < strlen(full));
	KUNIT_EXPECT_STREQ(test, again, full);

	/* Back to offset 0: the header again, and the same records. */
	fdscope_kunit_rewind(r);
	memset(again, 0, strlen(full) + 1);
	n = fdscope_kunit_read(r, again, strlen(full));
	KUNIT_EXPECT_EQ(test, n, (ssize_t)strlen(full));
	KUNIT_EXPECT_STREQ(test, again, full);

	/* Closed in the middle of a record. */
	fdscope_kunit_rewind(r);
	KUNIT_EXPECT_EQ(test, fdscope_kunit_read(r, again, 100), 100L);
	fdscope_kunit_close(r);
	KUNIT_EXPECT_EQ(test, file_count(file), 6L);
	KUNIT_EXPECT_EQ(test, refcount_read(&current->usage), task_refs);
	fdscope_kunit_unlink(test, "/fdscope-kunit-partial");
}

static struct kunit_case fdscope_files_test_cases[] = {
	KUNIT_CASE(fdscope_files_regular_test),
	KUNIT_CASE(fdscope_files_escaped_path_test),
	KUNIT_CASE(fdscope_files_deleted_test),
	KUNIT_CASE(fdscope_files_special_test),
	KUNIT_CASE(fdscope_files_socket_test),
	KUNIT_CASE(fdscope_files_fields_test),
	KUNIT_CASE(fdscope_files_high_fds_test),
	KUNIT_CASE(fdscope_files_batches_test),
	KUNIT_CASE(fdscope_files_long_record_test),
	KUNIT_CASE(fdscope_files_partial_reads_test),
	{}
};

static struct kunit_suite fdscope_files_suite = {
	.name = "fdscope_files",
	.init = fdscope_kunit_table_init,
	.exit = fdscope_kunit_watch_exit,
	.test_cases = fdscope_files_test_cases,
};

kunit_test_suite(fdscope_files_suite);

// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope_holders: "holders" records of what the test thread holds besides
 * fds: its cwd and root, and files in flight to unix sockets in its table
 * (in a receive queue, in a listener's connection not yet accepted, more
 * than one record lists, and behind a reader that holds iolock), read
 * under KASAN and lockdep.
 */
#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kthread.h>
#include <linux/mutex.h>
#include <linux/net.h>
#include <linux/pipe_fs_i.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/un.h>
#include <net/af_unix.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "fdscope_kunit.h"

/* A pipe's read end, installed at an fd; the write end is dropped. */
static struct file *fdscope_holders_pipe(struct kunit *test, int *fd)
{
	struct file *pipe[2];

	KUNIT_ASSERT_EQ(test, create_pipe_files(pipe, 0), 0);
	fput(pipe[1]);
	*fd = fdscope_kunit_install(test, pipe[0], false);
	return pipe[0];
}

/* The test thread's holder records of kind @assoc. */
static unsigned int fdscope_holders_rows(struct kunit *test, struct fdscope_kunit_out *out,
					 const char *assoc, int *rows, unsigned int max)
{
	unsigned int c = fdscope_kunit_col(test, out, "assoc"), r, n = 0;

	for (r = 0; r < out->nrows; r++)
		if (!strcmp(out->rows[r][c], assoc) && n < max)
			rows[n++] = r;
	return n;
}

/* A kernel thread holds a cwd and a root, "/", and no executable or mappings. */
static void fdscope_holders_cwd_root_test(struct kunit *test)
{
	struct fdscope_kunit_out out;
	static const char *const assoc[] = { "cwd", "root" };
	unsigned int i;
	int row;

	fdscope_kunit_walk(test, FDSCOPE_HOLDERS, fdscope_kunit_own_filter(test), 4096, &out);
	for (i = 0; i < ARRAY_SIZE(assoc); i++) {
		KUNIT_ASSERT_EQ_MSG(test, fdscope_holders_rows(test, &out, assoc[i], &row, 1), 1U,
				    "%s", assoc[i]);
		fdscope_kunit_expect(test, &out, row, "comm", FDSCOPE_KUNIT_COMM_ESCAPED);
		fdscope_kunit_expect(test, &out, row, "fd", "-");
		fdscope_kunit_expect(test, &out, row, "type", "DIR");
		fdscope_kunit_expect(test, &out, row, "fileid", "-");
		fdscope_kunit_expect(test, &out, row, "deleted", "0");
		fdscope_kunit_expect(test, &out, row, "path", "/");
	}
	KUNIT_EXPECT_EQ(test, fdscope_kunit_count(test, &out, "assoc", "exe"), 0U);
	KUNIT_EXPECT_EQ(test, fdscope_kunit_count(test, &out, "assoc", "mem"), 0U);
}

/* A unix pair: @a sends, @b receives; both in the test's table. */
static void fdscope_holders_pair(struct kunit *test, int type, struct fdscope_kunit_sock *a,
				 struct fdscope_kunit_sock *b)
{
	fdscope_kunit_socket(test, AF_UNIX, type, 0, a);
	fdscope_kunit_socket(test, AF_UNIX, type, 0, b);
	KUNIT_ASSERT_EQ(test, a->sock->ops->socketpair(a->sock, b->sock), 0);
	fdscope_kunit_sock_install(test, a);
	fdscope_kunit_sock_install(test, b);
}

/*
 * A file whose only reference besides the walk's is a message in flight,
 * on a stream and on a datagram pair: listed under the receiver's fd.
 */
static void fdscope_holders_inflight_test(struct kunit *test)
{
	static const int types[] = { SOCK_STREAM, SOCK_DGRAM };
	struct fdscope_kunit_sock a[2], b[2];
	struct fdscope_kunit_out out;
	struct file *pipe[2];
	int fd, rows[2], row;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(types); i++) {
		fdscope_holders_pair(test, types[i], &a[i], &b[i]);
		pipe[i] = fdscope_holders_pipe(test, &fd);
		fdscope_kunit_send_fds(test, a[i].sock, &fd, 1);
		KUNIT_ASSERT_EQ(test, close_fd(fd), 0);
	}

	fdscope_kunit_walk(test, FDSCOPE_HOLDERS, fdscope_kunit_own_filter(test), 4096, &out);
	KUNIT_ASSERT_EQ(test, fdscope_holders_rows(test, &out, "inflight", rows, 2), 2U);
	for (i = 0; i < ARRAY_SIZE(types); i++) {
		row = rows[i];
		fdscope_kunit_expect(test, &out, row, "fd",
				     fdscope_kunit_sprintf(test, "%d", b[i].fd));
		fdscope_kunit_expect(test, &out, row, "via",
				     fdscope_kunit_sprintf(test, "%lu",
							   SOCK_INODE(b[i].sock)->i_ino));
		fdscope_kunit_expect(test, &out, row, "queue", "recv");
		/* The kernel keeps the sender only with SO_PASSCRED on. */
		fdscope_kunit_expect(test, &out, row, "sender", "-");
		fdscope_kunit_expect(test, &out, row, "status", "-");
		fdscope_kunit_expect(test, &out, row, "type", "FIFO");
		fdscope_kunit_expect(test, &out, row, "fileid",
				     fdscope_kunit_file_id(test, pipe[i]));
		/* Only the message holds it: the walk's own reference is not counted. */
		fdscope_kunit_expect(test, &out, row, "refs", "1");
	}
}

/*
 * A file sent to a connection its listener has not accepted yet: it waits
 * in the embryo's queue, listed under the listener.
 */
static void fdscope_holders_embryo_test(struct kunit *test)
{
	struct fdscope_kunit_sock listener, client;
	struct fdscope_kunit_out out;
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int len, fd, row;
	struct file *pipe;

	/* An abstract name of the test's own. */
	len = offsetof(struct sockaddr_un, sun_path) + 1 +
	      snprintf(sun.sun_path + 1, sizeof(sun.sun_path) - 1, "fdscope-kunit-%d",
		       task_pid_vnr(current));
	fdscope_kunit_socket(test, AF_UNIX, SOCK_STREAM, 0, &listener);
	KUNIT_ASSERT_EQ(test, kernel_bind(listener.sock, (struct sockaddr *)&sun, len), 0);
	KUNIT_ASSERT_EQ(test, kernel_listen(listener.sock, 4), 0);
	fdscope_kunit_sock_install(test, &listener);
	fdscope_kunit_socket(test, AF_UNIX, SOCK_STREAM, 0, &client);
	KUNIT_ASSERT_EQ(test, kernel_connect(client.sock, (struct sockaddr *)&sun, len, 0), 0);
	fdscope_kunit_sock_install(test, &client);

	pipe = fdscope_holders_pipe(test, &fd);
	fdscope_kunit_send_fds(test, client.sock, &fd, 1);
	KUNIT_ASSERT_EQ(test, close_fd(fd), 0);

	fdscope_kunit_walk(test, FDSCOPE_HOLDERS, fdscope_kunit_own_filter(test), 4096, &out);
	KUNIT_ASSERT_EQ(test, fdscope_holders_rows(test, &out, "inflight", &row, 1), 1U);
	fdscope_kunit_expect(test, &out, row, "fd", fdscope_kunit_sprintf(test, "%d", listener.fd));
	fdscope_kunit_expect(test, &out, row, "via",
			     fdscope_kunit_sprintf(test, "%lu", SOCK_INODE(listener.sock)->i_ino));
	fdscope_kunit_expect(test, &out, row, "queue", "embryo");
	/* The kernel keeps the sender of a message to a socket not yet accepted. */
	fdscope_kunit_expect(test, &out, row, "sender",
			     fdscope_kunit_sprintf(test, "%d", task_tgid_vnr(current)));
	fdscope_kunit_expect(test, &out, row, "fileid", fdscope_kunit_file_id(test, pipe));
}

/*
 * More files in flight than one record lists: FDSCOPE_HELD_MAX of them,
 * and a "more" line that counts the rest.
 */
static void fdscope_holders_more_test(struct kunit *test)
{
	const int n = FDSCOPE_HELD_MAX + 6;
	struct fdscope_kunit_sock a, b;
	struct fdscope_kunit_out out;
	int *fds, first, i, row;
	struct file *pipe;

	fdscope_holders_pair(test, SOCK_STREAM, &a, &b);
	pipe = fdscope_holders_pipe(test, &first);
	fds = kunit_kcalloc(test, n, sizeof(int), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fds);
	for (i = 0; i < n; i++) {
		fds[i] = 100 + i;
		KUNIT_ASSERT_EQ(test, replace_fd(fds[i], pipe, 0), 0);
	}
	fdscope_kunit_send_fds(test, a.sock, fds, n);

	fdscope_kunit_walk(test, FDSCOPE_HOLDERS, fdscope_kunit_own_filter(test), 4096, &out);
	KUNIT_EXPECT_EQ(test, fdscope_kunit_count(test, &out, "assoc", "inflight"),
			(unsigned int)FDSCOPE_HELD_MAX + 1);
	row = fdscope_kunit_find(test, &out, "status", "more");
	KUNIT_ASSERT_GE(test, row, 0);
	fdscope_kunit_expect(test, &out, row, "count", "6");
	fdscope_kunit_expect(test, &out, row, "fd", fdscope_kunit_sprintf(test, "%d", b.fd));
	fdscope_kunit_expect(test, &out, row, "path", "-");
}

/*
 * A thread that holds a unix socket's iolock until told to let go, as a
 * busy reader holds it. It keeps the sock referenced: the test's table
 * (and with it the socket) may be gone before KUnit frees the locker.
 */
struct fdscope_holders_locker {
	struct sock *sk;		/* referenced until the lock is let go */
	struct mutex *lock;		/* its iolock */
	struct completion locked;
	struct completion release;
	struct task_struct *task;
};

static int fdscope_holders_hold(void *arg)
{
	struct fdscope_holders_locker *l = arg;

	mutex_lock(l->lock);
	complete(&l->locked);
	wait_for_completion(&l->release);
	mutex_unlock(l->lock);
	return 0;
}

static int fdscope_holders_locker_init(struct kunit_resource *res, void *sk)
{
	struct fdscope_holders_locker *l = kzalloc(sizeof(*l), GFP_KERNEL);

	if (!l)
		return -ENOMEM;
	l->sk = sk;
	sock_hold(l->sk);
	l->lock = &unix_sk(l->sk)->iolock;
	init_completion(&l->locked);
	init_completion(&l->release);
	l->task = kthread_run(fdscope_holders_hold, l, "fdscope-locker");
	if (IS_ERR(l->task)) {
		sock_put(l->sk);
		kfree(l);
		return -ENOMEM;
	}
	get_task_struct(l->task);
	wait_for_completion(&l->locked);
	res->data = l;
	return 0;
}

/* Let go, also after a failed assertion: KUnit frees the resource then. */
static void fdscope_holders_locker_free(struct kunit_resource *res)
{
	struct fdscope_holders_locker *l = res->data;

	complete(&l->release);
	kthread_stop(l->task);
	put_task_struct(l->task);
	sock_put(l->sk);
	kfree(l);
}

/*
 * Another thread holding the receiver's iolock (as a reader does while it
 * copies to user memory): the walk neither waits nor lists a queue it
 * cannot read safely, but says "busy" with the count of files in flight.
 */
static void fdscope_holders_busy_test(struct kunit *test)
{
	struct fdscope_holders_locker *locker;
	struct fdscope_kunit_sock a, b;
	struct fdscope_kunit_out out;
	int fd, row;

	fdscope_holders_pair(test, SOCK_STREAM, &a, &b);
	fdscope_holders_pipe(test, &fd);
	fdscope_kunit_send_fds(test, a.sock, &fd, 1);

	locker = kunit_alloc_resource(test, fdscope_holders_locker_init,
				      fdscope_holders_locker_free, GFP_KERNEL, b.sock->sk);
	KUNIT_ASSERT_NOT_NULL(test, locker);
	fdscope_kunit_walk(test, FDSCOPE_HOLDERS, fdscope_kunit_own_filter(test), 4096, &out);
	KUNIT_EXPECT_EQ(test, fdscope_kunit_count(test, &out, "assoc", "inflight"), 1U);
	row = fdscope_kunit_find(test, &out, "status", "busy");
	KUNIT_ASSERT_GE(test, row, 0);
	fdscope_kunit_expect(test, &out, row, "fd", fdscope_kunit_sprintf(test, "%d", b.fd));
	fdscope_kunit_expect(test, &out, row, "count", "1");
	fdscope_kunit_expect(test, &out, row, "fileid", "-");
}

static struct kunit_case fdscope_holders_test_cases[] = {
	KUNIT_CASE(fdscope_holders_cwd_root_test),
	KUNIT_CASE(fdscope_holders_inflight_test),
	KUNIT_CASE(fdscope_holders_embryo_test),
	KUNIT_CASE(fdscope_holders_more_test),
	KUNIT_CASE(fdscope_holders_busy_test),
	{}
};

static struct kunit_suite fdscope_holders_suite = {
	.name = "fdscope_holders",
	.init = fdscope_kunit_table_init,
	.exit = fdscope_kunit_watch_exit,
	.test_cases = fdscope_holders_test_cases,
};

kunit_test_suite(fdscope_holders_suite);

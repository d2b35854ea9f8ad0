// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope_walk: walks of every task in the system, alone and while two
 * other kernel threads open, install, grow, close and exit with files and
 * sockets as fast as they can; pid filters on the whole system.
 */
#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/anon_inodes.h>
#include <linux/atomic.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/init_task.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/iopoll.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/net.h>
#include <linux/pid.h>
#include <linux/pipe_fs_i.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <net/net_namespace.h>

#include "fdscope_kunit.h"

/* A pid above any pid_max the test kernel runs with. */
#define FDSCOPE_NO_PID	4194000

static const struct file_operations fdscope_churn_fops;

/* Something of each kind in the test thread's table, to find in walks. */
struct fdscope_walk_own {
	struct file *pipe;
	struct file *sock;
	int pipe_fd;
	int sock_fd;
};

static void fdscope_walk_own_setup(struct kunit *test, struct fdscope_walk_own *own)
{
	struct file *pipe[2];
	struct socket *sock;

	KUNIT_ASSERT_EQ(test, create_pipe_files(pipe, 0), 0);
	fput(pipe[1]);
	own->pipe = pipe[0];
	own->pipe_fd = fdscope_kunit_install(test, own->pipe, false);
	KUNIT_ASSERT_EQ(test, sock_create_kern(&init_net, AF_INET, SOCK_DGRAM,
					       IPPROTO_UDP, &sock), 0);
	own->sock = sock_alloc_file(sock, 0, NULL);
	own->sock_fd = fdscope_kunit_install(test, own->sock, false);
}

/* The test thread's records: each of its fds (or its table) exactly once. */
static void fdscope_walk_expect_own(struct kunit *test, const struct fdscope_kunit_out *out,
				    const struct fdscope_walk_own *own)
{
	char *pid = fdscope_kunit_sprintf(test, "%d", task_tgid_vnr(current));
	unsigned int c_pid = fdscope_kunit_col(test, out, "pid"), n = 0, r, want;
	const char *fd;

	for (r = 0; r < out->nrows; r++) {
		if (strcmp(out->rows[r][c_pid], pid))
			continue;
		n++;
		if (out->kind == FDSCOPE_TASKS || out->kind == FDSCOPE_HOLDERS)
			continue;
		fd = fdscope_kunit_field(test, out, r, "fd");
		if (out->kind == FDSCOPE_FILES && !strcmp(fd, "0"))
			KUNIT_EXPECT_STREQ(test, fdscope_kunit_field(test, out, r, "fileid"),
					   fdscope_kunit_file_id(test, own->pipe));
		else
			KUNIT_EXPECT_STREQ(test, fdscope_kunit_field(test, out, r, "fileid"),
					   fdscope_kunit_file_id(test, own->sock));
	}
	/* files: its pipe and socket; holders: its cwd and root. */
	want = out->kind == FDSCOPE_FILES || out->kind == FDSCOPE_HOLDERS ? 2 : 1;
	KUNIT_EXPECT_EQ_MSG(test, n, want, "records of the test thread (pid %s)", pid);
}

/* Up to @max thread-group ids of the system's processes, now. */
static unsigned int fdscope_walk_processes(pid_t *pids, unsigned int max)
{
	struct task_struct *p;
	unsigned int n = 0;

	rcu_read_lock();
	for_each_process(p) {
		if (n == max)
			break;
		pids[n++] = task_tgid_vnr(p);
	}
	rcu_read_unlock();
	return n;
}

static bool fdscope_walk_alive(pid_t tgid)
{
	bool alive;

	rcu_read_lock();
	alive = pid_task(find_vpid(tgid), PIDTYPE_TGID);
	rcu_read_unlock();
	return alive;
}

/*
 * Every kind, every task, nothing else running: well-formed, in order,
 * the test thread's records once each, every process that lived through
 * the walk listed, kernel threads under init_files' identity.
 */
static void fdscope_walk_whole_system_test(struct kunit *test)
{
	const unsigned int max = 4096;
	pid_t *pids = kunit_kcalloc(test, max, sizeof(pid_t), GFP_KERNEL);
	struct fdscope_walk_own own;
	struct fdscope_kunit_out out;
	unsigned int n, i, kind;
	char *pid;
	int row;

	KUNIT_ASSERT_NOT_NULL(test, pids);
	fdscope_walk_own_setup(test, &own);
	for (kind = FDSCOPE_FILES; kind <= FDSCOPE_TASKS; kind++) {
		fdscope_kunit_walk(test, kind, NULL, 4096, &out);
		fdscope_kunit_check_order(test, &out);
		fdscope_walk_expect_own(test, &out, &own);
	}

	n = fdscope_walk_processes(pids, max);
	KUNIT_ASSERT_GT(test, n, 2U);
	fdscope_kunit_walk(test, FDSCOPE_TASKS, NULL, 333, &out);
	for (i = 0; i < n; i++) {
		pid = fdscope_kunit_sprintf(test, "%d", pids[i]);
		row = fdscope_kunit_find(test, &out, "pid", pid);
		if (row < 0 && fdscope_walk_alive(pids[i]))
			KUNIT_FAIL(test, "process %s is not in the tasks walk", pid);
		if (row >= 0)
			KUNIT_EXPECT_STREQ_MSG(test, fdscope_kunit_field(test, &out, row, "tid"),
					       "-", "process %s", pid);
	}
	row = fdscope_kunit_find(test, &out, "pid", "2");
	KUNIT_ASSERT_GE(test, row, 0);
	KUNIT_EXPECT_STREQ(test, fdscope_kunit_field(test, &out, row, "comm"), "kthreadd");
	KUNIT_EXPECT_STREQ(test, fdscope_kunit_field(test, &out, row, "table"),
			   fdscope_kunit_id(test, &init_files));
	KUNIT_EXPECT_GE(test, fdscope_kunit_find(test, &out, "pid", "1"), 0);
}

/* Pid filters on the whole system: none, one, several, missing pids. */
static void fdscope_walk_filter_test(struct kunit *test)
{
	char *self = fdscope_kunit_sprintf(test, "%d", task_tgid_vnr(current));
	struct fdscope_walk_own own;
	struct fdscope_kunit_out out;
	unsigned int kind;
	int row;

	fdscope_walk_own_setup(test, &own);
	for (kind = FDSCOPE_FILES; kind <= FDSCOPE_TASKS; kind++) {
		fdscope_kunit_walk(test, kind, "pid " __stringify(FDSCOPE_NO_PID), 4096, &out);
		KUNIT_EXPECT_EQ(test, out.nrows, 0U);
		fdscope_kunit_walk(test, kind,
				   fdscope_kunit_sprintf(test, "pid %d,%s", FDSCOPE_NO_PID, self),
				   4096, &out);
		fdscope_walk_expect_own(test, &out, &own);
		KUNIT_EXPECT_EQ(test, out.nrows, kind == FDSCOPE_FILES ? 2U : 1U);
		/* "pid" alone: no filter, the whole system again. */
		fdscope_kunit_walk(test, kind, "pid", 4096, &out);
		fdscope_walk_expect_own(test, &out, &own);
	}

	fdscope_kunit_walk(test, FDSCOPE_TASKS, fdscope_kunit_sprintf(test, "pid %s,2,1", self),
			   4096, &out);
	fdscope_kunit_check_order(test, &out);
	KUNIT_EXPECT_EQ(test, out.nrows, 3U);
	KUNIT_EXPECT_STREQ(test, fdscope_kunit_field(test, &out, 0, "pid"), "1");
	row = fdscope_kunit_find(test, &out, "pid", "2");
	KUNIT_EXPECT_EQ(test, row, 1);
	KUNIT_EXPECT_STREQ(test, fdscope_kunit_field(test, &out, 1, "comm"), "kthreadd");
	KUNIT_EXPECT_STREQ(test, fdscope_kunit_field(test, &out, 1, "tid"), "-");
	KUNIT_EXPECT_STREQ(test, fdscope_kunit_field(test, &out, 2, "pid"), self);
}

/*
 * The churn: kernel threads that, until stopped, fill and empty fd tables
 * of their own. They report failures through @err, never through KUnit.
 */
struct fdscope_churn {
	struct task_struct *task;
	atomic_t rounds;
	int err;
	const char *what;
};

static void fdscope_churn_fail(struct fdscope_churn *c, const char *what, int err)
{
	if (!c->err) {
		c->what = what;
		c->err = err ?: -EINVAL;
	}
}

static int fdscope_churn_idle(void)
{
	while (!kthread_should_stop())
		schedule_timeout_interruptible(HZ / 10);
	return 0;
}

static int fdscope_churn_install(struct fdscope_churn *c, struct file *file, int *fds,
				 int *n)
{
	int fd;

	if (IS_ERR(file)) {
		fdscope_churn_fail(c, "open", PTR_ERR(file));
		return PTR_ERR(file);
	}
	fd = get_unused_fd_flags(*n & 1 ? O_CLOEXEC : 0);
	if (fd < 0) {
		fput(file);
		fdscope_churn_fail(c, "get_unused_fd_flags", fd);
		return fd;
	}
	fd_install(fd, file);
	fds[(*n)++] = fd;
	return 0;
}

/* Directories, pipes and anonymous inodes in and out, one far up. */
static int fdscope_churn_files(void *arg)
{
	struct fdscope_churn *c = arg;
	struct file *pipe[2], *anon;
	unsigned int round = 0;
	int fds[8], n, i, high;

	if (unshare_files()) {
		fdscope_churn_fail(c, "unshare_files", -ENOMEM);
		return fdscope_churn_idle();
	}
	while (!kthread_should_stop()) {
		n = 0;
		for (i = 0; i < 4; i++)
			fdscope_churn_install(c, filp_open("/", O_RDONLY | O_DIRECTORY, 0),
					      fds, &n);
		if (!create_pipe_files(pipe, 0)) {
			fdscope_churn_install(c, pipe[0], fds, &n);
			fdscope_churn_install(c, pipe[1], fds, &n);
		}
		high = 64 + (round * 37) % 900;
		anon = anon_inode_getfile("[fdscope-churn]", &fdscope_churn_fops, NULL, O_RDWR);
		if (!IS_ERR(anon)) {
			if (replace_fd(high, anon, round & 1 ? O_CLOEXEC : 0) < 0)
				fdscope_churn_fail(c, "replace_fd", -EBADF);
			fput(anon);
		}
		for (i = 0; i < n; i++)
			close_fd(fds[i]);
		close_fd(high);
		atomic_inc(&c->rounds);
		round++;
		cond_resched();
	}
	return 0;
}

/* A task that lives for a moment with a table of its own, grown once. */
static int fdscope_churn_short(void *arg)
{
	struct file *file;

	if (unshare_files())
		return 0;
	file = filp_open("/", O_RDONLY | O_DIRECTORY, 0);
	if (!IS_ERR(file)) {
		replace_fd(3, file, O_CLOEXEC);
		replace_fd(700, file, 0);
		fput(file);
	}
	return 0;
}

static int fdscope_churn_sock(struct fdscope_churn *c, int family, int type, int proto,
			      int *fds, int *n)
{
	struct socket *sock;
	int err;

	err = sock_create_kern(&init_net, family, type, proto, &sock);
	if (err) {
		fdscope_churn_fail(c, "sock_create_kern", err);
		return err;
	}
	return fdscope_churn_install(c, sock_alloc_file(sock, 0, NULL), fds, n);
}

/* Put @fd in flight over @sock (to its peer, until both close): for the holders walk. */
static void fdscope_churn_pass(struct socket *sock, int fd)
{
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl = { };

	ctl.hdr.cmsg_len = CMSG_LEN(sizeof(int));
	ctl.hdr.cmsg_level = SOL_SOCKET;
	ctl.hdr.cmsg_type = SCM_RIGHTS;
	memcpy(CMSG_DATA(&ctl.hdr), &fd, sizeof(int));
	fdscope_kunit_send(sock, "x", 1, &ctl, sizeof(ctl));
}

/* Sockets in and out, files in flight, and short-lived tasks with their own tables. */
static int fdscope_churn_sockets(void *arg)
{
	struct fdscope_churn *c = arg;
	struct socket *a, *b;
	struct task_struct *t;
	unsigned int round = 0;
	int fds[8], n, i;

	if (unshare_files()) {
		fdscope_churn_fail(c, "unshare_files", -ENOMEM);
		return fdscope_churn_idle();
	}
	while (!kthread_should_stop()) {
		n = 0;
		fdscope_churn_sock(c, AF_INET, SOCK_STREAM, IPPROTO_TCP, fds, &n);
		fdscope_churn_sock(c, AF_INET6, SOCK_DGRAM, IPPROTO_UDP, fds, &n);
		if (!sock_create_kern(&init_net, AF_UNIX, SOCK_STREAM, 0, &a)) {
			if (!sock_create_kern(&init_net, AF_UNIX, SOCK_STREAM, 0, &b)) {
				a->ops->socketpair(a, b);
				fdscope_churn_install(c, sock_alloc_file(b, 0, NULL), fds, &n);
			}
			if (!fdscope_churn_install(c, sock_alloc_file(a, 0, NULL), fds, &n))
				fdscope_churn_pass(a, fds[0]);
		}
		if (round % 4 == 0) {
			t = kthread_run(fdscope_churn_short, NULL, "fdscope-short");
			if (IS_ERR(t))
				fdscope_churn_fail(c, "kthread_run", PTR_ERR(t));
		}
		for (i = 0; i < n; i++)
			close_fd(fds[i]);
		atomic_inc(&c->rounds);
		round++;
		cond_resched();
	}
	return 0;
}

static int fdscope_churn_init(struct kunit_resource *res, void *context)
{
	res->data = kzalloc(2 * sizeof(struct fdscope_churn), GFP_KERNEL);
	return res->data ? 0 : -ENOMEM;
}

/* Stop whatever churn of @nr still runs, also after a failed assertion. */
static void fdscope_churn_stop(struct fdscope_churn *churn, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		if (!churn[i].task)
			continue;
		kthread_stop(churn[i].task);
		put_task_struct(churn[i].task);
		churn[i].task = NULL;
	}
}

static void fdscope_churn_free(struct kunit_resource *res)
{
	fdscope_churn_stop(res->data, 2);
	kfree(res->data);
}

static int fdscope_churn_rounds(struct fdscope_churn *c)
{
	return atomic_read(&c->rounds);
}

/*
 * Whole-system walks of every kind, with read sizes from 333 bytes to a
 * page, while the churn runs on the other CPU: each walk ends, each line
 * is a well-formed record in walk order, the test thread's records are
 * there once each, and the churn made progress during the walks. KASAN
 * and lockdep watch all of it (lockdep through the suite's exit).
 */
static void fdscope_walk_concurrent_test(struct kunit *test)
{
	static int (*const fn[2])(void *) = { fdscope_churn_files, fdscope_churn_sockets };
	static const char *const names[2] = { "fdscope-churn-f", "fdscope-churn-s" };
	static const size_t chunks[] = { 4096, 1000, 333 };
	unsigned int task_refs, pass, kind, i;
	struct fdscope_churn *churn;
	unsigned long start;
	struct fdscope_walk_own own;
	struct fdscope_kunit_out out;
	int before[2], rounds;

	fdscope_walk_own_setup(test, &own);
	task_refs = refcount_read(&current->usage);
	churn = kunit_alloc_resource(test, fdscope_churn_init, fdscope_churn_free,
				     GFP_KERNEL, NULL);
	KUNIT_ASSERT_NOT_NULL(test, churn);
	for (i = 0; i < 2; i++) {
		churn[i].task = kthread_run(fn[i], &churn[i], names[i]);
		KUNIT_ASSERT_FALSE(test, IS_ERR(churn[i].task));
		get_task_struct(churn[i].task);
	}
	for (i = 0; i < 2; i++) {
		KUNIT_ASSERT_EQ_MSG(test, read_poll_timeout(fdscope_churn_rounds, rounds,
							    rounds > 0, 10000, 30000000,
							    false, &churn[i]), 0,
				    "%s never ran", names[i]);
		before[i] = fdscope_churn_rounds(&churn[i]);
	}

	/* At least 6 passes and 10 s of walking; at most 60 s. */
	start = jiffies;
	for (pass = 0; pass < 6 || time_before(jiffies, start + 10 * HZ); pass++) {
		for (kind = FDSCOPE_FILES; kind <= FDSCOPE_HOLDERS; kind++) {
			fdscope_kunit_walk(test, kind, NULL, chunks[pass % 3], &out);
			if (kind != FDSCOPE_HOLDERS)
				fdscope_kunit_check_order(test, &out);
			fdscope_walk_expect_own(test, &out, &own);
		}
		if (time_after(jiffies, start + 60 * HZ))
			break;
	}
	for (i = 0; i < 2; i++)
		KUNIT_EXPECT_GT_MSG(test, fdscope_churn_rounds(&churn[i]), before[i],
				    "%s made no progress during the walks", names[i]);
	fdscope_churn_stop(churn, 2);
	for (i = 0; i < 2; i++)
		KUNIT_EXPECT_EQ_MSG(test, churn[i].err, 0, "%s: %s failed", names[i],
				    churn[i].what ?: "");
	kunit_info(test, "%u passes in %u ms; churn rounds %d and %d\n", pass,
		   jiffies_to_msecs(jiffies - start), fdscope_churn_rounds(&churn[0]),
		   fdscope_churn_rounds(&churn[1]));

	/* No reference the walks took on the test's own objects is left. */
	KUNIT_EXPECT_EQ(test, refcount_read(&current->usage), task_refs);
	KUNIT_EXPECT_EQ(test, file_count(own.pipe), 1L);
	KUNIT_EXPECT_EQ(test, file_count(own.sock), 1L);
}

/*
 * The flip: a kernel thread with a table of its own that points fd 3 at
 * @on (close-on-exec) and @off (not) in turn, and now and then closes it.
 */
struct fdscope_flip {
	struct fdscope_churn churn;
	struct file *on;
	struct file *off;
};

static int fdscope_flip_fd(void *arg)
{
	struct fdscope_flip *f = arg;
	unsigned int round = 0;

	if (unshare_files()) {
		fdscope_churn_fail(&f->churn, "unshare_files", -ENOMEM);
		return fdscope_churn_idle();
	}
	while (!kthread_should_stop()) {
		if (replace_fd(3, f->on, O_CLOEXEC) < 0 || replace_fd(3, f->off, 0) < 0)
			fdscope_churn_fail(&f->churn, "replace_fd", -EBADF);
		if (++round % 16 == 0)
			close_fd(3);
		atomic_inc(&f->churn.rounds);
		if (round % 64 == 0)
			cond_resched();
	}
	return 0;
}

static int fdscope_flip_init(struct kunit_resource *res, void *context)
{
	struct fdscope_flip *f = kzalloc(sizeof(*f), GFP_KERNEL);

	res->data = f;
	return f ? 0 : -ENOMEM;
}

/* Stop the flip and drop its files, also after a failed assertion. */
static void fdscope_flip_free(struct kunit_resource *res)
{
	struct fdscope_flip *f = res->data;

	fdscope_churn_stop(&f->churn, 1);
	if (f->on)
		fput(f->on);
	if (f->off)
		fput(f->off);
	kfree(f);
}

/*
 * One record, one instant: while another thread points fd 3 at one file
 * then another, every record of fd 3 shows the file and the close-on-exec
 * bit it had at the same moment, and names the table that holds it.
 */
static void fdscope_walk_consistent_record_test(struct kunit *test)
{
	unsigned int c_fd, c_fileid, c_cloexec, c_table, r, seen = 0, passes = 0;
	char *on_id, *off_id, *filter;
	struct fdscope_kunit_out out;
	struct fdscope_flip *f;
	struct file *pipe[2];
	unsigned long start;
	const char *id;
	int rounds;

	f = kunit_alloc_resource(test, fdscope_flip_init, fdscope_flip_free, GFP_KERNEL, NULL);
	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_ASSERT_EQ(test, create_pipe_files(pipe, 0), 0);
	f->on = pipe[0];
	f->off = pipe[1];
	on_id = fdscope_kunit_file_id(test, f->on);
	off_id = fdscope_kunit_file_id(test, f->off);

	f->churn.task = kthread_run(fdscope_flip_fd, f, "fdscope-flip");
	KUNIT_ASSERT_FALSE(test, IS_ERR(f->churn.task));
	get_task_struct(f->churn.task);
	filter = fdscope_kunit_sprintf(test, "pid %d", task_tgid_vnr(f->churn.task));
	KUNIT_EXPECT_EQ(test, read_poll_timeout(fdscope_churn_rounds, rounds, rounds > 0,
						10000, 30000000, false, &f->churn), 0);

	start = jiffies;
	while (passes < 50 || (time_before(jiffies, start + 5 * HZ) && seen < 2000)) {
		fdscope_kunit_walk(test, FDSCOPE_FILES, filter, 4096, &out);
		passes++;
		if (!out.nrows)
			continue;
		c_fd = fdscope_kunit_col(test, &out, "fd");
		c_fileid = fdscope_kunit_col(test, &out, "fileid");
		c_cloexec = fdscope_kunit_col(test, &out, "cloexec");
		c_table = fdscope_kunit_col(test, &out, "table");
		for (r = 0; r < out.nrows; r++) {
			if (strcmp(out.rows[r][c_fd], "3"))
				continue;
			seen++;
			id = out.rows[r][c_fileid];
			KUNIT_EXPECT_TRUE_MSG(test, !strcmp(id, on_id) || !strcmp(id, off_id),
					      "fd 3 is neither file: %s", id);
			KUNIT_EXPECT_STREQ_MSG(test, out.rows[r][c_cloexec],
					       strcmp(id, on_id) ? "0" : "1",
					       "pass %u: cloexec of fd 3 (%s)", passes, id);
			KUNIT_EXPECT_STRNEQ(test, out.rows[r][c_table], "000000000000000");
		}
		if (time_after(jiffies, start + 30 * HZ))
			break;
	}
	fdscope_churn_stop(&f->churn, 1);
	KUNIT_EXPECT_EQ_MSG(test, f->churn.err, 0, "%s failed", f->churn.what ?: "");
	KUNIT_EXPECT_GT(test, seen, 0U);
	kunit_info(test, "%u passes, %u records of fd 3, %d flips\n", passes, seen,
		   fdscope_churn_rounds(&f->churn));
}

static struct kunit_case fdscope_walk_test_cases[] = {
	KUNIT_CASE(fdscope_walk_whole_system_test),
	KUNIT_CASE(fdscope_walk_filter_test),
	KUNIT_CASE(fdscope_walk_concurrent_test),
	KUNIT_CASE(fdscope_walk_consistent_record_test),
	{}
};

static struct kunit_suite fdscope_walk_suite = {
	.name = "fdscope_walk",
	.init = fdscope_kunit_table_init,
	.exit = fdscope_kunit_watch_exit,
	.test_cases = fdscope_walk_test_cases,
};

kunit_test_suite(fdscope_walk_suite);

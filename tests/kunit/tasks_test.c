// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope_tasks: "tasks" records of the test thread's own table, and of a
 * thread group with one thread that has a table of its own (listed, with
 * its tid) and one that shares the leader's (not listed).
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/iopoll.h>
#include <linux/nsproxy.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/pipe_fs_i.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <net/net_namespace.h>

#include "../../module/compat.h"
#include "fdscope_kunit.h"

static unsigned int fdscope_kunit_max_fds(void)
{
	unsigned int n;

	rcu_read_lock();
	n = files_fdtable(current->files)->max_fds;
	rcu_read_unlock();
	return n;
}

/* The test thread's table: counts, size, identity and namespaces. */
static void fdscope_tasks_own_table_test(struct kunit *test)
{
	struct fdscope_kunit_out out, files;
	struct file *pipe[2], *dir;

	KUNIT_ASSERT_EQ(test, create_pipe_files(pipe, 0), 0);
	fdscope_kunit_install(test, pipe[0], false);
	fdscope_kunit_install(test, pipe[1], false);
	dir = filp_open("/", O_RDONLY | O_DIRECTORY, 0);
	fdscope_kunit_install(test, dir, true);
	KUNIT_ASSERT_EQ(test, replace_fd(200, dir, 0), 0);
	KUNIT_ASSERT_GT(test, fdscope_kunit_max_fds(), 200U);

	fdscope_kunit_walk(test, FDSCOPE_TASKS, fdscope_kunit_own_filter(test), 4096, &out);
	KUNIT_ASSERT_EQ(test, out.nrows, 1U);
	fdscope_kunit_expect(test, &out, 0, "pid",
			     fdscope_kunit_sprintf(test, "%d", task_tgid_vnr(current)));
	fdscope_kunit_expect(test, &out, 0, "tid", "-");
	fdscope_kunit_expect(test, &out, 0, "comm", FDSCOPE_KUNIT_COMM_ESCAPED);
	fdscope_kunit_expect(test, &out, 0, "uid", "0");
	fdscope_kunit_expect(test, &out, 0, "table", fdscope_kunit_id(test, current->files));
	fdscope_kunit_expect(test, &out, 0, "nfds", "4");
	fdscope_kunit_expect(test, &out, 0, "maxfds",
			     fdscope_kunit_sprintf(test, "%u", fdscope_kunit_max_fds()));
	fdscope_kunit_expect(test, &out, 0, "pidns",
			     fdscope_kunit_sprintf(test, "%u",
						   task_active_pid_ns(current)->ns.inum));
	fdscope_kunit_expect(test, &out, 0, "netns",
			     fdscope_kunit_sprintf(test, "%u",
						   current->nsproxy->net_ns->ns.inum));

	/* The same table, as "files" names it. */
	fdscope_kunit_walk(test, FDSCOPE_FILES, fdscope_kunit_own_filter(test), 4096, &files);
	KUNIT_EXPECT_EQ(test, files.nrows, 4U);
	fdscope_kunit_expect(test, &files, 0, "table",
			     fdscope_kunit_field(test, &out, 0, "table"));
}

/*
 * A thread in the test thread's group (kernel_thread with CLONE_THREAD):
 * with @own_table it gets a copy of the table (no CLONE_FILES) and
 * installs @file in it; without, it shares the leader's.
 */
struct fdscope_kunit_thread {
	struct completion ready;
	struct completion go;
	struct file *file;
	pid_t tid;
	int fd;
	unsigned long table;
};

static int fdscope_kunit_thread_fn(void *arg)
{
	struct fdscope_kunit_thread *t = arg;

	set_task_comm(current, "fdscope thread");
	t->tid = task_pid_vnr(current);
	t->table = (unsigned long)current->files;
	if (t->file) {
		t->fd = get_unused_fd_flags(0);
		if (t->fd >= 0)
			fd_install(t->fd, t->file);
		else
			fput(t->file);
	}
	complete(&t->ready);
	/* Bounded: if the test failed before ending it, exit all the same. */
	wait_for_completion_timeout(&t->go, 30 * HZ);
	do_exit(0);
}

static struct fdscope_kunit_thread *fdscope_kunit_thread(struct kunit *test,
							 struct file *file)
{
	struct fdscope_kunit_thread *t = kzalloc(sizeof(*t), GFP_KERNEL);
	unsigned long flags = CLONE_THREAD | CLONE_SIGHAND | CLONE_FS;
	pid_t pid;

	KUNIT_ASSERT_NOT_NULL(test, t);
	init_completion(&t->ready);
	init_completion(&t->go);
	t->file = file;
	if (!file)
		flags |= CLONE_FILES;
	pid = fdscope_kernel_thread(fdscope_kunit_thread_fn, t, "fdscope-kunit", flags);
	KUNIT_ASSERT_GT_MSG(test, pid, 0, "kernel_thread: %d", pid);
	wait_for_completion(&t->ready);
	KUNIT_ASSERT_EQ(test, t->tid, pid);
	return t;
}

static bool fdscope_kunit_tid_gone(pid_t tid)
{
	bool gone;

	rcu_read_lock();
	gone = !find_task_by_vpid(tid);
	rcu_read_unlock();
	return gone;
}

/* Let @t exit; free it once it is gone (it uses @t until it exits). */
static void fdscope_kunit_thread_end(struct kunit *test, struct fdscope_kunit_thread *t)
{
	pid_t tid = t->tid;
	bool gone;

	complete(&t->go);
	KUNIT_EXPECT_EQ(test, read_poll_timeout(fdscope_kunit_tid_gone, gone, gone,
						10000, 10000000, false, tid), 0);
	if (gone)
		kfree(t);
}

static void fdscope_tasks_threads_test(struct kunit *test)
{
	struct fdscope_kunit_thread *own, *shared;
	struct fdscope_kunit_out out, files;
	struct file *pipe[2];
	char *tid;
	int row, fd;

	KUNIT_ASSERT_EQ(test, create_pipe_files(pipe, 0), 0);
	fput(pipe[1]);
	own = fdscope_kunit_thread(test, pipe[0]);
	shared = fdscope_kunit_thread(test, NULL);
	KUNIT_EXPECT_NE(test, own->table, (unsigned long)current->files);
	KUNIT_EXPECT_EQ(test, shared->table, (unsigned long)current->files);
	KUNIT_EXPECT_EQ(test, own->fd, 0);
	fd = fdscope_kunit_install(test, filp_open("/", O_RDONLY | O_DIRECTORY, 0), false);
	tid = fdscope_kunit_sprintf(test, "%d", own->tid);

	fdscope_kunit_walk(test, FDSCOPE_TASKS, fdscope_kunit_own_filter(test), 4096, &out);
	fdscope_kunit_check_order(test, &out);
	KUNIT_EXPECT_EQ(test, out.nrows, 2U);
	row = fdscope_kunit_find(test, &out, "tid", "-");
	KUNIT_ASSERT_GE(test, row, 0);
	fdscope_kunit_expect(test, &out, row, "comm", FDSCOPE_KUNIT_COMM_ESCAPED);
	fdscope_kunit_expect(test, &out, row, "nfds", "1");
	row = fdscope_kunit_find(test, &out, "tid", tid);
	KUNIT_ASSERT_GE(test, row, 0);
	fdscope_kunit_expect(test, &out, row, "pid",
			     fdscope_kunit_sprintf(test, "%d", task_tgid_vnr(current)));
	fdscope_kunit_expect(test, &out, row, "comm", "fdscope\\040thread");
	fdscope_kunit_expect(test, &out, row, "nfds", "1");
	fdscope_kunit_expect(test, &out, row, "table",
			     fdscope_kunit_id(test, (void *)own->table));
	tid = fdscope_kunit_sprintf(test, "%d", shared->tid);
	KUNIT_EXPECT_EQ(test, fdscope_kunit_count(test, &out, "tid", tid), 0U);
	tid = fdscope_kunit_sprintf(test, "%d", own->tid);

	/* The leader's fd under "-", the thread's pipe under its tid. */
	fdscope_kunit_walk(test, FDSCOPE_FILES, fdscope_kunit_own_filter(test), 4096, &files);
	fdscope_kunit_check_order(test, &files);
	KUNIT_EXPECT_EQ(test, files.nrows, 2U);
	row = fdscope_kunit_find(test, &files, "tid", "-");
	KUNIT_ASSERT_GE(test, row, 0);
	fdscope_kunit_expect(test, &files, row, "fd", fdscope_kunit_sprintf(test, "%d", fd));
	fdscope_kunit_expect(test, &files, row, "type", "DIR");
	row = fdscope_kunit_find(test, &files, "tid", tid);
	KUNIT_ASSERT_GE(test, row, 0);
	fdscope_kunit_expect(test, &files, row, "fd", "0");
	fdscope_kunit_expect(test, &files, row, "type", "FIFO");
	fdscope_kunit_expect(test, &files, row, "table",
			     fdscope_kunit_id(test, (void *)own->table));

	/* A filter on the thread's tid is not its thread group's id. */
	fdscope_kunit_walk(test, FDSCOPE_TASKS,
			   fdscope_kunit_sprintf(test, "pid %d", own->tid), 4096, &out);
	KUNIT_EXPECT_EQ(test, out.nrows, 0U);

	fdscope_kunit_thread_end(test, own);
	fdscope_kunit_thread_end(test, shared);
}

static struct kunit_case fdscope_tasks_test_cases[] = {
	KUNIT_CASE(fdscope_tasks_own_table_test),
	KUNIT_CASE(fdscope_tasks_threads_test),
	{}
};

static struct kunit_suite fdscope_tasks_suite = {
	.name = "fdscope_tasks",
	.init = fdscope_kunit_table_init,
	.exit = fdscope_kunit_watch_exit,
	.test_cases = fdscope_tasks_test_cases,
};

kunit_test_suite(fdscope_tasks_suite);

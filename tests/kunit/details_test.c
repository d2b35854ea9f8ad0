// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope_details: "details" records of files the test makes in its own
 * table: a pidfd of a process that runs, then of the same one gone; an
 * eventfd with a count; a sealed memfd beside a shmem file that is no
 * memfd; a timerfd; a tun file (on a device node the test makes); a
 * regular file, which has no details. Read with KASAN and lockdep watching
 * (eventfd and timerfd details take their wait queue's irq-safe spinlock).
 *
 * The tun file stays detached (TUNSETIFF needs user memory): what its case
 * checks is rtnl_lock. While the test holds it, another thread reads the
 * details file: a default read finishes, one that wrote "opt tun" waits
 * for the test to let go.
 *
 * eventfd and timerfd are made through their system calls (x64_sys_call,
 * with plain integer arguments: the test thread has no user memory), so
 * the timerfd stays unarmed; the VM test covers an armed one.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/eventfd.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/iopoll.h>
#include <linux/kthread.h>
#include <linux/major.h>
#include <linux/memfd.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/namei.h>
#include <linux/pid.h>
#include <linux/rtnetlink.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/shmem_fs.h>
#include <linux/string.h>
#include <linux/time.h>
#include <asm/syscall.h>
#include <asm/unistd.h>

#include "../../module/compat.h"
#include "fdscope_kunit.h"

/* A system call with integer arguments only, as user space would make it. */
static long fdscope_details_syscall(unsigned int nr, unsigned long a, unsigned long b)
{
	struct pt_regs regs = { .di = a, .si = b };

	return x64_sys_call(&regs, nr);
}

/* The details field of the record of @fd. */
static const char *fdscope_details_of(struct kunit *test, int fd, const char *class)
{
	struct fdscope_kunit_out out;
	int row;

	fdscope_kunit_walk(test, FDSCOPE_DETAILS, fdscope_kunit_own_filter(test), 4096, &out);
	row = fdscope_kunit_find_fd(test, &out, fd);
	fdscope_kunit_expect(test, &out, row, "class", class);
	return fdscope_kunit_field(test, &out, row, "details");
}

struct fdscope_details_child {
	struct completion go;
	struct completion ready;
};

static int fdscope_details_child_fn(void *arg)
{
	struct fdscope_details_child *c = arg;

	complete(&c->ready);
	/* Bounded: if the test failed before ending it, exit all the same. */
	wait_for_completion_timeout(&c->go, 30 * HZ);
	do_exit(0);
}

static bool fdscope_details_gone(struct pid *pid)
{
	return !pid_has_task(pid, PIDTYPE_PID);
}

/* A pidfd of a running process, then of the same process reaped. */
static void fdscope_details_pidfd_test(struct kunit *test)
{
	struct fdscope_details_child *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	struct file *file;
	struct pid *pid;
	const char *want;
	int nr, fd, thread;
	bool gone;

	KUNIT_ASSERT_NOT_NULL(test, c);
	init_completion(&c->go);
	init_completion(&c->ready);
	/*
	 * A process of its own (no CLONE_THREAD), reaped as it exits: its
	 * parent, a kthread, ignores SIGCHLD.
	 */
	nr = fdscope_kernel_thread(fdscope_details_child_fn, c, "fdscope-pidfd",
				   CLONE_FS | SIGCHLD);
	KUNIT_ASSERT_GT(test, nr, 0);
	wait_for_completion(&c->ready);
	pid = find_get_pid(nr);
	KUNIT_ASSERT_NOT_NULL(test, pid);
	fd = pidfd_prepare(pid, 0, &file);
	if (fd < 0)
		complete(&c->go);
	KUNIT_ASSERT_GE(test, fd, 0);
	fd_install(fd, file);
	thread = fdscope_pidfd_thread(file);

	want = thread < 0 ? fdscope_kunit_sprintf(test, "pid=%d,exited=0", nr) :
	       fdscope_kunit_sprintf(test, "pid=%d,exited=0,thread=0", nr);
	KUNIT_EXPECT_STREQ(test, fdscope_details_of(test, fd, "pidfd"), want);

	complete(&c->go);
	KUNIT_EXPECT_EQ(test, read_poll_timeout(fdscope_details_gone, gone, gone,
						10000, 10000000, false, pid), 0);
	want = thread < 0 ? fdscope_kunit_sprintf(test, "pid=%d,exited=1", nr) :
	       fdscope_kunit_sprintf(test, "pid=%d,exited=1,thread=0", nr);
	KUNIT_EXPECT_STREQ(test, fdscope_details_of(test, fd, "pidfd"), want);
	put_pid(pid);
}

/* An eventfd's count and id; 6.12 also says whether it is a semaphore. */
static void fdscope_details_eventfd_test(struct kunit *test)
{
	struct eventfd_ctx *ctx;
	const char *got;
	int fd, sem;

	fd = fdscope_details_syscall(__NR_eventfd2, 42, 0);
	KUNIT_ASSERT_GE(test, fd, 0);
	sem = fdscope_details_syscall(__NR_eventfd2, 7, EFD_SEMAPHORE);
	KUNIT_ASSERT_GE(test, sem, 0);

	got = fdscope_details_of(test, fd, "eventfd");
	KUNIT_EXPECT_TRUE_MSG(test, str_has_prefix(got, "count=42,id="), "details %s", got);
	KUNIT_EXPECT_TRUE_MSG(test, !strstr(got, "semaphore=1"), "details %s", got);
	got = fdscope_details_of(test, sem, "eventfd");
	KUNIT_EXPECT_TRUE_MSG(test, str_has_prefix(got, "count=7,id="), "details %s", got);

	/* A read takes one from a semaphore: the count follows it. */
	ctx = eventfd_ctx_fdget(sem);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ctx));
	fdscope_eventfd_signal(ctx);
	eventfd_ctx_put(ctx);
	got = fdscope_details_of(test, sem, "eventfd");
	KUNIT_EXPECT_TRUE_MSG(test, str_has_prefix(got, "count=8,id="), "details %s", got);
	/* 6.12 says which one is a semaphore; 6.1 keeps it where no one can read it. */
	if (strstr(got, "semaphore="))
		KUNIT_EXPECT_TRUE_MSG(test, !!strstr(got, ",semaphore=1"), "details %s", got);
}

/* A memfd's seals; a shmem file that no memfd_create() made has no record. */
static void fdscope_details_memfd_test(struct kunit *test)
{
	struct fdscope_kunit_out out;
	struct file *memfd, *other;
	int fd, ofd;

	memfd = shmem_file_setup("memfd:fdscope-kunit", PAGE_SIZE, VM_NORESERVE);
	KUNIT_ASSERT_FALSE(test, IS_ERR(memfd));
	fd = fdscope_kunit_install(test, memfd, false);
	other = shmem_file_setup("fdscope-kunit", PAGE_SIZE, VM_NORESERVE);
	KUNIT_ASSERT_FALSE(test, IS_ERR(other));
	ofd = fdscope_kunit_install(test, other, false);

	/* As memfd_create(MFD_ALLOW_SEALING) leaves it: sealable, no seals. */
	SHMEM_I(file_inode(memfd))->seals &= ~F_SEAL_SEAL;
	KUNIT_EXPECT_STREQ(test, fdscope_details_of(test, fd, "memfd"), "seals=0x0,hugetlb=0");
	KUNIT_ASSERT_EQ(test, memfd_fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW), 0);
	KUNIT_EXPECT_EQ(test, memfd_fcntl(memfd, F_GET_SEALS, 0), F_SEAL_SHRINK | F_SEAL_GROW);
	KUNIT_EXPECT_STREQ(test, fdscope_details_of(test, fd, "memfd"), "seals=0x6,hugetlb=0");

	fdscope_kunit_walk(test, FDSCOPE_DETAILS, fdscope_kunit_own_filter(test), 4096, &out);
	KUNIT_EXPECT_EQ(test, fdscope_kunit_count(test, &out, "fd",
						  fdscope_kunit_sprintf(test, "%d", ofd)), 0U);
}

/* An unarmed timerfd: its clock, nothing left, no interval, no ticks. */
static void fdscope_details_timerfd_test(struct kunit *test)
{
	int fd = fdscope_details_syscall(__NR_timerfd_create, CLOCK_BOOTTIME, 0);

	KUNIT_ASSERT_GE(test, fd, 0);
	KUNIT_EXPECT_STREQ(test, fdscope_details_of(test, fd, "timerfd"),
			   "clockid=7,ticks=0,settime_flags=0,remaining=0.000000000,interval=0.000000000");
}

/* One read of a details file, in a thread of its own. */
struct fdscope_details_reading {
	struct fdscope_kunit_reader *r;
	char buf[512];
	ssize_t len;
	struct completion done;
};

static int fdscope_details_read_fn(void *arg)
{
	struct fdscope_details_reading *rd = arg;

	rd->len = fdscope_kunit_read(rd->r, rd->buf, sizeof(rd->buf) - 1);
	complete(&rd->done);
	return 0;
}

/*
 * Read @filter's details file in another thread while this one holds
 * rtnl_lock(): whether the read finished within @ms. It is let finish
 * before returning; @rd->buf holds what it read.
 */
static bool fdscope_details_read_under_rtnl(struct kunit *test, const char *filter,
					    unsigned int ms,
					    struct fdscope_details_reading *rd)
{
	struct task_struct *t;
	bool done;

	rd->r = fdscope_kunit_open(test, FDSCOPE_DETAILS, filter);
	init_completion(&rd->done);
	rtnl_lock();
	t = kthread_run(fdscope_details_read_fn, rd, "fdscope-rtnl");
	if (IS_ERR(t)) {
		rtnl_unlock();
		KUNIT_FAIL(test, "kthread_run: %ld", PTR_ERR(t));
		return false;
	}
	done = wait_for_completion_timeout(&rd->done, msecs_to_jiffies(ms));
	rtnl_unlock();
	/* complete() wakes one wait: the timed one took it if it finished. */
	if (!done)
		wait_for_completion(&rd->done);
	rd->buf[rd->len > 0 ? rd->len : 0] = '\0';
	return done;
}

/* A tun file, opened through a device node 10:200 the test makes. */
static struct file *fdscope_details_tun_open(struct kunit *test)
{
	static const char node[] = "/fdscope-kunit-tun";
	struct dentry *dentry;
	struct path parent;
	struct file *file;
	int err;

	dentry = kern_path_create(AT_FDCWD, node, &parent, 0);
	if (!IS_ERR(dentry)) {
		err = vfs_mknod(FDSCOPE_NOP_IDMAP, d_inode(parent.dentry), dentry,
				S_IFCHR | 0600, MKDEV(MISC_MAJOR, TUN_MINOR));
		done_path_create(&parent, dentry);
		KUNIT_ASSERT_EQ(test, err, 0);
	} else {
		KUNIT_ASSERT_EQ(test, PTR_ERR(dentry), (long)-EEXIST);
	}
	file = filp_open(node, O_RDWR, 0);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(file), "open %s: %ld", node, PTR_ERR(file));
	return file;
}

/*
 * A tun file: a record of class tun, with no interface (it has none); a
 * default read never takes rtnl_lock, one with "opt tun" does.
 */
static void fdscope_details_tun_test(struct kunit *test)
{
	struct fdscope_details_reading *rd = kunit_kzalloc(test, sizeof(*rd), GFP_KERNEL);
	const char *own = fdscope_kunit_own_filter(test);
	const char *opt = fdscope_kunit_sprintf(test, "%s\nopt tun\n", own);
	struct fdscope_kunit_out out;
	int fd;

	if (!IS_ENABLED(CONFIG_TUN))
		kunit_skip(test, "no CONFIG_TUN");
	KUNIT_ASSERT_NOT_NULL(test, rd);
	fd = fdscope_kunit_install(test, fdscope_details_tun_open(test), false);

	KUNIT_EXPECT_STREQ(test, fdscope_details_of(test, fd, "tun"), "-");
	fdscope_kunit_walk(test, FDSCOPE_DETAILS, opt, 4096, &out);
	fdscope_kunit_expect(test, &out, fdscope_kunit_find_fd(test, &out, fd), "details", "-");

	KUNIT_EXPECT_TRUE_MSG(test, fdscope_details_read_under_rtnl(test, own, 20000, rd),
			      "a default read waited for rtnl_lock");
	KUNIT_EXPECT_TRUE_MSG(test, fdscope_kunit_parse(test, FDSCOPE_DETAILS, rd->buf, &out),
			      "%s", rd->buf);
	KUNIT_EXPECT_EQ(test, out.nrows, 1U);

	KUNIT_EXPECT_FALSE_MSG(test, fdscope_details_read_under_rtnl(test, opt, 1000, rd),
			       "a read with \"opt tun\" did not wait for rtnl_lock");
	KUNIT_EXPECT_TRUE_MSG(test, fdscope_kunit_parse(test, FDSCOPE_DETAILS, rd->buf, &out),
			      "%s", rd->buf);
	KUNIT_EXPECT_EQ(test, out.nrows, 1U);
}

/* Files without details are not listed; a table of only those lists none. */
static void fdscope_details_none_test(struct kunit *test)
{
	struct fdscope_kunit_out out;
	struct file *file = filp_open("/fdscope-kunit-details", O_RDWR | O_CREAT | O_TRUNC, 0600);

	fdscope_kunit_install(test, file, false);
	fdscope_kunit_walk(test, FDSCOPE_DETAILS, fdscope_kunit_own_filter(test), 4096, &out);
	KUNIT_EXPECT_EQ(test, out.nrows, 0U);
}

static struct kunit_case fdscope_details_test_cases[] = {
	KUNIT_CASE(fdscope_details_pidfd_test),
	KUNIT_CASE(fdscope_details_eventfd_test),
	KUNIT_CASE(fdscope_details_memfd_test),
	KUNIT_CASE(fdscope_details_timerfd_test),
	KUNIT_CASE(fdscope_details_tun_test),
	KUNIT_CASE(fdscope_details_none_test),
	{}
};

static struct kunit_suite fdscope_details_suite = {
	.name = "fdscope_details",
	.init = fdscope_kunit_table_init,
	.exit = fdscope_kunit_watch_exit,
	.test_cases = fdscope_details_test_cases,
};

kunit_test_suite(fdscope_details_suite);

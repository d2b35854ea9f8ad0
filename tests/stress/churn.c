// SPDX-License-Identifier: GPL-2.0
/*
 * churn: a bounded storm of fd-table changes for the fdscope VM tests.
 *
 *	churn [-t SECONDS] [-w WORKERS]
 *
 * Its files live in a new directory under $TMPDIR (default /tmp).
 *
 * The main process and WORKERS worker processes (default 2) each run a set
 * of threads that, until SECONDS (default 45) have passed:
 *
 *  - open and close files of every kind (odd names, deleted files, memfd,
 *    eventfd, timerfd, epoll, inotify, signalfd, O_TMPFILE, O_PATH, FIFOs),
 *  - dup2()/dup3()/F_DUPFD over live fds, up to fd 3000+ (table growth),
 *    close_range() with and without CLOSE_RANGE_CLOEXEC,
 *  - create and close pipes and unix socketpairs,
 *  - pass fds with SCM_RIGHTS: within a process, in reference cycles left
 *    to the unix garbage collector, and between the main process and the
 *    workers,
 *  - listen/connect/accept/close on TCP (v4 and v6), UDP, unix stream
 *    sockets with abstract names, plus netlink and packet sockets,
 *  - start threads that unshare(CLONE_FILES), grow and close their own
 *    table, and exit,
 *  - rename themselves with names that need escaping.
 *
 * The main process also forks children that exit at once, clones children
 * that share its fd table (CLONE_FILES), and forks children that open many
 * close-on-exec fds and execve() this program as "--exec-child", which
 * itself starts threads and execs again from a non-leader thread.
 *
 * The first line on stdout is "churn: pids MAIN,WORKER,..." as soon as the
 * workers run; the last is a summary. Exits 0 when the storm ran and every
 * child exited normally; a watchdog alarm kills it CHURN_WIND_DOWN s past SECONDS.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_WORKERS	8
#define MAX_THREADS	16
#define OWN_FDS		24	/* fds one thread keeps open at a time */
#define DUP_RANGE	64	/* each thread's private dup2() targets */
#define DUP_BASE	512
#define HIGH_FD		3000	/* grows the table to 4096 slots */
#define DEEP_LEVELS	22	/* directories of DEEP_NAME_LEN: > PATH_MAX */
#define DEEP_NAME_LEN	200
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define PEER_MAIN	(-2)	/* ctx.peer: any of main_peers[] */

/* Seconds past the deadline before the watchdog kills a hung storm. */
#define CHURN_WIND_DOWN	900

static double deadline;
static char tmpdir[200];
static unsigned long total_ops;
static unsigned long *job_steps;	/* per job, shared with the workers */
static unsigned long child_failures;
static int main_peers[MAX_WORKERS];
static unsigned int nmain_peers;

/* Names that need escaping in every field they reach. */
static const char *const odd_names[] = {
	"a file", "new\nline", "back\\slash", "-", "tab\there", "\001ctl",
	"\377\376high", "del\177", "\\055", "x",
};

static const char *const odd_comms[] = {
	"churn", "ch urn", "ch\\urn", "ch\nurn", "\001\002", "-", "\177",
	"\303\251t\351", "",
};

struct ctx {
	unsigned long rnd;
	int slot;		/* this thread's index within its process */
	int peer;		/* SCM_RIGHTS to another process, -1, or PEER_MAIN */
	int fds[OWN_FDS];
	int nfds;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static bool done(void)
{
	return now() >= deadline;
}

/* xorshift64: each thread has its own state. */
static unsigned long rnd(struct ctx *c)
{
	c->rnd ^= c->rnd << 13;
	c->rnd ^= c->rnd >> 7;
	c->rnd ^= c->rnd << 17;
	return c->rnd;
}

static unsigned int pick(struct ctx *c, unsigned int n)
{
	return rnd(c) % n;
}

static void count_op(void)
{
	__atomic_add_fetch(&total_ops, 1, __ATOMIC_RELAXED);
}

static void nap(struct ctx *c, unsigned int max_us)
{
	struct timespec ts = { 0, (long)pick(c, max_us + 1) * 1000 };

	nanosleep(&ts, NULL);
}

static void set_comm(struct ctx *c)
{
	prctl(PR_SET_NAME, odd_comms[pick(c, ARRAY_SIZE(odd_comms))]);
}

/* Keep @fd among this thread's fds; when full, close a random one. */
static void keep(struct ctx *c, int fd)
{
	unsigned int i;

	if (fd < 0)
		return;
	if (c->nfds == OWN_FDS) {
		i = pick(c, OWN_FDS);
		close(c->fds[i]);
		c->fds[i] = fd;
		return;
	}
	c->fds[c->nfds++] = fd;
}

static void drop_some(struct ctx *c)
{
	unsigned int i;

	while (c->nfds && pick(c, 3) == 0) {
		i = pick(c, c->nfds);
		close(c->fds[i]);
		c->fds[i] = c->fds[--c->nfds];
	}
}

static void drop_all(struct ctx *c)
{
	while (c->nfds)
		close(c->fds[--c->nfds]);
}

static void odd_path(struct ctx *c, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", tmpdir,
		 odd_names[pick(c, ARRAY_SIZE(odd_names))]);
}

/* One fd of a random kind. */
static int open_any(struct ctx *c)
{
	static const int flags[] = {
		0, O_APPEND, O_NONBLOCK, O_SYNC, O_DSYNC, O_NOATIME, O_ASYNC,
		O_APPEND | O_NONBLOCK | O_CLOEXEC,
	};
	struct epoll_event ev = { .events = EPOLLIN };
	char path[256];
	sigset_t mask;
	int fd, fd2;

	switch (pick(c, 13)) {
	case 0:
		return open("/dev/null", O_RDWR | flags[pick(c, 8)]);
	case 1:
		odd_path(c, path, sizeof(path));
		return open(path, O_RDWR | O_CREAT | flags[pick(c, 8)], 0600);
	case 2:
		return open(tmpdir, O_PATH | O_DIRECTORY | (pick(c, 2) ? O_CLOEXEC : 0));
	case 3:
		return memfd_create(odd_comms[pick(c, 8)], pick(c, 2) ? MFD_CLOEXEC : 0);
	case 4:
		return eventfd(0, pick(c, 2) ? EFD_CLOEXEC : 0);
	case 5:
		return timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	case 6:
		fd = epoll_create1(EPOLL_CLOEXEC);
		fd2 = eventfd(0, 0);
		if (fd >= 0 && fd2 >= 0)
			epoll_ctl(fd, EPOLL_CTL_ADD, fd2, &ev);
		keep(c, fd2);
		return fd;
	case 7:
		fd = inotify_init1(IN_NONBLOCK);
		if (fd >= 0)
			inotify_add_watch(fd, tmpdir, IN_CREATE | IN_DELETE);
		return fd;
	case 8:
		sigemptyset(&mask);
		sigaddset(&mask, SIGUSR1);
		return signalfd(-1, &mask, SFD_CLOEXEC);
	case 9:
		return open(tmpdir, O_TMPFILE | O_RDWR, 0600);
	case 10:
		/* Open, then unlink: listed as deleted. */
		snprintf(path, sizeof(path), "%s/gone %d.%lu", tmpdir, gettid(), rnd(c) % 1000);
		fd = open(path, O_RDWR | O_CREAT, 0600);
		unlink(path);
		return fd;
	case 11:
		snprintf(path, sizeof(path), "%s/fifo", tmpdir);
		return open(path, O_RDWR | O_NONBLOCK);
	default:
		return open("/proc/self/status", O_RDONLY);
	}
}

static void step_open(struct ctx *c)
{
	keep(c, open_any(c));
	drop_some(c);
}

/* dup2() and friends over this thread's own range of fd numbers. */
static void step_dup(struct ctx *c)
{
	int base = DUP_BASE + c->slot * DUP_RANGE, src, target;

	if (c->nfds < 2)
		keep(c, open_any(c));
	if (!c->nfds)
		return;
	src = c->fds[pick(c, c->nfds)];
	target = base + pick(c, DUP_RANGE);
	switch (pick(c, 8)) {
	case 0:
		dup3(src, target, O_CLOEXEC);
		break;
	case 1:
		fcntl(src, F_DUPFD_CLOEXEC, base);
		break;
	case 2:
		/* Another thread's fds may sit in between: only ours go. */
		close_range(base, base + DUP_RANGE - 1, pick(c, 2) ? CLOSE_RANGE_CLOEXEC : 0);
		break;
	case 3:
		fcntl(target, F_SETFD, pick(c, 2) ? FD_CLOEXEC : 0);
		break;
	case 4:
		if (c->slot < 4)
			dup2(src, HIGH_FD + c->slot);
		break;
	default:
		dup2(src, target);	/* often over one of our live fds */
		break;
	}
	if (pick(c, 16) == 0)
		keep(c, open_any(c));
	drop_some(c);
}

static void put_byte(int fd)
{
	ssize_t n = write(fd, "x", 1);

	(void)n;
}

static void step_pipe(struct ctx *c)
{
	static const int flags[] = { 0, O_CLOEXEC, O_NONBLOCK, O_DIRECT };
	int p[2];

	if (pipe2(p, flags[pick(c, 4)]) == 0) {
		put_byte(p[1]);
		keep(c, p[0]);
		keep(c, p[1]);
	}
	drop_some(c);
}

static void step_socketpair(struct ctx *c)
{
	static const int types[] = { SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET };
	int sv[2];

	if (socketpair(AF_UNIX, types[pick(c, 3)] | SOCK_CLOEXEC, 0, sv) == 0) {
		send(sv[0], "hello", 5, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (pick(c, 2))
			shutdown(sv[1], SHUT_WR);
		keep(c, sv[0]);
		keep(c, sv[1]);
	}
	drop_some(c);
}

/* Send @n fds over @sock; 0 on success. */
static int send_fds(int sock, const int *fds, unsigned int n)
{
	char cbuf[CMSG_SPACE(sizeof(int) * 8)] = { 0 };
	struct iovec iov = { .iov_base = "f", .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = CMSG_SPACE(sizeof(int) * n),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int) * n);
	memcpy(CMSG_DATA(cm), fds, sizeof(int) * n);
	return sendmsg(sock, &msg, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 ? -1 : 0;
}

/* Receive what is queued on @sock and close every fd that came with it. */
static void recv_fds(int sock, bool cloexec)
{
	char cbuf[CMSG_SPACE(sizeof(int) * 8)], byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg;
	struct cmsghdr *cm;
	int *fds;
	size_t i, n;

	for (;;) {
		memset(&msg, 0, sizeof(msg));
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = cbuf;
		msg.msg_controllen = sizeof(cbuf);
		if (recvmsg(sock, &msg, MSG_DONTWAIT | (cloexec ? MSG_CMSG_CLOEXEC : 0)) <= 0)
			return;
		for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
			if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
				continue;
			fds = (int *)CMSG_DATA(cm);
			n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			for (i = 0; i < n; i++)
				close(fds[i]);
		}
	}
}

static void step_scm(struct ctx *c)
{
	int sv[2], fds[4], n = 0, i, peer = c->peer;

	if (peer == PEER_MAIN)
		peer = nmain_peers ? main_peers[pick(c, nmain_peers)] : -1;
	if (peer >= 0) {
		/* Between processes: send some, take what the other side sent. */
		fds[n++] = open_any(c);
		fds[n++] = open_any(c);
		if (fds[0] >= 0 && fds[1] >= 0)
			send_fds(peer, fds, n);
		for (i = 0; i < n; i++)
			if (fds[i] >= 0)
				close(fds[i]);
		recv_fds(peer, pick(c, 2));
		return;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return;
	fds[n++] = sv[0];
	fds[n++] = sv[1];	/* a reference cycle once sv[1] is closed */
	fds[n] = open_any(c);
	if (fds[n] >= 0)
		n++;
	send_fds(sv[0], fds, n);
	send_fds(sv[1], fds, n);
	if (fds[n - 1] != sv[1])
		close(fds[n - 1]);
	switch (pick(c, 3)) {
	case 0:
		recv_fds(sv[1], true);
		recv_fds(sv[0], false);
		close(sv[0]);
		close(sv[1]);
		break;
	case 1:
		/* Close with fds in flight: only the garbage collector frees them. */
		close(sv[0]);
		close(sv[1]);
		break;
	default:
		keep(c, sv[0]);
		keep(c, sv[1]);
		break;
	}
	drop_some(c);
}

static int tcp_listener(int family, struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	int fd;

	memset(ss, 0, sizeof(*ss));
	ss->ss_family = family;
	if (family == AF_INET) {
		in4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		*len = sizeof(*in4);
	} else {
		in6->sin6_addr = in6addr_loopback;
		*len = sizeof(*in6);
	}
	/*
	 * Non-blocking: accept() may find fewer connections queued than were
	 * attempted (a connect still in progress, or one over the backlog),
	 * and a blocking accept() would then wait past the storm's end.
	 */
	fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)ss, *len) || listen(fd, 4) ||
	    getsockname(fd, (struct sockaddr *)ss, len)) {
		close(fd);
		return -1;
	}
	return fd;
}

static void step_inet(struct ctx *c)
{
	struct sockaddr_storage ss;
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK };
	socklen_t len;
	int family = pick(c, 2) ? AF_INET : AF_INET6;
	int lfd, fd, n, i;
	size_t ulen;

	switch (pick(c, 5)) {
	case 0:
	case 1:
		lfd = tcp_listener(family, &ss, &len);
		if (lfd < 0)
			return;
		n = 1 + pick(c, 4);
		for (i = 0; i < n; i++) {
			fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK, 0);
			if (fd >= 0)
				connect(fd, (struct sockaddr *)&ss, len);
			keep(c, fd);
		}
		for (i = pick(c, n + 1); i > 0; i--) {
			fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
			if (fd >= 0)
				send(fd, "data", 4, MSG_NOSIGNAL);
			keep(c, fd);
		}
		/* Sometimes closed with connections still queued. */
		if (pick(c, 2))
			close(lfd);
		else
			keep(c, lfd);
		break;
	case 2:
		fd = socket(family, SOCK_DGRAM, 0);
		lfd = tcp_listener(family, &ss, &len);
		if (fd >= 0 && lfd >= 0 && pick(c, 2))
			connect(fd, (struct sockaddr *)&ss, len);
		if (lfd >= 0)
			close(lfd);
		keep(c, fd);
		break;
	case 3:
		/* Abstract unix name with bytes that need escaping. */
		ulen = snprintf(un.sun_path + 1, sizeof(un.sun_path) - 1, "churn %s %lu",
				odd_names[pick(c, 10)], rnd(c) % 100000);
		len = offsetof(struct sockaddr_un, sun_path) + 1 + ulen;
		/* Non-blocking, as tcp_listener(): the connect may have failed. */
		lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (lfd < 0)
			return;
		if (bind(lfd, (struct sockaddr *)&un, len) || listen(lfd, 4)) {
			close(lfd);
			return;
		}
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (fd >= 0)
			connect(fd, (struct sockaddr *)&un, len);
		keep(c, fd);
		keep(c, accept4(lfd, NULL, NULL, SOCK_NONBLOCK));
		keep(c, lfd);
		break;
	default:
		fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
		if (fd >= 0)
			bind(fd, (struct sockaddr *)&nl, sizeof(nl));
		keep(c, fd);
		/* Bound to every protocol only rarely: each one gets a copy of lo's traffic. */
		keep(c, socket(AF_PACKET, SOCK_DGRAM, pick(c, 4) ? 0 : htons(ETH_P_ALL)));
		break;
	}
	drop_some(c);
}

static void step_rename(struct ctx *c)
{
	set_comm(c);
	step_open(c);
}

/* A thread with a table of its own for a short while, then gone. */
static void *unshared_thread(void *arg)
{
	struct ctx *parent = arg, c = { .rnd = rnd(parent) | 1, .slot = parent->slot, .peer = -1 };
	double end = now() + 0.02 + pick(&c, 300) / 1000.0;
	int i;

	if (unshare(CLONE_FILES))
		return NULL;
	set_comm(&c);
	while (now() < end && !done()) {
		step_open(&c);
		if (pick(&c, 8) == 0)
			dup2(0, HIGH_FD + 8 + pick(&c, 64));
		if (pick(&c, 32) == 0)
			close_range(DUP_BASE, ~0U, CLOSE_RANGE_UNSHARE);
		count_op();
		nap(&c, 2000);
	}
	/* Usually leave the fds open: the exit drops the whole table. */
	if (pick(&c, 4) == 0)
		drop_all(&c);
	for (i = 0; i < c.nfds && pick(&c, 2); i++)
		close(c.fds[i]);
	return NULL;
}

static void step_unshare(struct ctx *c)
{
	pthread_t t;

	if (pthread_create(&t, NULL, unshared_thread, c) == 0)
		pthread_join(t, NULL);
}

static void reap(pid_t pid)
{
	int status = 0;
	pid_t r;

	if (pid < 0)
		return;
	do
		r = waitpid(pid, &status, 0);
	while (r < 0 && errno == EINTR);
	if (r < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		__atomic_add_fetch(&child_failures, 1, __ATOMIC_RELAXED);
}

static void *short_thread(void *arg)
{
	struct ctx *c = arg;

	if (pick(c, 2))
		unshare(CLONE_FILES);
	keep(c, open_any(c));
	nap(c, 5000);
	return NULL;
}

static void step_fork(struct ctx *c)
{
	struct ctx cc;
	pthread_t t;
	pid_t pid;

	pid = fork();
	if (pid) {
		reap(pid);
		return;
	}
	cc = *c;
	cc.nfds = 0;
	set_comm(&cc);
	step_open(&cc);
	if (pick(&cc, 2) && pthread_create(&t, NULL, short_thread, &cc) == 0)
		nap(&cc, 3000);	/* exit while the thread may still run */
	_exit(0);
}

/* Child of clone(CLONE_FILES): shares the main process's table. */
static int clone_child(void *arg)
{
	int base = *(int *)arg, fd, i;

	for (i = 0; i < 8; i++) {
		fd = open("/dev/null", O_RDONLY);
		if (fd >= 0 && dup2(fd, base + i) >= 0)
			close(fd);
	}
	close_range(base, base + 7, 0);
	_exit(0);
}

static void step_clone_files(struct ctx *c)
{
	static long stack[8192];	/* clone() aligns the top itself */
	int base = DUP_BASE + c->slot * DUP_RANGE;

	/* Only one thread calls this, so one stack will do. */
	reap(clone(clone_child, (char *)stack + sizeof(stack), CLONE_FILES | SIGCHLD, &base));
}

/* Many close-on-exec fds, then execve() ourselves. */
static void step_exec(struct ctx *c)
{
	char *const argv[] = { "churn", "--exec-child", "2", NULL };
	pid_t pid;
	int i, p[2];

	pid = fork();
	if (pid) {
		reap(pid);
		return;
	}
	for (i = 0; i < 32 + (int)pick(c, 32); i++) {
		if (i % 4 == 0 && pipe2(p, O_CLOEXEC) == 0)
			continue;
		open("/dev/null", O_RDONLY | O_CLOEXEC);
	}
	open("/dev/null", O_RDONLY);	/* survives the exec */
	execv("/proc/self/exe", argv);
	_exit(127);
}

static void *exec_thread(void *arg)
{
	int depth = *(int *)arg;
	char level[12];
	char *const argv[] = { "churn", "--exec-child", level, NULL };
	struct timespec ts = { 0, 5 * 1000 * 1000 };

	snprintf(level, sizeof(level), "%d", depth - 1);
	open("/dev/zero", O_RDONLY | O_CLOEXEC);
	nanosleep(&ts, NULL);
	/* From a thread that is not the leader: de_thread() changes the pid. */
	execv("/proc/self/exe", argv);
	_exit(127);
}

static int exec_child(int depth)
{
	struct ctx c = { .rnd = (unsigned long)getpid() * 2654435761UL | 1, .peer = -1 };
	pthread_t t1, t2;

	set_comm(&c);
	if (depth > 0) {
		pthread_create(&t1, NULL, short_thread, &c);
		if (pthread_create(&t2, NULL, exec_thread, &depth) == 0)
			for (;;)
				pause();
	}
	step_open(&c);
	step_pipe(&c);
	nap(&c, 10000);
	return 0;
}

struct job {
	const char *name;
	void (*step)(struct ctx *c);
	bool main_only;
};

static const struct job jobs[] = {
	{ "open", step_open, false },
	{ "open", step_open, false },
	{ "dup", step_dup, false },
	{ "pipe", step_pipe, false },
	{ "socketpair", step_socketpair, false },
	{ "scm", step_scm, false },
	{ "scm-peer", step_scm, false },
	{ "inet", step_inet, false },
	{ "unshare", step_unshare, false },
	{ "rename", step_rename, false },
	{ "fork", step_fork, true },
	{ "clone-files", step_clone_files, true },
	{ "exec", step_exec, true },
};

struct thread_arg {
	struct ctx ctx;
	const struct job *job;
};

static void *job_thread(void *arg)
{
	struct thread_arg *a = arg;
	struct ctx *c = &a->ctx;
	unsigned long *steps = &job_steps[a->job - jobs];

	set_comm(c);
	while (!done()) {
		a->job->step(c);
		count_op();
		__atomic_add_fetch(steps, 1, __ATOMIC_RELAXED);
		nap(c, 1000);
	}
	drop_all(c);
	return NULL;
}

/* Every job of this process in its own thread, until the deadline. */
static int run_jobs(bool main, int peer)
{
	static struct thread_arg args[MAX_THREADS];
	pthread_t threads[MAX_THREADS];
	unsigned int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(jobs) && n < MAX_THREADS; i++) {
		if (jobs[i].main_only && !main)
			continue;
		args[n].job = &jobs[i];
		args[n].ctx.rnd = ((unsigned long)getpid() << 16 | i) * 0x9e3779b97f4a7c15UL | 1;
		args[n].ctx.slot = n;
		args[n].ctx.peer = strcmp(jobs[i].name, "scm-peer") ? -1 : peer;
		if (pthread_create(&threads[n], NULL, job_thread, &args[n])) {
			perror("churn: pthread_create");
			return 1;
		}
		n++;
	}
	for (i = 0; i < n; i++)
		pthread_join(threads[i], NULL);
	return 0;
}

/* Files with odd names, a FIFO, and a file deeper than PATH_MAX. */
static int make_tmpdir(void)
{
	char name[DEEP_NAME_LEN + 1];
	const char *top = getenv("TMPDIR");
	char path[256];
	int dir, next, i;

	snprintf(tmpdir, sizeof(tmpdir), "%s/churn.XXXXXX", top && *top ? top : "/tmp");
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(path, sizeof(path), "%s/fifo", tmpdir);
	mkfifo(path, 0600);
	memset(name, 'd', DEEP_NAME_LEN);
	name[DEEP_NAME_LEN] = '\0';
	dir = open(tmpdir, O_PATH | O_DIRECTORY);
	for (i = 0; dir >= 0 && i < DEEP_LEVELS; i++) {
		mkdirat(dir, name, 0700);
		next = openat(dir, name, O_PATH | O_DIRECTORY);
		close(dir);
		dir = next;
	}
	if (dir >= 0) {
		/* Kept open to the end: d_path() fails with ENAMETOOLONG. */
		openat(dir, "deep file", O_RDWR | O_CREAT, 0600);
		close(dir);
	}
	return 0;
}

static void remove_tmpdir(void)
{
	char *const argv[] = { "rm", "-rf", tmpdir, NULL };
	pid_t pid = fork();

	if (pid == 0) {
		execvp("rm", argv);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

static void bad_usage(void)
{
	fprintf(stderr, "usage: churn [-t SECONDS] [-w WORKERS]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct rlimit rl = { 4096, 4096 };
	int secs = 45, nworkers = 2, opt, i, status, bad = 0;
	int peers[MAX_WORKERS][2];
	pid_t workers[MAX_WORKERS];
	double start;

	if (argc == 3 && !strcmp(argv[1], "--exec-child"))
		return exec_child(atoi(argv[2]));
	while ((opt = getopt(argc, argv, "t:w:")) != -1) {
		switch (opt) {
		case 't':
			secs = atoi(optarg);
			break;
		case 'w':
			nworkers = atoi(optarg);
			break;
		default:
			bad_usage();
		}
	}
	if (secs <= 0 || nworkers < 0 || nworkers > MAX_WORKERS || optind != argc)
		bad_usage();

	signal(SIGPIPE, SIG_IGN);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_max >= 4096) {
		rl.rlim_cur = 4096;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (make_tmpdir()) {
		perror("churn: mkdtemp");
		return 1;
	}
	job_steps = mmap(NULL, sizeof(*job_steps) * ARRAY_SIZE(jobs), PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (job_steps == MAP_FAILED) {
		perror("churn: mmap");
		return 1;
	}
	start = now();
	deadline = start + secs;
	alarm(secs + CHURN_WIND_DOWN);

	for (i = 0; i < nworkers; i++) {
		if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, peers[i])) {
			perror("churn: socketpair");
			return 1;
		}
		fflush(stdout);
		workers[i] = fork();
		if (workers[i] < 0) {
			perror("churn: fork");
			return 1;
		}
		if (workers[i] == 0) {
			alarm(secs + CHURN_WIND_DOWN);
			close(peers[i][0]);
			_exit(run_jobs(false, peers[i][1]));
		}
		close(peers[i][1]);
	}
	printf("churn: pids %d", getpid());
	for (i = 0; i < nworkers; i++)
		printf(",%d", workers[i]);
	printf("\n");
	fflush(stdout);

	for (i = 0; i < nworkers; i++)
		main_peers[nmain_peers++] = peers[i][0];
	bad = run_jobs(true, PEER_MAIN);
	for (i = 0; i < nworkers; i++) {
		if (waitpid(workers[i], &status, 0) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status)) {
			fprintf(stderr, "churn: worker %d failed (status %#x)\n",
				workers[i], status);
			bad = 1;
		}
	}
	remove_tmpdir();
	printf("churn: steps:");
	for (i = 0, total_ops = 0; i < (int)ARRAY_SIZE(jobs); i++) {
		printf(" %s %lu", jobs[i].name, job_steps[i]);
		total_ops += job_steps[i];
	}
	printf("\n");
	printf("churn: %lu steps in %.1f s, %lu failed children\n", total_ops, now() - start,
	       child_failures);
	return bad || child_failures ? 1 : 0;
}

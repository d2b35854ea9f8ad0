// SPDX-License-Identifier: GPL-2.0
/*
 * The fdscope benchmark workload: NPROC processes that each hold NFDS open
 * fds, mixing regular files (in DIR, meant to be a tmpfs), pipes, TCP
 * loopback pairs with their listener, UDP sockets (half of them connected)
 * and unix socketpairs with one bound unix listener.
 *
 *	workload [-p NPROC] [-f NFDS] [-t THREADS] [-d DIR] [-m REG,PIPE,TCP,UDP,UNIX]
 *		 [-u FIRST] [-M NMAPS] [-L NLOCKS] [-E NWATCH]
 *
 * -m gives the share of each kind in percent (default 30,20,20,15,15).
 * -u numbers the UDP sockets' address:port slots from FIRST (default 0), so
 * that two workloads running at once bind different ones.
 * Beyond its NFDS fds, each process can also hold:
 * -M	NMAPS one-page mappings of its regular files (their fds closed);
 * -L	NLOCKS locks on files of its own (DIR/pN/lK, one fd each): POSIX
 *	ranges, OFD ranges (WL_LOCKS_PER_FILE per file) and flocks, in turn;
 * -E	one epoll watching NWATCH of its pipes and sockets.
 * Once every process holds its fds, prints "pid N" per process and
 * "ready TOTAL" on stdout, then waits for a signal:
 *
 *	SIGUSR1		process 0 starts THREADS threads (default 500) that
 *			share its fd table; prints "threads N" when they run
 *	SIGUSR2		process 0 stops them; prints "threads 0" when gone
 *	SIGTERM, SIGINT	every process is killed; exits 0
 *
 * Errors go to stderr as "workload: ..." and the exit status is 1.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

/* Distinct regular files per process; further opens reuse them. */
#define WL_FILES_PER_PROC	64
/* UDP sockets bind 127.2.N.1:PORT, WL_UDP_PORTS ports per address. */
#define WL_UDP_PORT_BASE	20000
#define WL_UDP_PORTS		40000
/* TCP clients bind 127.3.N.1, a fresh source address per this many pairs. */
#define WL_TCP_PER_ADDR		16384
#define WL_THREAD_STACK		(64 * 1024)
/* POSIX and OFD locks per lock file: under the module's per-inode cap. */
#define WL_LOCKS_PER_FILE	16

enum wl_kind { WL_REG, WL_PIPE, WL_TCP, WL_UDP, WL_UNIX, WL_NKINDS };

struct wl_config {
	int nproc;
	int nfds;
	int nthreads;
	const char *dir;
	int mix[WL_NKINDS];
	int udp_first;
	int nmaps;
	int nlocks;
	int nwatch;
};

/* What a process reports to the parent, once set up and once threaded. */
struct wl_report {
	int index;
	int err;	/* errno of the failed step, 0 on success */
	int nfds;	/* fds held (or threads running, for the threads report) */
	char step[64];
};

static struct wl_config cfg = {
	.nproc = 1,
	.nfds = 1000,
	.nthreads = 500,
	.dir = "/tmp/fdscope-bench",
	.mix = { 30, 20, 20, 15, 15 },
};

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("workload: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void bad_usage(void)
{
	fputs("usage: workload [-p NPROC] [-f NFDS] [-t THREADS] [-d DIR]\n"
	      "                [-m REG,PIPE,TCP,UDP,UNIX] [-u FIRST]\n"
	      "                [-M NMAPS] [-L NLOCKS] [-E NWATCH]\n", stderr);
	exit(2);
}

static int parse_int(const char *s, int min)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > 100000000)
		bad_usage();
	return v;
}

static void parse_mix(const char *s)
{
	int i, sum = 0;
	char *end;

	for (i = 0; i < WL_NKINDS; i++) {
		cfg.mix[i] = strtol(s, &end, 10);
		if (end == s || cfg.mix[i] < 0 || (i < WL_NKINDS - 1 && *end != ','))
			bad_usage();
		sum += cfg.mix[i];
		s = end + 1;
	}
	if (*end || sum != 100)
		bad_usage();
}

/* State of one process while it opens its fds. */
struct wl_proc {
	int index;
	int report;	/* write end of the report pipe */
	int held;	/* fds opened so far */
	const char *step;
};

static int wl_fail(struct wl_proc *p, const char *step)
{
	p->step = step;
	return -1;
}

static void wl_addr(struct sockaddr_in *sin, int a, int b, int port)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	sin->sin_addr.s_addr = htonl(127u << 24 | a << 16 | b << 8 | 1);
}

static int open_regular(struct wl_proc *p, int n)
{
	char path[4096];
	int i, fd;

	snprintf(path, sizeof(path), "%s/p%d", cfg.dir, p->index);
	if (mkdir(path, 0755) && errno != EEXIST)
		return wl_fail(p, "mkdir");
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/p%d/f%d", cfg.dir, p->index,
			 i % WL_FILES_PER_PROC);
		fd = open(path, (i & 1 ? O_RDONLY : O_RDWR) | O_CREAT, 0644);
		if (fd < 0)
			return wl_fail(p, "open regular file");
		p->held++;
	}
	return 0;
}

static int open_pipes(struct wl_proc *p, int n)
{
	int fds[2], i;

	for (i = 0; i + 2 <= n; i += 2) {
		if (pipe(fds))
			return wl_fail(p, "pipe");
		/* A few pipes with data in them. */
		if (i % 128 == 0 && write(fds[1], "x", 1) != 1)
			return wl_fail(p, "write pipe");
		p->held += 2;
	}
	return 0;
}

/* A listener on 127.0.0.1 and (n - 1) / 2 connected pairs through it. */
static int open_tcp(struct wl_proc *p, int n)
{
	socklen_t len = sizeof(struct sockaddr_in);
	int lfd, cfd, afd, one = 1, i;
	struct sockaddr_in sin, src;

	if (n < 1)
		return 0;
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0)
		return wl_fail(p, "socket tcp");
	wl_addr(&sin, 0, 0, 0);
	if (bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) ||
	    getsockname(lfd, (struct sockaddr *)&sin, &len) || listen(lfd, 4096))
		return wl_fail(p, "tcp listener");
	p->held++;
	for (i = 0; i + 2 <= n - 1; i += 2) {
		cfd = socket(AF_INET, SOCK_STREAM, 0);
		if (cfd < 0)
			return wl_fail(p, "socket tcp");
		/* Ephemeral ports per source address, not per system. */
		setsockopt(cfd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
		wl_addr(&src, 3, (i / 2 / WL_TCP_PER_ADDR) & 0xff, 0);
		if (bind(cfd, (struct sockaddr *)&src, sizeof(src)))
			return wl_fail(p, "bind tcp client");
		if (connect(cfd, (struct sockaddr *)&sin, sizeof(sin)))
			return wl_fail(p, "connect tcp");
		afd = accept(lfd, NULL, NULL);
		if (afd < 0)
			return wl_fail(p, "accept tcp");
		if (i % 128 == 0 && write(cfd, "hello", 5) != 5)
			return wl_fail(p, "write tcp");
		p->held += 2;
	}
	return 0;
}

/* Each on its own address:port; every other one connected to the discard port. */
static int open_udp(struct wl_proc *p, int n, int first)
{
	struct sockaddr_in sin;
	int i, fd, g;

	for (i = 0; i < n; i++) {
		fd = socket(AF_INET, SOCK_DGRAM, 0);
		if (fd < 0)
			return wl_fail(p, "socket udp");
		g = first + i;
		wl_addr(&sin, 2, (g / WL_UDP_PORTS) & 0xff, WL_UDP_PORT_BASE + g % WL_UDP_PORTS);
		if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)))
			return wl_fail(p, "bind udp");
		wl_addr(&sin, 0, 0, 9);
		if (i & 1 && connect(fd, (struct sockaddr *)&sin, sizeof(sin)))
			return wl_fail(p, "connect udp");
		p->held++;
	}
	return 0;
}

/* One listener bound to an abstract name, then stream and datagram pairs. */
static int open_unix(struct wl_proc *p, int n)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fds[2], i, fd, len;

	if (n < 1)
		return 0;
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0)
		return wl_fail(p, "socket unix");
	len = snprintf(sun.sun_path + 1, sizeof(sun.sun_path) - 1, "fdscope-bench.%d.%d",
		       getpid(), p->index);
	if (bind(fd, (struct sockaddr *)&sun, offsetof(struct sockaddr_un, sun_path) + 1 + len) ||
	    listen(fd, 16))
		return wl_fail(p, "unix listener");
	p->held++;
	for (i = 0; i + 2 <= n - 1; i += 2) {
		if (socketpair(AF_UNIX, i & 2 ? SOCK_DGRAM : SOCK_STREAM, 0, fds))
			return wl_fail(p, "socketpair");
		if (i % 128 == 0 && write(fds[0], "hi", 2) != 2)
			return wl_fail(p, "write unix");
		p->held += 2;
	}
	return 0;
}

/* Open this process's share of every kind; regular files take the rest. */
static int open_all(struct wl_proc *p)
{
	int avail = cfg.nfds - p->held, want[WL_NKINDS], k, rest;

	rest = avail;
	for (k = WL_PIPE; k < WL_NKINDS; k++) {
		want[k] = avail * cfg.mix[k] / 100;
		rest -= want[k];
	}
	if (open_tcp(p, want[WL_TCP]) ||
	    open_udp(p, want[WL_UDP], cfg.udp_first + p->index * want[WL_UDP]) ||
	    open_unix(p, want[WL_UNIX]) ||
	    open_pipes(p, want[WL_PIPE]))
		return -1;
	/* Pairs round odd shares down: regular files fill up to NFDS. */
	rest = cfg.nfds - p->held;
	return open_regular(p, rest > 0 ? rest : 0);
}

/* One-page mappings of this process's regular files, each its own VMA. */
static int map_files(struct wl_proc *p, int n)
{
	char path[4096];
	int i, fd;
	void *a;

	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/p%d/f%d", cfg.dir, p->index,
			 i % WL_FILES_PER_PROC);
		fd = open(path, O_RDWR | O_CREAT, 0644);
		if (fd < 0)
			return wl_fail(p, "open file to map");
		/*
		 * Offset 0 every time: neighbouring mappings of one file never
		 * continue each other's offsets, so no two VMAs merge. Never
		 * touched, so an empty file is fine.
		 */
		a = mmap(NULL, 4096, PROT_READ | (i & 1 ? PROT_WRITE : 0),
			 i & 2 ? MAP_PRIVATE : MAP_SHARED, fd, 0);
		close(fd);
		if (a == MAP_FAILED)
			return wl_fail(p, "mmap (raise vm.max_map_count?)");
	}
	return 0;
}

static int posix_lock(int fd, int cmd, int type, off_t start)
{
	struct flock fl = {
		.l_type = type,
		.l_whence = SEEK_SET,
		.l_start = start,
		.l_len = 1,
	};

	return fcntl(fd, cmd, &fl);
}

/*
 * n locks on lock files of this process's own, one fd each: POSIX and
 * OFD locks on disjoint one-byte ranges (they never merge), read and
 * write in turn, and flocks.
 */
static int take_locks(struct wl_proc *p, int n)
{
	char path[4096];
	int file, k, fd, taken = 0;

	for (file = 0; taken < n; file++) {
		snprintf(path, sizeof(path), "%s/p%d/l%d", cfg.dir, p->index, file);
		fd = open(path, O_RDWR | O_CREAT, 0644);
		if (fd < 0)
			return wl_fail(p, "open lock file");
		p->held++;
		if (file % 3 == 2) {
			if (flock(fd, (file & 4 ? LOCK_SH : LOCK_EX) | LOCK_NB))
				return wl_fail(p, "flock");
			taken++;
			continue;
		}
		for (k = 0; k < WL_LOCKS_PER_FILE && taken < n; k++, taken++) {
			if (posix_lock(fd, file % 3 ? F_OFD_SETLK : F_SETLK,
				       k & 1 ? F_RDLCK : F_WRLCK, 2 * k))
				return wl_fail(p, file % 3 ? "OFD lock" : "POSIX lock");
		}
	}
	return 0;
}

/* One epoll watching n of this process's pipes and sockets. */
static int watch_fds(struct wl_proc *p, int n)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int ep, fd, last = p->held, added = 0;
	struct stat st;

	ep = epoll_create1(0);
	if (ep < 0)
		return wl_fail(p, "epoll_create1");
	p->held++;
	for (fd = 4; fd < last && added < n; fd++) {
		if (fd == ep || fstat(fd, &st) || !(S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)))
			continue;
		ev.data.fd = fd;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev))
			return wl_fail(p, "epoll_ctl (raise max_user_watches?)");
		added++;
	}
	if (added < n) {
		errno = ERANGE;
		return wl_fail(p, "too few pipes and sockets to watch");
	}
	return 0;
}

static void send_report(int fd, int index, int err, int nfds, const char *step)
{
	struct wl_report r = { .index = index, .err = err, .nfds = nfds };

	if (step)
		snprintf(r.step, sizeof(r.step), "%s", step);
	/* Smaller than PIPE_BUF: atomic. */
	if (write(fd, &r, sizeof(r)) != sizeof(r))
		_exit(1);
}

static pthread_t *threads;
static int nthreads;

/* Blocks every signal (inherited mask) and waits to be cancelled. */
static void *wl_idle_thread(void *arg)
{
	for (;;)
		pause();
	return arg;
}

/* Start the threads that share this process's table; return how many run. */
static int start_threads(int n)
{
	pthread_attr_t attr;

	if (!threads)
		threads = calloc(n, sizeof(*threads));
	if (!threads)
		return 0;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, WL_THREAD_STACK);
	for (nthreads = 0; nthreads < n; nthreads++)
		if (pthread_create(&threads[nthreads], &attr, wl_idle_thread, NULL))
			break;
	pthread_attr_destroy(&attr);
	return nthreads;
}

static void stop_threads(void)
{
	int i;

	for (i = 0; i < nthreads; i++)
		pthread_cancel(threads[i]);
	for (i = 0; i < nthreads; i++)
		pthread_join(threads[i], NULL);
	nthreads = 0;
}

static void child_main(int index, int report, const sigset_t *set)
{
	struct wl_proc p = { .index = index, .report = report };
	int null, sig;

	/* Keep stdin/stdout off the driver's pipes; stderr stays for errors. */
	null = open("/dev/null", O_RDWR);
	if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0)
		_exit(1);
	close(null);
	/* The report pipe becomes fd 3; nothing inherited stays open. */
	if (report != 3 && (dup2(report, 3) < 0 || close(report)))
		_exit(1);
	report = 3;
	p.report = report;
	if (close_range(4, ~0U, 0))
		_exit(1);
	p.held = 4;	/* 0, 1, 2 and the report pipe */
	if (open_all(&p) || map_files(&p, cfg.nmaps) || take_locks(&p, cfg.nlocks) ||
	    (cfg.nwatch && watch_fds(&p, cfg.nwatch))) {
		send_report(report, index, errno, p.held, p.step);
		_exit(1);
	}
	send_report(report, index, 0, p.held, NULL);

	for (;;) {
		sig = sigwaitinfo(set, NULL);
		if (sig == SIGUSR1) {
			if (!nthreads)
				start_threads(cfg.nthreads);
			send_report(report, index, 0, nthreads, NULL);
		} else if (sig == SIGUSR2) {
			stop_threads();
			send_report(report, index, 0, nthreads, NULL);
		} else if (sig == SIGTERM || sig == SIGINT) {
			_exit(0);
		}
	}
}

static pid_t *children;

static void kill_children(void)
{
	int i;

	for (i = 0; i < cfg.nproc; i++)
		if (children[i] > 0)
			kill(children[i], SIGKILL);
	while (wait(NULL) > 0 || errno == EINTR)
		;
}

/* Read one report, noticing children that die without sending one. */
static void read_report(int fd, struct wl_report *r)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int status;
	pid_t pid;
	ssize_t n;

	for (;;) {
		if (poll(&pfd, 1, 1000) > 0)
			break;
		pid = waitpid(-1, &status, WNOHANG);
		if (pid > 0) {
			kill_children();
			die("process %d died during setup (status 0x%x)", pid, status);
		}
	}
	n = read(fd, r, sizeof(*r));
	if (n != sizeof(*r)) {
		kill_children();
		die("short report from a process");
	}
}

int main(int argc, char **argv)
{
	struct rlimit rl;
	struct wl_report r;
	int opt, i, report[2], sig;
	long total = 0;
	sigset_t set;

	while ((opt = getopt(argc, argv, "p:f:t:d:m:u:M:L:E:h")) != -1) {
		switch (opt) {
		case 'p':
			cfg.nproc = parse_int(optarg, 1);
			break;
		case 'f':
			cfg.nfds = parse_int(optarg, 8);
			break;
		case 't':
			cfg.nthreads = parse_int(optarg, 0);
			break;
		case 'd':
			cfg.dir = optarg;
			break;
		case 'm':
			parse_mix(optarg);
			break;
		case 'u':
			cfg.udp_first = parse_int(optarg, 0);
			break;
		case 'M':
			cfg.nmaps = parse_int(optarg, 0);
			break;
		case 'L':
			cfg.nlocks = parse_int(optarg, 0);
			break;
		case 'E':
			cfg.nwatch = parse_int(optarg, 0);
			break;
		default:
			bad_usage();
		}
	}
	if (optind != argc)
		bad_usage();

	/* Lock files and the epoll come on top of NFDS. */
	rl.rlim_cur = cfg.nfds + 64 + cfg.nlocks + 1;
	rl.rlim_max = rl.rlim_cur;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		die("setrlimit(RLIMIT_NOFILE, %lu): %s (raise fs.nr_open?)",
		    (unsigned long)rl.rlim_cur, strerror(errno));
	if (mkdir(cfg.dir, 0755) && errno != EEXIST)
		die("mkdir %s: %s", cfg.dir, strerror(errno));
	if (pipe(report))
		die("pipe: %s", strerror(errno));

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);

	children = calloc(cfg.nproc, sizeof(*children));
	if (!children)
		die("out of memory");
	for (i = 0; i < cfg.nproc; i++) {
		children[i] = fork();
		if (children[i] < 0) {
			kill_children();
			die("fork: %s", strerror(errno));
		}
		if (children[i] == 0) {
			close(report[0]);
			child_main(i, report[1], &set);
		}
	}
	close(report[1]);

	for (i = 0; i < cfg.nproc; i++) {
		read_report(report[0], &r);
		if (r.err) {
			kill_children();
			die("process %d: %s: %s (after %d fds)", r.index, r.step,
			    strerror(r.err), r.nfds);
		}
		total += r.nfds;
	}
	for (i = 0; i < cfg.nproc; i++)
		printf("pid %d\n", children[i]);
	printf("ready %ld\n", total);
	fflush(stdout);

	for (;;) {
		sig = sigwaitinfo(&set, NULL);
		if (sig == SIGUSR1 || sig == SIGUSR2) {
			kill(children[0], sig);
			read_report(report[0], &r);
			printf("threads %d\n", r.nfds);
			fflush(stdout);
		} else if (sig == SIGTERM || sig == SIGINT) {
			break;
		}
	}
	kill_children();
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * reader: read an fdscope file over and over and check every line of it.
 *
 *	reader [-b SIZE | -B] [-t SECONDS] [-n PASSES] [-p PID,...]
 *	       [-m seek|reopen|filter|mix|pread] [-s MS] [-E] FILE
 *
 * FILE is files, sockets, tasks (under /sys/kernel/debug/fdscope) or a
 * path. Each pass reads the file from the start to EOF with read() calls
 * of SIZE bytes (default 4096; -B: random sizes from 1 to 8192), and
 * checks every line: the first is a "# fdscope-NAME VERSION COLUMNS..."
 * header, the same on every pass; every other one has exactly one field
 * per column, each non-empty, with no byte below 0x21 or 0x7f and every
 * backslash starting a \ooo escape; pid is decimal (and, with -p, one of
 * the filter's pids); table and fileid are 15 lowercase hex digits or -;
 * no line holds anything like a kernel address (ffff and 12 more hex
 * digits). A line cut short at EOF is an error too.
 *
 * Between passes the file is rewound as -m says: lseek() (seek), closed
 * and opened again (reopen), or the -p filter written again, which rewinds
 * (filter); mix cycles through them. pread reads random ranges with
 * pread() instead of whole passes and only checks the bytes themselves.
 * -s: sleep MS milliseconds after each pass (with -m reopen, closed).
 * With -p the file is opened read-write and "pid LIST" written after each
 * open.
 *
 * Runs for -n passes, or until -t seconds have passed (ending the pass it
 * is in), or until SIGTERM/SIGINT (at once: the part of a pass read so far
 * is checked, a cut last line excepted). Prints "reader: ready" once the
 * first read() returned data, then a summary. -E: open() and read() errors
 * (say, the module is being unloaded) are counted and the file reopened,
 * instead of failing.
 *
 * Exits 0 if no line was bad and (without -E) at least one pass completed.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define MAX_COLS	64
#define MAX_PIDS	64
#define MAX_SHOWN	5
#define MAX_READ	8192
#define DEBUGFS_MAGIC	0x64626720

enum mode { M_SEEK, M_REOPEN, M_FILTER, M_MIX, M_PREAD };

static const char *const mode_names[] = { "seek", "reopen", "filter", "mix", "pread" };

static struct {
	const char *path;
	char name[32];		/* expected "fdscope-NAME", or "" for any */
	size_t bufsize;		/* 0: random */
	double seconds;
	long passes;
	enum mode mode;
	bool tolerate;
	long pause_ms;
	char filter[1024];	/* "pid LIST\n" or "" */
	long pids[MAX_PIDS];
	int npids;
} opt = { .bufsize = 4096, .mode = M_SEEK };

static int stop_flag;

static bool stopping(void)
{
	return __atomic_load_n(&stop_flag, __ATOMIC_RELAXED);
}

static struct {
	long passes, complete, records, bad, pid0, reads, opens;
	unsigned long long bytes;
	long errs[134];		/* by errno */
} st;

/* Per pass state */
static char header[4096];
static char *line;
static size_t line_len, line_cap;
static long line_no;
static int ncols, pid_col = -1, table_col = -1, fileid_col = -1;
static unsigned long rnd_state = 88172645463325252UL;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static unsigned long rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

static void on_signal(int sig)
{
	(void)sig;
	__atomic_store_n(&stop_flag, 1, __ATOMIC_RELAXED);
}

/* Report one bad line (the first few in full, escaped). */
static void bad(const char *why, const char *s, size_t len)
{
	size_t i;

	st.bad++;
	if (st.bad > MAX_SHOWN)
		return;
	printf("reader: %s: pass %ld line %ld: %s: '", opt.path, st.passes, line_no, why);
	for (i = 0; i < len && i < 300; i++) {
		unsigned char c = s[i];

		if (c < 0x20 || c >= 0x7f)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
	printf("'%s\n", len > 300 ? "..." : "");
}

static bool has_kernel_address(const char *s, size_t len)
{
	size_t i, j;

	for (i = 0; i + 16 <= len; i++) {
		if (memcmp(s + i, "ffff", 4))
			continue;
		for (j = 4; j < 16 && isxdigit((unsigned char)s[i + j]) &&
		     !isupper((unsigned char)s[i + j]); j++)
			;
		if (j == 16)
			return true;
	}
	return false;
}

static void check_header(const char *s, size_t len)
{
	char name[64];
	const char *p, *end = s + len;
	int n = 0;

	if (len >= sizeof(header)) {
		bad("header too long", s, len);
		return;
	}
	if (header[0]) {
		if (strlen(header) != len || memcmp(header, s, len))
			bad("header changed", s, len);
		return;
	}
	memcpy(header, s, len);
	header[len] = '\0';
	snprintf(name, sizeof(name), "# %s ", opt.name);
	if (len < 12 || memcmp(s, "# fdscope-", 10) ||
	    (opt.name[0] && strncmp(s, name, strlen(name)))) {
		bad("not an fdscope header", s, len);
		return;
	}
	/* "#", "fdscope-NAME", version, then the columns. */
	for (p = s; p < end; n++) {
		const char *q = memchr(p, ' ', end - p);
		size_t wl = (q ? q : end) - p;

		if (n >= 3 && n - 3 < MAX_COLS) {
			if (wl == 3 && !memcmp(p, "pid", 3))
				pid_col = n - 3;
			if (wl == 5 && !memcmp(p, "table", 5))
				table_col = n - 3;
			if (wl == 6 && !memcmp(p, "fileid", 6))
				fileid_col = n - 3;
		}
		p = q ? q + 1 : end;
	}
	ncols = n - 3;
	if (ncols < 1)
		bad("header without columns", s, len);
}

static bool is_identity(const char *f, size_t len)
{
	size_t i;

	if (len == 1 && f[0] == '-')
		return true;
	if (len != 15)
		return false;
	for (i = 0; i < len; i++)
		if (!isdigit((unsigned char)f[i]) && (f[i] < 'a' || f[i] > 'f'))
			return false;
	return true;
}

static void check_field(const char *f, size_t len, int col, const char *s, size_t slen)
{
	long pid = 0;
	size_t i;
	int k;

	if (!len) {
		bad("empty field", s, slen);
		return;
	}
	for (i = 0; i < len; i++) {
		unsigned char c = f[i];

		if (c < 0x21 || c == 0x7f) {
			bad("raw control byte", s, slen);
			return;
		}
		if (c == '\\') {
			if (i + 3 >= len) {
				bad("cut escape", s, slen);
				return;
			}
			if (f[i + 1] < '0' || f[i + 1] > '3' || f[i + 2] < '0' || f[i + 2] > '7' ||
			    f[i + 3] < '0' || f[i + 3] > '7') {
				bad("bad escape", s, slen);
				return;
			}
			i += 3;
		}
	}
	if (col == pid_col) {
		for (i = 0; i < len; i++) {
			if (!isdigit((unsigned char)f[i]) || i > 9) {
				bad("pid is not a number", s, slen);
				return;
			}
			pid = pid * 10 + f[i] - '0';
		}
		if (pid == 0) {
			/* docs/format.md: a task being reaped is skipped, never shown as pid 0. */
			st.pid0++;
			bad("pid 0", s, slen);
			return;
		}
		if (opt.npids) {
			for (k = 0; k < opt.npids && opt.pids[k] != pid; k++)
				;
			if (k == opt.npids)
				bad("pid outside the filter", s, slen);
		}
	}
	if ((col == table_col || col == fileid_col) && !is_identity(f, len))
		bad("identity is not 15 hex digits", s, slen);
}

static void check_line(const char *s, size_t len)
{
	const char *p = s, *end = s + len;
	long bad_before = st.bad;
	int n = 0;

	line_no++;
	if (line_no == 1) {
		check_header(s, len);
		return;
	}
	st.records++;
	if (has_kernel_address(s, len))
		bad("kernel address", s, len);
	for (;;) {
		const char *q = memchr(p, ' ', end - p);

		if (n < ncols)
			check_field(p, (q ? q : end) - p, n, s, len);
		n++;
		if (!q || st.bad != bad_before)
			break;
		p = q + 1;
	}
	if (st.bad == bad_before && n != ncols)
		bad(n < ncols ? "too few fields" : "too many fields", s, len);
}

/* Feed bytes of the current pass; whole lines are checked. */
static void feed(const char *buf, size_t len)
{
	const char *nl;

	while (len) {
		nl = memchr(buf, '\n', len);
		if (!nl) {
			if (line_len + len > line_cap) {
				line_cap = (line_len + len) * 2;
				line = realloc(line, line_cap);
				if (!line) {
					perror("reader: realloc");
					exit(2);
				}
			}
			memcpy(line + line_len, buf, len);
			line_len += len;
			return;
		}
		if (line_len) {
			if (line_len + (nl - buf) > line_cap) {
				line_cap = (line_len + (nl - buf)) * 2;
				line = realloc(line, line_cap);
				if (!line) {
					perror("reader: realloc");
					exit(2);
				}
			}
			memcpy(line + line_len, buf, nl - buf);
			check_line(line, line_len + (nl - buf));
			line_len = 0;
		} else {
			check_line(buf, nl - buf);
		}
		len -= nl + 1 - buf;
		buf = nl + 1;
	}
}

static void start_pass(void)
{
	st.passes++;
	line_no = 0;
	line_len = 0;
}

static void count_error(int err)
{
	st.errs[err > 0 && err < (int)ARRAY_SIZE(st.errs) ? err : 0]++;
}

static void fail_errno(const char *what)
{
	printf("reader: %s: %s: %s\n", opt.path, what, strerror(errno));
	exit(1);
}

static int open_file(void)
{
	size_t len = strlen(opt.filter);
	struct statfs sfs;
	int fd;

	st.opens++;
	fd = open(opt.path, len ? O_RDWR : O_RDONLY);
	if (fd < 0)
		return -1;
	/* Never write a filter into a saved dump. */
	if (len && (fstatfs(fd, &sfs) || sfs.f_type != DEBUGFS_MAGIC)) {
		fprintf(stderr, "reader: -p: %s is not on debugfs\n", opt.path);
		exit(2);
	}
	if (len && write(fd, opt.filter, len) != (ssize_t)len) {
		close(fd);
		return -1;
	}
	return fd;
}

static size_t read_size(void)
{
	return opt.bufsize ? opt.bufsize : 1 + rnd() % MAX_READ;
}

/* Random pread() ranges: the bytes are escaped text and newlines. */
static int pread_pass(int fd, char *buf)
{
	static off_t size = 65536;
	off_t off;
	ssize_t n, i;
	int k;

	start_pass();
	for (k = 0; k < 64 && !stopping(); k++) {
		off = rnd() % (size * 2 + 1);
		n = pread(fd, buf, read_size(), off);
		if (n < 0)
			return -1;
		st.reads++;
		st.bytes += n;
		for (i = 0; i < n; i++) {
			if (buf[i] == '\n' || buf[i] == ' ')
				continue;
			if ((unsigned char)buf[i] < 0x21 || buf[i] == 0x7f) {
				bad("raw control byte from pread", buf + i, 1);
				break;
			}
		}
		if (n && off + n > size)
			size = off + n;
	}
	st.complete++;
	return 0;
}

static void parse_pids(const char *list)
{
	const char *p = list;
	char *end;
	int len;

	while (*p && opt.npids < MAX_PIDS) {
		opt.pids[opt.npids++] = strtol(p, &end, 10);
		if (end == p || (*end && *end != ',')) {
			fprintf(stderr, "reader: bad pid list '%s'\n", list);
			exit(2);
		}
		p = *end ? end + 1 : end;
	}
	len = snprintf(opt.filter, sizeof(opt.filter), "pid %s\n", list);
	if (len >= (int)sizeof(opt.filter)) {
		fprintf(stderr, "reader: pid list too long\n");
		exit(2);
	}
}

static void bad_usage(void)
{
	fprintf(stderr, "usage: reader [-b SIZE | -B] [-t SECONDS] [-n PASSES] [-p PID,...]\n"
		"	[-m seek|reopen|filter|mix|pread] [-s MS] [-E] files|sockets|tasks|PATH\n");
	exit(2);
}

static void parse_args(int argc, char **argv)
{
	static char path[256];
	unsigned int i;
	int c;

	while ((c = getopt(argc, argv, "b:Bt:n:p:m:s:E")) != -1) {
		switch (c) {
		case 'b':
			opt.bufsize = strtoul(optarg, NULL, 10);
			if (!opt.bufsize || opt.bufsize > MAX_READ)
				bad_usage();
			break;
		case 'B':
			opt.bufsize = 0;
			break;
		case 't':
			opt.seconds = strtod(optarg, NULL);
			break;
		case 'n':
			opt.passes = strtol(optarg, NULL, 10);
			break;
		case 'p':
			parse_pids(optarg);
			break;
		case 'm':
			for (i = 0; i < ARRAY_SIZE(mode_names); i++)
				if (!strcmp(optarg, mode_names[i]))
					break;
			if (i == ARRAY_SIZE(mode_names))
				bad_usage();
			opt.mode = i;
			break;
		case 's':
			opt.pause_ms = strtol(optarg, NULL, 10);
			break;
		case 'E':
			opt.tolerate = true;
			break;
		default:
			bad_usage();
		}
	}
	if (optind != argc - 1)
		bad_usage();
	opt.path = argv[optind];
	if (!strchr(opt.path, '/')) {
		snprintf(opt.name, sizeof(opt.name), "fdscope-%s", opt.path);
		snprintf(path, sizeof(path), "/sys/kernel/debug/fdscope/%s", opt.path);
		opt.path = path;
	}
	if (opt.mode == M_FILTER && !opt.npids)
		bad_usage();
	if (!opt.passes && !opt.seconds)
		opt.passes = 1;
}

static void summary(void)
{
	unsigned int i;

	printf("reader: %s bs=%zu mode=%s%s: ", opt.path, opt.bufsize, mode_names[opt.mode],
	       opt.npids ? " filtered" : "");
	printf("%ld passes (%ld complete), %ld records, %llu bytes in %ld reads, ",
	       st.passes, st.complete, st.records, st.bytes, st.reads);
	printf("%ld opens, %ld bad lines, %ld pid-0 records", st.opens, st.bad, st.pid0);
	for (i = 0; i < ARRAY_SIZE(st.errs); i++)
		if (st.errs[i])
			printf(", %s x%ld", i ? strerrorname_np(i) : "errno?", st.errs[i]);
	printf("\n");
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	char *buf = malloc(MAX_READ);
	bool ready = false, need_open = true;
	double end;
	enum mode how;
	ssize_t n;
	int fd = -1;

	parse_args(argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	end = now() + opt.seconds;
	rnd_state ^= (unsigned long)getpid() << 20;

	while (!stopping() && (!opt.passes || st.passes < opt.passes) &&
	       (!opt.seconds || now() < end)) {
		how = opt.mode == M_MIX ? (enum mode)(st.passes % (opt.npids ? 3 : 2)) : opt.mode;
		if (how == M_REOPEN && fd >= 0) {
			close(fd);
			fd = -1;
		}
		if (fd < 0) {
			fd = open_file();
			if (fd < 0) {
				if (!opt.tolerate)
					fail_errno("open");
				count_error(errno);
				usleep(10000);
				continue;
			}
			need_open = false;
		} else if (how == M_SEEK || how == M_PREAD) {
			if (lseek(fd, 0, SEEK_SET) != 0) {
				if (!opt.tolerate)
					fail_errno("lseek");
				count_error(errno);
				need_open = true;
			}
		} else if (how == M_FILTER) {
			n = strlen(opt.filter);
			if (write(fd, opt.filter, n) != n) {
				if (!opt.tolerate)
					fail_errno("filter write");
				count_error(errno);
				need_open = true;
			}
		}
		if (need_open) {
			close(fd);
			fd = -1;
			continue;
		}

		if (how == M_PREAD) {
			if (pread_pass(fd, buf)) {
				if (!opt.tolerate)
					fail_errno("pread");
				count_error(errno);
				close(fd);
				fd = -1;
			} else if (!ready) {
				printf("reader: ready\n");
				ready = true;
			}
			continue;
		}
		start_pass();
		for (;;) {
			n = read(fd, buf, read_size());
			if (n <= 0)
				break;
			st.reads++;
			st.bytes += n;
			if (!ready) {
				printf("reader: ready\n");
				ready = true;
			}
			feed(buf, n);
			if (stopping())
				break;
		}
		if (n < 0) {
			if (!opt.tolerate)
				fail_errno("read");
			count_error(errno);
			close(fd);
			fd = -1;
			continue;
		}
		if (n == 0) {
			if (line_len) {
				line_no++;
				bad("line cut short at EOF", line, line_len);
			} else if (line_no == 0) {
				bad("empty pass (no header)", "", 0);
			}
			st.complete++;
		}
		if (how == M_REOPEN && opt.pause_ms) {
			close(fd);	/* closed while it pauses */
			fd = -1;
		}
		if (opt.pause_ms)
			usleep(opt.pause_ms * 1000);
	}
	if (fd >= 0)
		close(fd);
	summary();
	if (st.bad)
		return 1;
	if (!opt.tolerate && !st.complete) {
		printf("reader: %s: no complete pass\n", opt.path);
		return 1;
	}
	return 0;
}

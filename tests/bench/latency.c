// SPDX-License-Identifier: GPL-2.0
/*
 * The latency probe of the fdscope benchmark: open() and close() one file
 * in a loop for SECONDS and report how long the slowest pair took, so
 * that a probe run during full dumps can be compared with one at idle.
 *
 *	latency [-s SECONDS] [-n FILLER] [-f PATH]
 *
 * -n keeps FILLER more fds open (each its own open of /dev/null), so that
 * the dump spends time in this process's table too. Prints one line:
 *
 *	iterations N mean_us X p50_us X p99_us X p999_us X max_us X
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "latency: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void bad_usage(void)
{
	fputs("usage: latency [-s SECONDS] [-n FILLER] [-f PATH]\n", stderr);
	exit(2);
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The sample at quantile @q of @n sorted samples. */
static double quantile(const double *v, size_t n, double q)
{
	size_t i = (size_t)(q * (n - 1) + 0.5);

	return v[i < n ? i : n - 1];
}

int main(int argc, char **argv)
{
	const char *path = "/dev/null";
	double seconds = 5, start, t0, t1, sum = 0, *v = NULL;
	size_t n = 0, cap = 0;
	struct rlimit rl;
	int opt, fd, i, filler = 0;

	while ((opt = getopt(argc, argv, "s:n:f:h")) != -1) {
		switch (opt) {
		case 's':
			seconds = atof(optarg);
			break;
		case 'n':
			filler = atoi(optarg);
			break;
		case 'f':
			path = optarg;
			break;
		default:
			bad_usage();
		}
	}
	if (optind != argc || seconds <= 0 || filler < 0)
		bad_usage();

	rl.rlim_cur = filler + 64;
	rl.rlim_max = rl.rlim_cur;
	if (filler && setrlimit(RLIMIT_NOFILE, &rl))
		die("setrlimit");
	for (i = 0; i < filler; i++)
		if (open("/dev/null", O_RDONLY) < 0)
			die("open filler");

	start = now_us();
	do {
		t0 = now_us();
		fd = open(path, O_RDONLY);
		if (fd < 0)
			die(path);
		close(fd);
		t1 = now_us();
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			v = realloc(v, cap * sizeof(*v));
			if (!v)
				die("realloc");
		}
		v[n++] = t1 - t0;
		sum += t1 - t0;
	} while (t1 - start < seconds * 1e6);

	qsort(v, n, sizeof(*v), cmp_double);
	printf("iterations %zu mean_us %.1f p50_us %.1f p99_us %.1f p999_us %.1f max_us %.1f\n",
	       n, sum / n, quantile(v, n, 0.5), quantile(v, n, 0.99), quantile(v, n, 0.999),
	       v[n - 1]);
	free(v);
	return 0;
}

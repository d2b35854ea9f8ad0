// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope: --watch[=SECONDS], a live view of fd counts for spotting leaks,
 * like top: processes sorted by their growth since the watch started, then
 * by fd count, the fastest grower of the last interval marked, the top fd
 * types of the first few.
 *
 * Each interval reads only `tasks` (one line per process); the fd types
 * come from `files` read with the module's pid filter for the processes
 * shown in detail, so a sample costs what those processes' fds cost.
 * On a terminal the view is drawn with ncurses; with -n COUNT it prints
 * COUNT plain samples. Saved snapshots given as arguments are replayed,
 * one per sample.
 */
#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fdscope.h"

#define DETAIL		5	/* processes whose fd types are read */
#define PLAIN_ROWS	20	/* processes per plain sample */
#define TOP_TYPES	3

struct tracked {
	u64 id;			/* model_task_identity() */
	int pid;
	u64 start;
	char *comm;
	long first;		/* fds when first seen */
	long prev;		/* fds at the sample before */
	long fds;
	bool present;		/* in the last sample */
	char types[64];		/* "REG:200 FIFO:16", for the processes in detail */
};

struct watch {
	const struct opts *o;
	struct tracked *v;
	size_t n;
	struct idx ids;		/* identity -> v index */
	size_t sample;		/* samples taken */
	long total_fds;
	size_t nprocs;
	int fastest;		/* pid of the fastest grower, 0 if none grew */
};

/* The directory sample @i reads: a replayed snapshot, --dir, or debugfs. */
static const char *sample_dir(const struct opts *o, size_t i)
{
	if (o->ntargets)
		return o->targets[i];
	return o->dir;
}

static struct tracked *track(struct watch *w, const struct fds_task *t)
{
	u32 *slot = idx_slot(&w->ids, model_task_identity(t, HAVE(t, TC_START)));
	struct tracked *k;

	if (*slot != IDX_NONE)
		return &w->v[*slot];
	*slot = (u32)w->n;
	w->v = xrealloc(w->v, w->n + 1, sizeof(*w->v));
	k = &w->v[w->n++];
	memset(k, 0, sizeof(*k));
	k->id = model_task_identity(t, HAVE(t, TC_START));
	k->pid = t->pid;
	k->start = t->start;
	k->comm = xstrdup(t->comm ? t->comm : "");
	k->first = (long)t->nfds;
	k->fds = (long)t->nfds;
	return k;
}

static int by_growth(const void *a, const void *b)
{
	const struct tracked *x = a, *y = b;
	long gx = x->fds - x->first, gy = y->fds - y->first;

	if (x->present != y->present)
		return x->present ? -1 : 1;
	if (gx != gy)
		return gx > gy ? -1 : 1;
	if (x->fds != y->fds)
		return x->fds > y->fds ? -1 : 1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/* Read `tasks`: every process's fd count. */
static int sample_tasks(struct watch *w, const char *dir)
{
	struct opts so = *w->o;
	struct model m = { 0 };
	long best = 0;
	size_t i;

	so.dir = dir;
	if (input_load_kind(&m, &so, FDS_TASKS, false)) {
		model_free(&m);
		return -1;
	}
	for (i = 0; i < w->n; i++)
		w->v[i].present = false;
	w->total_fds = 0;
	w->nprocs = 0;
	w->fastest = 0;
	for (i = 0; i < m.tab[FDS_TASKS].nrecs; i++) {
		const struct fds_task *t = (const struct fds_task *)m.tab[FDS_TASKS].recs + i;
		struct tracked *k;

		if (HAVE(t, TC_TID) || !HAVE(t, TC_NFDS) || !select_pid(&so.sel, t->pid))
			continue;
		k = track(w, t);
		k->prev = w->sample ? k->fds : (long)t->nfds;
		k->fds = (long)t->nfds;
		k->present = true;
		k->types[0] = '\0';
		w->total_fds += k->fds;
		w->nprocs++;
		if (k->fds - k->prev > best) {
			best = k->fds - k->prev;
			w->fastest = k->pid;
		}
	}
	model_free(&m);
	/* The index points into v: rebuild it after sorting. */
	qsort(w->v, w->n, sizeof(*w->v), by_growth);
	idx_free(&w->ids);
	idx_init(&w->ids, w->n);
	for (i = 0; i < w->n; i++)
		*idx_slot(&w->ids, w->v[i].id) = (u32)i;
	w->sample++;
	return 0;
}

struct type_count {
	const char *type;
	size_t n;
};

static int by_count(const void *a, const void *b)
{
	const struct type_count *x = a, *y = b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->type, y->type);
}

/* The top fd types of process @k, from rows @files of `files`. */
static void count_types(struct tracked *k, const struct fds_table *files)
{
	struct type_count c[32];
	size_t nc = 0, i, j;
	char *w = k->types;

	for (i = 0; i < files->nrecs; i++) {
		const struct fds_file *f = (const struct fds_file *)files->recs + i;
		const char *type = f->type ? f->type : "?";

		if (f->pid != k->pid || HAVE(f, FC_TID))
			continue;
		for (j = 0; j < nc && strcmp(c[j].type, type); j++)
			;
		if (j == nc && nc == ARRAY_SIZE(c))
			continue;
		if (j == nc)
			c[nc++] = (struct type_count){ type, 0 };
		c[j].n++;
	}
	qsort(c, nc, sizeof(*c), by_count);
	k->types[0] = '\0';
	for (i = 0; i < nc && i < TOP_TYPES; i++) {
		size_t room = sizeof(k->types) - (w - k->types);
		int len = snprintf(w, room, "%s%s:%zu", i ? " " : "", c[i].type, c[i].n);

		if (len < 0 || (size_t)len >= room)
			break;
		w += len;
	}
}

/* Read `files` for the first DETAIL processes only, with the pid filter. */
static int sample_detail(struct watch *w, const char *dir)
{
	struct opts so = *w->o;
	struct model m = { 0 };
	int pids[DETAIL];
	size_t n = 0, i;
	int rc;

	for (i = 0; i < w->n && n < DETAIL; i++) {
		if (w->v[i].present)
			pids[n++] = w->v[i].pid;
	}
	if (!n)
		return 0;
	so.dir = dir;
	so.sel.pids = pids;
	so.sel.npids = n;
	rc = input_load_kind(&m, &so, FDS_FILES, input_on_debugfs(dir ? dir : FDSCOPE_DIR));
	for (i = 0; !rc && i < n; i++)
		count_types(&w->v[i], &m.tab[FDS_FILES]);
	model_free(&m);
	return rc;
}

typedef void (*put_line)(const char *s, void *arg);

/* The lines of one sample: a summary, a header, a line per process. */
static void render(const struct watch *w, size_t rows, size_t total, put_line put, void *arg)
{
	char line[256];
	size_t i;

	if (total)
		snprintf(line, sizeof(line),
			 "fdscope --watch: sample %zu of %zu, %zu processes, %ld fds",
			 w->sample, total, w->nprocs, w->total_fds);
	else
		snprintf(line, sizeof(line),
			 "fdscope --watch: sample %zu, %zu processes, %ld fds (q quits)",
			 w->sample, w->nprocs, w->total_fds);
	put(line, arg);
	snprintf(line, sizeof(line), "  %7s %-16s %6s %7s  %s", "PID", "COMMAND", "FDS",
		 "GROWTH", "TYPES");
	put(line, arg);
	for (i = 0; i < w->n && i < rows && w->v[i].present; i++) {
		const struct tracked *k = &w->v[i];

		/* Types only for the processes read in detail: no blanks after. */
		snprintf(line, sizeof(line), "%c %7d %-16s %6ld %+7ld%s%s",
			 k->pid == w->fastest ? '>' : ' ', k->pid, k->comm, k->fds,
			 k->fds - k->first, k->types[0] ? "  " : "", k->types);
		put(line, arg);
	}
}

static void put_plain(const char *s, void *arg)
{
	(void)arg;
	puts(s);
}

struct screen {
	int y;
};

static void put_screen(const char *s, void *arg)
{
	struct screen *sc = arg;

	if (sc->y < LINES)
		mvaddnstr(sc->y++, 0, s, COLS);
}

/*
 * Draw for the screen's size, again if it changed meanwhile: a resize that
 * ncurses takes in during refresh() never comes back as KEY_RESIZE.
 */
static void draw(const struct watch *w)
{
	int lines, cols;

	do {
		struct screen sc = { 0 };

		lines = LINES;
		cols = COLS;
		erase();
		render(w, LINES > 2 ? (size_t)LINES - 2 : 0, 0, put_screen, &sc);
		refresh();
	} while (lines != LINES || cols != COLS);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

static int take_sample(struct watch *w, size_t i)
{
	const char *dir = sample_dir(w->o, i);

	if (sample_tasks(w, dir))
		return -1;
	return sample_detail(w, dir);
}

/* The terminal view: a sample every interval, redrawn on resize, q quits. */
static int watch_screen(struct watch *w)
{
	long period = (long)(w->o->interval * 1000);
	int rc = 0;

	fds_locale();
	initscr();
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	for (;;) {
		long due = now_ms() + period;
		int ch = 0;

		if (take_sample(w, 0)) {
			rc = -1;
			break;
		}
		draw(w);
		for (;;) {
			int lines = LINES, cols = COLS;
			long left = due - now_ms();

			/* A negative timeout would wait for a key forever. */
			if (ch == 'q' || left <= 0)
				break;
			timeout((int)left);
			ch = getch();
			if (ch == KEY_RESIZE || lines != LINES || cols != COLS)
				draw(w);
		}
		if (ch == 'q')
			break;
	}
	endwin();
	/* The error was written while curses owned the screen: say it again. */
	if (rc)
		fds_err("--watch stopped: a sample could not be read");
	return rc;
}

static int watch_plain(struct watch *w, size_t count)
{
	struct timespec pause = {
		.tv_sec = (time_t)w->o->interval,
		.tv_nsec = (long)((w->o->interval - (time_t)w->o->interval) * 1e9),
	};
	size_t i;

	for (i = 0; i < count; i++) {
		if (i && !w->o->ntargets)
			while (nanosleep(&pause, &pause) && errno == EINTR)
				;
		if (take_sample(w, i))
			return -1;
		if (i)
			putchar('\n');
		render(w, PLAIN_ROWS, count, put_plain, NULL);
		if (fflush(stdout) || ferror(stdout))
			return fds_err("write error");
	}
	return 0;
}

int view_watch(const struct opts *o)
{
	struct watch w = { .o = o };
	size_t i;
	int rc;

	idx_init(&w.ids, 64);
	if (o->ntargets && o->count > (long)o->ntargets)
		rc = fds_err("--watch -n %ld: only %zu snapshots to replay", o->count, o->ntargets);
	else if (o->count)
		rc = watch_plain(&w, (size_t)o->count);
	else if (o->ntargets)
		rc = watch_plain(&w, o->ntargets);
	else if (!isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO))
		rc = fds_err("--watch needs a terminal; -n COUNT prints plain samples");
	else
		rc = watch_screen(&w);
	for (i = 0; i < w.n; i++)
		free(w.v[i].comm);
	free(w.v);
	idx_free(&w.ids);
	return rc;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope: --locks, one row per lock held: who holds it (through which
 * fds), who waits for it, and what its holder itself waits for.
 *
 * The module lists a lock under every fd it is held through; here those
 * lines become one lock. The waiting requests come from /proc/locks (live)
 * or the dump's copy of it, joined to the locks on dev:ino, class, type,
 * pid and range. A process waits for the holders of the lock its request
 * sits under: following those edges from a holder is its BLOCKED-BY
 * chain, and a chain that comes back to a process on it is a deadlock.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libsmartcols.h>

#include "fdscope.h"

struct held {
	u32 first;		/* its first locks row */
	u32 *rows;		/* every locks row listing it */
	size_t nrows;
	bool joined;		/* a /proc/locks line was found for it */
	int *waiters;		/* pids of the requests waiting for it */
	size_t nwaiters;
};

/* A waiting process and one process it waits for. */
struct wait_edge {
	int from;
	int to;
};

struct lockwait {
	struct model *m;
	struct held *v;
	size_t n;
	struct wait_edge *edges;
	size_t nedges;
	char **cycles;		/* the deadlocks seen, "pid pid ..." from the lowest */
	size_t ncycles;
};

static bool posix_owned(const struct fds_lock *l)
{
	return streq(l->class, "POSIX") || streq(l->class, "ACCESS");
}

/*
 * Whether two lines list one lock: one file, class, type and range, and
 * one owner: the table for a POSIX lock, else the open file description.
 */
static bool same_lock(const struct fds_lock *a, const struct fds_lock *b)
{
	if (a->ino != b->ino || !streq(a->dev, b->dev) || !streq(a->class, b->class) ||
	    !streq(a->type, b->type) || HAVE(a, LC_LOCK_START) != HAVE(b, LC_LOCK_START) ||
	    a->lock_start != b->lock_start || a->lock_end != b->lock_end)
		return false;
	if (posix_owned(a))
		return a->pid == b->pid && a->tid == b->tid;
	return HAVE(a, LC_FILEID) && HAVE(b, LC_FILEID) && a->fileid == b->fileid;
}

static void held_add_row(struct held *h, u32 row)
{
	h->rows = xrealloc(h->rows, h->nrows + 1, sizeof(*h->rows));
	h->rows[h->nrows++] = row;
}

/* The module's lines as locks, in the order of their first line. */
static void group_locks(struct lockwait *w)
{
	const struct model *m = w->m;
	struct idx seen;
	size_t i;

	idx_init(&seen, m->nlocks);
	for (i = 0; i < m->nlocks; i++) {
		const struct fds_lock *l = &m->locks[i];
		u64 key = model_dev_ino_key(l->dev, l->ino);
		u32 *slot;
		size_t g;

		if (!l->class || lock_is_more(l))
			continue;
		key = hash_bytes(l->class, strlen(l->class), key);
		if (l->type)
			key = hash_bytes(l->type, strlen(l->type), key);
		key = hash_bytes(&l->lock_start, sizeof(l->lock_start), key);
		key = hash_bytes(&l->lock_end, sizeof(l->lock_end), key);
		key ^= posix_owned(l) ? model_fd_key(l->pid, l->tid, 0) : l->fileid;
		slot = idx_slot(&seen, key);
		g = *slot;
		if (g == IDX_NONE || !same_lock(&m->locks[w->v[g].first], l)) {
			w->v = xrealloc(w->v, w->n + 1, sizeof(*w->v));
			memset(&w->v[w->n], 0, sizeof(w->v[w->n]));
			w->v[w->n].first = (u32)i;
			if (*slot == IDX_NONE)
				*slot = (u32)w->n;
			g = w->n++;
		}
		held_add_row(&w->v[g], (u32)i);
	}
	idx_free(&seen);
}

/*
 * The pids that hold lock @h: for POSIX its table, else the pid the kernel
 * keeps, else every process whose fd shares the description.
 */
static size_t held_pids(const struct lockwait *w, const struct held *h, int *pids, size_t max)
{
	const struct fds_lock *l = &w->m->locks[h->first];
	size_t n = 0, i, k;

	if (posix_owned(l) || HAVE(l, LC_LOCK_PID)) {
		pids[0] = posix_owned(l) ? l->pid : l->lock_pid;
		return 1;
	}
	for (i = 0; i < h->nrows && n < max; i++) {
		int pid = w->m->locks[h->rows[i]].pid;

		for (k = 0; k < n && pids[k] != pid; k++)
			;
		if (k == n)
			pids[n++] = pid;
	}
	return n;
}

/* Whether /proc/locks line @p is lock @h. */
static bool proc_line_is(const struct lockwait *w, const struct proc_lock *p,
			 const struct held *h)
{
	const struct fds_lock *l = &w->m->locks[h->first];

	if (p->ino != l->ino || !streq(l->dev, p->dev) || !streq(l->class, p->class) ||
	    !streq(l->type, p->type))
		return false;
	if (HAVE(l, LC_LOCK_START) && (p->start != l->lock_start || p->end != l->lock_end))
		return false;
	/* OFD locks have no pid; others have it where the reader can see it. */
	if (p->pid > 0 && HAVE(l, LC_LOCK_PID) && p->pid != l->lock_pid)
		return false;
	if (p->pid > 0 && posix_owned(l) && p->pid != l->pid)
		return false;
	return true;
}

/* Give each lock the waiters /proc/locks lists under it. */
static void join_waiters(struct lockwait *w, const struct proc_lock *p, size_t n)
{
	struct held *cur = NULL;
	u64 cur_id = 0;
	size_t i, g;

	for (i = 0; i < n; i++) {
		if (!p[i].level) {
			cur = NULL;
			cur_id = p[i].id;
			for (g = 0; g < w->n && !cur; g++) {
				if (!w->v[g].joined && proc_line_is(w, &p[i], &w->v[g]))
					cur = &w->v[g];
			}
			if (cur)
				cur->joined = true;
			continue;
		}
		/* An OFD request has no pid to name its process by. */
		if (!cur || p[i].id != cur_id || p[i].pid <= 0)
			continue;
		cur->waiters = xrealloc(cur->waiters, cur->nwaiters + 1, sizeof(*cur->waiters));
		cur->waiters[cur->nwaiters++] = p[i].pid;
	}
}

#define HOLDERS_MAX	64	/* processes followed per lock */

static void add_edges(struct lockwait *w)
{
	int pids[HOLDERS_MAX];
	size_t g, i, k, n;

	for (g = 0; g < w->n; g++) {
		struct held *h = &w->v[g];

		n = held_pids(w, h, pids, HOLDERS_MAX);
		for (i = 0; i < h->nwaiters; i++) {
			for (k = 0; k < n; k++) {
				w->edges = xrealloc(w->edges, w->nedges + 1, sizeof(*w->edges));
				w->edges[w->nedges].from = h->waiters[i];
				w->edges[w->nedges++].to = pids[k];
			}
		}
	}
}

/* The first process @pid waits for, or 0. */
static int waits_for(const struct lockwait *w, int pid)
{
	size_t i;

	for (i = 0; i < w->nedges; i++) {
		if (w->edges[i].from == pid)
			return w->edges[i].to;
	}
	return 0;
}

static const char *command(struct model *m, int pid)
{
	const struct fds_task *t = model_task(m, pid, 0);

	return t ? t->comm : NULL;
}

static bool on_path(const int *path, size_t n, int pid)
{
	while (n--) {
		if (path[n] == pid)
			return true;
	}
	return false;
}

/* Keep the cycle @path[@k..@n - 1], from its lowest pid, unless already seen. */
static void record_cycle(struct lockwait *w, const int *path, size_t k, size_t n)
{
	struct sbuf c = { 0 };
	size_t low = k, i;
	char tmp[24];

	for (i = k; i < n; i++)
		low = path[i] < path[low] ? i : low;
	for (i = 0; i < n - k; i++) {
		if (i)
			sb_addc(&c, ' ');
		sb_add(&c, utoa((u64)path[k + (low - k + i) % (n - k)], tmp));
	}
	for (i = 0; i < w->ncycles; i++) {
		if (!strcmp(w->cycles[i], c.s)) {
			sb_free(&c);
			return;
		}
	}
	w->cycles = xrealloc(w->cycles, w->ncycles + 1, sizeof(*w->cycles));
	w->cycles[w->ncycles++] = c.s;
}

/* Depth first along every wait from @path[@n - 1], recording each cycle. */
static void find_cycles(struct lockwait *w, int *path, size_t n, size_t max)
{
	size_t i, k;

	for (i = 0; i < w->nedges; i++) {
		const struct wait_edge *e = &w->edges[i];

		if (e->from != path[n - 1])
			continue;
		if (on_path(path, n, e->to)) {
			for (k = 0; path[k] != e->to; k++)
				;
			record_cycle(w, path, k, n);
		} else if (n < max) {
			path[n] = e->to;
			find_cycles(w, path, n + 1, max);
		}
	}
}

/* BLOCKED-BY of holder @pid: whom it waits for, and so on; true on a cycle. */
static bool blocked_by(struct lockwait *w, int pid, struct holders *h)
{
	int path[HOLDERS_MAX];
	size_t n = 1;

	path[0] = pid;
	for (pid = waits_for(w, pid); pid && n < HOLDERS_MAX; pid = waits_for(w, pid)) {
		holders_add_fd(h, pid, 0, command(w->m, pid), -1, NULL);
		if (on_path(path, n, pid))
			return true;
		path[n++] = pid;
	}
	return false;
}

/* /proc/locks, or the dump's copy; no copy leaves the waiters unknown. */
static int load_proc_locks(const struct opts *o, struct proc_lock **p, size_t *n, bool *known)
{
	struct sbuf path = { 0 };
	size_t len;
	char *buf;
	int fd, rc;

	*p = NULL;
	*n = 0;
	sb_add(&path, o->dir ? o->dir : PROC_LOCKS);
	if (o->dir)
		sb_add(&path, "/" PROC_LOCKS_SAVED);
	fd = open(path.s, O_RDONLY | O_CLOEXEC);
	*known = fd >= 0;
	if (fd < 0) {
		rc = o->dir && errno == ENOENT ? 0 : fds_err("%s: %s", path.s, strerror(errno));
		sb_free(&path);
		return rc;
	}
	rc = read_all(fd, &buf, &len);
	close(fd);
	if (rc) {
		rc = fds_err("%s: read error: %s", path.s, strerror(errno));
	} else {
		rc = proc_locks_parse(buf, len, path.s, p, n);
		free(buf);
	}
	sb_free(&path);
	return rc;
}

/* The line naming the holder: the fd of the process the kernel names. */
static const struct fds_lock *main_line(const struct lockwait *w, const struct held *h)
{
	const struct fds_lock *l = &w->m->locks[h->first];
	size_t i;

	for (i = 0; HAVE(l, LC_LOCK_PID) && i < h->nrows; i++) {
		if (w->m->locks[h->rows[i]].pid == l->lock_pid)
			return &w->m->locks[h->rows[i]];
	}
	return l;
}

static const char *lock_path(struct lockwait *w, const struct fds_lock *l)
{
	u32 j = model_fd_row(w->m, l->pid, l->tid, l->fd);

	return j == IDX_NONE ? NULL : w->m->files[j].path;
}

/*
 * Whether lock @h is shown: one of the fds it is held through is selected
 * as the list selects its row (-p, -u, -t, -i, -U and -Q; a thread's own
 * table counts without -l). An fd the files dump lacks (closed between the
 * two reads) is selected by its pid alone, and only when nothing else is
 * asked.
 */
static bool held_selected(const struct opts *o, struct lockwait *w, const struct held *h,
			  struct sbuf *b)
{
	bool beyond = select_beyond_pids(o);
	size_t i;
	u32 row;

	for (i = 0; i < h->nrows; i++) {
		const struct fds_lock *l = &w->m->locks[h->rows[i]];

		if (!select_pid(&o->sel, l->pid))
			continue;
		if (!beyond)
			return true;
		row = model_fd_row(w->m, l->pid, l->tid, l->fd);
		if (row != IDX_NONE && select_fd_row(o, w->m, row, b))
			return true;
	}
	return false;
}

static void locks_rows(const struct opts *o, struct lockwait *w, struct out *t, bool known)
{
	struct holders list = { 0 };
	struct sbuf b = { 0 };
	size_t g, i;
	bool cycle;

	for (g = 0; g < w->n; g++) {
		const struct held *h = &w->v[g];
		const struct fds_lock *l = main_line(w, h);

		if (!held_selected(o, w, h, &b) || out_row(t))
			continue;
		out_cell_u(t, 0, (u64)l->pid);
		out_cell(t, 1, l->comm);
		out_cell_u(t, 2, (u64)l->fd);
		out_cell(t, 3, l->class);
		out_cell(t, 4, l->type);
		sb_reset(&b);
		if (HAVE(l, LC_LOCK_START))
			lock_range(&b, l);
		out_cell(t, 5, b.len ? b.s : NULL);
		out_cell(t, 6, lock_path(w, l));
		holders_reset(&list, out_list_max(o));
		for (i = 0; i < h->nrows; i++) {
			const struct fds_lock *r = &w->m->locks[h->rows[i]];

			holders_add_fd(&list, r->pid, r->tid, r->comm, r->fd, NULL);
		}
		out_cell_list(t, 7, &list);
		holders_reset(&list, out_list_max(o));
		for (i = 0; i < h->nwaiters; i++)
			holders_add_fd(&list, h->waiters[i], 0, command(w->m, h->waiters[i]), -1,
				       NULL);
		if (known)
			out_cell_list(t, 8, &list);
		holders_reset(&list, out_list_max(o));
		cycle = blocked_by(w, l->pid, &list);
		out_cell_list(t, 9, &list);
		out_cell(t, 10, cycle ? "1" : "0");
	}
	sb_free(&b);
	holders_free(&list);
}

/* The deadlocks table, and a line on standard error for each. */
static struct out *deadlocks_table(const struct opts *o, struct lockwait *w)
{
	struct out *t = out_new(o, "deadlocks", NULL);
	struct holders list = { 0 };
	struct sbuf msg = { 0 };
	size_t i;
	char *p;

	out_column(t, "CYCLE", J_LIST, 0);
	for (i = 0; i < w->ncycles; i++) {
		int first = 0;

		holders_reset(&list, (size_t)-1);
		sb_reset(&msg);
		for (p = w->cycles[i]; *p; p += *p == ' ') {
			int pid = (int)strtol(p, &p, 10);

			holders_add_fd(&list, pid, 0, command(w->m, pid), -1, NULL);
			first = first ? first : pid;
			sb_addu(&msg, (u64)pid);
			sb_addc(&msg, ',');
			sb_add(&msg, command(w->m, pid) ? command(w->m, pid) : "-");
			sb_add(&msg, " -> ");
		}
		sb_addu(&msg, (u64)first);
		sb_addc(&msg, ',');
		sb_add(&msg, command(w->m, first) ? command(w->m, first) : "-");
		fds_warn("deadlock: %s", msg.s);
		if (!out_row(t))
			out_cell_list(t, 0, &list);
	}
	holders_free(&list);
	sb_free(&msg);
	return t;
}

/* 0, or 2 when processes wait for each other in a cycle; -1 on error. */
int view_locks(const struct opts *o, struct model *m)
{
	struct lockwait w = { .m = m };
	struct out *tbs[2];
	struct proc_lock *p;
	int path[HOLDERS_MAX];
	size_t np, i;
	bool known;
	int rc;

	if (load_proc_locks(o, &p, &np, &known)) {
		free(p);
		return -1;
	}
	group_locks(&w);
	join_waiters(&w, p, np);
	free(p);
	add_edges(&w);
	for (i = 0; i < w.nedges; i++) {
		path[0] = w.edges[i].from;
		find_cycles(&w, path, 1, HOLDERS_MAX);
	}
	tbs[0] = out_new(o, "locks", NULL);
	out_column(tbs[0], "PID", J_NUM, SCOLS_FL_RIGHT);
	out_column(tbs[0], "COMMAND", J_STR, 0);
	out_column(tbs[0], "FD", J_NUM, SCOLS_FL_RIGHT);
	out_column(tbs[0], "CLASS", J_STR, 0);
	out_column(tbs[0], "TYPE", J_STR, 0);
	out_column(tbs[0], "RANGE", J_STR, 0);
	out_column(tbs[0], "PATH", J_STR, 0);
	out_column(tbs[0], "FDS", J_LIST, OUT_HIDDEN);
	out_column(tbs[0], "WAITERS", J_LIST, 0);
	out_column(tbs[0], "BLOCKED-BY", J_LIST, 0);
	out_column(tbs[0], "DEADLOCK", J_BOOL, SCOLS_FL_RIGHT);
	locks_rows(o, &w, tbs[0], known);
	if (w.ncycles) {
		tbs[1] = deadlocks_table(o, &w);
		rc = out_print_group(tbs, 2);
	} else {
		rc = out_print(tbs[0]);
	}
	for (i = 0; i < w.n; i++) {
		free(w.v[i].rows);
		free(w.v[i].waiters);
	}
	free(w.v);
	free(w.edges);
	rc = rc ? -1 : w.ncycles ? 2 : 0;
	for (i = 0; i < w.ncycles; i++)
		free(w.cycles[i]);
	free(w.cycles);
	return rc;
}

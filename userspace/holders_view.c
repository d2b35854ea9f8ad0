// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope: --holders TARGET..., everything that keeps a file or a whole
 * filesystem busy: fds, cwd, root, exe, mappings, files in flight on unix
 * sockets and io_uring fixed files, each with the chain that reaches it.
 *
 * A file whose reference count exceeds the holders seen is reported: the
 * rest are references internal to the kernel. The exit status is fuser's:
 * 0 when something holds a target, 1 when nothing does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <libsmartcols.h>

#include "fdscope.h"

#define CHAIN_FDS	3	/* fds named per receiving socket */

struct target {
	const char *arg;
	char dev[32];		/* "" when the target names nothing */
	u64 ino;
	bool whole_fs;		/* a mount point or MAJ:MIN: every file on it */
};

static bool all_digits(const char *s, size_t n)
{
	return n && strspn(s, "0123456789") >= n;
}

/* MAJ:MIN (a filesystem) or MAJ:MIN:INO (one file); false if @s is neither. */
static bool parse_dev_ino(const char *s, struct target *t)
{
	size_t a = strcspn(s, ":"), b;

	if (!all_digits(s, a) || s[a] != ':')
		return false;
	b = strcspn(s + a + 1, ":");
	if (!all_digits(s + a + 1, b) || a + 1 + b >= sizeof(t->dev))
		return false;
	if (!s[a + 1 + b]) {
		snprintf(t->dev, sizeof(t->dev), "%s", s);
		t->whole_fs = true;
		return true;
	}
	if (!all_digits(s + a + b + 2, strlen(s + a + b + 2)) ||
	    strlen(s + a + b + 2) > 19)
		return false;
	snprintf(t->dev, sizeof(t->dev), "%.*s", (int)(a + 1 + b), s);
	t->ino = strtoull(s + a + b + 2, NULL, 10);
	return true;
}

/* A live path: stat() it; a mount point stands for its whole filesystem. */
static int resolve_live(const char *path, struct target *t, bool quiet)
{
	struct stat st, up;
	char *parent;

	if (stat(path, &st))
		return quiet ? -1 : fds_err("%s: %m", path);
	snprintf(t->dev, sizeof(t->dev), "%u:%u", major(st.st_dev), minor(st.st_dev));
	t->ino = st.st_ino;
	if (!S_ISDIR(st.st_mode))
		return 0;
	if (asprintf(&parent, "%s/..", path) < 0)
		return fds_err("out of memory");
	/* The root of a mount: its parent is on another device, or is itself. */
	if (!stat(parent, &up))
		t->whole_fs = up.st_dev != st.st_dev || up.st_ino == st.st_ino;
	free(parent);
	return 0;
}

static bool same_path(const char *recorded, const char *path)
{
	size_t n = strlen(path);

	if (!recorded || strncmp(recorded, path, n))
		return false;
	return !recorded[n] || !strcmp(recorded + n, " (deleted)");
}

/* A path in a saved dump: the file some record names by that path. */
static void resolve_saved(const struct model *m, const char *dir, const char *path,
			  struct target *t)
{
	size_t row;

	for (row = 0; row < m->nrows; row++) {
		const struct fds_file *f = &m->files[row];

		if (f->dev && HAVE(f, FC_INO) && same_path(f->path, path)) {
			snprintf(t->dev, sizeof(t->dev), "%s", f->dev);
			t->ino = f->ino;
			return;
		}
	}
	fds_warn("%s: no record in %s names this path (name a file as MAJ:MIN:INO)",
		 path, dir);
}

static bool target_match(const struct target *t, const struct fds_file *f)
{
	if (!t->dev[0] || !f->dev || strcmp(f->dev, t->dev))
		return false;
	return t->whole_fs || (HAVE(f, FC_INO) && f->ino == t->ino);
}

/* "pid 812 (redis)", with the thread when a thread owns the table. */
static void add_owner(struct sbuf *b, int pid, int tid, const char *comm)
{
	sb_add(b, "pid ");
	sb_addu(b, (u64)pid);
	if (tid) {
		sb_add(b, " tid ");
		sb_addu(b, (u64)tid);
	}
	sb_add(b, " (");
	sb_add(b, comm ? comm : "?");
	sb_addc(b, ')');
}

static void add_row_owner(struct sbuf *b, const struct fds_file *f)
{
	add_owner(b, f->pid, HAVE(f, FC_TID) ? f->tid : 0, f->comm);
}

static void add_chain(struct model *m, const struct fds_file *f, struct sbuf *b, int depth);

/* ", whose fd 5 is held by pid 640 (sshd)": who holds the receiving socket. */
static void add_receiver(struct model *m, const struct fds_file *f, struct sbuf *b, int depth)
{
	const struct fds_hold *r = f->hold;
	struct holders h = { 0 };
	u32 held = HAVE(r, HC_VIA) ? model_held_socket(m, r->via) : IDX_NONE;
	size_t i;

	holders_reset(&h, CHAIN_FDS);
	if (HAVE(r, HC_VIA) && model_socket_fds(m, r->via, &h)) {
		for (i = 0; i < h.n; i++) {
			sb_add(b, i ? " and fd " : ", whose fd ");
			sb_addu(b, (u64)h.v[i].fd);
			sb_add(b, " is held by ");
			add_owner(b, h.v[i].pid, h.v[i].tid, h.v[i].comm);
		}
		if (h.total > h.n) {
			sb_add(b, " and ");
			sb_addu(b, h.total - h.n);
			sb_add(b, " more fds");
		}
	} else if (held != IDX_NONE && depth < HOLDERS_CHAIN_DEPTH) {
		/* The receiving socket is itself in flight, or in a ring. */
		sb_add(b, ", which is itself ");
		add_chain(m, &m->files[held], b, depth + 1);
	} else if (HAVE(r, HC_FD)) {
		sb_add(b, ", whose fd ");
		sb_addu(b, (u64)r->fd);
		sb_add(b, " is held by ");
		add_row_owner(b, f);
	}
	holders_free(&h);
}

/* The chain of holders that makes row @f's file reachable, as one line. */
static void add_chain(struct model *m, const struct fds_file *f, struct sbuf *b, int depth)
{
	const struct fds_hold *r = f->hold;

	if (!r) {
		add_row_owner(b, f);
		sb_add(b, " fd ");
		sb_addu(b, (u64)f->fd);
		return;
	}
	if (!strcmp(r->assoc, "inflight")) {
		sb_add(b, r->queue && !strcmp(r->queue, "embryo") ?
		       "in flight to a connection waiting on unix socket " :
		       "in flight to unix socket ");
		sb_addu(b, r->via);
		if (HAVE(r, HC_SENDER)) {
			sb_add(b, " from pid ");
			sb_addu(b, (u64)r->sender);
		}
		add_receiver(m, f, b, depth);
		return;
	}
	if (!strcmp(r->assoc, "uring")) {
		sb_add(b, "io_uring fixed slot ");
		sb_addu(b, (u64)r->slot);
		sb_add(b, " of the ring that ");
		add_row_owner(b, f);
		sb_add(b, " holds as fd ");
		sb_addu(b, (u64)r->fd);
		return;
	}
	add_row_owner(b, f);
	sb_addc(b, ' ');
	sb_add(b, r->assoc);
	if (r->map_start && r->map_end) {
		sb_addc(b, ' ');
		sb_add(b, r->map_start);
		sb_addc(b, '-');
		sb_add(b, r->map_end);
		if (r->map_prot) {
			sb_addc(b, ' ');
			sb_add(b, r->map_prot);
		}
	}
}

/* Per open file description of a target: its refs against the holders seen. */
struct seen {
	u32 row;		/* its first row */
	u64 refs;		/* the largest count any row showed */
	u64 holders;
};

/* A row of count_refs()'s that shares its file with others, copied out to sort. */
struct ref_key {
	u64 fileid;
	u64 table;
	int fd;
	u32 row;
};

static int by_fileid(const void *a, const void *b)
{
	const struct ref_key *x = a, *y = b;

	if (x->fileid != y->fileid)
		return x->fileid < y->fileid ? -1 : 1;
	if (x->table != y->table)
		return x->table < y->table ? -1 : 1;
	if (x->fd != y->fd)
		return x->fd < y->fd ? -1 : 1;
	return x->row < y->row ? -1 : x->row > y->row;
}

static int by_seen_fileid(const void *a, const void *b, void *arg)
{
	const struct model *m = arg;
	u64 x = m->files[((const struct seen *)a)->row].fileid;
	u64 y = m->files[((const struct seen *)b)->row].fileid;

	return x < y ? -1 : x > y;
}

/*
 * The files whose reference count exceeds the holders seen, into @out in
 * fileid order; their number. Every matching row with a fileid, selected
 * or not, counts: one reference per fd slot (tasks sharing a table share
 * its slots) and per other holder. Most files have one holder: only the
 * rows of files with several are sorted, to find the slots seen twice.
 */
static size_t count_refs(struct model *m, const u32 *rows, size_t n, struct seen *out)
{
	struct ref_key *keys = xmalloc((n ? n : 1) * sizeof(*keys));
	u32 *count = xcalloc(n + 1, sizeof(*count));
	size_t i, nkeys = 0, nout = 0, nsingle;
	struct idx ix;

	/* How many rows each file has: its first row's slot counts them. */
	idx_init(&ix, n);
	for (i = 0; i < n; i++) {
		u32 *slot = idx_slot(&ix, m->files[rows[i]].fileid);

		if (*slot == IDX_NONE)
			*slot = (u32)i;
		count[*slot]++;
	}
	for (i = 0; i < n; i++) {
		const struct fds_file *f = &m->files[rows[i]];
		u32 first = idx_get(&ix, f->fileid);

		if (count[first] == 1) {
			if (HAVE(f, FC_REFS) && f->refs > 1)
				out[nout++] = (struct seen){ .row = rows[i], .holders = 1,
							     .refs = f->refs };
			continue;
		}
		keys[nkeys++] = (struct ref_key){ f->fileid, f->table, f->fd, rows[i] };
	}
	nsingle = nout;
	qsort(keys, nkeys, sizeof(*keys), by_fileid);
	for (i = 0; i < nkeys; i++) {
		const struct fds_file *f = &m->files[keys[i].row];
		const struct fds_file *p = i ? &m->files[keys[i - 1].row] : NULL;

		if (!p || p->fileid != f->fileid) {
			/* The file before: kept if its references exceed its holders. */
			if (nout > nsingle && out[nout - 1].refs <= out[nout - 1].holders)
				nout--;
			out[nout++] = (struct seen){ .row = keys[i].row };
		} else if (!f->assoc && !p->assoc && HAVE(f, FC_TABLE) &&
			   p->table == f->table && p->fd == f->fd) {
			continue;
		}
		out[nout - 1].holders++;
		if (HAVE(f, FC_REFS) && f->refs > out[nout - 1].refs)
			out[nout - 1].refs = f->refs;
	}
	if (nout > nsingle && out[nout - 1].refs <= out[nout - 1].holders)
		nout--;
	qsort_r(out, nout, sizeof(*out), by_seen_fileid, m);
	idx_free(&ix);
	free(count);
	free(keys);
	return nout;
}

static int resolve_targets(const struct opts *o, const struct model *m, struct target *t)
{
	size_t i;

	for (i = 0; i < o->ntargets; i++) {
		t[i].arg = o->targets[i];
		if (parse_dev_ino(t[i].arg, &t[i]))
			continue;
		if (!o->dir && resolve_live(t[i].arg, &t[i], false))
			return -1;
		if (o->dir)
			resolve_saved(m, o->dir, t[i].arg, &t[i]);
	}
	return 0;
}

/* sockfs's device, as the dev column prints it: where sockets' inodes are. */
static int sockfs_dev(char *dev, size_t size)
{
	struct stat st;
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st)) {
		close(fd);
		return -1;
	}
	close(fd);
	snprintf(dev, size, "%u:%u", major(st.st_dev), minor(st.st_dev));
	return 0;
}

/*
 * The module's filter that lists what view_holders() matches on a live
 * system, "dev MAJ:MIN,...\nino MAJ:MIN:INO,...\n", and sockfs's device
 * (@sockdev), for the chains. Non-zero when every file must be read: a
 * selection that looks at other files (-t, -i, -U, -Q), a target that does
 * not resolve (view_holders() says why), one on sockfs (a socket's NAME
 * needs its peers), or more targets than the module takes.
 */
int holders_filter(const struct opts *o, struct sbuf *cmd, char *sockdev, size_t size)
{
	struct sbuf devs = { 0 }, inos = { 0 };
	size_t i, ndevs = 0, ninos = 0;
	struct target t;
	int rc = -1;

	if (o->dir || select_has_fd_filters(&o->sel) || o->filter || sockfs_dev(sockdev, size))
		return -1;
	for (i = 0; i < o->ntargets; i++) {
		memset(&t, 0, sizeof(t));
		if (!parse_dev_ino(o->targets[i], &t) && resolve_live(o->targets[i], &t, true))
			goto out;
		if (!strcmp(t.dev, sockdev))
			goto out;
		if (t.whole_fs) {
			sb_add(&devs, ndevs++ ? "," : "dev ");
			sb_add(&devs, t.dev);
		} else {
			sb_add(&inos, ninos++ ? "," : "ino ");
			sb_add(&inos, t.dev);
			sb_addc(&inos, ':');
			sb_addu(&inos, t.ino);
		}
	}
	if (ndevs > KERNEL_FILTER_MAX || ninos > KERNEL_FILTER_MAX)
		goto out;
	if (ndevs) {
		sb_add(cmd, devs.s);
		sb_addc(cmd, '\n');
	}
	if (ninos) {
		sb_add(cmd, inos.s);
		sb_addc(cmd, '\n');
	}
	rc = cmd->len ? 0 : -1;
out:
	sb_free(&devs);
	sb_free(&inos);
	return rc;
}

static struct out *holders_table(const struct opts *o)
{
	struct out *t = out_new(o, "holders", NULL);

	out_column(t, "TARGET", J_STR, 0);
	out_column(t, "PID", J_NUM, SCOLS_FL_RIGHT);
	out_column(t, "TID", J_NUM, SCOLS_FL_RIGHT | OUT_HIDDEN);
	out_column(t, "COMMAND", J_STR, 0);
	out_column(t, "ASSOC", J_STR, SCOLS_FL_RIGHT);
	out_column(t, "NAME", J_STR, 0);
	out_column(t, "HOLDER", J_STR, 0);
	/* One row per holder: on a busy filesystem, many. */
	out_stream(t);
	return t;
}

static struct out *kernel_table(const struct opts *o)
{
	struct out *t = out_new(o, "kernel",
				"References no holder above accounts for (internal to the kernel):");

	out_column(t, "FILEID", J_STR, 0);
	out_column(t, "NAME", J_STR, 0);
	out_column(t, "REFS", J_NUM, SCOLS_FL_RIGHT);
	out_column(t, "SEEN", J_NUM, SCOLS_FL_RIGHT);
	out_column(t, "KERNEL", J_NUM, SCOLS_FL_RIGHT);
	return t;
}

/* Lists the module could not read: they may hold a target unseen. */
static struct out *unread_table(const struct opts *o, struct model *m, struct sbuf *b)
{
	struct out *t = out_new(o, "unread",
				"Lists not read (they may hold a target too):");
	size_t row;

	out_column(t, "PID", J_NUM, SCOLS_FL_RIGHT);
	out_column(t, "COMMAND", J_STR, 0);
	out_column(t, "ASSOC", J_STR, SCOLS_FL_RIGHT);
	out_column(t, "FD", J_NUM, SCOLS_FL_RIGHT);
	out_column(t, "STATUS", J_STR, 0);
	out_column(t, "FILES", J_NUM, SCOLS_FL_RIGHT);
	for (row = m->nfiles; row < m->nrows; row++) {
		const struct fds_hold *r = m->files[row].hold;

		if (!r->status || !select_pid(&o->sel, r->pid))
			continue;
		out_row(t);
		out_cell_u(t, 0, (u64)r->pid);
		out_cell(t, 1, r->comm);
		out_cell(t, 2, r->assoc);
		out_cell(t, 3, column_value(m, row, COL_FD, b));
		if (HAVE(r, HC_FD)) {
			sb_reset(b);
			sb_addu(b, (u64)r->fd);
			out_cell(t, 3, b->s);
		}
		out_cell(t, 4, r->status);
		if (HAVE(r, HC_COUNT))
			out_cell_u(t, 5, r->count);
	}
	return t;
}

/* The holders table's rows, written by stream_rows(): row k is the k-th shown. */
struct holder_rows {
	struct model *m;
	const u32 *rows;	/* the model's row */
	const char **args;	/* the target it matched */
};

/* TARGET PID COMMAND ASSOC NAME HOLDER: holders_table()'s shown columns. */
static const char *holder_cell(void *ctx, size_t k, size_t col, struct sbuf *b)
{
	const struct holder_rows *h = ctx;
	const struct fds_file *f = &h->m->files[h->rows[k]];

	switch (col) {
	case 0:
		return h->args[k];
	case 1:
		sb_reset(b);
		sb_addu(b, (u64)f->pid);
		return b->s;
	case 2:
		return f->comm;
	case 3:
		return model_assoc(h->m, h->rows[k], b);
	case 4:
		return model_name(h->m, h->rows[k], b);
	}
	sb_reset(b);
	add_chain(h->m, f, b, 0);
	return b->s;
}

/* The holders table written straight to stdout; 1 when libsmartcols must. */
static int stream_holders(const struct opts *o, struct model *m, const u32 *rows,
			  const char **args, size_t n)
{
	static const char *const names[] = {
		"TARGET", "PID", "COMMAND", "ASSOC", "NAME", "HOLDER",
	};
	static const bool right[] = { false, true, false, true, false, false };
	struct holder_rows h = { m, rows, args };
	struct stream_table st = { ARRAY_SIZE(names), names, right, holder_cell, &h };

	return stream_rows(o, &st, n);
}

static void add_holder_row(struct out *t, struct model *m, size_t row, const char *arg,
			   struct sbuf *b)
{
	const struct fds_file *f = &m->files[row];

	out_row(t);
	out_cell(t, 0, arg);
	out_cell_u(t, 1, (u64)f->pid);
	if (HAVE(f, FC_TID))
		out_cell_u(t, 2, (u64)f->tid);
	out_cell(t, 3, f->comm);
	out_cell(t, 4, model_assoc(m, row, b));
	out_cell(t, 5, model_name(m, row, b));
	sb_reset(b);
	add_chain(m, f, b, 0);
	out_cell(t, 6, b->s);
}

int view_holders(const struct opts *o, struct model *m)
{
	struct target *targets = xcalloc(o->ntargets, sizeof(*targets));
	u32 *rows = xcalloc(m->nrows + 1, sizeof(*rows));
	u32 *shown_rows = xcalloc(m->nrows + 1, sizeof(*shown_rows));
	const char **args = xcalloc(m->nrows + 1, sizeof(*args));
	struct seen *seen = xcalloc(m->nrows + 1, sizeof(*seen));
	struct out *tbs[3];
	struct sbuf b = { 0 };
	size_t nrows = 0, nseen, ntbs = 1, shown = 0, row, i;
	/* The holders table: 1 still to be printed, 0 written, -1 a write error. */
	int rc = -1, pending = 1;

	if (resolve_targets(o, m, targets))
		goto out;
	tbs[0] = holders_table(o);
	for (row = 0; row < m->nrows; row++) {
		const struct fds_file *f = &m->files[row];

		for (i = 0; i < o->ntargets && !target_match(&targets[i], f); i++)
			;
		if (i == o->ntargets)
			continue;
		if (HAVE(f, FC_FILEID))
			rows[nrows++] = (u32)row;
		if (!select_row(o, m, row, &b))
			continue;
		shown_rows[shown] = (u32)row;
		args[shown++] = targets[i].arg;
	}
	/* Written first, straight, unless a cell needs libsmartcols (or JSON). */
	if (stream_usable(o))
		pending = stream_holders(o, m, shown_rows, args, shown);
	if (pending < 0) {
		out_discard(tbs[0]);
		goto out;
	}
	for (i = 0; pending && i < shown; i++)
		add_holder_row(tbs[0], m, shown_rows[i], args[i], &b);
	nseen = count_refs(m, rows, nrows, seen);
	tbs[ntbs] = kernel_table(o);
	for (i = 0; i < nseen; i++) {
		if (seen[i].refs <= seen[i].holders)
			continue;
		out_row(tbs[ntbs]);
		out_cell(tbs[ntbs], 0, column_value(m, seen[i].row, COL_FILEID, &b));
		out_cell(tbs[ntbs], 1, m->files[seen[i].row].path);
		out_cell_u(tbs[ntbs], 2, seen[i].refs);
		out_cell_u(tbs[ntbs], 3, seen[i].holders);
		out_cell_u(tbs[ntbs], 4, seen[i].refs - seen[i].holders);
	}
	ntbs++;
	tbs[ntbs++] = unread_table(o, m, &b);
	/* A table says something only when it has rows; JSON keeps every member. */
	if (!o->json) {
		size_t k, kept = 1;

		for (k = 1; k < ntbs; k++) {
			if (out_row_count(tbs[k]))
				tbs[kept++] = tbs[k];
			else
				out_discard(tbs[k]);
		}
		ntbs = kept;
	}
	if (!pending) {
		/* The holders table is out: the others follow, as out_print_group() parts them. */
		out_discard(tbs[0]);
		if (ntbs > 1 && !o->raw && !o->noheadings)
			fputc('\n', stdout);
		rc = ntbs > 1 ? out_print_group(tbs + 1, ntbs - 1) : 0;
	} else {
		rc = out_print_group(tbs, ntbs);
	}
	if (!rc)
		rc = shown ? 0 : 1;
out:
	sb_free(&b);
	free(seen);
	free(args);
	free(shown_rows);
	free(rows);
	free(targets);
	return rc;
}

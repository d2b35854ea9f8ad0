// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope: --diff OLD [NEW], what changed between two snapshots (saved with
 * --save; without NEW, the live system), for hunting fd leaks.
 *
 * A process is the same in both only with the same pid and start time, so
 * a reused pid reads as one process exiting and another starting. Dumps
 * without the start column fall back to pid and command name. An fd is the
 * same when it points to the same object (type, device, inode): fileids
 * come from a key drawn at module load, so they match only within one load;
 * they are used only for the refs of open file descriptions. The fdscope
 * processes that took the snapshots (meta's saver; this one, live) are in
 * them but no news: they are left out.
 */
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libsmartcols.h>

#include "fdscope.h"

struct side {
	const char *label;	/* the directory, or "live" */
	struct model m;
	struct idx proc;	/* identity -> tasks row (tid 0) */
	struct idx slot;	/* pid and fd -> files row (the process's table) */
	bool *sel;		/* files row passes -p and -Q */
	int self;		/* the fdscope that read it: left out */
};

/* Per process in both snapshots, what changed. */
struct change {
	int pid;
	const char *comm;
	long old_fds;
	long new_fds;
	const char **opened;
	size_t nopened;
	const char **closed;
	size_t nclosed;
	char **names;		/* the labels made for this process, to free */
	size_t nnames;
};

static bool with_start(const struct side *a, const struct side *b)
{
	return (a->m.tab[FDS_TASKS].cols & (1u << TC_START)) &&
	       (b->m.tab[FDS_TASKS].cols & (1u << TC_START));
}

static u64 slot_key(int pid, int fd)
{
	return (u64)(u32)pid << 32 | (u32)fd;
}

static int load_side(struct side *s, const struct opts *o, const char *dir)
{
	struct opts so = *o;

	so.dir = dir;
	so.threads = false;
	s->label = dir ? dir : "live";
	s->self = dir ? meta_saver(dir) : (int)getpid();
	if (input_load(&s->m, &so, NEED_SOCKS | NEED_TASKS))
		return -1;
	model_init(&s->m, &so);
	return 0;
}

/* The indexes, once both sides are read (the identity needs both headers). */
static void index_side(struct side *s, const struct opts *o, bool start)
{
	struct sbuf b = { 0 };
	size_t i;

	idx_init(&s->proc, s->m.ntasks);
	for (i = 0; i < s->m.ntasks; i++) {
		const struct fds_task *t = &s->m.tasks[i];
		u32 *v;

		if (HAVE(t, TC_TID) || t->pid == s->self)
			continue;
		v = idx_slot(&s->proc, model_task_identity(t, start));
		if (*v == IDX_NONE)
			*v = (u32)i;
	}
	idx_init(&s->slot, s->m.nfiles);
	s->sel = xcalloc(s->m.nfiles + 1, sizeof(*s->sel));
	for (i = 0; i < s->m.nfiles; i++) {
		const struct fds_file *f = &s->m.files[i];

		if (HAVE(f, FC_TID))
			continue;
		*idx_slot(&s->slot, slot_key(f->pid, f->fd)) = (u32)i;
		s->sel[i] = select_row(o, &s->m, i, &b);
	}
	sb_free(&b);
}

static void free_side(struct side *s)
{
	idx_free(&s->proc);
	idx_free(&s->slot);
	free(s->sel);
	model_free(&s->m);
}

static bool same_object(const struct fds_file *a, const struct fds_file *b)
{
	return a->ino == b->ino && !strcmp(a->type ? a->type : "", b->type ? b->type : "") &&
	       !strcmp(a->dev ? a->dev : "", b->dev ? b->dev : "");
}

/* What an fd is, for grouping: "socket TCP CLOSE_WAIT", a path, "FIFO pipe:[12]". */
static char *fd_label(struct model *m, size_t row)
{
	const struct fds_file *f = &m->files[row];
	const struct fds_sock *s = model_sock(m, row);
	struct sbuf b = { 0 };
	const char *label;

	if (s) {
		label = model_sock_label(s);
		sb_add(&b, "socket ");
		sb_add(&b, label ? label : s->family ? s->family : "?");
		if (s->state) {
			sb_addc(&b, ' ');
			sb_add(&b, s->state);
		}
		return b.s;
	}
	if (f->type && strcmp(f->type, "REG") && strcmp(f->type, "DIR")) {
		sb_add(&b, f->type);
		sb_addc(&b, ' ');
	}
	sb_add(&b, f->path ? f->path : "?");
	return b.s;
}

static void add_name(struct change *c, const char ***list, size_t *n, char *name)
{
	*list = xrealloc(*list, *n + 1, sizeof(**list));
	(*list)[(*n)++] = name;
	c->names = xrealloc(c->names, c->nnames + 1, sizeof(*c->names));
	c->names[c->nnames++] = name;
}

/* The fds of process @pid on side @a that side @b lacks, added to @list. */
static long fds_missing(struct side *a, struct side *b, int pid, struct change *c,
			const char ***list, size_t *n)
{
	long count = 0;
	size_t i;

	for (i = 0; i < a->m.nfiles; i++) {
		const struct fds_file *f = &a->m.files[i];
		u32 j;

		if (f->pid != pid || HAVE(f, FC_TID) || !a->sel[i])
			continue;
		count++;
		j = idx_get(&b->slot, slot_key(pid, f->fd));
		if (j == IDX_NONE || !same_object(f, &b->m.files[j]))
			add_name(c, list, n, fd_label(&a->m, i));
	}
	return count;
}

/* "socket TCP CLOSE_WAIT ×212, /var/log/app/\*.log ×40", or a JSON array. */
static const char *patterns_cell(const struct opts *o, const char **names, size_t n,
				 struct sbuf *b)
{
	struct pattern *p;
	size_t np = patterns_group(names, n, &p), i;
	bool utf8;

	fds_locale();
	utf8 = !strcmp(nl_langinfo(CODESET), "UTF-8");
	sb_reset(b);
	if (o->json)
		sb_addc(b, '[');
	for (i = 0; i < np; i++) {
		if (o->json) {
			sb_add(b, i ? ",{\"pattern\":" : "{\"pattern\":");
			json_str(b, p[i].text);
			sb_add(b, ",\"count\":");
			sb_addu(b, p[i].count);
			sb_addc(b, '}');
			continue;
		}
		if (i)
			sb_add(b, ", ");
		sb_add(b, p[i].text);
		sb_add(b, utf8 ? " \u00d7" : " x");
		sb_addu(b, p[i].count);
	}
	if (o->json)
		sb_addc(b, ']');
	patterns_free(p, np);
	return b->len ? b->s : NULL;
}

static const char *signed_text(const struct opts *o, long v, struct sbuf *b)
{
	char tmp[32];

	snprintf(tmp, sizeof(tmp), o->json || v <= 0 ? "%ld" : "+%ld", v);
	sb_reset(b);
	sb_add(b, tmp);
	return b->s;
}

static int by_growth(const void *a, const void *b)
{
	const struct change *x = a, *y = b;
	long gx = x->new_fds - x->old_fds, gy = y->new_fds - y->old_fds;

	if (gx != gy)
		return gx > gy ? -1 : 1;
	if (x->nopened != y->nopened)
		return x->nopened > y->nopened ? -1 : 1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

static struct out *growth_table(const struct opts *o, struct change *cs, size_t n)
{
	struct out *t = out_new(o, "processes", "Processes whose fds changed:");
	struct sbuf b = { 0 };
	size_t i;

	out_column(t, "PID", J_NUM, SCOLS_FL_RIGHT);
	out_column(t, "COMMAND", J_STR, 0);
	out_column(t, "OLD", J_NUM, SCOLS_FL_RIGHT);
	out_column(t, "NEW", J_NUM, SCOLS_FL_RIGHT);
	out_column(t, "NET", J_NUM, SCOLS_FL_RIGHT);
	out_column(t, "OPENED", J_RAW, 0);
	out_column(t, "CLOSED", J_RAW, 0);
	qsort(cs, n, sizeof(*cs), by_growth);
	for (i = 0; i < n; i++) {
		out_row(t);
		out_cell_u(t, 0, (u64)cs[i].pid);
		out_cell(t, 1, cs[i].comm);
		out_cell_u(t, 2, (u64)cs[i].old_fds);
		out_cell_u(t, 3, (u64)cs[i].new_fds);
		out_cell(t, 4, signed_text(o, cs[i].new_fds - cs[i].old_fds, &b));
		out_cell(t, 5, patterns_cell(o, cs[i].opened, cs[i].nopened, &b));
		out_cell(t, 6, patterns_cell(o, cs[i].closed, cs[i].nclosed, &b));
	}
	sb_free(&b);
	return t;
}

/* Processes of @a that @b lacks: exited (a = OLD) or started (a = NEW). */
static struct out *lifecycle_table(const struct opts *o, struct side *a, struct side *b,
				   bool start, const char *name, const char *title)
{
	struct out *t = out_new(o, name, title);
	size_t i;

	out_column(t, "PID", J_NUM, SCOLS_FL_RIGHT);
	out_column(t, "START", J_NUM, SCOLS_FL_RIGHT);
	out_column(t, "COMMAND", J_STR, 0);
	out_column(t, "FDS", J_NUM, SCOLS_FL_RIGHT);
	for (i = 0; i < a->m.ntasks; i++) {
		const struct fds_task *k = &a->m.tasks[i];

		if (HAVE(k, TC_TID) || k->pid == a->self || !select_pid(&o->sel, k->pid) ||
		    idx_get(&b->proc, model_task_identity(k, start)) != IDX_NONE)
			continue;
		out_row(t);
		out_cell_u(t, 0, (u64)k->pid);
		if (HAVE(k, TC_START))
			out_cell_u(t, 1, k->start);
		out_cell(t, 2, k->comm);
		if (HAVE(k, TC_NFDS))
			out_cell_u(t, 3, k->nfds);
	}
	return t;
}

/* Sockets of processes in both whose fd still points to them, state changed. */
static void add_state_rows(struct out *t, struct side *a, struct side *b, int pid,
			   struct sbuf *sb)
{
	size_t i;

	for (i = 0; i < b->m.nfiles; i++) {
		const struct fds_file *f = &b->m.files[i];
		const struct fds_sock *ns = model_sock(&b->m, i), *os;
		u32 j;

		if (f->pid != pid || HAVE(f, FC_TID) || !b->sel[i] || !ns || !ns->state)
			continue;
		j = idx_get(&a->slot, slot_key(pid, f->fd));
		if (j == IDX_NONE || !same_object(f, &a->m.files[j]))
			continue;
		os = model_sock(&a->m, j);
		if (!os || !os->state || !strcmp(os->state, ns->state))
			continue;
		out_row(t);
		out_cell_u(t, 0, (u64)pid);
		out_cell(t, 1, f->comm);
		out_cell_u(t, 2, (u64)f->fd);
		out_cell(t, 3, model_name_ex(&b->m, i, sb, false));
		out_cell(t, 4, os->state);
		out_cell(t, 5, ns->state);
	}
}

static struct out *states_table(const struct opts *o)
{
	struct out *t = out_new(o, "states", "Sockets whose state changed:");

	out_column(t, "PID", J_NUM, SCOLS_FL_RIGHT);
	out_column(t, "COMMAND", J_STR, 0);
	out_column(t, "FD", J_NUM, SCOLS_FL_RIGHT);
	out_column(t, "NAME", J_STR, 0);
	out_column(t, "OLD", J_STR, 0);
	out_column(t, "NEW", J_STR, 0);
	return t;
}

/* Open file descriptions (same fileid and inode) whose refs grew. */
static struct out *refs_table(const struct opts *o, struct side *a, struct side *b)
{
	struct out *t = out_new(o, "refs", "Open files whose references grew:");
	struct sbuf sb = { 0 };
	struct idx done;
	size_t i;

	out_column(t, "FILEID", J_STR, 0);
	out_column(t, "TYPE", J_STR, 0);
	out_column(t, "NAME", J_STR, 0);
	out_column(t, "OLD", J_NUM, SCOLS_FL_RIGHT);
	out_column(t, "NEW", J_NUM, SCOLS_FL_RIGHT);
	model_index_fileids(&a->m);
	idx_init(&done, 64);
	for (i = 0; i < b->m.nfiles; i++) {
		const struct fds_file *f = &b->m.files[i];
		u32 j, *seen;

		if (!b->sel[i] || !HAVE(f, FC_FILEID) || !HAVE(f, FC_REFS))
			continue;
		seen = idx_slot(&done, f->fileid);
		if (*seen != IDX_NONE)
			continue;
		*seen = (u32)i;
		for (j = idx_get(&a->m.fileid_idx, f->fileid); j != IDX_NONE;
		     j = a->m.fileid_next[j]) {
			if (a->m.files[j].ino == f->ino && HAVE(&a->m.files[j], FC_REFS))
				break;
		}
		if (j == IDX_NONE || a->m.files[j].refs >= f->refs)
			continue;
		out_row(t);
		out_cell(t, 0, column_value(&b->m, i, COL_FILEID, &sb));
		out_cell(t, 1, f->type);
		out_cell(t, 2, model_name_ex(&b->m, i, &sb, false));
		out_cell_u(t, 3, a->m.files[j].refs);
		out_cell_u(t, 4, f->refs);
	}
	idx_free(&done);
	sb_free(&sb);
	return t;
}

/* Where the two snapshots came from, and how processes were matched. */
static struct out *about_table(const struct opts *o, struct side *a, struct side *b,
			       bool start)
{
	struct out *t = out_new(o, "diff", NULL);

	out_as_object(t);
	out_column(t, "KEY", J_STR, 0);
	out_column(t, "VALUE", J_STR, 0);
	out_row(t);
	out_cell(t, 0, "old");
	out_cell(t, 1, a->label);
	out_row(t);
	out_cell(t, 0, "new");
	out_cell(t, 1, b->label);
	out_row(t);
	out_cell(t, 0, "identity");
	out_cell(t, 1, start ? "pid+start" : "pid+command");
	return t;
}

static void free_changes(struct change *cs, size_t n)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		for (k = 0; k < cs[i].nnames; k++)
			free(cs[i].names[k]);
		free(cs[i].names);
		free(cs[i].opened);
		free(cs[i].closed);
	}
	free(cs);
}

int view_diff(const struct opts *o)
{
	struct side a = { 0 }, b = { 0 };
	struct change *cs = NULL;
	struct out *tbs[6], *states;
	struct sbuf sb = { 0 };
	size_t n = 0, ntbs = 0, i, k;
	bool start;
	int rc = -1;

	if (load_side(&a, o, o->diff_old) || load_side(&b, o, o->diff_new))
		goto out;
	start = with_start(&a, &b);
	index_side(&a, o, start);
	index_side(&b, o, start);
	states = states_table(o);
	for (i = 0; i < b.m.ntasks; i++) {
		const struct fds_task *t = &b.m.tasks[i];
		struct change c = { .pid = t->pid, .comm = t->comm };

		if (HAVE(t, TC_TID) || t->pid == b.self || !select_pid(&o->sel, t->pid) ||
		    idx_get(&a.proc, model_task_identity(t, start)) == IDX_NONE)
			continue;
		c.new_fds = fds_missing(&b, &a, t->pid, &c, &c.opened, &c.nopened);
		c.old_fds = fds_missing(&a, &b, t->pid, &c, &c.closed, &c.nclosed);
		add_state_rows(states, &a, &b, t->pid, &sb);
		if (!c.nopened && !c.nclosed) {
			free(c.names);
			continue;
		}
		cs = xrealloc(cs, n + 1, sizeof(*cs));
		cs[n++] = c;
	}
	tbs[ntbs++] = growth_table(o, cs, n);
	tbs[ntbs++] = lifecycle_table(o, &b, &a, start, "started", "Processes started:");
	tbs[ntbs++] = lifecycle_table(o, &a, &b, start, "exited", "Processes exited:");
	tbs[ntbs++] = states;
	tbs[ntbs++] = refs_table(o, &a, &b);
	tbs[ntbs++] = about_table(o, &a, &b, start);
	/* A table shows only what has rows; JSON keeps every member. */
	for (i = 0, k = 0; i < ntbs; i++) {
		if (!o->json && (i == ntbs - 1 || !out_row_count(tbs[i])))
			out_discard(tbs[i]);
		else
			tbs[k++] = tbs[i];
	}
	rc = k ? out_print_group(tbs, k) : 0;
	if (!k && !o->json)
		printf("No change.\n");
out:
	sb_free(&sb);
	free_changes(cs, n);
	free_side(&a);
	free_side(&b);
	return rc;
}

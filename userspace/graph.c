// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope: --graph, who talks to whom, as a Graphviz DOT graph. A node is
 * a process; an edge is a link between two of them: a pipe or FIFO (from
 * the writers to the readers), a unix socket connection (from the clients
 * to a datagram server), a TCP or UDP connection within this machine, a
 * message queue, an eventfd, or an open file description several processes
 * share. A link held by more than two processes is a box with an edge to
 * each, not a clique. Links within one process are left out.
 *
 * Every fd is sorted into the links it belongs to (a pipe end into its pipe
 * and, when forked, its description); a link is drawn when one of its fds
 * is selected, with every process holding it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fdscope.h"

enum link_kind {
	LINK_PIPE, LINK_FIFO, LINK_UNIX, LINK_TCP, LINK_UDP, LINK_MQUEUE,
	LINK_EVENTFD, LINK_SHARED,
};

static const char * const link_names[] = {
	[LINK_PIPE] = "pipe", [LINK_FIFO] = "FIFO", [LINK_UNIX] = "unix",
	[LINK_TCP] = "TCP", [LINK_UDP] = "UDP", [LINK_MQUEUE] = "mqueue",
	[LINK_EVENTFD] = "eventfd", [LINK_SHARED] = "shared",
};

/* How an fd takes part in its link, when the data tells. */
enum {
	ROLE_READ = 1,
	ROLE_WRITE = 2,
	ROLE_BOTH = ROLE_READ | ROLE_WRITE,
};

struct link_fd {
	u64 key;		/* the link, within its kind */
	u32 row;
	unsigned char kind;
	unsigned char role;
};

/* One process's fds on a link. */
struct side {
	int pid;
	unsigned char role;	/* ROLE_* of all its fds, or'ed */
	size_t first;		/* its fds: links[first .. first + n) */
	size_t n;
};

/* A process drawn, with the command of the first of its fds on a link. */
struct node {
	int pid;
	bool thread;		/* the command is a thread's (-l) */
	const char *comm;
};

struct graph {
	struct model *m;
	const bool *selected;
	struct link_fd *links;
	size_t nlinks;
	struct sbuf edges;
	struct sbuf name;
	const char *label;	/* the link's NAME, in a tooltip or box */
	struct node *nodes;	/* the processes drawn, with repeats */
	size_t nnodes;
	size_t cap;
	size_t boxes;
};

static unsigned char mode_role(const char *mode)
{
	if (streq(mode, "r"))
		return ROLE_READ;
	if (streq(mode, "w"))
		return ROLE_WRITE;
	return ROLE_BOTH;
}

static void add_link(struct graph *g, size_t row, int kind, u64 key, unsigned char role)
{
	struct link_fd *l = &g->links[g->nlinks++];

	l->key = key;
	l->row = (u32)row;
	l->kind = (unsigned char)kind;
	l->role = role;
}

/*
 * A unix connection is keyed by its lower inode; a datagram server that
 * is connected to no one by its own, and its clients join it.
 */
static void unix_link(struct graph *g, size_t row, const struct fds_sock *s)
{
	const struct fds_sock *p;

	if (!HAVE(s, SC_INO))
		return;
	if (!HAVE(s, SC_PEER)) {
		/* A datagram server reads what its clients write. */
		add_link(g, row, LINK_UNIX, s->ino,
			 streq(s->type, "dgram") ? ROLE_READ : ROLE_BOTH);
		return;
	}
	if (!s->peer)
		return;
	p = model_sock_by_ino(g->m, s->peer);
	if (p && streq(p->type, "dgram") && !HAVE(p, SC_PEER))
		add_link(g, row, LINK_UNIX, s->peer, ROLE_WRITE);
	else
		add_link(g, row, LINK_UNIX, s->ino < s->peer ? s->ino : s->peer, ROLE_BOTH);
}

static void inet_link(struct graph *g, size_t row, const struct fds_sock *s)
{
	u64 peer = loopback_peer_ino(g->m, (size_t)(s - g->m->socks));

	if (!peer)
		return;
	add_link(g, row, streq(s->proto, "tcp") ? LINK_TCP : LINK_UDP,
		 s->ino < peer ? s->ino : peer, ROLE_BOTH);
}

/* Sort files row @row into its links: at most two. */
static void links_of(struct graph *g, size_t row)
{
	const struct fds_file *f = &g->m->files[row];
	const struct fds_sock *s = model_sock(g->m, row);
	bool eventfd = streq(f->type, "eventfd");

	if (s && streq(s->family, "unix"))
		unix_link(g, row, s);
	else if (s)
		inet_link(g, row, s);
	else if (streq(f->type, "FIFO") && HAVE(f, FC_INO))
		add_link(g, row, f->path && !strncmp(f->path, "pipe:[", 6) ? LINK_PIPE : LINK_FIFO,
			 model_inode_key(f), mode_role(f->mode));
	else if (model_is_mqueue(f))
		add_link(g, row, LINK_MQUEUE, model_inode_key(f), mode_role(f->mode));
	/* A fileid repeats only where refs allows it (docs/format.md). */
	if (HAVE(f, FC_FILEID) && (!HAVE(f, FC_REFS) || f->refs >= 2))
		add_link(g, row, eventfd ? LINK_EVENTFD : LINK_SHARED, f->fileid, ROLE_BOTH);
}

static int by_link(const void *a, const void *b, void *arg)
{
	const struct link_fd *x = a, *y = b;
	const struct model *m = arg;
	const struct fds_file *fx = &m->files[x->row], *fy = &m->files[y->row];

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return model_fd_order(fx, fy);
}

/* By pid, a process's own command before its threads'. */
static int by_node(const void *a, const void *b)
{
	const struct node *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->thread - y->thread;
}

static void draw_process(struct graph *g, const struct fds_file *f)
{
	struct node *n;

	if (g->nnodes == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 64;
		g->nodes = xrealloc(g->nodes, g->cap, sizeof(*g->nodes));
	}
	n = &g->nodes[g->nnodes++];
	n->pid = f->pid;
	n->thread = HAVE(f, FC_TID);
	n->comm = f->comm;
}

/* "PID:FD,FD" of one side, for a label. */
static void side_fds(struct graph *g, const struct side *sd, bool pid)
{
	size_t i;

	if (pid) {
		sb_addu(&g->edges, (u64)sd->pid);
		sb_addc(&g->edges, ':');
	}
	for (i = 0; i < sd->n; i++) {
		if (i)
			sb_addc(&g->edges, ',');
		sb_addu(&g->edges, (u64)g->m->files[g->links[sd->first + i].row].fd);
	}
}

static void node_id(struct sbuf *b, int pid)
{
	sb_add(b, "\"p");
	sb_addu(b, (u64)pid);
	sb_addc(b, '"');
}

/* Writers point at readers; anything else has no direction. */
static void edge(struct graph *g, const char *from, const char *to, bool directed)
{
	sb_add(&g->edges, "\t");
	sb_add(&g->edges, from);
	sb_add(&g->edges, " -> ");
	sb_add(&g->edges, to);
	sb_add(&g->edges, directed ? " [label=\"" : " [dir=none, label=\"");
}

static void edge_end(struct graph *g)
{
	sb_add(&g->edges, "\", tooltip=\"");
	dot_escape(&g->edges, g->label);
	sb_add(&g->edges, "\"];\n");
}

/* Two processes: one edge, labelled with the kind and both sides' fds. */
static void draw_pair(struct graph *g, int kind, struct side *a, struct side *b)
{
	struct sbuf ida = { 0 }, idb = { 0 };
	bool swap = a->role == ROLE_READ && b->role == ROLE_WRITE;
	bool directed = swap || (a->role == ROLE_WRITE && b->role == ROLE_READ);

	if (swap) {
		struct side *t = a;

		a = b;
		b = t;
	}
	node_id(&ida, a->pid);
	node_id(&idb, b->pid);
	edge(g, ida.s, idb.s, directed);
	sb_add(&g->edges, link_names[kind]);
	sb_add(&g->edges, "\\n");
	side_fds(g, a, true);
	sb_addc(&g->edges, ' ');
	side_fds(g, b, true);
	edge_end(g);
	sb_free(&ida);
	sb_free(&idb);
}

/* More processes: a box for the link, an edge to each, labelled with fds. */
static void draw_box(struct graph *g, int kind, struct side *sides, size_t n)
{
	struct sbuf box = { 0 }, id = { 0 };
	size_t i;

	sb_add(&box, "\"l");
	sb_addu(&box, (u64)g->boxes++);
	sb_addc(&box, '"');
	sb_add(&g->edges, "\t");
	sb_add(&g->edges, box.s);
	sb_add(&g->edges, " [shape=box, fontsize=10, label=\"");
	sb_add(&g->edges, link_names[kind]);
	sb_add(&g->edges, "\\n");
	dot_escape(&g->edges, g->label);
	sb_add(&g->edges, "\"];\n");
	for (i = 0; i < n; i++) {
		sb_reset(&id);
		node_id(&id, sides[i].pid);
		if (sides[i].role == ROLE_READ)
			edge(g, box.s, id.s, true);
		else
			edge(g, id.s, box.s, sides[i].role == ROLE_WRITE);
		side_fds(g, &sides[i], false);
		edge_end(g);
	}
	sb_free(&box);
	sb_free(&id);
}

/* The link of links[first .. first + n): drawn if it joins processes. */
static void draw_link(struct graph *g, size_t first, size_t n, struct side *sides)
{
	const struct link_fd *l = &g->links[first];
	const struct fds_file *f = &g->m->files[l->row];
	bool selected = false, one_inode = true;
	size_t i, nsides = 0;

	for (i = first; i < first + n; i++) {
		const struct fds_file *p = &g->m->files[g->links[i].row];
		int pid = p->pid;

		selected |= g->selected[g->links[i].row];
		one_inode &= p->ino == f->ino;
		if (!nsides || sides[nsides - 1].pid != pid)
			sides[nsides++] = (struct side){ .pid = pid, .first = i };
		sides[nsides - 1].n++;
		sides[nsides - 1].role |= g->links[i].role;
	}
	/* One unix socket in several processes is a shared description. */
	if (!selected || nsides < 2 || (l->kind == LINK_UNIX && one_inode))
		return;
	g->label = model_name_ex(g->m, l->row, &g->name, false);
	if (!g->label)
		g->label = "";
	for (i = 0; i < nsides; i++)
		draw_process(g, &g->m->files[g->links[sides[i].first].row]);
	if (nsides == 2)
		draw_pair(g, l->kind, &sides[0], &sides[1]);
	else
		draw_box(g, l->kind, sides, nsides);
}

static void print_nodes(struct graph *g, struct sbuf *out)
{
	const struct node *n;
	size_t i;

	qsort(g->nodes, g->nnodes, sizeof(*g->nodes), by_node);
	for (i = 0; i < g->nnodes; i++) {
		n = &g->nodes[i];
		if (i && n->pid == n[-1].pid)
			continue;
		sb_add(out, "\t");
		node_id(out, n->pid);
		sb_add(out, " [label=\"");
		dot_escape(out, n->comm ? n->comm : "");
		sb_add(out, "\\n");
		sb_addu(out, (u64)n->pid);
		sb_add(out, "\"];\n");
	}
}

int view_graph(const struct opts *o, struct model *m)
{
	struct graph g = { .m = m };
	struct sbuf out = { 0 };
	struct side *sides;
	bool *selected;
	size_t row, i, first;
	int rc = 0;

	if (o->json || o->raw || o->noutputs || o->noheadings)
		return fds_err("--graph prints DOT: %s",
			       "--json, --raw, --output and --noheadings do not apply");
	selected = xcalloc(m->nfiles + 1, sizeof(*selected));
	g.links = xcalloc(2 * m->nfiles + 1, sizeof(*g.links));
	for (row = 0; row < m->nfiles; row++) {
		selected[row] = select_row(o, m, row, &out);
		if (model_visible(m, row))
			links_of(&g, row);
	}
	g.selected = selected;
	qsort_r(g.links, g.nlinks, sizeof(*g.links), by_link, m);
	sides = xcalloc(g.nlinks + 1, sizeof(*sides));
	for (first = 0; first < g.nlinks; first = i) {
		for (i = first + 1; i < g.nlinks && g.links[i].kind == g.links[first].kind &&
		     g.links[i].key == g.links[first].key; i++)
			;
		draw_link(&g, first, i - first, sides);
	}
	sb_reset(&out);
	sb_add(&out, "digraph fdscope {\n\tnode [shape=ellipse];\n");
	print_nodes(&g, &out);
	sb_add(&out, g.edges.s ? g.edges.s : "");
	sb_add(&out, "}\n");
	if (fwrite(out.s, 1, out.len, stdout) != out.len || fflush(stdout))
		rc = fds_err("writing the graph: %m");
	free(sides);
	free(selected);
	free(g.links);
	free(g.nodes);
	sb_free(&g.edges);
	sb_free(&g.name);
	sb_free(&out);
	return rc;
}

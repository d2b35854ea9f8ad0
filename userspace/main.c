// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope: list every task's fds and the sockets behind them, from the
 * fdscope kernel module's debugfs files or from a saved copy of them.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fdscope.h"

enum {
	OPT_INET4 = 0x100,
	OPT_INET6,
	OPT_SUMMARY,
	OPT_TASKS,
	OPT_ENDPOINTS,
	OPT_SHARED,
	OPT_TOP,
	OPT_DIR,
	OPT_NOTRUNCATE,
	OPT_SAVE,
	OPT_GRAPH,
	OPT_LOCKS,
	OPT_HOLDERS,
	OPT_DIFF,
	OPT_WATCH,
};

static const struct option longopts[] = {
	{ "json",		no_argument,		NULL, 'J' },
	{ "raw",		no_argument,		NULL, 'r' },
	{ "noheadings",		no_argument,		NULL, 'n' },
	{ "output",		required_argument,	NULL, 'o' },
	{ "list-columns",	no_argument,		NULL, 'H' },
	{ "notruncate",		no_argument,		NULL, OPT_NOTRUNCATE },
	{ "threads",		no_argument,		NULL, 'l' },
	{ "pid",		required_argument,	NULL, 'p' },
	{ "user",		required_argument,	NULL, 'u' },
	{ "type",		required_argument,	NULL, 't' },
	{ "inet",		optional_argument,	NULL, 'i' },
	{ "inet4",		optional_argument,	NULL, OPT_INET4 },
	{ "inet6",		optional_argument,	NULL, OPT_INET6 },
	{ "unix",		no_argument,		NULL, 'U' },
	{ "filter",		required_argument,	NULL, 'Q' },
	{ "summary",		optional_argument,	NULL, OPT_SUMMARY },
	{ "tasks",		no_argument,		NULL, OPT_TASKS },
	{ "endpoints",		no_argument,		NULL, OPT_ENDPOINTS },
	{ "shared",		no_argument,		NULL, OPT_SHARED },
	{ "holders",		no_argument,		NULL, OPT_HOLDERS },
	{ "diff",		required_argument,	NULL, OPT_DIFF },
	{ "watch",		optional_argument,	NULL, OPT_WATCH },
	{ "count",		required_argument,	NULL, 'n' },
	{ "top",		required_argument,	NULL, OPT_TOP },
	{ "dir",		required_argument,	NULL, OPT_DIR },
	{ "save",		required_argument,	NULL, OPT_SAVE },
	{ "graph",		no_argument,		NULL, OPT_GRAPH },
	{ "locks",		no_argument,		NULL, OPT_LOCKS },
	{ "help",		no_argument,		NULL, 'h' },
	{ "version",		no_argument,		NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void usage(void)
{
	fputs("Usage: fdscope [options]\n"
	      "\n"
	      "List the open fds of every process and the sockets behind them, from the\n"
	      "fdscope module's files in " FDSCOPE_DIR ".\n"
	      "\n"
	      "Output:\n"
	      "  -J, --json               JSON output\n"
	      "  -r, --raw                raw output (no alignment)\n"
	      "  -n, --noheadings         no header line\n"
	      "  -o, --output LIST        columns to show; +LIST adds to the default;\n"
	      "                           groups: TCP (ss -i, also in NAME), SKMEM (ss -m)\n"
	      "  -H, --list-columns       list the columns and exit\n"
	      "      --notruncate         never truncate or wrap cells to the terminal\n"
	      "  -l, --threads            also list tables owned by single threads (TID)\n"
	      "\n"
	      "Selection (-t, -i, -U select when any of them matches):\n"
	      "  -p, --pid LIST           only these processes (the module filters them)\n"
	      "  -u, --user LIST          only processes of these users (names or uids)\n"
	      "  -t, --type LIST          only these types: REG, FIFO, SOCK, TCP, unix, ...\n"
	      "  -i, --inet[=SPEC]        inet sockets; SPEC is [4|6][proto][@host][:port]\n"
	      "  -i4, -i6, --inet4, --inet6  IPv4 or IPv6 sockets only\n"
	      "  -U, --unix               unix sockets\n"
	      "  -Q, --filter EXPR        e.g. 'TYPE == \"SOCK\" and RXQ > 0'\n"
	      "\n"
	      "Views (instead of one row per fd):\n"
	      "      --summary[=WHEN]     fds per type and process, sockets per state:\n"
	      "                           only (the default), append (after the list), never\n"
	      "      --top N              processes in --summary (default 10, 0 for all)\n"
	      "      --tasks              per process: fds, table size, fds 0-2, sharing\n"
	      "      --endpoints          other ends of pipes, sockets, eventfds, mqueues,\n"
	      "                           epolls and what they watch\n"
	      "      --shared             open files held by several fds or processes\n"
	      "      --graph              who talks to whom, as a Graphviz DOT graph\n"
	      "      --locks              locks held, who waits, BLOCKED-BY chains, deadlocks\n"
	      "      --holders TARGET...  everything that holds a file, a directory, a\n"
	      "                           mount point's filesystem, or DEV:INO, with the\n"
	      "                           chain that reaches it (exit 1: nothing does)\n"
	      "      --diff OLD [NEW]     what changed between two --save snapshots (without\n"
	      "                           NEW, the live system): fds opened and closed per\n"
	      "                           process, processes started and exited, socket\n"
	      "                           states, references that grew\n"
	      "      --watch[=SECONDS]    live fd counts, growth and top types (default 2 s;\n"
	      "                           q quits); -n, --count COUNT: COUNT plain samples;\n"
	      "                           DIR... replays saved snapshots, one per sample\n"
	      "\n"
	      "      --dir DIR            read saved files from DIR\n"
	      "      --save DIR           save the files, uid names, kernel, host and time\n"
	      "  -h, --help               show this help\n"
	      "  -V, --version            show the version\n"
	      "\n"
	      "See fdscope(1).\n", stdout);
}

static int set_view(struct opts *o, enum view v, const char *name)
{
	static const char *current;

	if (o->view != VIEW_LIST && o->view != v)
		return fds_err("%s and %s cannot be used together", current, name);
	o->view = v;
	current = name;
	return 0;
}

/* lsfd's --summary[=only|append|never] */
static int summary_when(struct opts *o, const char *when)
{
	if (when && !strcmp(when, "never")) {
		if (o->view == VIEW_SUMMARY)
			o->view = VIEW_LIST;
		o->summary_append = false;
		return 0;
	}
	if (when && strcmp(when, "only") && strcmp(when, "append"))
		return fds_err("--summary=%s: expected only, append or never", when);
	o->summary_append = when && !strcmp(when, "append");
	return set_view(o, VIEW_SUMMARY, "--summary");
}

/* -i takes its SPEC attached, after '=', or as the next word. */
static const char *inet_arg(int argc, char **argv)
{
	if (optarg)
		return optarg;
	if (optind < argc && argv[optind][0] != '-')
		return argv[optind++];
	return NULL;
}

static unsigned int view_need(const struct opts *o)
{
	unsigned int need = select_need(&o->sel) | filter_need(o->filter);

	switch (o->view) {
	case VIEW_LIST:
		/*
		 * The list shows cwd, exe, mappings, ... as rows, as lsfd does.
		 * NAME describes pidfds, eventfds, ... from `details` when a
		 * column reads it anyway, or when the module walks only the
		 * processes of -p: it costs nothing then.
		 */
		if (o->sel.npids && o->sel.npids <= KERNEL_FILTER_MAX)
			need |= NEED_DETAILS;
		return need | NEED_HOLDERS | columns_need(o->cols, o->ncols);
	case VIEW_SUMMARY:
	case VIEW_TASKS:
		return need | NEED_SOCKS | NEED_TASKS;
	case VIEW_ENDPOINTS:
		return need | NEED_SOCKS | NEED_EPOLL | NEED_HOLDERS | NEED_DETAILS;
	case VIEW_SHARED:
	case VIEW_HOLDERS:
		return need | NEED_SOCKS | NEED_HOLDERS;
	case VIEW_GRAPH:
		return need | NEED_SOCKS;
	case VIEW_LOCKS:
		return need | NEED_TASKS | NEED_LOCKS;
	case VIEW_DIFF:
	case VIEW_WATCH:
		/* They read their own snapshots. */
		break;
	}
	return need;
}

/* A view that joins on a column the dump lacks says so, not shows nothing. */
static int view_check_columns(const struct opts *o, const struct model *m)
{
	static const struct {
		enum view view;
		const char *option;
		int col;
	} needs[] = {
		{ VIEW_SHARED, "--shared", FC_FILEID },
		{ VIEW_ENDPOINTS, "--endpoints", FC_INO },
		{ VIEW_ENDPOINTS, "--endpoints", FC_MODE },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(needs); i++) {
		if (o->view == needs[i].view && !(m->tab[FDS_FILES].cols & (1u << needs[i].col)))
			return fds_err("%s needs the '%s' column, which %s/files lacks",
				       needs[i].option, fds_column_name(FDS_FILES, needs[i].col),
				       o->dir ? o->dir : FDSCOPE_DIR);
	}
	return 0;
}

/* --watch=SECONDS */
static int watch_interval(struct opts *o, const char *arg)
{
	char *end;

	o->interval = 2;
	if (!arg)
		return 0;
	o->interval = strtod(arg, &end);
	if (end == arg || *end || !(o->interval > 0) || o->interval > 86400)
		return fds_err("--watch=%s: not a number of seconds", arg);
	return 0;
}

/* With --watch, -n is --count (as top's), else lsfd's --noheadings. */
static bool watching(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strncmp(argv[i], "--watch", 7) && (!argv[i][7] || argv[i][7] == '='))
			return true;
	}
	return false;
}

static int parse_args(struct opts *o, int argc, char **argv, bool *list_columns)
{
	bool watch = watching(argc, argv);
	struct filter *filter;
	const char *spec;
	size_t i;
	char *end;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, watch ? ":Jrn:Ho:lp:u:t:i::UQ:hV" :
				":JrnHo:lp:u:t:i::UQ:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'J':
			o->json = true;
			break;
		case 'r':
			o->raw = true;
			break;
		case 'n':
			if (!watch) {
				o->noheadings = true;
				break;
			}
			o->count = strtol(optarg, &end, 10);
			if (*optarg < '0' || *optarg > '9' || *end || o->count <= 0)
				return fds_err("-n: not a positive number of samples: %s", optarg);
			break;
		case 'o':
			/* Parsed at the end: -l changes the default columns. */
			o->outputs = xrealloc(o->outputs, o->noutputs + 1, sizeof(*o->outputs));
			o->outputs[o->noutputs++] = optarg;
			break;
		case 'H':
			*list_columns = true;
			break;
		case OPT_NOTRUNCATE:
			o->notruncate = true;
			break;
		case 'l':
			o->threads = true;
			break;
		case 'p':
			if (select_add_pids(&o->sel, optarg))
				return -1;
			break;
		case 'u':
			/* Names are resolved once --dir (and its users file) is known. */
			o->users = xrealloc(o->users, o->nusers + 1, sizeof(*o->users));
			o->users[o->nusers++] = optarg;
			break;
		case 't':
			if (select_add_types(&o->sel, optarg))
				return -1;
			break;
		case 'i':
		case OPT_INET4:
		case OPT_INET6:
			spec = inet_arg(argc, argv);
			if (select_add_inet(&o->sel, c == 'i' ? 0 : c == OPT_INET4 ? 4 : 6, spec))
				return -1;
			break;
		case 'U':
			o->sel.unix_sockets = true;
			break;
		case 'Q':
			/* A second -Q is ANDed with the first. */
			filter = filter_parse(o->filter, optarg);
			if (!filter)
				return -1;
			o->filter = filter;
			break;
		case OPT_SUMMARY:
			if (summary_when(o, optarg))
				return -1;
			break;
		case OPT_TASKS:
			if (set_view(o, VIEW_TASKS, "--tasks"))
				return -1;
			break;
		case OPT_ENDPOINTS:
			if (set_view(o, VIEW_ENDPOINTS, "--endpoints"))
				return -1;
			break;
		case OPT_SHARED:
			if (set_view(o, VIEW_SHARED, "--shared"))
				return -1;
			break;
		case OPT_GRAPH:
			if (set_view(o, VIEW_GRAPH, "--graph"))
				return -1;
			break;
		case OPT_LOCKS:
			if (set_view(o, VIEW_LOCKS, "--locks"))
				return -1;
			break;
		case OPT_HOLDERS:
			if (set_view(o, VIEW_HOLDERS, "--holders"))
				return -1;
			break;
		case OPT_DIFF:
			if (set_view(o, VIEW_DIFF, "--diff"))
				return -1;
			/*
			 * "--diff -J OLD NEW": the word after --diff is an
			 * option, not OLD; read it as one, OLD comes later.
			 */
			if (optarg == argv[optind - 1] && optarg[0] == '-' && optarg[1]) {
				optind--;
				break;
			}
			o->diff_old = optarg;
			break;
		case OPT_WATCH:
			if (set_view(o, VIEW_WATCH, "--watch") || watch_interval(o, optarg))
				return -1;
			break;
		case OPT_TOP:
			o->top = (int)strtol(optarg, &end, 10);
			if (*optarg < '0' || *optarg > '9' || *end || o->top < 0)
				return fds_err("--top: not a number: %s", optarg);
			break;
		case OPT_DIR:
			o->dir = optarg;
			break;
		case OPT_SAVE:
			o->save = optarg;
			break;
		case 'h':
			usage();
			exit(0);
		case 'V':
			printf("fdscope %s (debugfs format version %d)\n", FDSCOPE_VERSION,
			       FDS_FORMAT_VERSION);
			exit(0);
		case ':':
			return fds_err("option '%s' needs an argument (see --help)",
				       argv[optind - 1]);
		default:
			if (optopt && optopt < 0x100)
				return fds_err("unknown option '-%c' (see --help)", optopt);
			return fds_err("unknown option '%s' (see --help)", argv[optind - 1]);
		}
	}
	/* A view checks -o against its own columns when it starts. */
	for (i = 0; i < o->noutputs && (o->view == VIEW_LIST || o->summary_append); i++) {
		if (columns_parse(o, o->outputs[i]))
			return -1;
	}
	if (o->view == VIEW_HOLDERS) {
		if (optind == argc)
			return fds_err("--holders needs a TARGET: a path, a mount point, DEV:INO");
		if (o->noutputs)
			return fds_err("--output does not apply to --holders");
		o->targets = argv + optind;
		o->ntargets = argc - optind;
		/* Every table holds the file, a thread's own one too. */
		o->threads = true;
		optind = argc;
	}
	if (o->view == VIEW_WATCH) {
		if (o->dir && optind < argc)
			return fds_err("--watch replays DIR... or reads --dir, not both");
		if (o->noutputs || o->json)
			return fds_err("--watch prints its own view: no --output or --json");
		o->targets = argv + optind;
		o->ntargets = argc - optind;
		optind = argc;
	}
	if (o->view == VIEW_DIFF) {
		if (o->dir)
			return fds_err("--diff reads OLD and NEW, not --dir");
		if (o->noutputs)
			return fds_err("--output does not apply to --diff");
		if (!o->diff_old && optind < argc)
			o->diff_old = argv[optind++];
		if (!o->diff_old)
			return fds_err("option '--diff' needs an argument (see --help)");
		if (optind < argc)
			o->diff_new = argv[optind++];
	}
	if (optind < argc)
		return fds_err("unexpected argument '%s' (see --help)", argv[optind]);
	if (o->dir && users_load(o->dir))
		return -1;
	for (i = 0; i < o->nusers; i++) {
		if (select_add_users(&o->sel, o->users[i]))
			return -1;
	}
	if (o->json && o->raw)
		return fds_err("--json and --raw cannot be used together");
	if (o->noutputs && o->view == VIEW_SUMMARY && !o->summary_append)
		return fds_err("--output does not apply to --summary (it prints four tables)");
	if (o->top >= 0 && o->view != VIEW_SUMMARY)
		return fds_err("--top only applies to --summary");
	if (o->top < 0)
		o->top = 10;
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = { .top = -1 };
	struct model m = { 0 };
	bool list_columns = false;
	int rc = -1;

	if (parse_args(&o, argc, argv, &list_columns))
		goto out;
	if (list_columns) {
		rc = columns_list(&o);
		goto out;
	}
	if (o.save) {
		rc = save_dump(&o, o.save);
		goto out;
	}
	if (o.view == VIEW_DIFF || o.view == VIEW_WATCH) {
		select_done(&o.sel);
		rc = o.view == VIEW_DIFF ? view_diff(&o) : view_watch(&o);
		goto out;
	}
	if (!o.ncols)
		columns_default(&o);
	select_done(&o.sel);
	if (input_load(&m, &o, view_need(&o)))
		goto out;
	model_init(&m, &o);
	if (select_check_types(&o.sel, &m) || view_check_columns(&o, &m))
		goto out;
	switch (o.view) {
	case VIEW_LIST:
		rc = view_list(&o, &m);
		break;
	case VIEW_SUMMARY:
		rc = view_summary(&o, &m, o.summary_append ? list_table(&o, &m) : NULL);
		break;
	case VIEW_TASKS:
		rc = view_tasks(&o, &m);
		break;
	case VIEW_ENDPOINTS:
		rc = view_endpoints(&o, &m);
		break;
	case VIEW_SHARED:
		rc = view_shared(&o, &m);
		break;
	case VIEW_GRAPH:
		rc = view_graph(&o, &m);
		break;
	case VIEW_LOCKS:
		/* 2: a deadlock, reported as such. */
		rc = view_locks(&o, &m);
		break;
	case VIEW_HOLDERS:
		rc = view_holders(&o, &m);
		break;
	case VIEW_DIFF:
	case VIEW_WATCH:
		break;
	}
out:
	model_free(&m);
	select_free(&o.sel);
	filter_free(o.filter);
	free(o.cols);
	free(o.outputs);
	free(o.users);
	/* --holders exits as fuser: 1 when nothing holds a target, 2 on errors. */
	if (o.view == VIEW_HOLDERS)
		return rc < 0 ? 2 : rc;
	/* --locks: 2 when it found a deadlock. */
	return rc == 2 ? 2 : rc ? 1 : 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope: what each pidfd, BPF object, perf event, memfd, eventfd,
 * inotify, timerfd, signalfd, namespace file, pty or tun/tap is (the module's
 * `details` file): lsfd's per-class columns, the NAME text that describes
 * it, and the other ends it has (a pidfd's process, a pty's other side).
 *
 * A record's details are "key=value" pairs separated by commas; "inode"
 * may repeat (docs/format.md). The file is read only when a column or a
 * view needs it; a tun/tap file's interface only when TUN.IFACE is asked
 * for (the module then takes rtnl_lock).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fdscope.h"

struct detail_index {
	struct idx fd;		/* fd key -> details row */
	struct idx tty;		/* pty index -> first details row of a ptmx or pts */
	u32 *tty_next;
	struct idx comm;	/* live: pid -> comms[] entry read from /proc */
	char **comms;
	size_t ncomms;
};

/* The value of @key in @d's details, copied to @b; NULL without it. */
static const char *detail_get(const struct fds_detail *d, const char *key, struct sbuf *b)
{
	size_t klen = strlen(key);
	const char *p = d ? d->details : NULL;

	while (p && *p) {
		size_t len = strcspn(p, ",");

		if (len > klen && !strncmp(p, key, klen) && p[klen] == '=') {
			sb_reset(b);
			sb_addn(b, p + klen + 1, len - klen - 1);
			return b->s;
		}
		p += len;
		if (*p)
			p++;
	}
	return NULL;
}

/*
 * A value that may hold ',', '=' or '\' (a tun/tap interface name), as
 * the module writes them: \ooo inside the value. Decoded in place in @b.
 */
static const char *detail_decode(struct sbuf *b)
{
	size_t i, w = 0;

	if (!b->s)
		return NULL;
	for (i = 0; i < b->len; i++) {
		if (b->s[i] == '\\' && i + 3 < b->len &&
		    b->s[i + 1] >= '0' && b->s[i + 1] <= '3' &&
		    b->s[i + 2] >= '0' && b->s[i + 2] <= '7' &&
		    b->s[i + 3] >= '0' && b->s[i + 3] <= '7') {
			b->s[w++] = (char)((b->s[i + 1] - '0') * 64 + (b->s[i + 2] - '0') * 8 +
					   (b->s[i + 3] - '0'));
			i += 3;
		} else {
			b->s[w++] = b->s[i];
		}
	}
	b->s[w] = '\0';
	b->len = w;
	return b->s;
}

static long long detail_num(const struct fds_detail *d, const char *key, long long none)
{
	struct sbuf b = { 0 };
	const char *v = detail_get(d, key, &b);
	long long n = v ? strtoll(v, NULL, 0) : none;

	sb_free(&b);
	return n;
}

static bool is_class(const struct fds_detail *d, const char *class)
{
	return d && streq(d->class, class);
}

static int tty_key(const void *ctx, size_t i, u64 *k)
{
	const struct fds_detail *d = (const struct fds_detail *)ctx + i;
	long long n;

	if (!is_class(d, "ptmx") && !is_class(d, "pts"))
		return 0;
	n = detail_num(d, "tty_index", -1);
	if (n < 0)
		return 0;
	*k = (u64)n;
	return 1;
}

static int detail_fd_key(const void *ctx, size_t i, u64 *k)
{
	const struct fds_detail *d = (const struct fds_detail *)ctx + i;

	*k = model_fd_key(d->pid, d->tid, d->fd);
	return 1;
}

static struct detail_index *detail_index(struct model *m)
{
	struct detail_index *di = m->detail_index;

	if (di)
		return di;
	di = xcalloc(1, sizeof(*di));
	idx_first(&di->fd, m->ndetails, detail_fd_key, m->details);
	idx_init(&di->comm, 8);
	di->tty_next = idx_new_next(m->ndetails);
	idx_chain(&di->tty, di->tty_next, m->ndetails, tty_key, m->details);
	m->detail_index = di;
	return di;
}

void detail_index_free(struct model *m)
{
	if (!m->detail_index)
		return;
	idx_free(&m->detail_index->fd);
	idx_free(&m->detail_index->tty);
	free(m->detail_index->tty_next);
	idx_free(&m->detail_index->comm);
	while (m->detail_index->ncomms)
		free(m->detail_index->comms[--m->detail_index->ncomms]);
	free(m->detail_index->comms);
	free(m->detail_index);
	m->detail_index = NULL;
}

/*
 * The details row of files row @row, or NULL. The two files are separate
 * reads: where both have the fileid, it must agree too.
 */
const struct fds_detail *details_of(struct model *m, size_t row)
{
	const struct fds_file *f = &m->files[row];
	const struct fds_detail *d;
	u32 j;

	if (!m->ndetails || !HAVE(f, FC_FD) || model_is_holder(m, row))
		return NULL;
	j = idx_get(&detail_index(m)->fd, model_fd_key(f->pid, f->tid, f->fd));
	if (j == IDX_NONE)
		return NULL;
	d = &m->details[j];
	if (HAVE(d, DC_FILEID) && HAVE(f, FC_FILEID) && d->fileid != f->fileid)
		return NULL;
	return d;
}

/* enum bpf_map_type, as bpftool names them. */
static const char *const bpf_map_types[] = {
	"unspec", "hash", "array", "prog_array", "perf_event_array", "percpu_hash",
	"percpu_array", "stack_trace", "cgroup_array", "lru_hash", "lru_percpu_hash",
	"lpm_trie", "array_of_maps", "hash_of_maps", "devmap", "sockmap", "cpumap",
	"xskmap", "sockhash", "cgroup_storage", "reuseport_sockarray",
	"percpu_cgroup_storage", "queue", "stack", "sk_storage", "devmap_hash",
	"struct_ops", "ringbuf", "inode_storage", "task_storage", "bloom_filter",
	"user_ringbuf", "cgrp_storage", "arena",
};

/* enum bpf_prog_type, as bpftool names them. */
static const char *const bpf_prog_types[] = {
	"unspec", "socket_filter", "kprobe", "sched_cls", "sched_act", "tracepoint",
	"xdp", "perf_event", "cgroup_skb", "cgroup_sock", "lwt_in", "lwt_out",
	"lwt_xmit", "sock_ops", "sk_skb", "cgroup_device", "sk_msg", "raw_tracepoint",
	"cgroup_sock_addr", "lwt_seg6local", "lirc_mode2", "sk_reuseport",
	"flow_dissector", "cgroup_sysctl", "raw_tracepoint_writable", "cgroup_sockopt",
	"tracing", "struct_ops", "ext", "lsm", "sk_lookup", "syscall", "netfilter",
};

/* Clock ids, as lsfd's TIMERFD.CLOCKID names them. */
static const char *const clock_names[] = {
	[0] = "realtime", [1] = "monotonic", [7] = "boottime",
	[8] = "realtime-alarm", [9] = "boottime-alarm",
};

static const char *const signal_names[] = {
	NULL, "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL",
	"USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT",
	"STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF",
	"WINCH", "IO", "PWR", "SYS",
};

/* A number from @names, or the number itself; in @b. */
static const char *named(struct sbuf *b, const char *v, const char *const *names, size_t n)
{
	long long i;

	if (!v)
		return NULL;
	i = strtoll(v, NULL, 0);
	if (i >= 0 && (size_t)i < n && names[i]) {
		sb_reset(b);
		sb_add(b, names[i]);
	}
	return b->s;
}

/* A signal mask as lsfd shows it: "USR1,USR2", real-time ones as RTMIN+N. */
static const char *sigmask_text(struct sbuf *b, const char *v)
{
	unsigned long long mask;
	char tmp[24];
	int sig;

	if (!v)
		return NULL;
	mask = strtoull(v, NULL, 16);
	sb_reset(b);
	for (sig = 1; sig <= 64; sig++) {
		if (!(mask >> (sig - 1) & 1))
			continue;
		if (b->len)
			sb_addc(b, ',');
		if (sig < (int)ARRAY_SIZE(signal_names))
			snprintf(tmp, sizeof(tmp), "%s", signal_names[sig]);
		else if (sig >= 34)
			snprintf(tmp, sizeof(tmp), "RTMIN+%d", sig - 34);
		else
			snprintf(tmp, sizeof(tmp), "%d", sig);
		sb_add(b, tmp);
	}
	return b->len ? b->s : NULL;
}

/* The inode numbers an inotify watches, comma separated: "ino@dev" each. */
static const char *inotify_inodes(struct sbuf *b, const struct fds_detail *d)
{
	const char *p = d->details;

	sb_reset(b);
	while (p && *p) {
		size_t len = strcspn(p, ",");

		if (len > 6 && !strncmp(p, "inode=", 6)) {
			if (b->len)
				sb_addc(b, ',');
			sb_addn(b, p + 6, strcspn(p + 6, "@,"));
		}
		p += len;
		if (*p)
			p++;
	}
	return b->len ? b->s : NULL;
}

/*
 * The command of process @pid from /proc, once per pid: live, with -p, the
 * module listed only the selected processes, and a pidfd's process may be
 * another one.
 */
static const char *proc_comm(struct model *m, int pid)
{
	struct detail_index *di = detail_index(m);
	u32 *slot = idx_slot(&di->comm, (u64)pid);
	char path[64], buf[64];
	size_t len = 0;
	FILE *f;

	if (*slot != IDX_NONE)
		return di->comms[*slot];
	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	f = fopen(path, "re");
	if (f) {
		len = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	while (len && buf[len - 1] == '\n')
		len--;
	buf[len] = '\0';
	di->comms = xrealloc(di->comms, di->ncomms + 1, sizeof(*di->comms));
	di->comms[di->ncomms] = len ? xstrdup(buf) : NULL;
	*idx_slot(&di->comm, (u64)pid) = (u32)di->ncomms;
	return di->comms[di->ncomms++];
}

/* The command of process @pid: its tasks row, any of its fd rows, or /proc. */
static const char *comm_of(struct model *m, int pid)
{
	const struct fds_task *t = model_task(m, pid, 0);
	size_t i;

	if (t)
		return t->comm;
	for (i = 0; i < m->nfiles; i++)
		if (m->files[i].pid == pid)
			return m->files[i].comm;
	return m->live ? proc_comm(m, pid) : NULL;
}

/* A pidfd's target, if it is still there (exited=0) and in our namespace. */
static int pidfd_target(const struct fds_detail *d)
{
	if (!is_class(d, "pidfd") || detail_num(d, "exited", 1))
		return 0;
	return (int)detail_num(d, "pid", 0);
}

const char *details_column(struct model *m, size_t row, int col, struct sbuf *b)
{
	const struct fds_detail *d = details_of(m, row);
	const char *v;
	int pid;

	if (!d)
		return NULL;
	switch (col) {
	case COL_DETAILS:
		return d->details;
	case COL_PIDFD_PID:
		return is_class(d, "pidfd") ? detail_get(d, "pid", b) : NULL;
	case COL_PIDFD_COMM:
		pid = pidfd_target(d);
		return pid > 0 ? comm_of(m, pid) : NULL;
	case COL_PIDFD_EXITED:
		return is_class(d, "pidfd") ? detail_get(d, "exited", b) : NULL;
	case COL_PIDFD_THREAD:
		return is_class(d, "pidfd") ? detail_get(d, "thread", b) : NULL;
	case COL_EVENTFD_ID:
		return is_class(d, "eventfd") ? detail_get(d, "id", b) : NULL;
	case COL_EVENTFD_COUNT:
		return is_class(d, "eventfd") ? detail_get(d, "count", b) : NULL;
	case COL_TIMERFD_CLOCKID:
		if (!is_class(d, "timerfd"))
			return NULL;
		v = detail_get(d, "clockid", b);
		return named(b, v, clock_names, ARRAY_SIZE(clock_names));
	case COL_TIMERFD_INTERVAL:
		return is_class(d, "timerfd") ? detail_get(d, "interval", b) : NULL;
	case COL_TIMERFD_REMAINING:
		return is_class(d, "timerfd") ? detail_get(d, "remaining", b) : NULL;
	case COL_SIGNALFD_MASK:
		if (!is_class(d, "signalfd"))
			return NULL;
		v = detail_get(d, "sigmask", b);
		return v ? sigmask_text(b, v + (v[0] == '0' && v[1] == 'x' ? 2 : 0)) : NULL;
	case COL_INOTIFY_INODES:
		return is_class(d, "inotify") || is_class(d, "fanotify") ?
		       inotify_inodes(b, d) : NULL;
	case COL_BPF_MAP_TYPE:
		if (!is_class(d, "bpf-map"))
			return NULL;
		v = detail_get(d, "map_type", b);
		return named(b, v, bpf_map_types, ARRAY_SIZE(bpf_map_types));
	case COL_BPF_MAP_ID:
		return is_class(d, "bpf-map") ? detail_get(d, "map_id", b) : NULL;
	case COL_BPF_PROG_TYPE:
		if (!is_class(d, "bpf-prog"))
			return NULL;
		v = detail_get(d, "prog_type", b);
		return named(b, v, bpf_prog_types, ARRAY_SIZE(bpf_prog_types));
	case COL_BPF_PROG_ID:
		return is_class(d, "bpf-prog") || is_class(d, "bpf-link") ?
		       detail_get(d, "prog_id", b) : NULL;
	case COL_BPF_PROG_TAG:
		return is_class(d, "bpf-prog") ? detail_get(d, "prog_tag", b) : NULL;
	case COL_BPF_NAME:
		return detail_get(d, "name", b);
	case COL_BPF_LINK_ID:
		return is_class(d, "bpf-link") ? detail_get(d, "link_id", b) : NULL;
	case COL_NS_TYPE:
		return is_class(d, "nsfs") ? detail_get(d, "ns_type", b) : NULL;
	case COL_PTMX_TTY_INDEX:
		return is_class(d, "ptmx") ? detail_get(d, "tty_index", b) : NULL;
	case COL_TUN_IFACE:
		if (!is_class(d, "tun") || !detail_get(d, "iface", b))
			return NULL;
		return detail_decode(b);
	}
	return NULL;
}

/* " key=VALUE" of column @col, when it has a value. */
static void name_part(struct model *m, size_t row, struct sbuf *b, const char *key, int col)
{
	struct sbuf v = { 0 };
	const char *s = details_column(m, row, col, &v);

	if (s) {
		if (b->len)
			sb_addc(b, ' ');
		sb_add(b, key);
		sb_addc(b, '=');
		sb_add(b, s);
	}
	sb_free(&v);
}

/*
 * NAME for a file with details, as lsfd's: "pid=1234 comm=sleep",
 * "type=hash id=17 name=my_map", "id=3 count=42", ...; NULL for a file
 * without (its path is its name then).
 */
const char *details_name(struct model *m, size_t row, struct sbuf *b)
{
	const struct fds_detail *d = details_of(m, row);

	if (!d || !d->class)
		return NULL;
	sb_reset(b);
	if (is_class(d, "pidfd")) {
		name_part(m, row, b, "pid", COL_PIDFD_PID);
		name_part(m, row, b, "comm", COL_PIDFD_COMM);
		if (detail_num(d, "exited", 0))
			sb_add(b, " exited");
		if (detail_num(d, "thread", 0))
			sb_add(b, " thread");
	} else if (is_class(d, "bpf-map")) {
		name_part(m, row, b, "type", COL_BPF_MAP_TYPE);
		name_part(m, row, b, "id", COL_BPF_MAP_ID);
		name_part(m, row, b, "name", COL_BPF_NAME);
	} else if (is_class(d, "bpf-prog")) {
		name_part(m, row, b, "type", COL_BPF_PROG_TYPE);
		name_part(m, row, b, "id", COL_BPF_PROG_ID);
		name_part(m, row, b, "tag", COL_BPF_PROG_TAG);
		name_part(m, row, b, "name", COL_BPF_NAME);
	} else if (is_class(d, "bpf-link")) {
		name_part(m, row, b, "id", COL_BPF_LINK_ID);
		name_part(m, row, b, "prog-id", COL_BPF_PROG_ID);
	} else if (is_class(d, "eventfd")) {
		name_part(m, row, b, "id", COL_EVENTFD_ID);
		name_part(m, row, b, "count", COL_EVENTFD_COUNT);
	} else if (is_class(d, "timerfd")) {
		name_part(m, row, b, "clockid", COL_TIMERFD_CLOCKID);
		name_part(m, row, b, "remaining", COL_TIMERFD_REMAINING);
		name_part(m, row, b, "interval", COL_TIMERFD_INTERVAL);
	} else if (is_class(d, "signalfd")) {
		name_part(m, row, b, "mask", COL_SIGNALFD_MASK);
	} else if (is_class(d, "inotify") || is_class(d, "fanotify")) {
		name_part(m, row, b, "inodes", COL_INOTIFY_INODES);
	} else if (is_class(d, "ptmx")) {
		name_part(m, row, b, "tty-index", COL_PTMX_TTY_INDEX);
	} else if (is_class(d, "tun")) {
		/* lsfd's "iface=tap0"; the path when the interface was not asked for. */
		name_part(m, row, b, "iface", COL_TUN_IFACE);
		if (!b->len)
			return NULL;
	} else {
		/* perf_event, memfd, nsfs, pts: the path says it; the details add to it. */
		sb_add(b, m->files[row].path ? m->files[row].path : d->class);
		if (d->details && !is_class(d, "pts") && !is_class(d, "nsfs")) {
			sb_addc(b, ' ');
			sb_add(b, d->details);
		}
	}
	return b->len ? b->s : NULL;
}

/*
 * The other ends of a pidfd (its process) or of a pty (the fds on the
 * other side of the same index: a pty master's slaves and the reverse).
 * ptys of separate devpts instances (containers) can share an index: the
 * pairing assumes one instance.
 */
bool details_endpoints(struct model *m, size_t row, struct holders *h)
{
	const struct fds_detail *d = details_of(m, row);
	struct detail_index *di;
	size_t start = h->total;
	long long tty;
	int pid;
	u32 j;

	if (!d)
		return false;
	pid = pidfd_target(d);
	if (pid > 0) {
		holders_add_fd(h, pid, 0, comm_of(m, pid), -1, NULL);
		return true;
	}
	if (!is_class(d, "ptmx") && !is_class(d, "pts"))
		return false;
	tty = detail_num(d, "tty_index", -1);
	if (tty < 0)
		return false;
	di = detail_index(m);
	for (j = idx_get(&di->tty, (u64)tty); j != IDX_NONE; j = di->tty_next[j]) {
		const struct fds_detail *o = &m->details[j];

		u32 r;

		if (streq(o->class, d->class) || detail_num(o, "tty_index", -1) != tty)
			continue;
		r = model_fd_row(m, o->pid, o->tid, o->fd);
		if (r != IDX_NONE)
			holders_add_file(h, &m->files[r], true);
		else
			holders_add_fd(h, o->pid, o->tid, o->comm, o->fd, NULL);
	}
	return h->total > start;
}

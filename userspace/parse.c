// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope: parser for the debugfs text format (docs/format.md, version 1).
 *
 * One pass over a buffer holding the whole file: lines are split with
 * memchr(), fields are cut in place (the separator becomes the terminating
 * NUL), string fields are unescaped in place and numbers converted directly.
 * The only allocations are the record array, sized from a newline count, and
 * the header's column map.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bigmem.h"
#include "parse.h"

enum { K_STR, K_INT, K_U64, K_S64, K_HEX, K_BOOL, K_END };

struct coldesc {
	const char *name;
	unsigned char kind;
	unsigned char required;
	unsigned short off;
};

#define FCOL(n, k, r, f) { n, k, r, offsetof(struct fds_file, f) }
#define SCOL(n, k, r, f) { n, k, r, offsetof(struct fds_sock, f) }
#define TCOL(n, k, r, f) { n, k, r, offsetof(struct fds_task, f) }
#define LCOL(n, k, r, f) { n, k, r, offsetof(struct fds_lock, f) }
#define ECOL(n, k, r, f) { n, k, r, offsetof(struct fds_epoll, f) }
#define DCOL(n, k, r, f) { n, k, r, offsetof(struct fds_detail, f) }

static const struct coldesc file_cols[FC_NCOLS] = {
	[FC_PID]	= FCOL("pid", K_INT, 1, pid),
	[FC_TID]	= FCOL("tid", K_INT, 0, tid),
	[FC_COMM]	= FCOL("comm", K_STR, 0, comm),
	[FC_FD]		= FCOL("fd", K_INT, 1, fd),
	[FC_TABLE]	= FCOL("table", K_HEX, 0, table),
	[FC_CLOEXEC]	= FCOL("cloexec", K_BOOL, 0, cloexec),
	[FC_MODE]	= FCOL("mode", K_STR, 0, mode),
	[FC_FLAGS]	= FCOL("flags", K_STR, 0, flags),
	[FC_POS]	= FCOL("pos", K_U64, 0, pos),
	[FC_TYPE]	= FCOL("type", K_STR, 0, type),
	[FC_DEV]	= FCOL("dev", K_STR, 0, dev),
	[FC_INO]	= FCOL("ino", K_U64, 0, ino),
	[FC_FILEID]	= FCOL("fileid", K_HEX, 0, fileid),
	[FC_REFS]	= FCOL("refs", K_U64, 0, refs),
	[FC_DELETED]	= FCOL("deleted", K_BOOL, 0, deleted),
	[FC_PATH]	= FCOL("path", K_STR, 0, path),
	[FC_EPOLLS]	= FCOL("epolls", K_U64, 0, epolls),
	[FC_START]	= FCOL("start", K_U64, 0, start),
};

/* The columns sockets and sockstats share, so that both set the same SC_ bits. */
#define SOCK_ID_COLS \
	[SC_PID]	= SCOL("pid", K_INT, 1, pid), \
	[SC_TID]	= SCOL("tid", K_INT, 0, tid), \
	[SC_COMM]	= SCOL("comm", K_STR, 0, comm), \
	[SC_FD]		= SCOL("fd", K_INT, 1, fd), \
	[SC_FILEID]	= SCOL("fileid", K_HEX, 0, fileid), \
	[SC_INO]	= SCOL("ino", K_U64, 0, ino),

#define SOCK_COUNTER_COLS \
	[SC_RTT]	= SCOL("rtt", K_U64, 0, rtt), \
	[SC_RTTVAR]	= SCOL("rttvar", K_U64, 0, rttvar), \
	[SC_RTO]	= SCOL("rto", K_U64, 0, rto), \
	[SC_CWND]	= SCOL("cwnd", K_U64, 0, cwnd), \
	[SC_SSTHRESH]	= SCOL("ssthresh", K_U64, 0, ssthresh), \
	[SC_UNACKED]	= SCOL("unacked", K_U64, 0, unacked), \
	[SC_RETRANS]	= SCOL("retrans", K_U64, 0, retrans), \
	[SC_TOTAL_RETRANS] = SCOL("total_retrans", K_U64, 0, total_retrans), \
	[SC_RCV_SPACE]	= SCOL("rcv_space", K_U64, 0, rcv_space), \
	[SC_SND_WND]	= SCOL("snd_wnd", K_U64, 0, snd_wnd), \
	[SC_RMEM]	= SCOL("rmem", K_U64, 0, rmem), \
	[SC_RCVBUF]	= SCOL("rcvbuf", K_U64, 0, rcvbuf), \
	[SC_WMEM]	= SCOL("wmem", K_U64, 0, wmem), \
	[SC_SNDBUF]	= SCOL("sndbuf", K_U64, 0, sndbuf), \
	[SC_FWD_ALLOC]	= SCOL("fwd_alloc", K_S64, 0, fwd_alloc), \
	[SC_WMEM_QUEUED] = SCOL("wmem_queued", K_U64, 0, wmem_queued), \
	[SC_OPTMEM]	= SCOL("optmem", K_U64, 0, optmem), \
	[SC_SK_BACKLOG]	= SCOL("sk_backlog", K_U64, 0, sk_backlog),

static const struct coldesc sock_cols[SC_NCOLS] = {
	SOCK_ID_COLS
	[SC_FAMILY]	= SCOL("family", K_STR, 0, family),
	[SC_TYPE]	= SCOL("type", K_STR, 0, type),
	[SC_PROTO]	= SCOL("proto", K_STR, 0, proto),
	[SC_STATE]	= SCOL("state", K_STR, 0, state),
	[SC_LOCAL]	= SCOL("local", K_STR, 0, local),
	[SC_REMOTE]	= SCOL("remote", K_STR, 0, remote),
	[SC_RXQ]	= SCOL("rxq", K_U64, 0, rxq),
	[SC_TXQ]	= SCOL("txq", K_U64, 0, txq),
	[SC_DROPS]	= SCOL("drops", K_U64, 0, drops),
	[SC_UID]	= SCOL("uid", K_U64, 0, uid),
	[SC_NETNS]	= SCOL("netns", K_U64, 0, netns),
	[SC_PEER]	= SCOL("peer", K_U64, 0, peer),
	[SC_INFLIGHT]	= SCOL("inflight", K_U64, 0, inflight),
	[SC_BACKLOG]	= SCOL("backlog", K_STR, 0, backlog),
	[SC_GROUPS]	= SCOL("groups", K_STR, 0, groups),
	/* Dumps saved before the sockstats file have the counters here. */
	SOCK_COUNTER_COLS
	[SC_COOKIE]	= SCOL("cookie", K_U64, 0, cookie),
	[SC_SHUTDOWN]	= SCOL("shutdown", K_STR, 0, shutdown),
};

/* The same records as sockets: sockstats extends them (sockstats.c). */
static const struct coldesc sockstat_cols[SC_NCOLS] = {
	SOCK_ID_COLS
	SOCK_COUNTER_COLS
};

static const struct coldesc task_cols[TC_NCOLS] = {
	[TC_PID]	= TCOL("pid", K_INT, 1, pid),
	[TC_TID]	= TCOL("tid", K_INT, 0, tid),
	[TC_COMM]	= TCOL("comm", K_STR, 0, comm),
	[TC_UID]	= TCOL("uid", K_U64, 0, uid),
	[TC_TABLE]	= TCOL("table", K_HEX, 0, table),
	[TC_NFDS]	= TCOL("nfds", K_U64, 0, nfds),
	[TC_MAXFDS]	= TCOL("maxfds", K_U64, 0, maxfds),
	[TC_PIDNS]	= TCOL("pidns", K_U64, 0, pidns),
	[TC_NETNS]	= TCOL("netns", K_U64, 0, netns),
	[TC_START]	= TCOL("start", K_U64, 0, start),
};

#define HCOL(n, k, r, f) { n, k, r, offsetof(struct fds_hold, f) }

static const struct coldesc hold_cols[HC_NCOLS] = {
	[HC_PID]	= HCOL("pid", K_INT, 1, pid),
	[HC_TID]	= HCOL("tid", K_INT, 0, tid),
	[HC_COMM]	= HCOL("comm", K_STR, 0, comm),
	[HC_ASSOC]	= HCOL("assoc", K_STR, 1, assoc),
	[HC_FD]		= HCOL("fd", K_INT, 0, fd),
	[HC_VIA]	= HCOL("via", K_U64, 0, via),
	[HC_QUEUE]	= HCOL("queue", K_STR, 0, queue),
	[HC_SENDER]	= HCOL("sender", K_INT, 0, sender),
	[HC_SLOT]	= HCOL("slot", K_INT, 0, slot),
	[HC_MAP_START]	= HCOL("map_start", K_STR, 0, map_start),
	[HC_MAP_END]	= HCOL("map_end", K_STR, 0, map_end),
	[HC_MAP_OFFSET]	= HCOL("map_offset", K_STR, 0, map_offset),
	[HC_MAP_PROT]	= HCOL("map_prot", K_STR, 0, map_prot),
	[HC_STATUS]	= HCOL("status", K_STR, 0, status),
	[HC_COUNT]	= HCOL("count", K_U64, 0, count),
	[HC_TYPE]	= HCOL("type", K_STR, 0, type),
	[HC_DEV]	= HCOL("dev", K_STR, 0, dev),
	[HC_INO]	= HCOL("ino", K_U64, 0, ino),
	[HC_FILEID]	= HCOL("fileid", K_HEX, 0, fileid),
	[HC_REFS]	= HCOL("refs", K_U64, 0, refs),
	[HC_DELETED]	= HCOL("deleted", K_BOOL, 0, deleted),
	[HC_PATH]	= HCOL("path", K_STR, 0, path),
	[HC_START]	= HCOL("start", K_U64, 0, start),
};

static const struct coldesc lock_cols[LC_NCOLS] = {
	[LC_PID]	= LCOL("pid", K_INT, 1, pid),
	[LC_TID]	= LCOL("tid", K_INT, 0, tid),
	[LC_COMM]	= LCOL("comm", K_STR, 0, comm),
	[LC_FD]		= LCOL("fd", K_INT, 1, fd),
	[LC_FILEID]	= LCOL("fileid", K_HEX, 0, fileid),
	[LC_CLASS]	= LCOL("class", K_STR, 0, class),
	[LC_TYPE]	= LCOL("type", K_STR, 0, type),
	[LC_LOCK_START]	= LCOL("lock_start", K_U64, 0, lock_start),
	[LC_LOCK_END]	= LCOL("lock_end", K_END, 0, lock_end),
	[LC_LOCK_PID]	= LCOL("lock_pid", K_INT, 0, lock_pid),
	[LC_BLOCKING]	= LCOL("blocking", K_BOOL, 0, blocking),
	[LC_BREAKING]	= LCOL("breaking", K_BOOL, 0, breaking),
	[LC_STATUS]	= LCOL("status", K_STR, 0, status),
	[LC_COUNT]	= LCOL("count", K_U64, 0, count),
	[LC_DEV]	= LCOL("dev", K_STR, 0, dev),
	[LC_INO]	= LCOL("ino", K_U64, 0, ino),
};

static const struct coldesc epoll_cols[EC_NCOLS] = {
	[EC_PID]	= ECOL("pid", K_INT, 1, pid),
	[EC_TID]	= ECOL("tid", K_INT, 0, tid),
	[EC_COMM]	= ECOL("comm", K_STR, 0, comm),
	[EC_FD]		= ECOL("fd", K_INT, 1, fd),
	[EC_FILEID]	= ECOL("fileid", K_HEX, 0, fileid),
	[EC_TFD]	= ECOL("tfd", K_INT, 0, tfd),
	[EC_EVENTS]	= ECOL("events", K_HEX, 0, events),
	[EC_DATA]	= ECOL("data", K_HEX, 0, data),
	[EC_TDEV]	= ECOL("tdev", K_STR, 0, tdev),
	[EC_TINO]	= ECOL("tino", K_U64, 0, tino),
	[EC_MATCH]	= ECOL("match", K_BOOL, 0, match),
	[EC_STATUS]	= ECOL("status", K_STR, 0, status),
};

static const struct coldesc detail_cols[DC_NCOLS] = {
	[DC_PID]	= DCOL("pid", K_INT, 1, pid),
	[DC_TID]	= DCOL("tid", K_INT, 0, tid),
	[DC_COMM]	= DCOL("comm", K_STR, 0, comm),
	[DC_FD]		= DCOL("fd", K_INT, 1, fd),
	[DC_FILEID]	= DCOL("fileid", K_HEX, 0, fileid),
	[DC_CLASS]	= DCOL("class", K_STR, 0, class),
	[DC_DETAILS]	= DCOL("details", K_STR, 0, details),
	[DC_START]	= DCOL("start", K_U64, 0, start),
};

static const struct {
	const char *name;
	const struct coldesc *cols;
	int ncols;
	size_t recsize;
} kinds[FDS_NKINDS] = {
	[FDS_FILES]	= { "files", file_cols, FC_NCOLS, sizeof(struct fds_file) },
	[FDS_SOCKETS]	= { "sockets", sock_cols, SC_NCOLS, sizeof(struct fds_sock) },
	[FDS_TASKS]	= { "tasks", task_cols, TC_NCOLS, sizeof(struct fds_task) },
	[FDS_LOCKS]	= { "locks", lock_cols, LC_NCOLS, sizeof(struct fds_lock) },
	[FDS_EPOLL]	= { "epoll", epoll_cols, EC_NCOLS, sizeof(struct fds_epoll) },
	[FDS_HOLDERS]	= { "holders", hold_cols, HC_NCOLS, sizeof(struct fds_hold) },
	[FDS_SOCKSTATS]	= { "sockstats", sockstat_cols, SC_NCOLS, sizeof(struct fds_sock) },
	[FDS_DETAILS]	= { "details", detail_cols, DC_NCOLS, sizeof(struct fds_detail) },
};

const char *fds_kind_name(enum fds_kind kind)
{
	return kinds[kind].name;
}

const char *fds_column_name(enum fds_kind kind, int col)
{
	return kinds[kind].cols[col].name;
}

struct perr {
	char *buf;
	size_t len;
	size_t *line;
};

static int __printf(3, 4) fail(struct perr *e, size_t line, const char *fmt, ...)
{
	va_list ap;

	*e->line = line;
	if (!e->len)
		return -1;
	va_start(ap, fmt);
	vsnprintf(e->buf, e->len, fmt, ap);
	va_end(ap);
	return -1;
}

/* Copy at most 24 bytes of a raw field into @out, printable ASCII only. */
static const char *shown(const char *s, size_t n, char *out)
{
	size_t i;

	if (n > 24)
		n = 24;
	for (i = 0; i < n; i++)
		out[i] = (s[i] > 0x20 && s[i] < 0x7f) ? s[i] : '?';
	out[i] = '\0';
	return out;
}

static int octal(char c)
{
	return c >= '0' && c <= '7' ? c - '0' : -1;
}

/* Bytes that are escaped, or are a malformed field when they appear raw. */
static const unsigned char special[256] = {
	[0 ... 0x20] = 1, [0x7f] = 1, ['\\'] = 1,
};

long fds_unescape(char *s, size_t len)
{
	size_t i = 0;
	char *w;

	/* Most fields have nothing to decode. */
	while (i < len && !special[(unsigned char)s[i]])
		i++;
	if (i == len) {
		s[len] = '\0';
		return len;
	}
	if (len == 4 && !memcmp(s, "\\000", 4)) {
		s[0] = '\0';
		return 0;
	}
	w = s + i;
	while (i < len) {
		unsigned char c = s[i];

		if (c == '\\') {
			int a, b, d, v;

			if (len - i < 4)
				return -1;
			a = octal(s[i + 1]);
			b = octal(s[i + 2]);
			d = octal(s[i + 3]);
			if (a < 0 || b < 0 || d < 0)
				return -1;
			v = a * 64 + b * 8 + d;
			if (v > 0377)
				return -1;
			/* A NUL inside a field (abstract unix names) reads as '@', as in ss. */
			*w++ = v ? (char)v : '@';
			i += 4;
			continue;
		}
		if (special[c])
			return -1;
		*w++ = (char)c;
		i++;
	}
	*w = '\0';
	return w - s;
}

static int parse_uint(const char *s, size_t n, u64 max, u64 *out)
{
	u64 v = 0;
	size_t i;

	if (n == 0 || n > 20)
		return -1;
	for (i = 0; i < n; i++) {
		unsigned int d = (unsigned char)s[i] - '0';

		if (d > 9)
			return -1;
		/* Only a 20th digit can overflow; the division is by a constant. */
		if (i >= 19 && v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse_hex(const char *s, size_t n, u64 *out)
{
	u64 v = 0;
	size_t i;

	if (n == 0 || n > 16)
		return -1;
	for (i = 0; i < n; i++) {
		char c = s[i];
		unsigned int d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else
			return -1;
		v = (v << 4) | d;
	}
	*out = v;
	return 0;
}

/* Convert field @f (@n bytes, NUL-terminated by the caller) into @rec. */
static int store(struct perr *e, size_t line, const struct coldesc *cd, int idx,
		 char *f, size_t n, void *rec)
{
	char *dst = (char *)rec + cd->off;
	char tmp[32];
	u64 v;
	long m;

	if (n == 1 && f[0] == '-') {
		if (cd->required)
			return fail(e, line, "field '%s' is -", cd->name);
		return 0;
	}
	switch (cd->kind) {
	case K_STR:
		m = fds_unescape(f, n);
		if (m < 0)
			return fail(e, line, "field '%s': bad escape or control character in '%s'",
				    cd->name, shown(f, n, tmp));
		*(const char **)dst = f;
		break;
	case K_INT:
		if (parse_uint(f, n, INT_MAX, &v))
			return fail(e, line, "field '%s': not a number: '%s'",
				    cd->name, shown(f, n, tmp));
		*(int *)dst = (int)v;
		break;
	case K_U64:
		if (parse_uint(f, n, UINT64_MAX, &v))
			return fail(e, line, "field '%s': not a number: '%s'",
				    cd->name, shown(f, n, tmp));
		*(u64 *)dst = v;
		break;
	case K_S64:
		/* "-" alone was handled above: a sign here has digits after it. */
		if (parse_uint(f + (f[0] == '-'), n - (f[0] == '-'),
			       f[0] == '-' ? (u64)INT64_MAX + 1 : INT64_MAX, &v))
			return fail(e, line, "field '%s': not a number: '%s'",
				    cd->name, shown(f, n, tmp));
		*(s64 *)dst = f[0] == '-' ? (s64)(0 - v) : (s64)v;
		break;
	case K_HEX:
		if (parse_hex(f, n, &v))
			return fail(e, line, "field '%s': not an identity: '%s'",
				    cd->name, shown(f, n, tmp));
		*(u64 *)dst = v;
		break;
	case K_END:
		if (n == 3 && !memcmp(f, "EOF", 3)) {
			*(u64 *)dst = FDS_LOCK_EOF;
			break;
		}
		if (parse_uint(f, n, FDS_LOCK_EOF - 1, &v))
			return fail(e, line, "field '%s': not a number or EOF: '%s'",
				    cd->name, shown(f, n, tmp));
		*(u64 *)dst = v;
		break;
	case K_BOOL:
		if (n != 1 || (f[0] != '0' && f[0] != '1'))
			return fail(e, line, "field '%s': not 0 or 1: '%s'",
				    cd->name, shown(f, n, tmp));
		*(signed char *)dst = (signed char)(f[0] - '0');
		break;
	}
	*(u64 *)rec |= 1ull << idx;
	return 0;
}

/*
 * Parse the header line (without its newline) into @map: map[i] is the known
 * column index of header column i, or -1.
 */
static int parse_header(struct perr *e, struct fds_table *t, char *s, size_t n,
			int **mapp, size_t *ncolsp)
{
	static const char magic[] = "# fdscope-";
	const struct coldesc *cols = kinds[t->kind].cols;
	int nknown = kinds[t->kind].ncols;
	const char *name = kinds[t->kind].name;
	char *end = s + n, *p, *tok;
	size_t ncols = 0, i, len;
	char tmp[32];
	int *map;
	u64 v;

	if (n < sizeof(magic) - 1 || memcmp(s, magic, sizeof(magic) - 1))
		return fail(e, 1, "not an fdscope header");
	p = s + sizeof(magic) - 1;
	tok = p;
	while (p < end && *p != ' ')
		p++;
	len = p - tok;
	if (len != strlen(name) || memcmp(tok, name, len))
		return fail(e, 1, "header is for fdscope-%s, expected fdscope-%s",
			    shown(tok, len, tmp), name);
	if (p == end)
		return fail(e, 1, "header has no format version");
	tok = ++p;
	while (p < end && *p != ' ')
		p++;
	len = p - tok;
	if (parse_uint(tok, len, INT_MAX, &v))
		return fail(e, 1, "bad format version '%s'", shown(tok, len, tmp));
	t->version = (int)v;
	if (v != FDS_FORMAT_VERSION)
		return fail(e, 1,
			    "format version %d is not supported (this fdscope reads version %d)",
			    t->version, FDS_FORMAT_VERSION);

	for (i = p - s; i < n; i++)
		ncols += s[i] == ' ';
	map = malloc((ncols ? ncols : 1) * sizeof(*map));
	if (!map)
		return fail(e, 0, "out of memory");
	for (i = 0; i < ncols; i++) {
		int k;

		tok = ++p;
		while (p < end && *p != ' ')
			p++;
		len = p - tok;
		if (!len) {
			free(map);
			return fail(e, 1, "empty column name");
		}
		map[i] = -1;
		for (k = 0; k < nknown; k++) {
			/* A gap: sockstats shares the sockets' numbering. */
			if (!cols[k].name)
				continue;
			if (strlen(cols[k].name) != len || memcmp(cols[k].name, tok, len))
				continue;
			if (t->cols & (1ull << k)) {
				free(map);
				return fail(e, 1, "duplicate column '%s'", cols[k].name);
			}
			t->cols |= 1ull << k;
			map[i] = k;
			break;
		}
	}
	for (i = 0; i < (size_t)nknown; i++) {
		if (cols[i].required && !(t->cols & (1ull << i))) {
			free(map);
			return fail(e, 1, "no '%s' column", cols[i].name);
		}
	}
	*mapp = map;
	*ncolsp = ncols;
	return 0;
}

/* A header column as the fast path reads it. */
struct fds_hcol {
	signed char idx;	/* known column index, or -1 */
	unsigned char kind;
};

/*
 * Line @line from @p to its newline @nl, as the format says it is read:
 * the fields are cut first, so that a wrong count is reported as such,
 * then each is checked and stored in order; the first error is reported.
 */
static int parse_line_slow(struct fds_parser *ps, char *p, char *nl, void *rec)
{
	const struct coldesc *cols = kinds[ps->t->kind].cols;
	struct perr e = { ps->err, ps->errlen, &ps->t->errline };
	char **fields = ps->fields;
	size_t ncols = ps->ncols, line = ps->line;
	size_t nf = 0, i;
	char *f;

	if (nl == p)
		return fail(&e, line, "empty line");
	for (f = p; f <= nl; f++) {
		if (nf <= ncols)
			fields[nf] = f;
		nf++;
		f = memchr(f, ' ', nl - f);
		if (!f)
			break;
	}
	if (nf != ncols)
		return fail(&e, line, "expected %zu fields, found %zu", ncols, nf);
	fields[ncols] = nl + 1;
	for (i = 0; i < ncols; i++) {
		char *fe = fields[i + 1] - 1;
		int k = ps->hcols[i].idx;

		if (fe == fields[i])
			return fail(&e, line, "empty field %zu", i + 1);
		*fe = '\0';
		if (k >= 0 && store(&e, line, &cols[k], k, fields[i], fe - fields[i], rec))
			return -1;
	}
	return 0;
}

/* Whether a byte of @x is a special one (< 0x21, 0x7f or a backslash). */
static inline bool special8(u64 x)
{
	const u64 ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
	u64 bs = x ^ ones * '\\', del = x ^ ones * 0x7f;

	return ((x - ones * 0x21) | (bs - ones) | (del - ones)) & ~x & high;
}

/*
 * The end of the field at @s (its separator or newline), eight bytes at a
 * time while they are inside the buffer; *@clean false when it has
 * something to decode.
 */
static char *field_end(char *s, const char *end, bool *clean)
{
	for (;;) {
		u64 x;

		while (end - s >= 8) {
			memcpy(&x, s, 8);
			if (special8(x))
				break;
			s += 8;
		}
		while (!special[(unsigned char)*s])
			s++;
		if (*s == ' ' || *s == '\n')
			return s;
		*clean = false;
		s++;
	}
}

/* Hexadecimal digits' values plus one; 0 for any other byte. */
static const unsigned char hex_value[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7,
	['7'] = 8, ['8'] = 9, ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13,
	['d'] = 14, ['e'] = 15, ['f'] = 16,
};

/*
 * A number field of @kind at *@sp read as the digits go by: 1 with the
 * value in *@v, 0 for "-", -1 for anything else (store() reads it then).
 * *@sp is moved to the field's end unless it is -1.
 */
static int fast_number(char **sp, int kind, u64 *v)
{
	char *s = *sp, *f = s;
	unsigned int d;
	u64 x = 0;

	if (*s == '-' && (s[1] == ' ' || s[1] == '\n')) {
		*sp = s + 1;
		return 0;
	}
	if (kind == K_HEX) {
		while ((d = hex_value[(unsigned char)*s]))
			x = x << 4 | (d - 1), s++;
		if (s == f || s - f > 16)
			return -1;
	} else {
		while ((d = (unsigned char)*s - '0') <= 9)
			x = x * 10 + d, s++;
		/* Nineteen digits cannot overflow; twenty are store()'s. */
		if (s == f || s - f > 19 || (kind == K_INT && x > INT_MAX))
			return -1;
	}
	if (*s != ' ' && *s != '\n')
		return -1;
	*sp = s;
	*v = x;
	return 1;
}

/* Give back the separators parse_line_fast() cut before field @last. */
static void uncut(char **fields, size_t last)
{
	size_t i;

	for (i = 1; i <= last; i++)
		fields[i][-1] = ' ';
}

/*
 * The same line read in one pass for the common case: anything unusual is
 * -1 with the line as it was, and it is then read by parse_line_slow(),
 * for the same error. A field with escapes is decoded once the line is
 * known to be good but for them; one that does not decode is then the
 * first error of its line (every field before it was read), so it is
 * reported as store() reports it.
 */
static int parse_line_fast(struct fds_parser *ps, char *p, const char *end, void *rec)
{
	const struct coldesc *cols = kinds[ps->t->kind].cols;
	struct perr e = { ps->err, ps->errlen, &ps->t->errline };
	struct perr quiet = { NULL, 0, &ps->quiet_line };
	const struct fds_hcol *hc = ps->hcols;
	char **fields = ps->fields;
	size_t ncols = ps->ncols, i;
	u64 escaped = 0;	/* string fields to decode */
	u64 *have = rec;
	char *s = p;

	if (!ncols || ncols > 64)
		return -1;
	for (i = 0; i < ncols; i++) {
		int k = hc[i].idx, kind = hc[i].kind, got;
		bool clean = true;
		char *f = s;
		u64 v;

		fields[i] = f;
		if (k >= 0 && (kind == K_INT || kind == K_U64 || kind == K_HEX)) {
			got = fast_number(&s, kind, &v);
			if (got < 0) {
				s = field_end(s, end, &clean);
				if (store(&quiet, 0, &cols[k], k, f, s - f, rec))
					goto slow;
			} else if (!got && cols[k].required) {
				goto slow;
			} else if (got && kind == K_INT) {
				*(int *)((char *)rec + cols[k].off) = (int)v;
				*have |= 1ull << k;
			} else if (got) {
				*(u64 *)((char *)rec + cols[k].off) = v;
				*have |= 1ull << k;
			}
		} else {
			s = field_end(s, end, &clean);
			if (k >= 0 && kind != K_STR) {
				if (store(&quiet, 0, &cols[k], k, f, s - f, rec))
					goto slow;
			} else if (k >= 0 && s - f == 1 && *f == '-') {
				if (cols[k].required)
					goto slow;
			} else if (k >= 0 && clean) {
				*(const char **)((char *)rec + cols[k].off) = f;
				*have |= 1ull << k;
			} else if (k >= 0) {
				escaped |= 1ull << i;
			}
		}
		if (s == f || *s != (i + 1 == ncols ? '\n' : ' '))
			goto slow;
		*s++ = '\0';
	}
	fields[ncols] = s;
	while (escaped) {
		char *f;
		int k;

		i = __builtin_ctzll(escaped);
		escaped &= escaped - 1;
		f = fields[i];
		k = hc[i].idx;
		if (store(&e, ps->line, &cols[k], k, f, fields[i + 1] - 1 - f, rec))
			return -1;
	}
	return 0;
slow:
	uncut(fields, i);
	return -1;
}

/* Room for one more record; -1 when out of memory. */
static int grow(struct fds_parser *ps)
{
	size_t recsize = kinds[ps->t->kind].recsize;
	size_t cap = ps->cap ? ps->cap * 2 : 1024;
	void *recs;

	recs = big_grow(ps->t->recs, cap * recsize);
	if (!recs)
		return -1;
	ps->t->recs = recs;
	ps->cap = cap;
	return 0;
}

/* The header line, without its newline, from @buf to @nl. */
static int parse_first_line(struct fds_parser *ps, char *buf, char *nl)
{
	struct perr e = { ps->err, ps->errlen, &ps->t->errline };
	int *map = NULL;
	size_t i;

	/* A header column named "path\r" would silently read as no path. */
	if (nl > buf && nl[-1] == '\r')
		return fail(&e, 1, "CRLF line ends (the file was converted; dos2unix restores it)");
	if (parse_header(&e, ps->t, buf, nl - buf, &map, &ps->ncols))
		return -1;
	ps->hcols = malloc((ps->ncols ? ps->ncols : 1) * sizeof(*ps->hcols));
	ps->fields = malloc((ps->ncols + 1) * sizeof(*ps->fields));
	if (!ps->hcols || !ps->fields) {
		free(map);
		return fail(&e, 0, "out of memory");
	}
	/* Columns not wanted are checked, then dropped (fds_parse_want()). */
	ps->drop = ps->want ? ps->t->cols & ~ps->want : 0;
	ps->t->cols &= ~ps->drop;
	for (i = 0; i < ps->ncols; i++) {
		ps->hcols[i].idx = (signed char)map[i];
		ps->hcols[i].kind = map[i] >= 0 ? kinds[ps->t->kind].cols[map[i]].kind : K_STR;
	}
	free(map);
	ps->line = 1;
	return 0;
}

void fds_parse_start(struct fds_parser *ps, struct fds_table *t, enum fds_kind kind,
		     char *err, size_t errlen)
{
	memset(ps, 0, sizeof(*ps));
	memset(t, 0, sizeof(*t));
	t->kind = kind;
	ps->t = t;
	ps->err = err;
	ps->errlen = errlen;
	if (errlen)
		err[0] = '\0';
}

/*
 * Keep only the columns in @want (bit per column index; 0: every one), as
 * if the header named no others: a saved file then reads as the module's
 * file does when asked for those fields only. The others are still
 * checked, so that a garbled file is an error whatever the view.
 */
void fds_parse_want(struct fds_parser *ps, u64 want)
{
	ps->want = want;
}

/* Forget the columns in ps->drop of @rec, as if its file had not had them. */
static void drop_columns(const struct fds_parser *ps, void *rec)
{
	const struct coldesc *cols = kinds[ps->t->kind].cols;
	u64 drop = ps->drop;

	while (drop) {
		int k = __builtin_ctzll(drop);
		char *field = (char *)rec + cols[k].off;

		drop &= drop - 1;
		switch (cols[k].kind) {
		case K_STR:
			*(const char **)field = NULL;
			break;
		case K_INT:
			*(int *)field = 0;
			break;
		case K_BOOL:
			*(signed char *)field = 0;
			break;
		default:
			*(u64 *)field = 0;
		}
	}
	*(u64 *)rec &= ~ps->drop;
}

int fds_parse_lines(struct fds_parser *ps, char *buf, size_t len)
{
	struct perr e = { ps->err, ps->errlen, &ps->t->errline };
	size_t recsize = kinds[ps->t->kind].recsize;
	char *p = buf, *end = buf + len, *nl;

	if (!len)
		return 0;
	ps->seen = true;
	if (!ps->line) {
		nl = memchr(p, '\n', len);
		if (parse_first_line(ps, p, nl))
			return -1;
		p = nl + 1;
	}
	while (p < end) {
		struct fds_table *t = ps->t;
		void *rec;

		if (t->nrecs == ps->cap && grow(ps))
			return fail(&e, 0, "out of memory");
		/* Zero already: big_grow() zeroes what the array gains. */
		rec = (char *)t->recs + t->nrecs * recsize;
		ps->line++;
		if (parse_line_fast(ps, p, end, rec)) {
			if (t->errline)
				return -1;
			nl = memchr(p, '\n', end - p);
			memset(rec, 0, recsize);
			if (parse_line_slow(ps, p, nl, rec))
				return -1;
		}
		if (ps->drop)
			drop_columns(ps, rec);
		p = ps->fields[ps->ncols];
		t->nrecs++;
	}
	return 0;
}

int fds_parse_end(struct fds_parser *ps, size_t rest)
{
	struct perr e = { ps->err, ps->errlen, &ps->t->errline };
	int rc = 0;

	if (!ps->line && !ps->seen && !rest)
		rc = fail(&e, 0, "empty file (no header line)");
	else if (!ps->line)
		rc = fail(&e, 1, "truncated header (no newline)");
	else if (rest)
		rc = fail(&e, ps->line + 1, "truncated line (no newline at end of file)");
	free(ps->hcols);
	free(ps->fields);
	ps->hcols = NULL;
	ps->fields = NULL;
	if (rc) {
		fds_table_free(ps->t);
		return -1;
	}
	ps->t->present = 1;
	return 0;
}

void fds_parse_abort(struct fds_parser *ps)
{
	free(ps->hcols);
	free(ps->fields);
	ps->hcols = NULL;
	ps->fields = NULL;
	fds_table_free(ps->t);
}

int fds_parse(struct fds_table *t, enum fds_kind kind, char *buf, size_t len,
	      char *err, size_t errlen)
{
	struct fds_parser ps;
	char *last = len ? memrchr(buf, '\n', len) : NULL;
	size_t whole = last ? (size_t)(last + 1 - buf) : 0;

	fds_parse_start(&ps, t, kind, err, errlen);
	if (fds_parse_lines(&ps, buf, whole)) {
		fds_parse_abort(&ps);
		return -1;
	}
	return fds_parse_end(&ps, len - whole);
}

void fds_table_free(struct fds_table *t)
{
	big_free(t->recs);
	t->recs = NULL;
	t->nrecs = 0;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fdscope: parser for the debugfs text format (docs/format.md, version 1).
 *
 * The parser works in place on one buffer holding a whole file: fields are
 * split and unescaped inside it, and string fields point into it. It uses
 * nothing but libc, so that the fuzz target can link it alone.
 */
#ifndef FDSCOPE_PARSE_H
#define FDSCOPE_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "compiler.h"

#define FDS_FORMAT_VERSION	1

enum fds_kind {
	FDS_FILES,
	FDS_SOCKETS,
	FDS_TASKS,
	FDS_LOCKS,
	FDS_EPOLL,
	FDS_HOLDERS,
	FDS_SOCKSTATS,		/* parsed as struct fds_sock, merged into sockets */
	FDS_DETAILS,
	FDS_NKINDS,
};

/*
 * Column indexes of each record type (at most 64). Bit (1 << index) in a
 * record's ->have is set when the column exists in the header and its field
 * is not "-".
 */
enum {
	FC_PID, FC_TID, FC_COMM, FC_FD, FC_TABLE, FC_CLOEXEC, FC_MODE,
	FC_FLAGS, FC_POS, FC_TYPE, FC_DEV, FC_INO, FC_FILEID, FC_REFS,
	FC_DELETED, FC_PATH, FC_EPOLLS, FC_START, FC_NCOLS,
};

enum {
	SC_PID, SC_TID, SC_COMM, SC_FD, SC_FILEID, SC_INO, SC_FAMILY,
	SC_TYPE, SC_PROTO, SC_STATE, SC_LOCAL, SC_REMOTE, SC_RXQ, SC_TXQ,
	SC_DROPS, SC_UID, SC_NETNS, SC_PEER, SC_INFLIGHT, SC_BACKLOG,
	SC_GROUPS, SC_RTT, SC_RTTVAR, SC_RTO, SC_CWND, SC_SSTHRESH, SC_UNACKED,
	SC_RETRANS, SC_TOTAL_RETRANS, SC_RCV_SPACE, SC_SND_WND, SC_RMEM,
	SC_RCVBUF, SC_WMEM, SC_SNDBUF, SC_FWD_ALLOC, SC_WMEM_QUEUED, SC_OPTMEM,
	SC_SK_BACKLOG, SC_COOKIE, SC_SHUTDOWN, SC_NCOLS,
};

enum {
	TC_PID, TC_TID, TC_COMM, TC_UID, TC_TABLE, TC_NFDS, TC_MAXFDS,
	TC_PIDNS, TC_NETNS, TC_START, TC_NCOLS,
};

enum {
	HC_PID, HC_TID, HC_COMM, HC_ASSOC, HC_FD, HC_VIA, HC_QUEUE, HC_SENDER,
	HC_SLOT, HC_MAP_START, HC_MAP_END, HC_MAP_OFFSET, HC_MAP_PROT, HC_STATUS,
	HC_COUNT, HC_TYPE, HC_DEV, HC_INO, HC_FILEID, HC_REFS, HC_DELETED, HC_PATH,
	HC_START, HC_NCOLS,
};

enum {
	LC_PID, LC_TID, LC_COMM, LC_FD, LC_FILEID, LC_CLASS, LC_TYPE,
	LC_LOCK_START, LC_LOCK_END, LC_LOCK_PID, LC_BLOCKING, LC_BREAKING,
	LC_STATUS, LC_COUNT, LC_DEV, LC_INO, LC_NCOLS,
};

enum {
	EC_PID, EC_TID, EC_COMM, EC_FD, EC_FILEID, EC_TFD, EC_EVENTS, EC_DATA,
	EC_TDEV, EC_TINO, EC_MATCH, EC_STATUS, EC_NCOLS,
};

enum {
	DC_PID, DC_TID, DC_COMM, DC_FD, DC_FILEID, DC_CLASS, DC_DETAILS, DC_START,
	DC_NCOLS,
};

/* lock_end "EOF": the lock reaches to the end of the file. */
#define FDS_LOCK_EOF	(~0ULL)

#define HAVE(rec, col)	(((rec)->have >> (col)) & 1)

struct fds_hold;

/*
 * One line of `files`. tid is 0 for the group leader's table. The model
 * appends the `holders` records as rows of this type too: for those, assoc
 * names the kind of holder and hold points to the record.
 */
struct fds_file {
	u64 have;
	int pid;
	int tid;
	int fd;
	signed char cloexec;
	signed char deleted;
	const char *comm;
	const char *mode;
	const char *flags;
	const char *type;
	const char *dev;
	const char *path;
	u64 table;
	u64 fileid;
	u64 pos;
	u64 ino;
	u64 refs;
	u64 epolls;
	u64 start;
	const char *assoc;
	const struct fds_hold *hold;
};

/* One line of `sockets`. */
struct fds_sock {
	u64 have;
	int pid;
	int tid;
	int fd;
	const char *comm;
	const char *family;
	const char *type;
	const char *proto;
	const char *state;
	const char *local;
	const char *remote;
	const char *backlog;
	const char *groups;
	const char *shutdown;	/* "<->", "-->", "<--", "---", as ss */
	u64 fileid;
	u64 ino;
	u64 rxq;
	u64 txq;
	u64 drops;
	u64 uid;
	u64 netns;
	u64 peer;
	u64 inflight;
	u64 rtt;		/* TCP: microseconds */
	u64 rttvar;
	u64 rto;
	u64 cwnd;		/* TCP: segments */
	u64 ssthresh;
	u64 unacked;
	u64 retrans;
	u64 total_retrans;
	u64 rcv_space;		/* TCP: bytes */
	u64 snd_wnd;
	u64 rmem;		/* every family: bytes, as ss -m */
	u64 rcvbuf;
	u64 wmem;
	u64 sndbuf;
	s64 fwd_alloc;		/* the only signed one */
	u64 wmem_queued;
	u64 optmem;
	u64 sk_backlog;
	u64 cookie;
};

/* One line of `tasks`. */
struct fds_task {
	u64 have;
	int pid;
	int tid;
	const char *comm;
	u64 uid;
	u64 table;
	u64 nfds;
	u64 maxfds;
	u64 pidns;
	u64 netns;
	u64 start;
};

/* One line of `holders`: a reference to a file that no fd table holds. */
struct fds_hold {
	u64 have;
	int pid;
	int tid;
	int fd;
	int sender;
	int slot;
	signed char deleted;
	const char *comm;
	const char *assoc;
	const char *queue;
	const char *map_start;
	const char *map_end;
	const char *map_offset;
	const char *map_prot;
	const char *status;
	const char *type;
	const char *dev;
	const char *path;
	u64 via;
	u64 count;
	u64 ino;
	u64 fileid;
	u64 refs;
	u64 start;
};

/* One line of `locks`: a lock held through the fd pid+tid+fd (tid 0: '-'). */
struct fds_lock {
	u64 have;
	int pid;
	int tid;
	int fd;
	int lock_pid;
	signed char blocking;
	signed char breaking;
	const char *comm;
	const char *class;
	const char *type;
	const char *status;
	const char *dev;
	u64 fileid;
	u64 lock_start;
	u64 lock_end;		/* FDS_LOCK_EOF for "EOF" */
	u64 count;
	u64 ino;
};

/* One line of `epoll`: a file the eventpoll at pid+tid+fd watches (tid 0: '-'). */
struct fds_epoll {
	u64 have;
	int pid;
	int tid;
	int fd;
	int tfd;
	signed char match;
	const char *comm;
	const char *tdev;
	const char *status;
	u64 fileid;
	u64 events;
	u64 data;
	u64 tino;
};

/*
 * One line of `details`: what the file at pid+tid+fd (tid 0: '-') is, as
 * comma-separated key=value pairs of its class (NULL: none).
 */
struct fds_detail {
	u32 have;
	int pid;
	int tid;
	int fd;
	const char *comm;
	const char *class;
	const char *details;
	u64 fileid;
	u64 start;
};

/* The records of one parsed file; recs is an array of the kind's struct. */
struct fds_table {
	enum fds_kind kind;
	int present;		/* the file was read */
	int version;
	size_t errline;		/* line of the parse error, 0 if none applies */
	u64 cols;		/* bit per known column present in the header */
	size_t nrecs;
	void *recs;
};

const char *fds_kind_name(enum fds_kind kind);
const char *fds_column_name(enum fds_kind kind, int col);

/*
 * Parse @len bytes of @buf (modified in place, must stay allocated while the
 * records are used) as file @kind. On error, returns -1, writes what is wrong
 * to @err and sets t->errline to the line concerned (0 if none applies).
 */
int fds_parse(struct fds_table *t, enum fds_kind kind, char *buf, size_t len,
	      char *err, size_t errlen);

struct fds_hcol;

/*
 * A parse fed as the file arrives: fds_parse_start(), then
 * fds_parse_lines() on each run of whole lines (each ends with a newline;
 * the buffer must stay allocated while the records are used), then
 * fds_parse_end() with the number of bytes left after the last newline
 * (non-zero: the file was cut short), or fds_parse_abort() to give up.
 * fds_parse_lines() and fds_parse_end() fail as fds_parse() does.
 */
struct fds_parser {
	struct fds_table *t;
	char *err;
	size_t errlen;
	size_t line;		/* lines read, the header included */
	size_t quiet_line;	/* where an unreported error was */
	size_t cap;		/* records room was made for */
	size_t ncols;		/* the header's columns */
	struct fds_hcol *hcols;
	char **fields;		/* where each field of the line starts */
	bool seen;		/* some bytes were given */
	u64 want;		/* the columns kept (bit per index); 0: all */
	u64 drop;		/* the header's columns not kept */
};

void fds_parse_start(struct fds_parser *ps, struct fds_table *t, enum fds_kind kind,
		     char *err, size_t errlen);
void fds_parse_want(struct fds_parser *ps, u64 want);
int fds_parse_lines(struct fds_parser *ps, char *buf, size_t len);
int fds_parse_end(struct fds_parser *ps, size_t rest);
void fds_parse_abort(struct fds_parser *ps);

void fds_table_free(struct fds_table *t);

/*
 * Decode the \ooo escapes of the @len bytes at @s in place and NUL-terminate
 * the result. A field that is just \000 is the empty string; a NUL byte
 * inside a longer field (an abstract unix name) becomes '@'. Returns the
 * decoded length, or -1 for a malformed escape or a raw control character.
 */
long fds_unescape(char *s, size_t len);

#endif /* FDSCOPE_PARSE_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope: row selection by -p, -u, -t, -i and -U (and -Q, see filter.c).
 *
 * -p, -u and -Q must all hold; -t, -i and -U select when any one of those
 * given holds, as lsof's selection options do.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "fdscope.h"

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return x < y ? -1 : x > y;
}

/* Call @fn for each comma-separated item of @list. */
static int each_item(const char *list, const char *what,
		     int (*fn)(struct selection *s, const char *item), struct selection *s)
{
	char *copy = xstrdup(list), *item, *save = NULL;
	int rc = 0;

	if (!*copy)
		rc = fds_err("empty %s list", what);
	for (item = strtok_r(copy, ",", &save); item && !rc; item = strtok_r(NULL, ",", &save))
		rc = fn(s, item);
	free(copy);
	return rc;
}

static int add_pid(struct selection *s, const char *item)
{
	char *end;
	long v = strtol(item, &end, 10);

	if (*item < '0' || *item > '9' || *end || v <= 0 || v > 0x7fffffff)
		return fds_err("invalid pid: %s", item);
	s->pids = xrealloc(s->pids, s->npids + 1, sizeof(*s->pids));
	s->pids[s->npids++] = (int)v;
	return 0;
}

int select_add_pids(struct selection *s, const char *list)
{
	return each_item(list, "pid", add_pid, s);
}

static int add_user(struct selection *s, const char *item)
{
	u64 uid;

	if (user_lookup(item, &uid))
		return fds_err("unknown user: %s", item);
	s->uids = xrealloc(s->uids, s->nuids + 1, sizeof(*s->uids));
	s->uids[s->nuids++] = uid;
	return 0;
}

int select_add_users(struct selection *s, const char *list)
{
	return each_item(list, "user", add_user, s);
}

static int add_type(struct selection *s, const char *item)
{
	s->types = xrealloc(s->types, s->ntypes + 1, sizeof(*s->types));
	s->types[s->ntypes++] = xstrdup(item);
	return 0;
}

int select_add_types(struct selection *s, const char *list)
{
	return each_item(list, "type", add_type, s);
}

static void add_addr(struct inet_spec *is, const struct in6_addr *a)
{
	is->addrs = xrealloc(is->addrs, is->naddrs + 1, sizeof(*is->addrs));
	is->addrs[is->naddrs++] = *a;
}

static void v4_mapped(struct in6_addr *a, const struct in_addr *v4)
{
	memset(a, 0, sizeof(*a));
	a->s6_addr[10] = 0xff;
	a->s6_addr[11] = 0xff;
	memcpy(&a->s6_addr[12], v4, 4);
}

/* An address literal, or every address a host name resolves to. */
static int add_host(struct inet_spec *is, const char *host, const char *spec)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
	struct in6_addr a;
	struct in_addr v4;

	if (inet_pton(AF_INET, host, &v4) == 1) {
		v4_mapped(&a, &v4);
		add_addr(is, &a);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &a) == 1) {
		add_addr(is, &a);
		return 0;
	}
	if (!*host || getaddrinfo(host, NULL, &hints, &res))
		return fds_err("-i %s: unknown host '%s'", spec, host);
	for (ai = res; ai; ai = ai->ai_next) {
		if (ai->ai_family == AF_INET) {
			v4_mapped(&a, &((struct sockaddr_in *)ai->ai_addr)->sin_addr);
			add_addr(is, &a);
		} else if (ai->ai_family == AF_INET6) {
			add_addr(is, &((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr);
		}
	}
	freeaddrinfo(res);
	return 0;
}

static int add_port(struct inet_spec *is, const char *port, const char *spec)
{
	struct servent *se;
	char *end;
	long v;

	if (*port >= '0' && *port <= '9') {
		v = strtol(port, &end, 10);
		if (*end || v > 65535)
			return fds_err("-i %s: invalid port '%s'", spec, port);
		is->port = (int)v;
		return 0;
	}
	se = *port ? getservbyname(port, is->proto[0] ? is->proto : NULL) : NULL;
	if (!se)
		return fds_err("-i %s: unknown service '%s'", spec, port);
	is->port = ntohs((unsigned short)se->s_port);
	return 0;
}

/* The module's inet protocol names (and its ipprotoN for the others). */
static bool known_proto(const char *p)
{
	static const char * const names[] = {
		"tcp", "udp", "udplite", "icmp", "icmpv6", "sctp", "mptcp", "raw", "dccp",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (!strcmp(p, names[i]))
			return true;
	}
	return !strncmp(p, "ipproto", 7) && p[7] && strspn(p + 7, "0123456789") == strlen(p + 7);
}

/*
 * -i[SPEC], -i4, -i6: SPEC is [4|6][PROTO][@HOST][:PORT], HOST an IPv4
 * address, a bracketed IPv6 address or a name, PORT a number or a service.
 */
int select_add_inet(struct selection *s, int family, const char *spec)
{
	struct inet_spec is = { .family = family, .port = -1 };
	const char *p = spec ? spec : "";
	char *host = NULL;
	size_t n, i;
	int rc = 0;

	if (*p == '4' || *p == '6')
		is.family = *p++ - '0';
	for (n = 0; isalnum((unsigned char)p[n]); n++)
		;
	if (n >= sizeof(is.proto))
		return fds_err("-i %s: unknown protocol", spec);
	for (i = 0; i < n; i++)
		is.proto[i] = (char)tolower((unsigned char)p[i]);
	if (n && !known_proto(is.proto))
		return fds_err("-i %s: unknown protocol '%s'", spec, is.proto);
	p += n;
	if (*p == '@') {
		const char *h = ++p, *e;

		if (*h == '[') {
			e = strchr(h, ']');
			if (!e)
				return fds_err("-i %s: missing ']'", spec);
			h++;
			p = e + 1;
		} else if (strchr(h, ':') && strchr(h, ':') != strrchr(h, ':')) {
			e = h + strlen(h);	/* a bare IPv6 address, no port */
			p = e;
		} else {
			e = h + strcspn(h, ":");
			p = e;
		}
		host = strndup(h, e - h);
		if (!host)
			return fds_err("out of memory");
		rc = add_host(&is, host, spec);
		free(host);
	}
	if (!rc && *p == ':')
		rc = add_port(&is, p + 1, spec);
	else if (!rc && *p)
		rc = fds_err("-i %s: expected [4|6][proto][@host][:port]", spec);
	if (rc) {
		free(is.addrs);
		return -1;
	}
	s->inet = xrealloc(s->inet, s->ninet + 1, sizeof(*s->inet));
	s->inet[s->ninet++] = is;
	return 0;
}

void select_done(struct selection *s)
{
	if (s->npids)
		qsort(s->pids, s->npids, sizeof(*s->pids), cmp_int);
}

bool select_has_fd_filters(const struct selection *s)
{
	return s->ntypes || s->ninet || s->unix_sockets;
}

unsigned int select_need(const struct selection *s)
{
	return (s->nuids ? NEED_TASKS : 0) | (select_has_fd_filters(s) ? NEED_SOCKS : 0);
}

bool select_pid(const struct selection *s, int pid)
{
	return !s->npids || bsearch(&pid, s->pids, s->npids, sizeof(*s->pids), cmp_int);
}

/* "a.b.c.d:port" or "[v6]:port"; an IPv4 address comes back v4-mapped. */
int parse_sockaddr(const char *s, struct in6_addr *addr, int *port)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *colon, *h = s, *e;
	struct in_addr v4;
	char *end;
	long v;

	if (!s)
		return -1;
	colon = strrchr(s, ':');
	if (!colon)
		return -1;
	e = colon;
	if (*s == '[') {
		h = s + 1;
		if (e == h || e[-1] != ']')
			return -1;
		e--;
	}
	if ((size_t)(e - h) >= sizeof(host))
		return -1;
	memcpy(host, h, e - h);
	host[e - h] = '\0';
	v = strtol(colon + 1, &end, 10);
	if (colon[1] < '0' || colon[1] > '9' || *end || v > 65535)
		return -1;
	*port = (int)v;
	if (*s != '[' && inet_pton(AF_INET, host, &v4) == 1) {
		v4_mapped(addr, &v4);
		return 0;
	}
	return *s == '[' && inet_pton(AF_INET6, host, addr) == 1 ? 0 : -1;
}

static bool addr_match(const struct inet_spec *is, const char *addr)
{
	struct in6_addr a;
	size_t i;
	int port;

	if (!is->naddrs && is->port < 0)
		return true;
	if (parse_sockaddr(addr, &a, &port))
		return false;
	if (is->port >= 0 && port != is->port)
		return false;
	for (i = 0; i < is->naddrs; i++) {
		if (!memcmp(&a, &is->addrs[i], sizeof(a)))
			return true;
	}
	return !is->naddrs;
}

static bool inet_match(const struct inet_spec *is, const struct fds_sock *so)
{
	bool v4 = so->family && !strcmp(so->family, "inet");
	bool v6 = so->family && !strcmp(so->family, "inet6");

	if (!(v4 || v6) || (is->family == 4 && !v4) || (is->family == 6 && !v6))
		return false;
	if (is->proto[0] && (!so->proto || strcasecmp(so->proto, is->proto)))
		return false;
	return addr_match(is, so->local) || addr_match(is, so->remote);
}

static bool type_match(const char *type, const struct fds_file *f, const struct fds_sock *so)
{
	const char *label;

	if (f->type && !strcasecmp(type, f->type))
		return true;
	if (!so)
		return false;
	label = model_sock_label(so);
	return (label && !strcasecmp(type, label)) ||
	       (so->family && !strcasecmp(type, so->family)) ||
	       (so->proto && !strcasecmp(type, so->proto));
}

static bool fd_filters_match(const struct selection *s, struct model *m, size_t row)
{
	const struct fds_sock *so = model_sock(m, row);
	size_t i;

	for (i = 0; i < s->ntypes; i++) {
		if (type_match(s->types[i], &m->files[row], so))
			return true;
	}
	if (!so)
		return false;
	if (s->unix_sockets && so->family && !strcmp(so->family, "unix"))
		return true;
	for (i = 0; i < s->ninet; i++) {
		if (inet_match(&s->inet[i], so))
			return true;
	}
	return false;
}

/* Does files row @row pass every selection option and -Q, shown or not (-l)? */
bool select_fd_row(const struct opts *o, struct model *m, size_t row, struct sbuf *b)
{
	const struct selection *s = &o->sel;
	const struct fds_file *f = &m->files[row];

	if (!select_pid(s, f->pid))
		return false;
	if (s->nuids) {
		const struct fds_task *t = model_task(m, f->pid, f->tid);
		size_t i;

		if (!t || !HAVE(t, TC_UID))
			return false;
		for (i = 0; i < s->nuids && s->uids[i] != t->uid; i++)
			;
		if (i == s->nuids)
			return false;
	}
	if (select_has_fd_filters(s) && !fd_filters_match(s, m, row))
		return false;
	return !o->filter || filter_match(o->filter, m, row, b);
}

/* Does files row @row pass every selection option and -Q, and is it shown? */
bool select_row(const struct opts *o, struct model *m, size_t row, struct sbuf *b)
{
	return model_visible(m, row) && select_fd_row(o, m, row, b);
}

/* Whether a row can be left out by more than its pid: -u, -t, -i, -U or -Q. */
bool select_beyond_pids(const struct opts *o)
{
	return o->sel.nuids || select_has_fd_filters(&o->sel) || o->filter;
}

/* A -t word fdscope knows whether or not any fd has it. */
static bool known_type(const char *t)
{
	static const char * const names[] = {
		"REG", "DIR", "CHR", "BLK", "FIFO", "SOCK", "LNK", "UNKN",
		"eventfd", "eventpoll", "timerfd", "signalfd", "inotify", "fanotify",
		"pidfd", "io_uring", "userfaultfd", "bpf-map", "bpf-prog", "bpf-link",
		"perf_event", "dmabuf", "sync_file", "memfd",
		"TCP", "UDP", "UDPLITE", "ICMP", "ICMPv6", "SCTP", "MPTCP", "RAW", "INET",
		"INET6", "UNIX", "UNIX-DGRAM", "UNIX-SEQPACKET", "NETLINK", "PACKET",
		"unix", "inet", "inet6", "netlink", "packet", "vsock",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (!strcasecmp(t, names[i]))
			return true;
	}
	return !strncasecmp(t, "NETLINK_", 8) || !strncasecmp(t, "ETH_P_", 6) ||
	       known_proto(t);
}

/*
 * -t with a word that is neither a type fdscope knows nor one any fd has
 * is a typo, not an empty selection.
 */
int select_check_types(const struct selection *s, const struct model *m)
{
	size_t i, row;

	for (i = 0; i < s->ntypes; i++) {
		if (known_type(s->types[i]))
			continue;
		for (row = 0; row < m->nrows; row++) {
			if (type_match(s->types[i], &m->files[row], model_sock(m, row)))
				break;
		}
		if (row == m->nrows)
			return fds_err("-t %s: unknown type (see TYPE in fdscope(1))",
				       s->types[i]);
	}
	return 0;
}

void select_free(struct selection *s)
{
	size_t i;

	for (i = 0; i < s->ntypes; i++)
		free(s->types[i]);
	for (i = 0; i < s->ninet; i++)
		free(s->inet[i].addrs);
	free(s->types);
	free(s->inet);
	free(s->pids);
	free(s->uids);
	memset(s, 0, sizeof(*s));
}

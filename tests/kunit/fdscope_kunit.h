/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the fdscope KUnit suites (helpers.c): reading the module's
 * walks through the kernel's own seq_file code, checking and splitting
 * what was read, and giving the test thread an fd table of its own.
 */
#ifndef _FDSCOPE_KUNIT_H
#define _FDSCOPE_KUNIT_H

#include <kunit/test.h>
#include <linux/types.h>

#include "../../module/fdscope.h"

/* The comm every table-owning test thread takes, and how records show it. */
#define FDSCOPE_KUNIT_COMM		"fdscope kunit"
#define FDSCOPE_KUNIT_COMM_ESCAPED	"fdscope\\040kunit"

/* A walk read to its end and split: rows[r][c] is field c of record r. */
struct fdscope_kunit_out {
	enum fdscope_kind kind;
	unsigned int ncols;
	unsigned int nrows;
	char **cols;
	char ***rows;
};

/* One open debugfs file of the module's, through its real file operations. */
struct fdscope_kunit_reader;

struct fdscope_kunit_reader *fdscope_kunit_open(struct kunit *test,
						enum fdscope_kind kind,
						const char *filter);
ssize_t fdscope_kunit_read(struct fdscope_kunit_reader *r, char *buf, size_t len);
ssize_t fdscope_kunit_pread(struct fdscope_kunit_reader *r, char *buf, size_t len,
			    loff_t pos);
ssize_t fdscope_kunit_write(struct fdscope_kunit_reader *r, const char *buf, size_t len);
void fdscope_kunit_rewind(struct fdscope_kunit_reader *r);
void fdscope_kunit_close(struct fdscope_kunit_reader *r);

char *fdscope_kunit_read_all(struct kunit *test, enum fdscope_kind kind,
			     const char *filter, size_t chunk);
bool fdscope_kunit_parse(struct kunit *test, enum fdscope_kind kind,
			 char *text, struct fdscope_kunit_out *out);
void fdscope_kunit_walk(struct kunit *test, enum fdscope_kind kind,
			const char *filter, size_t chunk,
			struct fdscope_kunit_out *out);
void fdscope_kunit_check_order(struct kunit *test,
			       const struct fdscope_kunit_out *out);

void fdscope_kunit_check_fields(struct kunit *test, enum fdscope_kind kind,
				const char *fields, const char *header);
unsigned int fdscope_kunit_col(struct kunit *test,
			       const struct fdscope_kunit_out *out,
			       const char *name);
const char *fdscope_kunit_field(struct kunit *test,
				const struct fdscope_kunit_out *out,
				unsigned int row, const char *col);
void fdscope_kunit_expect(struct kunit *test, const struct fdscope_kunit_out *out,
			  int row, const char *col, const char *want);
int fdscope_kunit_find(struct kunit *test, const struct fdscope_kunit_out *out,
		       const char *col, const char *value);
unsigned int fdscope_kunit_count(struct kunit *test,
				 const struct fdscope_kunit_out *out,
				 const char *col, const char *value);
int fdscope_kunit_find_fd(struct kunit *test,
			  const struct fdscope_kunit_out *out, int fd);
size_t fdscope_kunit_unescape(char *dst, const char *src);

__printf(2, 3)
char *fdscope_kunit_sprintf(struct kunit *test, const char *fmt, ...);
char *fdscope_kunit_id(struct kunit *test, const void *object);
char *fdscope_kunit_file_id(struct kunit *test, const struct file *file);
char *fdscope_kunit_own_filter(struct kunit *test);

/* A socket the test made, and where it is in the test's table. */
struct fdscope_kunit_sock {
	struct socket *sock;
	struct file *file;
	int fd;
};

void fdscope_kunit_socket(struct kunit *test, int family, int type, int proto,
			  struct fdscope_kunit_sock *s);
void fdscope_kunit_sock_install(struct kunit *test, struct fdscope_kunit_sock *s);
void fdscope_kunit_send_fds(struct kunit *test, struct socket *sock, const int *fds, int n);
int fdscope_kunit_send(struct socket *sock, const char *data, size_t len,
		       void *control, size_t controllen);

void fdscope_kunit_own_table(struct kunit *test);
int fdscope_kunit_install(struct kunit *test, struct file *file, bool cloexec);
int fdscope_kunit_watch_init(struct kunit *test);
void fdscope_kunit_watch_exit(struct kunit *test);
int fdscope_kunit_table_init(struct kunit *test);

#endif /* _FDSCOPE_KUNIT_H */

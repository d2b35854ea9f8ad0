// SPDX-License-Identifier: GPL-2.0
/*
 * fdscope: XMODE, lsfd's extended MODE: "rwxDLm", a letter or '-' each.
 *
 *   r w x	MODE's three letters (x only for an executable mapping)
 *   D		the file was deleted
 *   L l	a lock or lease is held through this fd: L if any is a write
 *		lock, l if all are read locks
 *   m		an eventpoll watches the open file description
 *
 * D, L/l and m read '-' when the dump lacks the column or file telling.
 */
#include <string.h>

#include "fdscope.h"

const char *xmode_text(struct model *m, size_t row, struct sbuf *b)
{
	const struct fds_file *f = &m->files[row];
	const char *mode = column_value(m, row, COL_MODE, b);
	char x[7] = "------";
	size_t n;

	if (!mode)
		return NULL;
	n = strnlen(mode, 3);
	memcpy(x, mode, n);
	if (HAVE(f, FC_DELETED) && f->deleted)
		x[3] = 'D';
	x[4] = locks_xmode(m, row);
	if (HAVE(f, FC_EPOLLS) && f->epolls)
		x[5] = 'm';
	sb_reset(b);
	sb_add(b, x);
	return b->s;
}

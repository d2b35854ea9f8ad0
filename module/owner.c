// SPDX-License-Identifier: GPL-2.0
/*
 * The leading fields of every record: pid, tid (or "-" for the group
 * leader) and comm. They are formatted once per owner rather than once per
 * fd, so a record's first three fields cost one seq_write().
 */
#include <linux/build_bug.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/time64.h>
#include <linux/types.h>
#include <linux/sched.h>
#include <linux/string.h>

#include "fdscope.h"

/* Two ten-digit numbers, two separators and a comm of 4-byte escapes. */
static_assert(FDSCOPE_OWNER_MAX >= 2 * 10 + 2 + 4 * TASK_COMM_LEN);

static void fdscope_format_owner(struct fdscope_text *text,
				 const struct fdscope_record *rec)
{
	char comm[TASK_COMM_LEN];
	int len;

	if (rec->leader)
		len = scnprintf(text->owner, sizeof(text->owner), "%u -", rec->tgid);
	else
		len = scnprintf(text->owner, sizeof(text->owner), "%u %u",
				rec->tgid, rec->tid);
	get_task_comm(comm, rec->task);
	text->owner[len++] = ' ';
	len += fdscope_escape(text->owner + len, comm, strlen(comm));
	text->owner_len = len;
	text->owner_serial = rec->owner_serial;
}

/*
 * When the owner started, in clock ticks since boot, as /proc/PID/stat's
 * field 22 shows it: with the pid, it names a process even across pid reuse.
 */
void fdscope_field_start(struct seq_file *m, const struct fdscope_record *rec)
{
	fdscope_field_ull(m, div_u64(rec->start_time, NSEC_PER_SEC / USER_HZ));
}

void fdscope_field_owner(struct seq_file *m, struct fdscope_reader *r)
{
	const struct fdscope_record *rec = &r->walk.rec;
	struct fdscope_text *text = &r->text;

	if (text->owner_serial != rec->owner_serial)
		fdscope_format_owner(text, rec);
	seq_write(m, text->owner, text->owner_len);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* top's batch mode: the screen's numbers as text, CSV or JSON lines. */
#ifndef HVSCOPE_TUI_BATCH_H
#define HVSCOPE_TUI_BATCH_H

#include <stdbool.h>

#include "core/buf.h"
#include "hv/hv.h"

/* BATCH_SNAPSHOT: not lines but one document, the samples as a bundle
 * records them (tui/top.c writes it through hv/). */
enum batch_fmt { BATCH_TEXT, BATCH_CSV, BATCH_JSON, BATCH_SNAPSHOT };

struct batch_opts {
	enum batch_fmt fmt;
	int sort;
	bool reverse;
	bool dom0_first; /* Domain-0 above the sort (xentop -z) */
	const char *filter; /* substring of the name, or NULL */
};

/* One sample: every (filtered) domain of cur, rates against prev. */
void top_batch_write(const struct hv_snapshot *prev, const struct hv_snapshot *cur, int sample_no, const struct batch_opts *o,
		     bool first, struct buf *out);

#endif

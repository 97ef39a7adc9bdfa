/* SPDX-License-Identifier: GPL-2.0-or-later */
/* top's physical-CPU view (the 1 key, --pcpu in batch mode): each host
 * CPU's use over the interval and the vCPUs that run on it. */
#ifndef HVSCOPE_TUI_PCPU_H
#define HVSCOPE_TUI_PCPU_H

#include <stdbool.h>

#include "core/buf.h"
#include "core/util.h"
#include "hv/hv.h"

/* One host CPU as a row of the view. */
struct pcpu_row {
	size_t cpu;
	bool known;   /* the source counts its time (else only vCPUs name it) */
	bool online;  /* known and answered in this sample */
	struct hv_pcpu_rate r;
	struct strv vcpus; /* "domain:vcpu" of the online vCPUs that last ran on it */
};

/* A row per CPU the source counts or a vCPU names; rates against prev
 * (NULL: none yet). */
struct pcpu_row *top_pcpu_rows(const struct hv_snapshot *prev, const struct hv_snapshot *cur, size_t *n);
void top_pcpu_rows_free(struct pcpu_row *rows, size_t n);
/* The column header and a row as text; bar_width 0 for no bar. */
void top_pcpu_header(int bar_width, struct buf *out);
void top_pcpu_line(const struct pcpu_row *r, int bar_width, struct buf *out);
/* One sample of the view in batch mode: fmt is enum batch_fmt. */
void top_pcpu_batch(const struct hv_snapshot *prev, const struct hv_snapshot *cur, int sample_no, int fmt, bool first, struct buf *out);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The exposition-format writer for hv/ snapshots: Prometheus text 0.0.4,
 * or OpenMetrics 1.0.0 for scrapers that ask for it. */
#ifndef HVSCOPE_EXPORTER_METRICS_H
#define HVSCOPE_EXPORTER_METRICS_H

#include "core/buf.h"
#include "exporter/series.h"
#include "hv/hv.h"

/* Host and per-domain families of one snapshot (nothing when !snap->up),
 * a family at a time, for a response sent while it is written: a scrape
 * then holds one family, not the whole text.  snap must outlive the
 * writer. */
struct metrics_writer {
	struct series_ctx c;
	size_t next; /* the family to write next */
};
void metrics_writer_init(struct metrics_writer *w, const struct hv_snapshot *snap, bool om);
/* Appends the next family (or group of small ones) to out; false when
 * none is left. */
bool metrics_writer_next(struct metrics_writer *w, struct buf *out);
void metrics_writer_free(struct metrics_writer *w);

#endif

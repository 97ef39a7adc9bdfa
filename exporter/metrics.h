/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The exposition-format writer (Prometheus text 0.0.4) for hv/ snapshots. */
#ifndef HVSCOPE_EXPORTER_METRICS_H
#define HVSCOPE_EXPORTER_METRICS_H

#include "core/buf.h"
#include "hv/hv.h"

/* Host and per-domain families of one snapshot (nothing when !snap->up). */
void metrics_write_snapshot(const struct hv_snapshot *snap, struct buf *out);

#endif

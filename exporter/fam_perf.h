/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The perf collector's families: the events libvirt enabled per domain,
 * their counts, cache occupancy and memory bandwidth. */
#ifndef HVSCOPE_EXPORTER_FAM_PERF_H
#define HVSCOPE_EXPORTER_FAM_PERF_H

#include "core/buf.h"
#include "exporter/series.h"

void families_perf(const struct series_ctx *c, struct buf *o);

#endif

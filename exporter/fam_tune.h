/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The families of the tuning collectors: each disk's I/O limits
 * (iotune), and the host's free memory per NUMA node with each domain's
 * memory placement (numa). */
#ifndef HVSCOPE_EXPORTER_FAM_TUNE_H
#define HVSCOPE_EXPORTER_FAM_TUNE_H

#include "core/buf.h"
#include "exporter/series.h"

/* Each block device's I/O limits, labelled device and direction. */
void families_iotune(const struct series_ctx *c, struct buf *o);
/* Free memory per NUMA node; each domain's numatune mode and nodeset. */
void families_numa(const struct series_ctx *c, struct buf *o);
/* Each IOThread: its affinity (info), its polling. */
void families_iothread(const struct series_ctx *c, struct buf *o);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The writers of the families each collector adds (exporter/collectors.c
 * says which is whose), and of how each part of the sample went. */
#ifndef HVSCOPE_EXPORTER_FAMILIES_H
#define HVSCOPE_EXPORTER_FAMILIES_H

#include "core/buf.h"
#include "exporter/series.h"

/* vCPU wait and delay (steal) time, and the host CPU each vCPU ran on. */
void families_vcpu(const struct series_ctx *c, struct buf *o);
/* The guest's balloon statistics. */
void families_balloon(const struct series_ctx *c, struct buf *o);
/* What the configuration says: domain, OpenStack, metadata, interface
 * and block device info series. */
void families_info(const struct series_ctx *c, struct buf *o);
/* Background jobs and their progress. */
void families_jobs(const struct series_ctx *c, struct buf *o);
/* Storage pools. */
void families_pools(const struct series_ctx *c, struct buf *o);
/* Each part of the sample's success and duration, by node_exporter's
 * names. */
void families_parts(const struct series_ctx *c, struct buf *o);

#endif

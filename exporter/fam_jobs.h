/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The jobs collector's details of a running migration or save: transfer
 * rates, dirty pages, iterations, post-copy, downtime, compression; and
 * the dirtyrate collector's measured dirty rate, which says how hard a
 * guest will be to migrate. */
#ifndef HVSCOPE_EXPORTER_FAM_JOBS_H
#define HVSCOPE_EXPORTER_FAM_JOBS_H

#include "core/buf.h"
#include "exporter/series.h"

/* A family per detail some running job has, its series for those jobs. */
void families_job_details(const struct series_ctx *c, struct buf *o);
/* Each guest's last measured memory dirty rate and when it was measured. */
void families_dirtyrate(const struct series_ctx *c, struct buf *o);

#endif

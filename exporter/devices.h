/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The per-device families, interfaces' and block devices', as one table
 * of rows written by one writer. */
#ifndef HVSCOPE_EXPORTER_DEVICES_H
#define HVSCOPE_EXPORTER_DEVICES_H

#include <stddef.h>

#include "core/buf.h"
#include "exporter/series.h"

/* How many per-device families there are. */
size_t devices_families(void);
/* Per-device family idx (from 0, below devices_families()): nothing when
 * it is one that is left out without its figures and no device has them. */
void devices_write(const struct series_ctx *c, size_t idx, struct buf *o);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the resources probe (probe/resources.c) asks its sosreport reader
 * (probe/resources_sos.c). */
#ifndef HVSCOPE_PROBE_RESOURCES_SOS_H
#define HVSCOPE_PROBE_RESOURCES_SOS_H

#include "probe/ctx.h"

/* disk.free_mib.PATH (name) from sos's df output: the free space of the
 * file system mounted nearest above path. */
void sos_disk_free(struct probe_ctx *ctx, const char *name, const char *path);
/* net.bridges from sos's brctl show, else its ip -d link output. */
void sos_bridges(struct probe_ctx *ctx);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Services in an image: a root file system that is not running. */
#ifndef HVSCOPE_PROBE_SERVICES_IMAGE_H
#define HVSCOPE_PROBE_SERVICES_IMAGE_H

#include "probe/ctx.h"
#include "probe/svc.h"

/* 1 when the image's /sbin/init is systemd, else 0, with the evidence. */
int image_systemd_runs(struct probe_ctx *ctx, struct buf *ev);
/* Enablement from the root's unit files and their symlinks;
 * enabled_known stays false when no unit file is there. */
void image_systemd_state(struct probe_ctx *ctx, const char *name, struct svc_state *st);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Xen's guest configs: xm and xl files, xend-managed config.sxp. */
#ifndef HVSCOPE_PROBE_GUEST_XEN_H
#define HVSCOPE_PROBE_GUEST_XEN_H

#include "probe/ctx.h"
#include "probe/guest.h"

/* /etc/xen/NAME (xm or xl syntax): 1 and *g filled when the file is a
 * guest, 0 when it is not (recorded in skipped or scripts), never fails. */
int guest_read_xen(struct probe_ctx *ctx, struct guests *gs, const char *path, struct guest *g);
/* /var/lib/xend/domains/UUID/config.sxp: what "xm new" made xend manage. */
int guest_read_xend(struct probe_ctx *ctx, struct guests *gs, const char *path, struct guest *g);

#endif

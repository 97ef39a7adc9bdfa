/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libvirt's domain XML as a guest. */
#ifndef HVSCOPE_PROBE_GUEST_XML_H
#define HVSCOPE_PROBE_GUEST_XML_H

#include "probe/ctx.h"
#include "probe/guest.h"

/* A libvirt domain XML file. */
int guest_read_libvirt(struct probe_ctx *ctx, struct guests *gs, const char *path, struct guest *g);

#endif

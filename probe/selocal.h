/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SELinux's local file-context rules (probe/selinux.c's
 * selinux.fcontext.local); in the module probe-semanage.so. */
#ifndef HVSCOPE_PROBE_SELOCAL_H
#define HVSCOPE_PROBE_SELOCAL_H

#include "probe/ctx.h"

/* Sets the fact selinux.fcontext.local: each local rule as "EXPR TYPE". */
void selinux_fcontext_local(struct probe_ctx *ctx);

#endif

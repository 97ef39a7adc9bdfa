/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Asking a context for a fact: recorded, read from a bundle's copies of
 * the host's files, or found by running the probe that owns its name. */
#ifndef HVSCOPE_PROBE_ASK_H
#define HVSCOPE_PROBE_ASK_H

#include "probe/ctx.h"

/* The fact, running its probe if needed; never NULL. */
const struct fact *probe_fact(struct probe_ctx *ctx, const char *name);
/* The probe of probes (NULL-terminated) owning name, or NULL. */
const struct probe *probe_in(const struct probe *const *probes, const char *name);

#endif

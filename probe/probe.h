/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The table of probes: what the layers above probe/ make contexts with
 * and ask facts of. */
#ifndef HVSCOPE_PROBE_PROBE_H
#define HVSCOPE_PROBE_PROBE_H

#include "probe/ask.h"
#include "probe/ctx.h"
#include "probe/offline.h"

extern const struct probe *const probe_table[];

/* A context for root ("/" or NULL: the live host) answered by every probe. */
void probe_ctx_init(struct probe_ctx *ctx, const char *root);
/* A context checking a host from what it left (kind: OFFLINE_BUNDLE or
 * OFFLINE_SOS): recorded (a bundle's facts.json, taken and left empty;
 * NULL: none), files, the directory holding the copies of the host's
 * files, and a raw CPUID dump (NULL: none). */
void probe_ctx_init_offline(struct probe_ctx *ctx, unsigned kind, struct facts *recorded, const char *files, const char *cpuid_dump);
/* The probe owning name, or NULL when no probe can answer it. */
const struct probe *probe_for(const char *name);

/* Probe entry points, one file each. */
extern const struct probe probe_cpu;
extern const struct probe probe_hypervisor;
extern const struct probe probe_kvm;
extern const struct probe probe_host;
extern const struct probe probe_packages;
extern const struct probe probe_services;
extern const struct probe probe_selinux;
extern const struct probe probe_resources;
extern const struct probe probe_guests;
extern const struct probe probe_path;
extern const struct probe probe_msr;
extern const struct probe probe_svirt;
extern const struct probe probe_cpusec;
extern const struct probe probe_mm;
extern const struct probe probe_pinning;
extern const struct probe probe_nested;
extern const struct probe probe_versions;
extern const struct probe probe_secure;

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The probe registry.  Each probe owns a family of fact names (patterns,
 * '*' matching any rest) and fills the fact store when one of them is asked
 * for; probes run lazily, so a check of three rules runs only the probes
 * those rules read. */
#ifndef HVSCOPE_PROBE_PROBE_H
#define HVSCOPE_PROBE_PROBE_H

#include <stdbool.h>

#include "probe/fact.h"

struct probe_ctx {
	const char *root; /* "/" for the live host */
	bool is_root;     /* running with euid 0 */
	struct facts facts;
	/* Checking a host from what it left (probe_ctx_init_offline): an
	 * hvscope bundle, whose facts.json is in facts from the start, or an
	 * sosreport, which records no facts.  A fact not there is asked of
	 * files, a context reading the copies of the host's files, when the
	 * table of sources (probe/offline.h) says such copies answer it; what
	 * they cannot tell is UNKNOWN ("not in the bundle"), never a failure
	 * of the host's.  offline: 0 (a host or --root), OFFLINE_BUNDLE or
	 * OFFLINE_SOS. */
	unsigned offline;
	struct probe_ctx *files;
	/* root is an sosreport's top: the outputs of the commands sos ran
	 * (sos_commands/) stand for the commands and /proc (files, under
	 * OFFLINE_SOS). */
	bool sos;
	/* probe/offline.c's answer to "is root an image": -1 not yet asked */
	int image;
	/* A raw CPUID dump (libcpuid's text form) the CPU probe reads in
	 * place of the live CPU's: a bundle's check/cpuid.raw.  NULL: none. */
	const char *cpuid_dump;
	struct strv done; /* probe keys already run (whole probes or names) */
	void *state[16];  /* per-probe private state, freed by its cleanup */
};

struct probe {
	const char *name;
	const char *summary;
	const char *const *patterns;
	/* Fill ctx->facts with the fact name (and whatever else is cheap to
	 * fill at the same time).  Never fails: a source that cannot be read
	 * becomes a fact with a non-OK status. */
	void (*resolve)(struct probe_ctx *ctx, const char *name);
	void (*cleanup)(struct probe_ctx *ctx);
};
enum { OFFLINE_BUNDLE = 1, OFFLINE_SOS = 2 };

extern const struct probe *const probe_table[];

void probe_ctx_init(struct probe_ctx *ctx, const char *root);
/* A context checking a host from what it left (kind: OFFLINE_BUNDLE or
 * OFFLINE_SOS): recorded (a bundle's facts.json, taken and left empty;
 * NULL: none), files, the directory holding the copies of the host's
 * files, and a raw CPUID dump (NULL: none). */
void probe_ctx_init_offline(struct probe_ctx *ctx, unsigned kind, struct facts *recorded, const char *files, const char *cpuid_dump);
void probe_ctx_free(struct probe_ctx *ctx);
/* The fact, running its probe if needed; never NULL. */
const struct fact *probe_fact(struct probe_ctx *ctx, const char *name);
/* The probe owning name, or NULL when no probe can answer it. */
const struct probe *probe_for(const char *name);
/* An image: a root file system that is not running (not live, not an
 * sosreport, and its /proc holds nothing, where a fixture or a copied
 * host has files).  Its facts come from its configuration. */
bool probe_is_image(struct probe_ctx *ctx);
/* Run a whole probe at most once; true the first time (the caller fills). */
bool probe_once(struct probe_ctx *ctx, const char *key);

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

/* Private-state slots of ctx->state. */
enum { PROBE_STATE_PACKAGES, PROBE_STATE_SELINUX, PROBE_STATE_GUESTS, PROBE_STATE_PROCS, PROBE_STATE_CPU };

#endif

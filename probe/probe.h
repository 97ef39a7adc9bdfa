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
	/* Replaying a support bundle (probe_ctx_init_bundle): facts holds
	 * every fact recorded when the bundle was made; a fact it lacks is
	 * asked of files, a context reading the bundle's copies of the
	 * host's files, and what they cannot tell is UNKNOWN ("not in the
	 * bundle"), never a failure of the host's. */
	struct probe_ctx *files;
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
	/* Every source it reads is a file hvscope bundle collects, so a
	 * bundle's copies answer it as the host would have (others read
	 * databases, devices, labels or files a bundle does not hold). */
	bool bundle_files;
};

extern const struct probe *const probe_table[];

void probe_ctx_init(struct probe_ctx *ctx, const char *root);
/* A context replaying a bundle: recorded (the bundle's facts.json; taken,
 * left empty), files, the directory holding its copies of the host's
 * files, and its raw CPUID dump (NULL: none). */
void probe_ctx_init_bundle(struct probe_ctx *ctx, struct facts *recorded, const char *files, const char *cpuid_dump);
void probe_ctx_free(struct probe_ctx *ctx);
/* The fact, running its probe if needed; never NULL. */
const struct fact *probe_fact(struct probe_ctx *ctx, const char *name);
/* The probe owning name, or NULL when no probe can answer it. */
const struct probe *probe_for(const char *name);
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

/* Private-state slots of ctx->state. */
enum { PROBE_STATE_PACKAGES, PROBE_STATE_SELINUX, PROBE_STATE_GUESTS, PROBE_STATE_PROCS, PROBE_STATE_CPU };

#endif

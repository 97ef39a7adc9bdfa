/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A probe context: the facts of one host (live, an image under --root, or
 * what a bundle or sosreport left), the probes that may be asked for more,
 * and each probe's private state.  Every probe and the readers below the
 * probes take one; probe/probe.c makes it with the table of probes. */
#ifndef HVSCOPE_PROBE_CTX_H
#define HVSCOPE_PROBE_CTX_H

#include <stdbool.h>
#include <stddef.h>

#include "probe/fact.h"

struct probe_ctx;

/* A probe owns a family of fact names (patterns, '*' matching any rest)
 * and fills the fact store when one of them is asked for; probes run
 * lazily, so a check of three rules runs only the probes those rules
 * read. */
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

/* Private-state slots of ctx->state (probe_state). */
enum { PROBE_STATE_PACKAGES, PROBE_STATE_SELINUX, PROBE_STATE_GUESTS, PROBE_STATE_PROCS, PROBE_STATE_CPU, PROBE_STATE_SLOTS };

struct probe_ctx {
	const char *root; /* "/" for the live host */
	bool is_root;     /* running with euid 0 */
	struct facts facts;
	/* The probes that answer facts not in facts yet (NULL-terminated). */
	const struct probe *const *probes;
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
	void *state[PROBE_STATE_SLOTS];
};

/* A context for root ("/" or NULL: the live host) answered by probes. */
void probe_ctx_setup(struct probe_ctx *ctx, const char *root, const struct probe *const *probes);
/* Its facts, state (each probe's cleanup) and files context freed. */
void probe_ctx_free(struct probe_ctx *ctx);
/* Run a whole probe at most once; true the first time (the caller fills). */
bool probe_once(struct probe_ctx *ctx, const char *key);
/* A probe's private state in slot: size zeroed bytes made on the first
 * call, *fresh saying so (the caller fills them then). */
void *probe_state(struct probe_ctx *ctx, unsigned slot, size_t size, bool *fresh);
/* The state in slot, which the caller frees, and the slot emptied; NULL
 * when none was made. */
void *probe_state_take(struct probe_ctx *ctx, unsigned slot);

#endif

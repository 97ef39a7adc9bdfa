/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The readiness check as check, the exporter and the bundle run it. */
#ifndef HVSCOPE_RULES_CHECK_H
#define HVSCOPE_RULES_CHECK_H

#include "core/err.h"
#include "core/util.h"
#include "probe/probe.h"
#include "rules/engine.h"
#include "rules/ruleset.h"

/* Load the rules into set: built-in, /etc/hvscope/rules.d, then dirs
 * (NULL: none). */
int check_load(const struct strv *dirs, struct ruleset *set, struct err *e);
/* Pick the profile ("auto" or NULL: from the host's facts) and run it, or
 * the rules of only (NULL: all), on ctx into rep.  The results point into
 * set: free rep before set.  -ENOENT for an unknown profile or rule, said
 * in e. */
int check_run(struct probe_ctx *ctx, struct ruleset *set, const char *profile, const struct strv *only, struct report *rep,
	      struct err *e);
/* Every fact each profile of set reads (and SELinux's mode and policy),
 * asked of ctx: what check --bundle needs to run any profile again. */
void check_record_facts(struct probe_ctx *ctx, struct ruleset *set);
/* check_record_facts, then every fact ctx holds as a bundle's
 * check/facts.json holds them (probe/fact_load.c reads them back). */
void check_facts_json(struct probe_ctx *ctx, struct ruleset *set, struct buf *out);
/* check_load and check_run on a probe context of root's own. */
int check_report(const char *profile, const struct strv *dirs, const char *root, struct ruleset *set, struct report *rep,
		 struct err *e);

#endif

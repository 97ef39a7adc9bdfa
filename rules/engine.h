/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The engine: asks the probes for the facts a profile's rules read and
 * turns them into verdicts with what was seen and the remedy. */
#ifndef HVSCOPE_RULES_ENGINE_H
#define HVSCOPE_RULES_ENGINE_H

#include "probe/probe.h"
#include "rules/ruleset.h"

enum verdict { V_PASS, V_WARN, V_FAIL, V_SKIP, V_ERROR, V__COUNT };

struct result {
	const struct rule *rule;
	char *id;    /* rule id, or "id[item]" for for_each rules */
	char *title; /* with the item */
	char *item;
	enum verdict verdict;
	char *fact;     /* the fact read */
	char *seen;     /* its value as text */
	char *evidence; /* where it came from */
	char *expected; /* "== true" */
	char *remedy;   /* with the item; NULL on pass */
	char *reason;   /* for skip and error */
};

struct report {
	char *profile, *profile_title, *profile_reason, *root, *host;
	struct result *v;
	size_t n;
	size_t count[V__COUNT];
	double started;  /* unix time */
	double duration; /* seconds */
	bool is_root;
};

/* Evaluate every rule of prof (only those in only, when given). */
void engine_run(struct probe_ctx *ctx, const struct profile *prof, const struct strv *only, struct report *out);
/* Whether a fact satisfies an expectation; -1 when they cannot be compared
 * (why in *why). */
int engine_test(struct probe_ctx *ctx, const struct fact *f, const struct expect *x, char **why);
void report_free(struct report *r);
const char *verdict_name(enum verdict v);
/* 0 all pass/skip, 1 warnings, 2 failures, 3 errors (could not run). */
int report_exit_code(const struct report *r);

#endif

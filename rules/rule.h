/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One rule of the declarative checklist (rules/profiles, one YAML file
 * each; a file's profiles are rules/ruleset.h's).  See hvscope-rules(5)
 * in README.md for the format. */
#ifndef HVSCOPE_RULES_RULE_H
#define HVSCOPE_RULES_RULE_H

#include <stdbool.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/util.h"
#include "core/yaml.h"
#include "rules/expect.h"

enum severity { SEV_FAIL, SEV_WARN };

struct cond {
	char *fact;
	struct expect expect;
};

/* One remedy of a list: the first whose conditions hold is given. */
struct remedy_alt {
	struct cond *when;
	size_t nwhen;
	char *text;
};

struct rule {
	char *id, *title, *description, *reference;
	enum severity sev;
	char *fact; /* may hold "{}", replaced by each item of for_each */
	struct expect expect;
	/* A value the expectation misses but a guest can live with: WARN,
	 * with warn_remedy, whatever the severity (has_warn_if). */
	struct expect warn_if;
	bool has_warn_if;
	char *warn_remedy;
	struct cond *when;
	size_t nwhen;
	struct strv for_each;
	char *for_each_fact;
	char *remedy;       /* may hold "{}" */
	char *remedy_rpm;   /* per package system, when they differ */
	char *remedy_dpkg;
	struct remedy_alt *alts; /* remedy as a list; the last has no conditions */
	size_t nalts;
	char *file;
	int line;
};

/* One rule from node n of file; on error *r holds what was parsed so far
 * (rule_free it). */
int rule_parse(const char *file, const struct ynode *n, struct rule *r, struct err *e);
/* A rule for a second profile: every part its own. */
void rule_copy(struct rule *dst, const struct rule *src);
void rule_free(struct rule *r);

/* The names of the facts a remedy's "{fact:NAME}" stand for, in order. */
void remedy_fact_refs(const char *text, struct strv *out);
/* "{}" in tmpl replaced by item; caller frees. */
char *rule_subst(const char *tmpl, const char *item);
const char *severity_name(enum severity s);

#endif

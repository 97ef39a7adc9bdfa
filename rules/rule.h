/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Rules and profiles: the declarative checklist (rules/profiles, one YAML file each).
 * See hvscope-rules(5) in README.md for the format. */
#ifndef HVSCOPE_RULES_RULE_H
#define HVSCOPE_RULES_RULE_H

#include <regex.h>
#include <stdbool.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/util.h"

enum severity { SEV_FAIL, SEV_WARN };

enum op {
	OP_EQUALS, OP_NOT_EQUALS, OP_CONTAINS, OP_NOT_CONTAINS, OP_MATCHES, OP_AT_LEAST, OP_AT_MOST,
	OP_ONE_OF, OP_EMPTY, OP_NOT_EMPTY, OP_VERSION_AT_LEAST, OP_ALL_MATCH,
};

enum lit_type { LIT_BOOL, LIT_INT, LIT_STR, LIT_LIST };

struct expect {
	enum op op;
	enum lit_type type;
	bool b;
	long long i;
	char *s;
	struct strv list;
	char *fact_ref; /* at_least/at_most/equals another fact: "fact:NAME" */
	regex_t re;
	char *re_src; /* the pattern re was compiled from (a copy compiles it again) */
	bool has_re;
};

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

struct profile {
	char *name, *title, *description, *file;
	struct rule *rules;
	size_t n;
};

struct ruleset {
	struct profile *v;
	size_t n;
	struct strv files; /* every file loaded, in order */
};

/* Load one rule file's text; a profile already in set with the same name
 * is extended (a rule with the same id replaces the earlier one). */
int ruleset_load_text(struct ruleset *set, const char *file, const char *text, size_t len, struct err *e);
/* Load every *.yaml of a directory in name order.  A missing directory is
 * fine when optional. */
int ruleset_load_dir(struct ruleset *set, const char *dir, bool optional, struct err *e);
struct profile *ruleset_find(struct ruleset *set, const char *name);
void ruleset_free(struct ruleset *set);

/* Text of an expectation: "== true", ">= 256", "matches ^00:16:3e:". */
void expect_describe(const struct expect *x, struct buf *out);
/* The names of the facts a remedy's "{fact:NAME}" stand for, in order. */
void remedy_fact_refs(const char *text, struct strv *out);
/* "{}" in tmpl replaced by item; caller frees. */
char *rule_subst(const char *tmpl, const char *item);
const char *severity_name(enum severity s);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The profiles of the rule files loaded: each file's rules merged into
 * the profiles it names. */
#ifndef HVSCOPE_RULES_RULESET_H
#define HVSCOPE_RULES_RULESET_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"
#include "core/util.h"
#include "rules/rule.h"

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

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HVSCOPE_RULES_CMD_CHECK_H
#define HVSCOPE_RULES_CMD_CHECK_H

#include <stdio.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/util.h"
#include "rules/engine.h"
#include "rules/rule.h"

int cmd_check(int argc, char **argv);
/* Load the rules into set (built-in, /etc/hvscope/rules.d, then dirs), pick
 * the profile ("auto" as check does) and run it on root into rep.  The
 * results point into set: free rep before set. */
int check_report(const char *profile, const struct strv *dirs, const char *root, struct ruleset *set, struct report *rep,
		 struct err *e);
/* The same, then asks for more_facts too and writes every fact gathered
 * (facts_json may be NULL). */
int check_report_facts(const char *profile, const struct strv *dirs, const char *root, struct ruleset *set,
		       struct report *rep, const struct strv *more_facts, struct buf *facts_json, struct err *e);
void cmd_check_usage(FILE *f);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A rule's expectation of a fact: an operator and its operand (a literal
 * or another fact), as a rule file writes it. */
#ifndef HVSCOPE_RULES_EXPECT_H
#define HVSCOPE_RULES_EXPECT_H

#include <regex.h>
#include <stdbool.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/util.h"
#include "core/yaml.h"

enum op {
	OP_EQUALS, OP_NOT_EQUALS, OP_CONTAINS, OP_NOT_CONTAINS, OP_MATCHES, OP_AT_LEAST, OP_AT_MOST,
	OP_ONE_OF, OP_EMPTY, OP_NOT_EMPTY, OP_VERSION_AT_LEAST, OP_ALL_MATCH,
	OP_NOT_MATCHES,
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

/* expect: true | 42 | "text" | {op: operand}, from node n of file. */
int expect_parse(const char *file, const struct ynode *n, struct expect *x, struct err *e);
/* dst: src with every part its own. */
void expect_copy(struct expect *dst, const struct expect *src);
void expect_free(struct expect *x);
/* Text of an expectation: "== true", ">= 256", "matches ^00:16:3e:". */
void expect_describe(const struct expect *x, struct buf *out);

#endif

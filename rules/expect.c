/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A rule's expectation: parsed from a rule file (operator, literal or
 * fact:NAME, a regular expression compiled once), copied, freed and
 * described for reports. */
#include "rules/expect.h"

#include <errno.h>
#include <string.h>

#include "probe/probe.h"
#include "rules/field.h"

static const struct {
	const char *name;
	enum op op;
} ops[] = {
	{ "equals", OP_EQUALS },     { "not_equals", OP_NOT_EQUALS }, { "contains", OP_CONTAINS },
	{ "not_contains", OP_NOT_CONTAINS }, { "matches", OP_MATCHES }, { "at_least", OP_AT_LEAST },
	{ "at_most", OP_AT_MOST },   { "one_of", OP_ONE_OF },         { "empty", OP_EMPTY },
	{ "not_empty", OP_NOT_EMPTY }, { "version_at_least", OP_VERSION_AT_LEAST }, { "all_match", OP_ALL_MATCH },
	{ "not_matches", OP_NOT_MATCHES },
};

static bool plain_bool(const struct ynode *n, bool *v)
{
	if (!n->plain)
		return false;
	if (!strcmp(n->s, "true") || !strcmp(n->s, "yes") || !strcmp(n->s, "True")) {
		*v = true;
		return true;
	}
	if (!strcmp(n->s, "false") || !strcmp(n->s, "no") || !strcmp(n->s, "False")) {
		*v = false;
		return true;
	}
	return false;
}

/* A literal operand from a node: bool, int, string or list of strings. */
static int parse_literal(const char *file, const struct ynode *n, struct expect *x, struct err *e)
{
	if (n->kind == Y_SEQ) {
		x->type = LIT_LIST;
		for (size_t i = 0; i < n->n; i++) {
			if (n->items[i]->kind != Y_SCALAR)
				return err_set(e, -EINVAL, "%s:%d:%d: list items must be text", AT(file, n->items[i]));
			strv_push(&x->list, n->items[i]->s);
		}
		return 0;
	}
	if (n->kind != Y_SCALAR)
		return err_set(e, -EINVAL, "%s:%d:%d: expected a value, found %s", AT(file, n), ynode_kind_name(n->kind));
	long long v;
	if (plain_bool(n, &x->b)) {
		x->type = LIT_BOOL;
	} else if (n->plain && str_to_ll(n->s, &v) == 0) {
		x->type = LIT_INT;
		x->i = v;
		x->s = xstrdup(n->s);
	} else if (str_starts(n->s, "fact:")) {
		x->type = LIT_STR;
		x->fact_ref = xstrdup(n->s + 5);
		if (!probe_for(x->fact_ref))
			return err_set(e, -EINVAL, "%s:%d:%d: no probe provides the fact '%s'", AT(file, n), x->fact_ref);
	} else {
		x->type = LIT_STR;
		x->s = xstrdup(n->s);
	}
	return 0;
}

void expect_free(struct expect *x)
{
	free(x->s);
	free(x->fact_ref);
	strv_free(&x->list);
	if (x->has_re)
		regfree(&x->re);
	free(x->re_src);
	memset(x, 0, sizeof(*x));
}

void expect_copy(struct expect *dst, const struct expect *src)
{
	*dst = *src;
	dst->s = field_dup(src->s);
	dst->fact_ref = field_dup(src->fact_ref);
	field_strv_copy(&dst->list, &src->list);
	dst->re_src = field_dup(src->re_src);
	/* regex_t cannot be copied; the pattern compiled once, so it does again. */
	dst->has_re = src->has_re && regcomp(&dst->re, src->re_src, REG_EXTENDED | REG_NOSUB) == 0;
}

/* expect: true | 42 | "text" | {op: operand} */
int expect_parse(const char *file, const struct ynode *n, struct expect *x, struct err *e)
{
	memset(x, 0, sizeof(*x));
	if (n->kind != Y_MAP) {
		x->op = OP_EQUALS;
		if (n->kind == Y_SEQ)
			return err_set(e, -EINVAL, "%s:%d:%d: 'expect' takes a value or one operator (equals: ...), not a list", AT(file, n));
		return parse_literal(file, n, x, e);
	}
	if (n->n != 2)
		return err_set(e, -EINVAL, "%s:%d:%d: 'expect' takes exactly one operator", AT(file, n));
	const struct ynode *k = n->items[0], *v = n->items[1];
	size_t i;
	for (i = 0; i < ARRAY_SIZE(ops); i++)
		if (strcmp(ops[i].name, k->s) == 0)
			break;
	if (i == ARRAY_SIZE(ops)) {
		struct buf list = BUF_INIT;
		for (size_t j = 0; j < ARRAY_SIZE(ops); j++)
			buf_printf(&list, "%s%s", j ? ", " : "", ops[j].name);
		int r = err_set(e, -EINVAL, "%s:%d:%d: unknown operator '%s' (known: %s)", AT(file, k), k->s, buf_str(&list));
		buf_free(&list);
		return r;
	}
	x->op = ops[i].op;
	int r = parse_literal(file, v, x, e);
	if (r < 0)
		return r;
	switch (x->op) {
	case OP_AT_LEAST:
	case OP_AT_MOST:
		if (x->type != LIT_INT && !x->fact_ref)
			return err_set(e, -EINVAL, "%s:%d:%d: '%s' needs a whole number or fact:NAME", AT(file, v), k->s);
		break;
	case OP_EMPTY:
	case OP_NOT_EMPTY:
		if (x->type != LIT_BOOL || !x->b)
			return err_set(e, -EINVAL, "%s:%d:%d: write '%s: true'", AT(file, v), k->s);
		break;
	case OP_ONE_OF:
		if (x->type != LIT_LIST)
			return err_set(e, -EINVAL, "%s:%d:%d: 'one_of' needs a list", AT(file, v));
		break;
	case OP_MATCHES:
	case OP_NOT_MATCHES:
	case OP_ALL_MATCH: {
		if (x->type == LIT_LIST || x->fact_ref)
			return err_set(e, -EINVAL, "%s:%d:%d: '%s' needs a regular expression", AT(file, v), k->s);
		const char *pat = x->s ? x->s : v->s;
		int rc = regcomp(&x->re, pat, REG_EXTENDED | REG_NOSUB);
		if (rc == 0)
			x->re_src = xstrdup(pat);
		if (rc != 0) {
			char msg[256];
			regerror(rc, &x->re, msg, sizeof(msg));
			return err_set(e, -EINVAL, "%s:%d:%d: bad regular expression '%s': %s", AT(file, v), pat, msg);
		}
		x->has_re = true;
		break;
	}
	case OP_VERSION_AT_LEAST:
	case OP_CONTAINS:
	case OP_NOT_CONTAINS:
		if (x->type == LIT_LIST || x->type == LIT_BOOL)
			return err_set(e, -EINVAL, "%s:%d:%d: '%s' needs text", AT(file, v), k->s);
		if (!x->s && !x->fact_ref)
			x->s = xstrdup(v->s);
		break;
	default:
		break;
	}
	return 0;
}

void expect_describe(const struct expect *x, struct buf *out)
{
	static const char *const opnames[] = {
		[OP_EQUALS] = "==", [OP_NOT_EQUALS] = "!=", [OP_CONTAINS] = "contains", [OP_NOT_CONTAINS] = "does not contain",
		[OP_MATCHES] = "matches", [OP_AT_LEAST] = ">=", [OP_AT_MOST] = "<=", [OP_ONE_OF] = "one of",
		[OP_EMPTY] = "is empty", [OP_NOT_EMPTY] = "is not empty", [OP_VERSION_AT_LEAST] = "version >=",
		[OP_ALL_MATCH] = "all match", [OP_NOT_MATCHES] = "does not match",
	};
	buf_puts(out, opnames[x->op]);
	if (x->op == OP_EMPTY || x->op == OP_NOT_EMPTY)
		return;
	buf_putc(out, ' ');
	if (x->fact_ref) {
		buf_printf(out, "fact:%s", x->fact_ref);
		return;
	}
	switch (x->type) {
	case LIT_BOOL: buf_puts(out, x->b ? "true" : "false"); break;
	case LIT_INT: buf_printf(out, "%lld", x->i); break;
	case LIT_STR: buf_puts(out, x->s ? x->s : ""); break;
	case LIT_LIST:
		buf_putc(out, '[');
		for (size_t i = 0; i < x->list.n; i++)
			buf_printf(out, "%s%s", i ? ", " : "", x->list.v[i]);
		buf_putc(out, ']');
		break;
	}
}

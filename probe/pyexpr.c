/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Expressions of xm's Python configs, evaluated as they are parsed. */
#include "probe/pyexpr.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "probe/pyops.h"
#include "probe/pyvars.h"

/* Items up to the closing bracket: [a, b], (a, b), f(a, b). */
static bool parse_items(struct lexer *lx, int close, struct pyval *into, int open_line, int open_col)
{
	bool comma = false;
	for (;;) {
		lx_skip_space(lx);
		int c = lx_peek(lx);
		if (c == close) {
			lx_advance(lx);
			return comma;
		}
		if (c == -1) {
			lx_error(lx, open_line, open_col, "%s not closed with '%c'", close == ']' ? "list" : "parenthesis", close);
			return comma;
		}
		struct pyval x = py_expr(lx);
		if (lx->failed) {
			pv_free(&x);
			return comma;
		}
		lx_skip_space(lx);
		if (lx_at_word(lx, "for")) { /* a comprehension: only running it tells */
			pv_free(&x);
			while (lx_peek(lx) != -1 && lx_peek(lx) != close)
				lx_skip_balanced(lx);
			lx_advance(lx);
			pv_free(into);
			*into = pv_unknown("a list comprehension");
			return comma;
		}
		pv_append(into, &x);
		c = lx_peek(lx);
		if (c == ',') {
			comma = true;
			lx_advance(lx);
		} else if (c != close) {
			if (c == -1)
				lx_error(lx, open_line, open_col, "%s not closed with '%c'", close == ']' ? "list" : "parenthesis", close);
			else
				lx_error(lx, lx->line, lx->col, "expected ',' or '%c' in %s", close, close == ']' ? "list" : "parentheses");
			return comma;
		}
	}
}

static struct pyval parse_bracketed(struct lexer *lx)
{
	int open = lx_peek(lx), line = lx->line, col = lx->col;
	size_t start = lx->pos;
	lx->depth++;
	lx_advance(lx);
	struct pyval v = { .k = open == '[' ? PV_LIST : PV_TUPLE };
	if (open == '{') {
		lx->pos = start;
		lx->line = line;
		lx->col = col;
		lx_skip_balanced(lx);
		v = pv_unknown("a dict");
	} else {
		bool comma = parse_items(lx, open == '[' ? ']' : ')', &v, line, col);
		/* (x) is x, (x,) a tuple */
		if (!lx->failed && open == '(' && v.k == PV_TUPLE && v.n == 1 && !comma) {
			struct pyval inner = v.v[0];
			memset(&v.v[0], 0, sizeof(v.v[0]));
			pv_free(&v);
			v = inner;
		}
	}
	lx->depth--;
	if (!lx->failed && (v.k == PV_LIST || v.k == PV_TUPLE))
		v.src = xstrndup(lx->s + start, lx->pos - start);
	return v;
}

static struct pyval parse_name(struct lexer *lx)
{
	int line = lx->line, col = lx->col;
	_cleanup_free_ char *name = lx_read_ident(lx);
	if (!strcmp(name, "True") || !strcmp(name, "False"))
		return (struct pyval){ .k = PV_BOOL, .i = name[0] == 'T' };
	if (!strcmp(name, "None"))
		return (struct pyval){ .k = PV_NONE };
	if (!strcmp(name, "lambda")) {
		lx_skip_line(lx);
		return pv_unknown("a lambda");
	}
	lx->callee = lx->s + lx->pos - strlen(name);
	struct var *x = py_var_find(lx, name);
	struct pyval v;
	if (x && !x->hidden) {
		pv_copy(&v, &x->v);
		return v;
	}
	if (x)
		return pv_unknown("depends on %s, which xm runs", name);
	static const char *const builtins[] = { "str", "int", "len", "repr", "hex", "abs", "range", "open", "float", "list" };
	for (size_t i = 0; i < ARRAY_SIZE(builtins); i++)
		if (!strcmp(name, builtins[i]))
			return pv_unknown("calls %s()", name);
	if (lx->xm_vars)
		return pv_unknown("depends on %s, given to xm create or set by xm_vars", name);
	/* Not quoted: a bare value may be a password that lacks its quotes. */
	lx_error(lx, line, col, "a bare word that is not defined (a string needs quotes)");
	return pv_unknown("undefined");
}

static struct pyval parse_atom(struct lexer *lx)
{
	lx->callee = NULL;
	int c = lx_peek(lx);
	if (c == '(' || c == '[' || c == '{')
		return parse_bracketed(lx);
	if (lx_at_string(lx))
		return lx_strings(lx);
	if (c != -1 && (isdigit(c) || (c == '.' && isdigit(lx_peek_at(lx, 1)))))
		return lx_number(lx);
	if (lx_ident_start(c))
		return parse_name(lx);
	lx_unexpected(lx, "missing value");
	return pv_unknown("missing");
}

static bool is_builtin(struct lexer *lx, const char *name)
{
	static const char *const builtins[] = { "str", "int", "len", "repr", "hex", "abs" };
	for (size_t i = 0; i < ARRAY_SIZE(builtins); i++)
		if (!strcmp(name, builtins[i]))
			return !py_var_find(lx, name);
	return false;
}

/* Only the builtins a config may call have their arguments evaluated; any
 * other call's value is what xm gets by running it. */
static struct pyval parse_call(struct lexer *lx, struct pyval *fn, const char *callee, size_t callee_len)
{
	int line = lx->line, col = lx->col;
	_cleanup_free_ char *name = callee ? xstrndup(callee, callee_len) : xstrdup("a function");
	pv_free(fn);
	if (!callee || !is_builtin(lx, name)) {
		lx_skip_balanced(lx);
		return pv_unknown("calls %s()", name);
	}
	struct pyval args = { .k = PV_TUPLE }, out;
	lx->depth++;
	lx_advance(lx);
	parse_items(lx, ')', &args, line, col);
	lx->depth--;
	char *err = NULL;
	if (lx->failed) {
		out = pv_unknown("failed");
	} else if (!pv_builtin(name, args.v, args.n, &out, &err)) {
		out = pv_unknown("calls %s()", name);
	} else if (err) {
		lx_error(lx, line, col, "%s", err);
		free(err);
		out = pv_unknown("failed");
	}
	pv_free(&args);
	return out;
}

static struct pyval parse_postfix(struct lexer *lx)
{
	struct pyval v = parse_atom(lx);
	for (;;) {
		const char *callee = lx->callee;
		size_t callee_len = callee ? (size_t)(lx->s + lx->pos - callee) : 0;
		if (lx->failed)
			return v;
		lx_skip_space(lx);
		int c = lx_peek(lx);
		if (c == '(') {
			v = parse_call(lx, &v, callee, callee_len);
		} else if (c == '[') {
			int line = lx->line, col = lx->col;
			lx->depth++;
			lx_advance(lx);
			lx_skip_space(lx);
			struct pyval idx = py_expr(lx);
			lx_skip_space(lx);
			if (!lx->failed && lx_peek(lx) == ':') { /* a slice */
				pv_free(&idx);
				while (lx_peek(lx) != -1 && lx_peek(lx) != ']')
					lx_advance(lx);
				idx = pv_unknown("a slice");
			}
			if (!lx->failed && lx_peek(lx) != ']')
				lx_unexpected(lx, "index not closed with ']'");
			lx_advance(lx);
			lx->depth--;
			struct pyval r;
			char *err = NULL;
			if (!lx->failed && pv_index(&v, &idx, &r, &err) < 0) {
				lx_error(lx, line, col, "%s", err);
				free(err);
				r = pv_unknown("failed");
			} else if (lx->failed) {
				r = pv_unknown("failed");
			}
			pv_free(&v);
			pv_free(&idx);
			v = r;
		} else if (c == '.' && lx_ident_start(lx_peek_at(lx, 1))) {
			lx_advance(lx);
			_cleanup_free_ char *attr = lx_read_ident(lx);
			struct pyval u = pv_unknown("depends on .%s, which xm runs", attr);
			pv_free(&v);
			v = u;
		} else {
			return v;
		}
		lx->callee = NULL;
	}
}

struct pyval py_apply(struct lexer *lx, const char *op, struct pyval *a, struct pyval *b, int line, int col)
{
	struct pyval r;
	char *err = NULL;
	if (lx->failed) {
		r = pv_unknown("failed");
	} else if (pv_binop(op, a, b, &r, &err) < 0) {
		lx_error(lx, line, col, "%s", err);
		free(err);
		r = pv_unknown("failed");
	}
	pv_free(a);
	pv_free(b);
	return r;
}

static struct pyval parse_factor(struct lexer *lx);

static struct pyval parse_power(struct lexer *lx)
{
	struct pyval a = parse_postfix(lx);
	lx_skip_space(lx);
	if (!lx->failed && lx_peek(lx) == '*' && lx_peek_at(lx, 1) == '*') {
		int line = lx->line, col = lx->col;
		lx_advance_n(lx, 2);
		lx_skip_space(lx);
		struct pyval b = parse_factor(lx);
		return py_apply(lx, "**", &a, &b, line, col);
	}
	return a;
}

static struct pyval parse_factor(struct lexer *lx)
{
	int c = lx_peek(lx);
	if (c == '-' || c == '+' || c == '~') {
		int line = lx->line, col = lx->col;
		lx_advance(lx);
		lx_skip_space(lx);
		struct pyval v = parse_factor(lx), zero = pv_int(0);
		if (c == '+')
			return v;
		if (c == '~') {
			pv_free(&v);
			return pv_unknown("a bitwise operation");
		}
		return py_apply(lx, "-", &zero, &v, line, col);
	}
	return parse_power(lx);
}

static struct pyval parse_term(struct lexer *lx)
{
	struct pyval a = parse_factor(lx);
	for (;;) {
		lx_skip_space(lx);
		int c = lx_peek(lx), n = lx_peek_at(lx, 1);
		if (lx->failed || !(c == '*' || c == '/' || c == '%') || n == '=' || (c == '*' && n == '*'))
			return a;
		int line = lx->line, col = lx->col;
		const char *op = c == '*' ? "*" : c == '%' ? "%" : n == '/' ? "//" : "/";
		lx_advance_n(lx, strlen(op));
		lx_skip_space(lx);
		struct pyval b = parse_factor(lx);
		a = py_apply(lx, op, &a, &b, line, col);
	}
}

static struct pyval parse_arith(struct lexer *lx)
{
	struct pyval a = parse_term(lx);
	for (;;) {
		lx_skip_space(lx);
		int c = lx_peek(lx);
		if (lx->failed || !(c == '+' || c == '-') || lx_peek_at(lx, 1) == '=')
			return a;
		int line = lx->line, col = lx->col;
		lx_advance(lx);
		lx_skip_space(lx);
		struct pyval b = parse_term(lx);
		a = py_apply(lx, c == '+' ? "+" : "-", &a, &b, line, col);
	}
}

/* A comparison operator at the cursor, consumed; NULL when none. */
static const char *comparison_op(struct lexer *lx, bool *negate)
{
	static const char *const ops[] = { "==", "!=", "<=", ">=", "<>", "<", ">" };
	*negate = false;
	for (size_t i = 0; i < ARRAY_SIZE(ops); i++)
		if (lx->pos + strlen(ops[i]) <= lx->len && !memcmp(lx->s + lx->pos, ops[i], strlen(ops[i]))) {
			lx_advance_n(lx, strlen(ops[i]));
			return !strcmp(ops[i], "<>") ? "!=" : ops[i];
		}
	if (lx_at_word(lx, "in")) {
		lx_advance_n(lx, 2);
		return "in";
	}
	if (lx_at_word(lx, "not")) {
		struct lx_mark m = lx_here(lx);
		lx_advance_n(lx, 3);
		lx_skip_space(lx);
		if (lx_at_word(lx, "in")) {
			lx_advance_n(lx, 2);
			*negate = true;
			return "in";
		}
		lx_back_to(lx, m);
	}
	if (lx_at_word(lx, "is")) {
		lx_advance_n(lx, 2);
		lx_skip_space(lx);
		if (lx_at_word(lx, "not")) {
			lx_advance_n(lx, 3);
			return "!=";
		}
		return "==";
	}
	return NULL;
}

static struct pyval negated(struct pyval v)
{
	if (v.k == PV_BOOL)
		v.i = !v.i;
	return v;
}

static struct pyval parse_comparison(struct lexer *lx)
{
	struct pyval a = parse_arith(lx);
	for (;;) {
		lx_skip_space(lx);
		int line = lx->line, col = lx->col;
		bool neg;
		const char *op = lx->failed ? NULL : comparison_op(lx, &neg);
		if (!op)
			return a;
		lx_skip_space(lx);
		struct pyval b = parse_arith(lx);
		a = py_apply(lx, op, &a, &b, line, col);
		if (neg)
			a = negated(a);
	}
}

static struct pyval truth_value(struct pyval *v)
{
	int t = pv_truth(v);
	if (t < 0)
		return *v;
	pv_free(v);
	return (struct pyval){ .k = PV_BOOL, .i = t };
}

static struct pyval parse_not(struct lexer *lx)
{
	if (lx_at_word(lx, "not")) {
		lx_advance_n(lx, 3);
		lx_skip_space(lx);
		struct pyval v = parse_not(lx), t = truth_value(&v);
		return negated(t);
	}
	return parse_comparison(lx);
}

/* and/or give one of their operands, as in Python. */
static struct pyval parse_bool(struct lexer *lx, bool is_or)
{
	struct pyval a = is_or ? parse_bool(lx, false) : parse_not(lx);
	for (;;) {
		lx_skip_space(lx);
		if (lx->failed || !lx_at_word(lx, is_or ? "or" : "and"))
			return a;
		lx_advance_n(lx, is_or ? 2 : 3);
		lx_skip_space(lx);
		struct pyval b = is_or ? parse_bool(lx, false) : parse_not(lx);
		int t = pv_truth(&a);
		if (t < 0 || pv_truth(&b) < 0) {
			pv_free(&a);
			pv_free(&b);
			a = pv_unknown("a condition only xm can evaluate");
		} else if ((t == 1) == is_or) {
			pv_free(&b);
		} else {
			pv_free(&a);
			a = b;
		}
	}
}

/* x if cond else y */
struct pyval py_expr(struct lexer *lx)
{
	struct pyval v = parse_bool(lx, true);
	lx_skip_space(lx);
	if (lx->failed || !lx_at_word(lx, "if"))
		return v;
	lx_advance_n(lx, 2);
	lx_skip_space(lx);
	struct pyval cond = parse_bool(lx, true);
	lx_skip_space(lx);
	if (!lx->failed && !lx_at_word(lx, "else"))
		lx_unexpected(lx, "expected 'else'");
	struct pyval other = { 0 };
	if (!lx->failed) {
		lx_advance_n(lx, 4);
		lx_skip_space(lx);
		other = py_expr(lx);
	}
	int t = pv_truth(&cond);
	pv_free(&cond);
	if (t == 0) {
		pv_free(&v);
		return other;
	}
	pv_free(&other);
	if (t < 0) {
		pv_free(&v);
		return pv_unknown("a condition only xm can evaluate");
	}
	return v;
}


/* a, b: a tuple, as Python reads a bare comma. */
struct pyval py_exprlist(struct lexer *lx)
{
	struct pyval v = py_expr(lx);
	lx_skip_space(lx);
	if (lx->failed || lx_peek(lx) != ',')
		return v;
	struct pyval t = { .k = PV_TUPLE };
	pv_append(&t, &v);
	while (!lx->failed && lx_peek(lx) == ',') {
		lx_advance(lx);
		lx_skip_space(lx);
		if (lx_at_statement_end(lx))
			break;
		struct pyval x = py_expr(lx);
		pv_append(&t, &x);
		lx_skip_space(lx);
	}
	return t;
}


/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The statements of a Xen config: assignments, and the Python that xm ran
 * around them (imports, def, if/for/while/try bodies, calls), read for the
 * settings they leave; then the settings as xcfg entries. */
#include "probe/xencfg.h"

#include <ctype.h>
#include <stdarg.h>
#include <string.h>

#include "core/buf.h"
#include "probe/pyexpr.h"
#include "probe/pylex.h"
#include "probe/pyvars.h"

static void dynamic(struct lexer *lx, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void dynamic(struct lexer *lx, int line, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	buf_printf(&b, "line %d: ", line);
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	strv_push_take(&lx->out->dynamic, buf_steal(&b));
}

/* The assignment target at the cursor: "name =" (and "name op=" when
 * augmented counts), or NULL.  Consumed up to the value when asked, else
 * the cursor stays. */
static char *target_at(struct lexer *lx, bool augmented, bool consume)
{
	if (!lx_ident_start(lx_peek(lx)))
		return NULL;
	struct lx_mark m = lx_here(lx);
	char *name = lx_read_ident(lx);
	lx_skip_space(lx);
	int p = lx_peek(lx), n = lx_peek_at(lx, 1);
	bool plain = p == '=' && n != '=', aug = augmented && lx_one_of(p, "+-*/%") && n == '=';
	if ((plain || aug) && consume) {
		lx_advance_n(lx, plain ? 1 : 2);
		lx_skip_space(lx);
		return name;
	}
	lx_back_to(lx, m);
	if (!plain && !aug) {
		free(name);
		return NULL;
	}
	return name;
}

/* The body of a compound statement: every line indented deeper than its
 * header.  Variables assigned there become unknown (only xm knows whether
 * the branch runs); a def's or class's body is not run at all. */
static void skip_body(struct lexer *lx, int header_indent, int header_line, const char *kw, bool assigns)
{
	/* one-line form: "if x: a = 1" */
	lx_skip_space(lx);
	if (!lx_at_statement_end(lx)) {
		_cleanup_free_ char *name = assigns ? target_at(lx, true, false) : NULL;
		if (name) {
			_cleanup_free_ char *why = xasprintf("set under the '%s' at line %d", kw, header_line);
			py_var_unknown(lx, name, lx->line, why);
		}
		lx_skip_logical(lx, false);
		return;
	}
	for (;;) {
		struct lx_mark m = lx_here(lx);
		lx_skip_blanks(lx, true);
		if (lx_peek(lx) == -1 || lx_indent_at(lx, lx->pos) <= header_indent) {
			lx_back_to(lx, m);
			return;
		}
		_cleanup_free_ char *name = assigns ? target_at(lx, true, false) : NULL;
		if (name) {
			_cleanup_free_ char *why = xasprintf("set under the '%s' at line %d", kw, header_line);
			py_var_unknown(lx, name, lx->line, why);
		}
		lx_skip_logical(lx, false);
	}
}

static void statement_import(struct lexer *lx, const char *kw, int line)
{
	/* import a, b as c / from m import x, y: the names are modules and
	 * functions, values only running the file gives. */
	bool from = !strcmp(kw, "from");
	if (from) {
		lx_skip_space(lx);
		while (lx_peek(lx) != -1 && !lx_at_statement_end(lx) && !lx_at_word(lx, "import"))
			lx_advance(lx);
		if (lx_at_word(lx, "import"))
			lx_advance_n(lx, 6);
	}
	for (;;) {
		lx_skip_space(lx);
		if (lx_peek(lx) == '(' || lx_peek(lx) == ')' || lx_peek(lx) == ',') {
			lx_advance(lx);
			continue;
		}
		if (lx_peek(lx) == '*') {
			lx->xm_vars = true; /* any name may come from it */
			lx_advance(lx);
			continue;
		}
		if (!lx_ident_start(lx_peek(lx)))
			break;
		_cleanup_free_ char *name = lx_read_ident(lx);
		while (lx_peek(lx) == '.') { /* import os.path binds os */
			lx_advance(lx);
			free(lx_read_ident(lx));
		}
		lx_skip_space(lx);
		if (lx_at_word(lx, "as")) {
			lx_advance_n(lx, 2);
			lx_skip_space(lx);
			free(name);
			name = lx_read_ident(lx);
		}
		struct pyval u = pv_unknown("a module");
		py_var_set(lx, name, &u, line, true);
	}
	lx_skip_logical(lx, false);
}

static void statement_compound(struct lexer *lx, const char *kw, int indent, int line)
{
	bool defines = !strcmp(kw, "def") || !strcmp(kw, "class");
	if (defines) {
		lx_skip_space(lx);
		_cleanup_free_ char *name = lx_ident_start(lx_peek(lx)) ? lx_read_ident(lx) : NULL;
		if (name) {
			struct pyval u = pv_unknown("a function");
			py_var_set(lx, name, &u, line, true);
			dynamic(lx, line, "defines %s", name);
		}
	} else if (strcmp(kw, "else") && strcmp(kw, "try") && strcmp(kw, "finally")) {
		dynamic(lx, line, "an '%s' statement", kw);
	}
	if (!lx_skip_logical(lx, true)) {
		lx_error(lx, line, indent + 1, "expected ':' after '%s'", kw);
		lx_skip_line(lx);
		return;
	}
	skip_body(lx, indent, line, kw, !defines);
}

/* A statement that is an expression or a keyword statement: no setting
 * changes, unless it calls a method of one (disk.append(...)). */
static void statement_other(struct lexer *lx, const char *word, int line)
{
	if (!strcmp(word, "xm_vars") || !strcmp(word, "exec") || !strcmp(word, "execfile")) {
		if (!lx->xm_vars)
			dynamic(lx, line, "%s", !strcmp(word, "xm_vars") ? "variables from xm_vars" : "exec");
		lx->xm_vars = true;
	} else if (!strcmp(word, "del")) {
		lx_skip_space(lx);
		_cleanup_free_ char *name = lx_ident_start(lx_peek(lx)) ? lx_read_ident(lx) : NULL;
		if (name)
			py_var_unknown(lx, name, line, "deleted");
	} else if (lx_peek(lx) == '.' || lx_peek(lx) == '[') {
		struct var *x = py_var_find(lx, word);
		if (x && !x->hidden) {
			_cleanup_free_ char *why = xasprintf("changed by a statement at line %d", line);
			py_var_unknown(lx, word, line, why);
			dynamic(lx, line, "changes %s", word);
		} else if (lx_peek(lx) == '.') {
			dynamic(lx, line, "calls %s.", word);
		}
	}
	lx_skip_logical(lx, false);
}

/* Takes v: name = v, or name op= v.  xl's "key += value" appends, and
 * on a key not set before it sets it (Python would refuse: no finding for
 * what xl takes). */
static void assign(struct lexer *lx, const char *name, const char *op, struct pyval *v, int line, int col)
{
	struct var *x = op ? py_var_find(lx, name) : NULL;
	if (op && x && !x->hidden) {
		struct pyval cur;
		pv_copy(&cur, &x->v);
		*v = py_apply(lx, op, &cur, v, line, col);
		if (lx->failed) {
			pv_free(v);
			return;
		}
	}
	py_var_set(lx, name, v, line, false);
}

static void statement_assign(struct lexer *lx, const char *key, int line)
{
	int c = lx_peek(lx);
	_cleanup_free_ char *op = c == '=' ? NULL : xstrndup(lx->s + lx->pos, 1);
	lx_advance_n(lx, op ? 2 : 1);
	lx_skip_space(lx);
	/* a = b = value */
	struct strv targets = { 0 };
	strv_push(&targets, key);
	for (char *more; !op && (more = target_at(lx, false, true));)
		strv_push_take(&targets, more);
	struct pyval v = py_exprlist(lx);
	if (!lx->failed) {
		lx_skip_space(lx);
		if (lx_peek(lx) != -1 && lx_peek(lx) != '\n' && lx_peek(lx) != ';') {
			_cleanup_free_ char *sh = lx_shown(key);
			lx_error(lx, lx->line, lx->col, "unexpected text after the value of %s", sh);
		}
	}
	if (lx->failed) {
		pv_free(&v);
		strv_free(&targets);
		lx->depth = 0;
		lx_skip_line(lx);
		return;
	}
	for (size_t i = 0; i < targets.n; i++) {
		struct pyval each;
		pv_copy(&each, &v);
		assign(lx, targets.v[i], op, &each, line, 1);
	}
	pv_free(&v);
	strv_free(&targets);
}

static bool is_keyword(const char *w, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (!strcmp(w, list[i]))
			return true;
	return false;
}

static void statement(struct lexer *lx)
{
	static const char *const compound[] = { "if", "elif", "else", "for", "while", "try", "except", "finally",
						"with", "def", "class", NULL };
	static const char *const simple[] = { "pass", "print", "global", "assert", "raise", "return", "break",
					      "continue", "yield", "nonlocal", NULL };
	int line = lx->line, col = lx->col, indent = lx_indent_at(lx, lx->pos);
	int c = lx_peek(lx);
	if (!lx_ident_start(c)) {
		if (isprint(c))
			lx_error(lx, line, col, "expected a setting name, found '%c'", c);
		else
			lx_error(lx, line, col, "expected a setting name, found byte 0x%02x", (unsigned)c);
		lx_skip_line(lx);
		return;
	}
	_cleanup_free_ char *word = lx_read_ident(lx);
	if (!strcmp(word, "import") || !strcmp(word, "from")) {
		statement_import(lx, word, line);
		return;
	}
	if (is_keyword(word, compound)) {
		statement_compound(lx, word, indent, line);
		return;
	}
	if (is_keyword(word, simple)) {
		lx_skip_logical(lx, false);
		return;
	}
	lx_skip_space(lx);
	c = lx_peek(lx);
	int n = lx_peek_at(lx, 1);
	if ((c == '=' && n != '=') || (lx_one_of(c, "+-*/%") && n == '=')) {
		statement_assign(lx, word, line);
		return;
	}
	if (c == '.' || c == '(' || c == '[' || !strcmp(word, "del") || !strcmp(word, "exec")) {
		statement_other(lx, word, line);
		return;
	}
	if (c == ',') { /* a, b = ...: unpacking only running it tells */
		struct strv names = { 0 };
		strv_push(&names, word);
		while (lx_peek(lx) == ',') {
			lx_advance(lx);
			lx_skip_space(lx);
			if (lx_ident_start(lx_peek(lx)))
				strv_push_take(&names, lx_read_ident(lx));
			lx_skip_space(lx);
		}
		for (size_t i = 0; i < names.n; i++)
			py_var_unknown(lx, names.v[i], line, "unpacked from a tuple");
		strv_free(&names);
		lx_skip_logical(lx, false);
		return;
	}
	_cleanup_free_ char *sh = lx_shown(word);
	if (c == -1 || c == '\n')
		lx_error(lx, lx->line, lx->col, "%s has no '= value'", sh);
	else
		lx_error(lx, lx->line, lx->col, "expected '=' after %s", sh);
	lx_skip_line(lx);
}

/* --- results ----------------------------------------------------------------- */

static void item_text(const struct pyval *x, struct buf *out)
{
	if (x->src && (x->k == PV_LIST || x->k == PV_TUPLE))
		buf_puts(out, x->src);
	else
		pv_str(x, out);
}

static bool entry_from(struct xcfg_entry *e, const struct var *x)
{
	const struct pyval *v = &x->v;
	e->line = x->line;
	switch (v->k) {
	case PV_NONE:
		return false; /* the toolstack's default */
	case PV_BOOL:
	case PV_INT:
		e->type = XCFG_INT;
		e->i = v->i;
		e->s = xasprintf("%lld", v->i);
		return true;
	case PV_FLOAT:
	case PV_STR: {
		struct buf b = BUF_INIT;
		pv_str(v, &b);
		e->type = XCFG_STR;
		e->s = b.s ? buf_steal(&b) : xstrdup("");
		return true;
	}
	case PV_LIST:
	case PV_TUPLE:
		for (size_t i = 0; i < v->n; i++)
			if (v->v[i].k == PV_UNKNOWN) {
				e->type = XCFG_UNKNOWN;
				e->s = xstrdup(v->v[i].s);
				return true;
			}
		e->type = XCFG_LIST;
		for (size_t i = 0; i < v->n; i++) {
			struct buf b = BUF_INIT;
			item_text(&v->v[i], &b);
			strv_push_take(&e->list, b.s ? buf_steal(&b) : xstrdup(""));
		}
		return true;
	case PV_UNKNOWN:
		e->type = XCFG_UNKNOWN;
		e->s = xstrdup(v->s);
		return true;
	}
	return false;
}

void xcfg_parse(const char *text, size_t len, struct xcfg *out)
{
	memset(out, 0, sizeof(*out));
	struct lexer lx = { .s = text, .len = len, .line = 1, .col = 1, .errors = &out->errors, .out = out };
	/* A UTF-8 byte order mark, from an editor on Windows: Python skips it. */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		lx.pos = 3;
	/* What xm puts in the file's namespace before running it. */
	struct pyval u = pv_unknown("xm's own");
	py_var_set(&lx, "xm_vars", &u, 0, true);
	u = pv_unknown("the file's own path");
	py_var_set(&lx, "xm_file", &u, 0, true);
	for (;;) {
		lx_skip_blanks(&lx, true);
		while (lx_peek(&lx) == ';') {
			lx_advance(&lx);
			lx_skip_blanks(&lx, true);
		}
		if (lx_peek(&lx) == -1)
			break;
		lx.failed = false;
		lx.depth = 0;
		statement(&lx);
	}
	for (size_t i = 0; i < lx.nvars; i++) {
		struct var *x = &lx.vars[i];
		struct xcfg_entry e = { 0 };
		if (!x->hidden && entry_from(&e, x)) {
			e.key = xstrdup(x->name);
			out->e = xrealloc(out->e, (out->n + 1) * sizeof(*out->e));
			out->e[out->n++] = e;
		}
		free(x->name);
		pv_free(&x->v);
	}
	free(lx.vars);
}

const struct xcfg_entry *xcfg_get(const struct xcfg *c, const char *key)
{
	for (size_t i = c->n; i-- > 0;)
		if (strcmp(c->e[i].key, key) == 0)
			return &c->e[i];
	return NULL;
}

void xcfg_free(struct xcfg *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->e[i].key);
		free(c->e[i].s);
		strv_free(&c->e[i].list);
	}
	free(c->e);
	strv_free(&c->errors);
	strv_free(&c->dynamic);
	memset(c, 0, sizeof(*c));
}

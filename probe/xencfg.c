/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "probe/xencfg.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "core/buf.h"
#include "probe/pyval.h"

struct var {
	char *name;
	struct pyval v;
	int line;
	bool hidden; /* a module, a function or xm's own name: not a setting */
};

struct lexer {
	const char *s;
	size_t len, pos;
	int line, col;
	int depth;   /* open brackets: newlines inside them are blanks */
	bool failed; /* the statement being read has an error recorded */
	bool xm_vars;/* names may come from xm_vars or exec at create time */
	const char *callee; /* the bare name the last atom was, for calls */
	struct xcfg *out;
	struct var *vars;
	size_t nvars;
};

static int peek(const struct lexer *lx)
{
	return lx->pos < lx->len ? (unsigned char)lx->s[lx->pos] : -1;
}

static int peek_at(const struct lexer *lx, size_t k)
{
	return lx->pos + k < lx->len ? (unsigned char)lx->s[lx->pos + k] : -1;
}

static void advance(struct lexer *lx)
{
	if (lx->pos >= lx->len)
		return;
	if (lx->s[lx->pos] == '\n') {
		lx->line++;
		lx->col = 1;
	} else {
		lx->col++;
	}
	lx->pos++;
}

static void advance_n(struct lexer *lx, size_t n)
{
	while (n--)
		advance(lx);
}

/* Blanks, comments and backslash continuations; newlines too when asked
 * or inside brackets. */
static void skip_blanks(struct lexer *lx, bool newlines)
{
	for (;;) {
		int c = peek(lx);
		if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || (c == '\n' && (newlines || lx->depth > 0))) {
			advance(lx);
		} else if (c == '\\' && peek_at(lx, 1) == '\n') {
			advance_n(lx, 2);
		} else if (c == '#') {
			while (peek(lx) != -1 && peek(lx) != '\n')
				advance(lx);
		} else {
			return;
		}
	}
}

static void skip_space(struct lexer *lx)
{
	skip_blanks(lx, false);
}

static void error_at(struct lexer *lx, int line, int col, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void error_at(struct lexer *lx, int line, int col, const char *fmt, ...)
{
	lx->failed = true;
	struct buf b = BUF_INIT;
	buf_printf(&b, "%d:%d: ", line, col);
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	strv_push_take(&lx->out->errors, buf_steal(&b));
}

/* How a word of the file is named in a message: a setting's name is
 * quoted, anything longer (a line of a key, a token) is not. */
static char *shown(const char *word)
{
	size_t n = strlen(word);
	return n <= 24 ? xasprintf("'%s'", word) : xasprintf("a name of %zu characters", n);
}

static void unexpected(struct lexer *lx, const char *what_missing)
{
	int c = peek(lx);
	if (c == -1 || c == '\n' || c == ';')
		error_at(lx, lx->line, lx->col, "%s", what_missing);
	else if (isprint(c))
		error_at(lx, lx->line, lx->col, "unexpected '%c'", c);
	else
		error_at(lx, lx->line, lx->col, "unexpected byte 0x%02x", (unsigned)c);
}

static void skip_line(struct lexer *lx)
{
	while (peek(lx) != -1 && peek(lx) != '\n')
		advance(lx);
}

/* c is one of the characters of set (never the end or a NUL byte). */
static bool one_of(int c, const char *set)
{
	return c > 0 && strchr(set, c) != NULL;
}

static bool ident_start(int c)
{
	return c != -1 && (isalpha(c) || c == '_');
}

static bool ident_char(int c)
{
	return c != -1 && (isalnum(c) || c == '_');
}

static char *read_ident(struct lexer *lx)
{
	size_t start = lx->pos;
	while (ident_char(peek(lx)))
		advance(lx);
	return xstrndup(lx->s + start, lx->pos - start);
}

/* The word at the cursor, without moving. */
static bool at_word(const struct lexer *lx, const char *w)
{
	size_t n = strlen(w);
	return lx->pos + n <= lx->len && memcmp(lx->s + lx->pos, w, n) == 0 && !ident_char(peek_at(lx, n)) &&
	       (lx->pos == 0 || !ident_char((unsigned char)lx->s[lx->pos - 1]));
}

/* --- variables ---------------------------------------------------------- */

static struct var *var_find(struct lexer *lx, const char *name)
{
	for (size_t i = 0; i < lx->nvars; i++)
		if (strcmp(lx->vars[i].name, name) == 0)
			return &lx->vars[i];
	return NULL;
}

/* Takes v. */
static void var_set(struct lexer *lx, const char *name, struct pyval *v, int line, bool hidden)
{
	struct var *x = var_find(lx, name);
	if (!x) {
		lx->vars = xrealloc(lx->vars, (lx->nvars + 1) * sizeof(*lx->vars));
		x = &lx->vars[lx->nvars++];
		memset(x, 0, sizeof(*x));
		x->name = xstrdup(name);
	}
	pv_free(&x->v);
	x->v = *v;
	memset(v, 0, sizeof(*v));
	x->line = line;
	x->hidden = hidden;
}

static void var_unknown(struct lexer *lx, const char *name, int line, const char *why)
{
	struct var *x = var_find(lx, name);
	if (x && x->hidden)
		return;
	struct pyval u = pv_unknown("%s", why);
	var_set(lx, name, &u, line, false);
}

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

/* --- literals ------------------------------------------------------------ */

static void string_escape(struct lexer *lx, struct buf *b)
{
	advance(lx); /* the backslash */
	int c = peek(lx);
	static const char from[] = "ntrabfv\\'\"", to[] = "\n\t\r\a\b\f\v\\'\"";
	const char *m = c > 0 ? strchr(from, c) : NULL;
	if (c == '\n') {
		advance(lx);
	} else if (m) {
		buf_putc(b, to[m - from]);
		advance(lx);
	} else if (c >= '0' && c <= '7') {
		int v = 0;
		for (int k = 0; k < 3 && peek(lx) >= '0' && peek(lx) <= '7'; k++) {
			v = v * 8 + (peek(lx) - '0');
			advance(lx);
		}
		buf_putc(b, (char)v);
	} else if (c == 'x' && isxdigit(peek_at(lx, 1)) && isxdigit(peek_at(lx, 2))) {
		char hex[3] = { (char)peek_at(lx, 1), (char)peek_at(lx, 2), 0 };
		buf_putc(b, (char)strtol(hex, NULL, 16));
		advance_n(lx, 3);
	} else {
		buf_putc(b, '\\'); /* kept, as Python keeps unknown escapes */
	}
}

/* One quoted literal ('...', "...", triple-quoted; r and u prefixes). */
static int parse_string(struct lexer *lx, struct buf *b)
{
	bool raw = false;
	while (peek(lx) != '\'' && peek(lx) != '"') {
		raw |= peek(lx) == 'r' || peek(lx) == 'R';
		advance(lx);
	}
	int q = peek(lx), line = lx->line, col = lx->col;
	bool triple = peek_at(lx, 1) == q && peek_at(lx, 2) == q;
	advance_n(lx, triple ? 3 : 1);
	for (;;) {
		int c = peek(lx);
		if (c == -1 || (c == '\n' && !triple)) {
			error_at(lx, line, col, "unterminated string");
			return -EINVAL;
		}
		if (c == '\0') {
			error_at(lx, lx->line, lx->col, "NUL byte inside a string");
			return -EINVAL;
		}
		if (c == q && (!triple || (peek_at(lx, 1) == q && peek_at(lx, 2) == q))) {
			advance_n(lx, triple ? 3 : 1);
			return 0;
		}
		if (c == '\\' && !raw) {
			string_escape(lx, b);
			continue;
		}
		if (c == '\\' && raw && peek_at(lx, 1) != -1) {
			buf_putc(b, '\\');
			advance(lx);
			c = peek(lx);
		}
		buf_putc(b, (char)c);
		advance(lx);
	}
}

/* A string prefix (r, u, b, ur, br in any case) followed by a quote. */
static bool at_string(const struct lexer *lx)
{
	for (size_t k = 0; k < 3; k++) {
		int c = peek_at(lx, k);
		if (c == '\'' || c == '"')
			return true;
		if (!one_of(c, "rRuUbB"))
			return false;
	}
	return false;
}

/* Adjacent literals join ("a" 'b' is "ab"). */
static struct pyval parse_strings(struct lexer *lx)
{
	struct buf b = BUF_INIT;
	do {
		if (parse_string(lx, &b) < 0) {
			buf_free(&b);
			return pv_unknown("a bad string");
		}
		skip_space(lx);
	} while (at_string(lx));
	return pv_str_take(b.s ? buf_steal(&b) : xstrdup(""));
}

static struct pyval parse_number(struct lexer *lx)
{
	size_t start = lx->pos;
	bool is_float = false;
	if (peek(lx) == '0' && one_of(peek_at(lx, 1), "xXoObB")) {
		advance_n(lx, 2);
		while (isxdigit(peek(lx)))
			advance(lx);
	} else {
		while (isdigit(peek(lx)))
			advance(lx);
		if (peek(lx) == '.' && !ident_start(peek_at(lx, 1))) {
			is_float = true;
			advance(lx);
			while (isdigit(peek(lx)))
				advance(lx);
		}
		if ((peek(lx) == 'e' || peek(lx) == 'E') &&
		    (isdigit(peek_at(lx, 1)) || ((peek_at(lx, 1) == '-' || peek_at(lx, 1) == '+') && isdigit(peek_at(lx, 2))))) {
			is_float = true;
			advance_n(lx, 2);
			while (isdigit(peek(lx)))
				advance(lx);
		}
	}
	_cleanup_free_ char *text = xstrndup(lx->s + start, lx->pos - start);
	if (peek(lx) == 'L' || peek(lx) == 'l')
		advance(lx); /* Python 2's long */
	if (is_float)
		return (struct pyval){ .k = PV_FLOAT, .f = strtod(text, NULL) };
	int base = 10;
	const char *digits = text;
	if (text[0] == '0' && text[1]) {
		int p = tolower((unsigned char)text[1]);
		base = p == 'x' ? 16 : p == 'b' ? 2 : 8; /* a bare leading 0 is octal in Python 2 */
		digits = isdigit((unsigned char)text[1]) ? text + 1 : text + 2;
	}
	char *end;
	errno = 0;
	long long v = strtoll(digits, &end, base);
	if (errno || *end || end == digits) {
		if (errno == ERANGE)
			return pv_unknown("a number beyond 64 bits");
		error_at(lx, lx->line, lx->col - (int)strlen(text), "malformed number");
		return pv_unknown("a malformed number");
	}
	return pv_int(v);
}

/* Skips to the bracket closing the one at the cursor (strings included). */
static void skip_balanced(struct lexer *lx)
{
	int depth = 0;
	do {
		int c = peek(lx);
		if (c == -1)
			return;
		if (c == '\'' || c == '"') {
			struct buf junk = BUF_INIT;
			parse_string(lx, &junk);
			buf_free(&junk);
			if (lx->failed)
				return;
			continue;
		}
		if (c == '#') {
			skip_line(lx);
			continue;
		}
		depth += (c == '(' || c == '[' || c == '{') - (c == ')' || c == ']' || c == '}');
		advance(lx);
	} while (depth > 0);
}

/* --- expressions ----------------------------------------------------------- */

static struct pyval parse_test(struct lexer *lx);

/* Items up to the closing bracket: [a, b], (a, b), f(a, b). */
static bool parse_items(struct lexer *lx, int close, struct pyval *into, int open_line, int open_col)
{
	bool comma = false;
	for (;;) {
		skip_space(lx);
		int c = peek(lx);
		if (c == close) {
			advance(lx);
			return comma;
		}
		if (c == -1) {
			error_at(lx, open_line, open_col, "%s not closed with '%c'", close == ']' ? "list" : "parenthesis", close);
			return comma;
		}
		struct pyval x = parse_test(lx);
		if (lx->failed) {
			pv_free(&x);
			return comma;
		}
		skip_space(lx);
		if (at_word(lx, "for")) { /* a comprehension: only running it tells */
			pv_free(&x);
			while (peek(lx) != -1 && peek(lx) != close)
				skip_balanced(lx);
			advance(lx);
			pv_free(into);
			*into = pv_unknown("a list comprehension");
			return comma;
		}
		pv_append(into, &x);
		c = peek(lx);
		if (c == ',') {
			comma = true;
			advance(lx);
		} else if (c != close) {
			if (c == -1)
				error_at(lx, open_line, open_col, "%s not closed with '%c'", close == ']' ? "list" : "parenthesis", close);
			else
				error_at(lx, lx->line, lx->col, "expected ',' or '%c' in %s", close, close == ']' ? "list" : "parentheses");
			return comma;
		}
	}
}

static struct pyval parse_bracketed(struct lexer *lx)
{
	int open = peek(lx), line = lx->line, col = lx->col;
	size_t start = lx->pos;
	lx->depth++;
	advance(lx);
	struct pyval v = { .k = open == '[' ? PV_LIST : PV_TUPLE };
	if (open == '{') {
		lx->pos = start;
		lx->line = line;
		lx->col = col;
		skip_balanced(lx);
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
	_cleanup_free_ char *name = read_ident(lx);
	if (!strcmp(name, "True") || !strcmp(name, "False"))
		return (struct pyval){ .k = PV_BOOL, .i = name[0] == 'T' };
	if (!strcmp(name, "None"))
		return (struct pyval){ .k = PV_NONE };
	if (!strcmp(name, "lambda")) {
		skip_line(lx);
		return pv_unknown("a lambda");
	}
	lx->callee = lx->s + lx->pos - strlen(name);
	struct var *x = var_find(lx, name);
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
	error_at(lx, line, col, "a bare word that is not defined (a string needs quotes)");
	return pv_unknown("undefined");
}

static struct pyval parse_atom(struct lexer *lx)
{
	lx->callee = NULL;
	int c = peek(lx);
	if (c == '(' || c == '[' || c == '{')
		return parse_bracketed(lx);
	if (at_string(lx))
		return parse_strings(lx);
	if (c != -1 && (isdigit(c) || (c == '.' && isdigit(peek_at(lx, 1)))))
		return parse_number(lx);
	if (ident_start(c))
		return parse_name(lx);
	unexpected(lx, "missing value");
	return pv_unknown("missing");
}

static bool is_builtin(struct lexer *lx, const char *name)
{
	static const char *const builtins[] = { "str", "int", "len", "repr", "hex", "abs" };
	for (size_t i = 0; i < ARRAY_SIZE(builtins); i++)
		if (!strcmp(name, builtins[i]))
			return !var_find(lx, name);
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
		skip_balanced(lx);
		return pv_unknown("calls %s()", name);
	}
	struct pyval args = { .k = PV_TUPLE }, out;
	lx->depth++;
	advance(lx);
	parse_items(lx, ')', &args, line, col);
	lx->depth--;
	char *err = NULL;
	if (lx->failed) {
		out = pv_unknown("failed");
	} else if (!pv_builtin(name, args.v, args.n, &out, &err)) {
		out = pv_unknown("calls %s()", name);
	} else if (err) {
		error_at(lx, line, col, "%s", err);
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
		skip_space(lx);
		int c = peek(lx);
		if (c == '(') {
			v = parse_call(lx, &v, callee, callee_len);
		} else if (c == '[') {
			int line = lx->line, col = lx->col;
			lx->depth++;
			advance(lx);
			skip_space(lx);
			struct pyval idx = parse_test(lx);
			skip_space(lx);
			if (!lx->failed && peek(lx) == ':') { /* a slice */
				pv_free(&idx);
				while (peek(lx) != -1 && peek(lx) != ']')
					advance(lx);
				idx = pv_unknown("a slice");
			}
			if (!lx->failed && peek(lx) != ']')
				unexpected(lx, "index not closed with ']'");
			advance(lx);
			lx->depth--;
			struct pyval r;
			char *err = NULL;
			if (!lx->failed && pv_index(&v, &idx, &r, &err) < 0) {
				error_at(lx, line, col, "%s", err);
				free(err);
				r = pv_unknown("failed");
			} else if (lx->failed) {
				r = pv_unknown("failed");
			}
			pv_free(&v);
			pv_free(&idx);
			v = r;
		} else if (c == '.' && ident_start(peek_at(lx, 1))) {
			advance(lx);
			_cleanup_free_ char *attr = read_ident(lx);
			struct pyval u = pv_unknown("depends on .%s, which xm runs", attr);
			pv_free(&v);
			v = u;
		} else {
			return v;
		}
		lx->callee = NULL;
	}
}

static struct pyval apply(struct lexer *lx, const char *op, struct pyval *a, struct pyval *b, int line, int col)
{
	struct pyval r;
	char *err = NULL;
	if (lx->failed) {
		r = pv_unknown("failed");
	} else if (pv_binop(op, a, b, &r, &err) < 0) {
		error_at(lx, line, col, "%s", err);
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
	skip_space(lx);
	if (!lx->failed && peek(lx) == '*' && peek_at(lx, 1) == '*') {
		int line = lx->line, col = lx->col;
		advance_n(lx, 2);
		skip_space(lx);
		struct pyval b = parse_factor(lx);
		return apply(lx, "**", &a, &b, line, col);
	}
	return a;
}

static struct pyval parse_factor(struct lexer *lx)
{
	int c = peek(lx);
	if (c == '-' || c == '+' || c == '~') {
		int line = lx->line, col = lx->col;
		advance(lx);
		skip_space(lx);
		struct pyval v = parse_factor(lx), zero = pv_int(0);
		if (c == '+')
			return v;
		if (c == '~') {
			pv_free(&v);
			return pv_unknown("a bitwise operation");
		}
		return apply(lx, "-", &zero, &v, line, col);
	}
	return parse_power(lx);
}

static struct pyval parse_term(struct lexer *lx)
{
	struct pyval a = parse_factor(lx);
	for (;;) {
		skip_space(lx);
		int c = peek(lx), n = peek_at(lx, 1);
		if (lx->failed || !(c == '*' || c == '/' || c == '%') || n == '=' || (c == '*' && n == '*'))
			return a;
		int line = lx->line, col = lx->col;
		const char *op = c == '*' ? "*" : c == '%' ? "%" : n == '/' ? "//" : "/";
		advance_n(lx, strlen(op));
		skip_space(lx);
		struct pyval b = parse_factor(lx);
		a = apply(lx, op, &a, &b, line, col);
	}
}

static struct pyval parse_arith(struct lexer *lx)
{
	struct pyval a = parse_term(lx);
	for (;;) {
		skip_space(lx);
		int c = peek(lx);
		if (lx->failed || !(c == '+' || c == '-') || peek_at(lx, 1) == '=')
			return a;
		int line = lx->line, col = lx->col;
		advance(lx);
		skip_space(lx);
		struct pyval b = parse_term(lx);
		a = apply(lx, c == '+' ? "+" : "-", &a, &b, line, col);
	}
}

/* A comparison operator at the cursor, consumed; NULL when none. */
static const char *comparison_op(struct lexer *lx, bool *negate)
{
	static const char *const ops[] = { "==", "!=", "<=", ">=", "<>", "<", ">" };
	*negate = false;
	for (size_t i = 0; i < ARRAY_SIZE(ops); i++)
		if (lx->pos + strlen(ops[i]) <= lx->len && !memcmp(lx->s + lx->pos, ops[i], strlen(ops[i]))) {
			advance_n(lx, strlen(ops[i]));
			return !strcmp(ops[i], "<>") ? "!=" : ops[i];
		}
	if (at_word(lx, "in")) {
		advance_n(lx, 2);
		return "in";
	}
	if (at_word(lx, "not")) {
		size_t save = lx->pos;
		int l = lx->line, c = lx->col;
		advance_n(lx, 3);
		skip_space(lx);
		if (at_word(lx, "in")) {
			advance_n(lx, 2);
			*negate = true;
			return "in";
		}
		lx->pos = save;
		lx->line = l;
		lx->col = c;
	}
	if (at_word(lx, "is")) {
		advance_n(lx, 2);
		skip_space(lx);
		if (at_word(lx, "not")) {
			advance_n(lx, 3);
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
		skip_space(lx);
		int line = lx->line, col = lx->col;
		bool neg;
		const char *op = lx->failed ? NULL : comparison_op(lx, &neg);
		if (!op)
			return a;
		skip_space(lx);
		struct pyval b = parse_arith(lx);
		a = apply(lx, op, &a, &b, line, col);
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
	if (at_word(lx, "not")) {
		advance_n(lx, 3);
		skip_space(lx);
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
		skip_space(lx);
		if (lx->failed || !at_word(lx, is_or ? "or" : "and"))
			return a;
		advance_n(lx, is_or ? 2 : 3);
		skip_space(lx);
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
static struct pyval parse_test(struct lexer *lx)
{
	struct pyval v = parse_bool(lx, true);
	skip_space(lx);
	if (lx->failed || !at_word(lx, "if"))
		return v;
	advance_n(lx, 2);
	skip_space(lx);
	struct pyval cond = parse_bool(lx, true);
	skip_space(lx);
	if (!lx->failed && !at_word(lx, "else"))
		unexpected(lx, "expected 'else'");
	struct pyval other = { 0 };
	if (!lx->failed) {
		advance_n(lx, 4);
		skip_space(lx);
		other = parse_test(lx);
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

static bool at_statement_end(const struct lexer *lx)
{
	int c = peek(lx);
	return c == -1 || c == '\n' || c == ';' || c == '#';
}

/* a, b: a tuple, as Python reads a bare comma. */
static struct pyval parse_testlist(struct lexer *lx)
{
	struct pyval v = parse_test(lx);
	skip_space(lx);
	if (lx->failed || peek(lx) != ',')
		return v;
	struct pyval t = { .k = PV_TUPLE };
	pv_append(&t, &v);
	while (!lx->failed && peek(lx) == ',') {
		advance(lx);
		skip_space(lx);
		if (at_statement_end(lx))
			break;
		struct pyval x = parse_test(lx);
		pv_append(&t, &x);
		skip_space(lx);
	}
	return t;
}

/* --- statements ----------------------------------------------------------- */

/* The rest of a logical line (strings, brackets and continuations
 * included); stops on ':' at bracket depth 0 when asked.  True if it did. */
static bool skip_logical(struct lexer *lx, bool to_colon)
{
	int depth = 0;
	for (;;) {
		int c = peek(lx);
		if (c == -1)
			return false;
		if (c == '\n' && depth == 0)
			return false;
		if (to_colon && c == ':' && depth == 0) {
			advance(lx);
			return true;
		}
		if (at_string(lx) && (c == '\'' || c == '"')) {
			struct buf junk = BUF_INIT;
			bool was = lx->failed;
			parse_string(lx, &junk);
			buf_free(&junk);
			if (lx->failed && !was)
				return false;
			continue;
		}
		if (c == '#') {
			skip_line(lx);
			continue;
		}
		if (c == '\\' && peek_at(lx, 1) == '\n') {
			advance_n(lx, 2);
			continue;
		}
		if (c == '(' || c == '[' || c == '{')
			depth++;
		else if ((c == ')' || c == ']' || c == '}') && depth > 0)
			depth--;
		advance(lx);
	}
}

/* Columns of indentation before the cursor's line's first character (tabs
 * to the next multiple of 8, as Python 2 counted them). */
static int indent_at(const struct lexer *lx, size_t pos)
{
	size_t start = pos;
	while (start > 0 && lx->s[start - 1] != '\n')
		start--;
	int cols = 0;
	for (size_t i = start; i < pos; i++)
		cols = lx->s[i] == '\t' ? (cols / 8 + 1) * 8 : cols + 1;
	return cols;
}

/* The assignment target at the cursor ("name =", "name +="), or NULL. */
static char *assigned_name(struct lexer *lx)
{
	if (!ident_start(peek(lx)))
		return NULL;
	size_t save = lx->pos;
	int l = lx->line, c = lx->col;
	char *name = read_ident(lx);
	skip_space(lx);
	int p = peek(lx), n = peek_at(lx, 1);
	bool assign = (p == '=' && n != '=') || (one_of(p, "+-*/%") && n == '=');
	lx->pos = save;
	lx->line = l;
	lx->col = c;
	if (!assign) {
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
	skip_space(lx);
	if (!at_statement_end(lx)) {
		_cleanup_free_ char *name = assigns ? assigned_name(lx) : NULL;
		if (name) {
			_cleanup_free_ char *why = xasprintf("set under the '%s' at line %d", kw, header_line);
			var_unknown(lx, name, lx->line, why);
		}
		skip_logical(lx, false);
		return;
	}
	for (;;) {
		size_t save = lx->pos;
		int l = lx->line, c = lx->col;
		skip_blanks(lx, true);
		if (peek(lx) == -1 || indent_at(lx, lx->pos) <= header_indent) {
			lx->pos = save;
			lx->line = l;
			lx->col = c;
			return;
		}
		_cleanup_free_ char *name = assigns ? assigned_name(lx) : NULL;
		if (name) {
			_cleanup_free_ char *why = xasprintf("set under the '%s' at line %d", kw, header_line);
			var_unknown(lx, name, lx->line, why);
		}
		skip_logical(lx, false);
	}
}

static void statement_import(struct lexer *lx, const char *kw, int line)
{
	/* import a, b as c / from m import x, y: the names are modules and
	 * functions, values only running the file gives. */
	bool from = !strcmp(kw, "from");
	if (from) {
		skip_space(lx);
		while (peek(lx) != -1 && !at_statement_end(lx) && !at_word(lx, "import"))
			advance(lx);
		if (at_word(lx, "import"))
			advance_n(lx, 6);
	}
	for (;;) {
		skip_space(lx);
		if (peek(lx) == '(' || peek(lx) == ')' || peek(lx) == ',') {
			advance(lx);
			continue;
		}
		if (peek(lx) == '*') {
			lx->xm_vars = true; /* any name may come from it */
			advance(lx);
			continue;
		}
		if (!ident_start(peek(lx)))
			break;
		_cleanup_free_ char *name = read_ident(lx);
		while (peek(lx) == '.') { /* import os.path binds os */
			advance(lx);
			free(read_ident(lx));
		}
		skip_space(lx);
		if (at_word(lx, "as")) {
			advance_n(lx, 2);
			skip_space(lx);
			free(name);
			name = read_ident(lx);
		}
		struct pyval u = pv_unknown("a module");
		var_set(lx, name, &u, line, true);
	}
	skip_logical(lx, false);
}

static void statement_compound(struct lexer *lx, const char *kw, int indent, int line)
{
	bool defines = !strcmp(kw, "def") || !strcmp(kw, "class");
	if (defines) {
		skip_space(lx);
		_cleanup_free_ char *name = ident_start(peek(lx)) ? read_ident(lx) : NULL;
		if (name) {
			struct pyval u = pv_unknown("a function");
			var_set(lx, name, &u, line, true);
			dynamic(lx, line, "defines %s", name);
		}
	} else if (strcmp(kw, "else") && strcmp(kw, "try") && strcmp(kw, "finally")) {
		dynamic(lx, line, "an '%s' statement", kw);
	}
	if (!skip_logical(lx, true)) {
		error_at(lx, line, indent + 1, "expected ':' after '%s'", kw);
		skip_line(lx);
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
		skip_space(lx);
		_cleanup_free_ char *name = ident_start(peek(lx)) ? read_ident(lx) : NULL;
		if (name)
			var_unknown(lx, name, line, "deleted");
	} else if (peek(lx) == '.' || peek(lx) == '[') {
		struct var *x = var_find(lx, word);
		if (x && !x->hidden) {
			_cleanup_free_ char *why = xasprintf("changed by a statement at line %d", line);
			var_unknown(lx, word, line, why);
			dynamic(lx, line, "changes %s", word);
		} else if (peek(lx) == '.') {
			dynamic(lx, line, "calls %s.", word);
		}
	}
	skip_logical(lx, false);
}

/* Takes v: name = v, or name op= v. */
static void assign(struct lexer *lx, const char *name, const char *op, struct pyval *v, int line, int col)
{
	if (op) {
		struct var *x = var_find(lx, name);
		if (!x) {
			_cleanup_free_ char *sh = shown(name);
			error_at(lx, line, col, "%s is not defined before '%s='", sh, op);
			pv_free(v);
			return;
		}
		struct pyval cur;
		pv_copy(&cur, &x->v);
		*v = apply(lx, op, &cur, v, line, col);
		if (lx->failed) {
			pv_free(v);
			return;
		}
	}
	var_set(lx, name, v, line, false);
}

/* "name =" (not "==") at the cursor: consumed, and the name returned. */
static char *chained_target(struct lexer *lx)
{
	if (!ident_start(peek(lx)))
		return NULL;
	size_t save = lx->pos;
	int l = lx->line, c = lx->col;
	char *name = read_ident(lx);
	skip_space(lx);
	if (peek(lx) == '=' && peek_at(lx, 1) != '=') {
		advance(lx);
		skip_space(lx);
		return name;
	}
	free(name);
	lx->pos = save;
	lx->line = l;
	lx->col = c;
	return NULL;
}

static void statement_assign(struct lexer *lx, const char *key, int line)
{
	int c = peek(lx);
	_cleanup_free_ char *op = c == '=' ? NULL : xstrndup(lx->s + lx->pos, 1);
	advance_n(lx, op ? 2 : 1);
	skip_space(lx);
	/* a = b = value */
	struct strv targets = { 0 };
	strv_push(&targets, key);
	for (char *more; !op && (more = chained_target(lx));)
		strv_push_take(&targets, more);
	struct pyval v = parse_testlist(lx);
	if (!lx->failed) {
		skip_space(lx);
		if (peek(lx) != -1 && peek(lx) != '\n' && peek(lx) != ';') {
			_cleanup_free_ char *sh = shown(key);
			error_at(lx, lx->line, lx->col, "unexpected text after the value of %s", sh);
		}
	}
	if (lx->failed) {
		pv_free(&v);
		strv_free(&targets);
		lx->depth = 0;
		skip_line(lx);
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
	int line = lx->line, col = lx->col, indent = indent_at(lx, lx->pos);
	int c = peek(lx);
	if (!ident_start(c)) {
		if (isprint(c))
			error_at(lx, line, col, "expected a setting name, found '%c'", c);
		else
			error_at(lx, line, col, "expected a setting name, found byte 0x%02x", (unsigned)c);
		skip_line(lx);
		return;
	}
	_cleanup_free_ char *word = read_ident(lx);
	if (!strcmp(word, "import") || !strcmp(word, "from")) {
		statement_import(lx, word, line);
		return;
	}
	if (is_keyword(word, compound)) {
		statement_compound(lx, word, indent, line);
		return;
	}
	if (is_keyword(word, simple)) {
		skip_logical(lx, false);
		return;
	}
	skip_space(lx);
	c = peek(lx);
	int n = peek_at(lx, 1);
	if ((c == '=' && n != '=') || (one_of(c, "+-*/%") && n == '=')) {
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
		while (peek(lx) == ',') {
			advance(lx);
			skip_space(lx);
			if (ident_start(peek(lx)))
				strv_push_take(&names, read_ident(lx));
			skip_space(lx);
		}
		for (size_t i = 0; i < names.n; i++)
			var_unknown(lx, names.v[i], line, "unpacked from a tuple");
		strv_free(&names);
		skip_logical(lx, false);
		return;
	}
	_cleanup_free_ char *sh = shown(word);
	if (c == -1 || c == '\n')
		error_at(lx, lx->line, lx->col, "%s has no '= value'", sh);
	else
		error_at(lx, lx->line, lx->col, "expected '=' after %s", sh);
	skip_line(lx);
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
	struct lexer lx = { .s = text, .len = len, .line = 1, .col = 1, .out = out };
	/* What xm puts in the file's namespace before running it. */
	struct pyval u = pv_unknown("xm's own");
	var_set(&lx, "xm_vars", &u, 0, true);
	u = pv_unknown("the file's own path");
	var_set(&lx, "xm_file", &u, 0, true);
	for (;;) {
		skip_blanks(&lx, true);
		while (peek(&lx) == ';') {
			advance(&lx);
			skip_blanks(&lx, true);
		}
		if (peek(&lx) == -1)
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

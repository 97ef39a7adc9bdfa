/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "probe/xencfg.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "core/buf.h"

struct lexer {
	const char *s;
	size_t len, pos;
	int line, col;
	struct xcfg *out;
};

static int peek(const struct lexer *lx)
{
	return lx->pos < lx->len ? (unsigned char)lx->s[lx->pos] : -1;
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

/* Blanks and comments; newlines too when in_list. */
static void skip_space(struct lexer *lx, bool newlines)
{
	for (;;) {
		int c = peek(lx);
		if (c == ' ' || c == '\t' || c == '\r' || (newlines && c == '\n')) {
			advance(lx);
		} else if (c == '\\' && lx->pos + 1 < lx->len && lx->s[lx->pos + 1] == '\n') {
			advance(lx);
			advance(lx);
		} else if (c == '#') {
			while (peek(lx) != -1 && peek(lx) != '\n')
				advance(lx);
		} else {
			return;
		}
	}
}

static void error_at(struct lexer *lx, int line, int col, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void error_at(struct lexer *lx, int line, int col, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	buf_printf(&b, "%d:%d: ", line, col);
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	strv_push_take(&lx->out->errors, buf_steal(&b));
}

static void skip_line(struct lexer *lx)
{
	while (peek(lx) != -1 && peek(lx) != '\n')
		advance(lx);
}

/* A quoted string ('...', "...", or python's triple quotes). */
static int parse_string(struct lexer *lx, char **out)
{
	int q = peek(lx), line = lx->line, col = lx->col;
	bool triple = lx->pos + 2 < lx->len && lx->s[lx->pos + 1] == q && lx->s[lx->pos + 2] == q;
	advance(lx);
	if (triple) {
		advance(lx);
		advance(lx);
	}
	struct buf b = BUF_INIT;
	for (;;) {
		int c = peek(lx);
		if (c == -1 || (c == '\n' && !triple)) {
			error_at(lx, line, col, "unterminated string");
			buf_free(&b);
			return -EINVAL;
		}
		if (c == '\0') {
			error_at(lx, lx->line, lx->col, "NUL byte inside a string");
			buf_free(&b);
			return -EINVAL;
		}
		if (c == q && (!triple || (lx->pos + 2 < lx->len && lx->s[lx->pos + 1] == q && lx->s[lx->pos + 2] == q))) {
			advance(lx);
			if (triple) {
				advance(lx);
				advance(lx);
			}
			break;
		}
		if (c == '\\' && lx->pos + 1 < lx->len) {
			advance(lx);
			c = peek(lx);
			switch (c) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case '\n': advance(lx); continue;
			default: break;
			}
		}
		buf_putc(&b, (char)c);
		advance(lx);
	}
	*out = buf_steal(&b);
	return 0;
}

/* A bare word: a number or a python constant. */
static int parse_word(struct lexer *lx, char **out)
{
	size_t start = lx->pos;
	while (peek(lx) != -1 && (isalnum(peek(lx)) || peek(lx) == '_' || peek(lx) == '.' || peek(lx) == '-' || peek(lx) == '+'))
		advance(lx);
	if (lx->pos == start)
		return -EINVAL;
	*out = xstrndup(lx->s + start, lx->pos - start);
	return 0;
}

static int parse_scalar(struct lexer *lx, char **out, bool *quoted)
{
	int c = peek(lx);
	*quoted = c == '\'' || c == '"';
	if (*quoted)
		return parse_string(lx, out);
	int line = lx->line, col = lx->col;
	if (parse_word(lx, out) < 0) {
		if (c == -1 || c == '\n')
			error_at(lx, line, col, "missing value");
		else if (isprint(c))
			error_at(lx, line, col, "unexpected '%c'", c);
		else
			error_at(lx, line, col, "unexpected byte 0x%02x", (unsigned)c);
		return -EINVAL;
	}
	return 0;
}

static int parse_list(struct lexer *lx, struct strv *list)
{
	int line = lx->line, col = lx->col;
	advance(lx); /* [ */
	for (;;) {
		skip_space(lx, true);
		int c = peek(lx);
		if (c == ']') {
			advance(lx);
			return 0;
		}
		if (c == -1) {
			error_at(lx, line, col, "list not closed with ']'");
			return -EINVAL;
		}
		char *item;
		bool quoted;
		if (c == '[') {
			/* Nested lists (cpus = [[0,1]]) are kept as their text. */
			struct strv inner = { 0 };
			size_t start = lx->pos;
			if (parse_list(lx, &inner) < 0) {
				strv_free(&inner);
				return -EINVAL;
			}
			strv_free(&inner);
			item = xstrndup(lx->s + start, lx->pos - start);
		} else if (parse_scalar(lx, &item, &quoted) < 0) {
			return -EINVAL;
		}
		strv_push_take(list, item);
		skip_space(lx, true);
		c = peek(lx);
		if (c == ',') {
			advance(lx);
		} else if (c != ']') {
			if (c == -1)
				error_at(lx, line, col, "list not closed with ']'");
			else
				error_at(lx, lx->line, lx->col, "expected ',' or ']' in list");
			return -EINVAL;
		}
	}
}

static bool is_ident_start(int c)
{
	return isalpha(c) || c == '_';
}

void xcfg_parse(const char *text, size_t len, struct xcfg *out)
{
	memset(out, 0, sizeof(*out));
	struct lexer lx = { .s = text, .len = len, .line = 1, .col = 1, .out = out };
	for (;;) {
		skip_space(&lx, true);
		while (peek(&lx) == ';') {
			advance(&lx);
			skip_space(&lx, true);
		}
		int c = peek(&lx);
		if (c == -1)
			break;
		int line = lx.line, col = lx.col;
		if (!is_ident_start(c)) {
			if (isprint(c))
				error_at(&lx, line, col, "expected a setting name, found '%c'", c);
			else
				error_at(&lx, line, col, "expected a setting name, found byte 0x%02x", (unsigned)c);
			skip_line(&lx);
			continue;
		}
		size_t ks = lx.pos;
		while (isalnum(peek(&lx)) || peek(&lx) == '_')
			advance(&lx);
		_cleanup_free_ char *key = xstrndup(text + ks, lx.pos - ks);
		skip_space(&lx, false);
		if (peek(&lx) != '=') {
			if (peek(&lx) == -1 || peek(&lx) == '\n')
				error_at(&lx, lx.line, lx.col, "'%s' has no '= value'", key);
			else
				error_at(&lx, lx.line, lx.col, "expected '=' after '%s'", key);
			skip_line(&lx);
			continue;
		}
		advance(&lx);
		skip_space(&lx, false);
		struct xcfg_entry e = { .line = line };
		int r;
		if (peek(&lx) == '[') {
			e.type = XCFG_LIST;
			r = parse_list(&lx, &e.list);
		} else {
			bool quoted;
			r = parse_scalar(&lx, &e.s, &quoted);
			long long v;
			if (r == 0 && !quoted) {
				char *end;
				errno = 0;
				v = strtoll(e.s, &end, 0);
				if (!errno && !*end) {
					e.type = XCFG_INT;
					e.i = v;
				} else {
					e.type = XCFG_STR;
				}
			} else {
				e.type = XCFG_STR;
			}
		}
		if (r < 0) {
			free(e.s);
			strv_free(&e.list);
			skip_line(&lx);
			continue;
		}
		skip_space(&lx, false);
		bool semicolon = peek(&lx) == ';';
		if (semicolon)
			advance(&lx);
		skip_space(&lx, false);
		/* "a = 1; b = 2" on one line, as python allows. */
		if (!semicolon && peek(&lx) != -1 && peek(&lx) != '\n') {
			error_at(&lx, lx.line, lx.col, "unexpected text after the value of '%s'", key);
			free(e.s);
			strv_free(&e.list);
			skip_line(&lx);
			continue;
		}
		e.key = TAKE_PTR(key);
		out->e = xrealloc(out->e, (out->n + 1) * sizeof(*out->e));
		out->e[out->n++] = e;
	}
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
	memset(c, 0, sizeof(*c));
}

/* Value of "key=" in a comma-separated spec, trimmed; NULL if absent. */
static char *spec_field(const char *spec, const char *key)
{
	size_t kl = strlen(key);
	const char *p = spec;
	while (p && *p) {
		while (*p == ' ' || *p == ',')
			p++;
		if (strncmp(p, key, kl) == 0 && p[kl] == '=') {
			const char *v = p + kl + 1;
			size_t n = strcspn(v, ",");
			_cleanup_free_ char *raw = xstrndup(v, n);
			return xstrdup(str_strip(raw));
		}
		p = strchr(p, ',');
	}
	return NULL;
}

char *xcfg_disk_path(const char *spec)
{
	char *t = spec_field(spec, "target");
	if (t)
		return t;
	/* xm positional form: the first field is [prefix:[driver:]]path. */
	_cleanup_free_ char *first = xstrndup(spec, strcspn(spec, ","));
	char *f = str_strip(first);
	if (strchr(f, '=') || !*f)
		return NULL;
	const char *slash = strchr(f, '/');
	if (!slash)
		return NULL;
	/* Anything before the path is "phy:", "file:", "tap:aio:", "tap2:tapdisk:aio:"... */
	return xstrdup(slash);
}

char *xcfg_vif_mac(const char *spec)
{
	return spec_field(spec, "mac");
}

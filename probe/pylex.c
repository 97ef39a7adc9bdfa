/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The cursor over an xm config and its lexical pieces, literals included. */
#include "probe/pylex.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct lx_mark lx_here(const struct lexer *lx)
{
	return (struct lx_mark){ .pos = lx->pos, .line = lx->line, .col = lx->col };
}

void lx_back_to(struct lexer *lx, struct lx_mark m)
{
	lx->pos = m.pos;
	lx->line = m.line;
	lx->col = m.col;
}

int lx_peek(const struct lexer *lx)
{
	return lx->pos < lx->len ? (unsigned char)lx->s[lx->pos] : -1;
}
int lx_peek_at(const struct lexer *lx, size_t k)
{
	return lx->pos + k < lx->len ? (unsigned char)lx->s[lx->pos + k] : -1;
}
void lx_advance(struct lexer *lx)
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
void lx_advance_n(struct lexer *lx, size_t n)
{
	while (n--)
		lx_advance(lx);
}
/* Blanks, comments and backslash continuations; newlines too when asked
 * or inside brackets. */
void lx_skip_blanks(struct lexer *lx, bool newlines)
{
	for (;;) {
		int c = lx_peek(lx);
		if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || (c == '\n' && (newlines || lx->depth > 0))) {
			lx_advance(lx);
		} else if (c == '\\' && lx_peek_at(lx, 1) == '\n') {
			lx_advance_n(lx, 2);
		} else if (c == '#') {
			while (lx_peek(lx) != -1 && lx_peek(lx) != '\n')
				lx_advance(lx);
		} else {
			return;
		}
	}
}
void lx_skip_space(struct lexer *lx)
{
	lx_skip_blanks(lx, false);
}
void lx_error(struct lexer *lx, int line, int col, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void lx_error(struct lexer *lx, int line, int col, const char *fmt, ...)
{
	lx->failed = true;
	struct buf b = BUF_INIT;
	buf_printf(&b, "%d:%d: ", line, col);
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	strv_push_take(lx->errors, buf_steal(&b));
}
/* How a word of the file is named in a message: a setting's name is
 * quoted, anything longer (a line of a key, a token) is not. */
char *lx_shown(const char *word)
{
	size_t n = strlen(word);
	return n <= 24 ? xasprintf("'%s'", word) : xasprintf("a name of %zu characters", n);
}
void lx_unexpected(struct lexer *lx, const char *what_missing)
{
	int c = lx_peek(lx);
	if (c == -1 || c == '\n' || c == ';')
		lx_error(lx, lx->line, lx->col, "%s", what_missing);
	else if (isprint(c))
		lx_error(lx, lx->line, lx->col, "unexpected '%c'", c);
	else
		lx_error(lx, lx->line, lx->col, "unexpected byte 0x%02x", (unsigned)c);
}
void lx_skip_line(struct lexer *lx)
{
	while (lx_peek(lx) != -1 && lx_peek(lx) != '\n')
		lx_advance(lx);
}
/* c is one of the characters of set (never the end or a NUL byte). */
bool lx_one_of(int c, const char *set)
{
	return c > 0 && strchr(set, c) != NULL;
}
bool lx_ident_start(int c)
{
	return c != -1 && (isalpha(c) || c == '_');
}
bool lx_ident_char(int c)
{
	return c != -1 && (isalnum(c) || c == '_');
}
char *lx_read_ident(struct lexer *lx)
{
	size_t start = lx->pos;
	while (lx_ident_char(lx_peek(lx)))
		lx_advance(lx);
	return xstrndup(lx->s + start, lx->pos - start);
}
/* The word at the cursor, without moving. */
bool lx_at_word(const struct lexer *lx, const char *w)
{
	size_t n = strlen(w);
	return lx->pos + n <= lx->len && memcmp(lx->s + lx->pos, w, n) == 0 && !lx_ident_char(lx_peek_at(lx, n)) &&
	       (lx->pos == 0 || !lx_ident_char((unsigned char)lx->s[lx->pos - 1]));
}
static void string_escape(struct lexer *lx, struct buf *b)
{
	lx_advance(lx); /* the backslash */
	int c = lx_peek(lx);
	static const char from[] = "ntrabfv\\'\"", to[] = "\n\t\r\a\b\f\v\\'\"";
	const char *m = c > 0 ? strchr(from, c) : NULL;
	if (c == '\n') {
		lx_advance(lx);
	} else if (m) {
		buf_putc(b, to[m - from]);
		lx_advance(lx);
	} else if (c >= '0' && c <= '7') {
		int v = 0;
		for (int k = 0; k < 3 && lx_peek(lx) >= '0' && lx_peek(lx) <= '7'; k++) {
			v = v * 8 + (lx_peek(lx) - '0');
			lx_advance(lx);
		}
		buf_putc(b, (char)v);
	} else if (c == 'x' && isxdigit(lx_peek_at(lx, 1)) && isxdigit(lx_peek_at(lx, 2))) {
		char hex[3] = { (char)lx_peek_at(lx, 1), (char)lx_peek_at(lx, 2), 0 };
		buf_putc(b, (char)strtol(hex, NULL, 16));
		lx_advance_n(lx, 3);
	} else {
		buf_putc(b, '\\'); /* kept, as Python keeps unknown escapes */
	}
}
/* One quoted literal ('...', "...", triple-quoted; r and u prefixes). */
int lx_string(struct lexer *lx, struct buf *b)
{
	bool raw = false;
	while (lx_peek(lx) != '\'' && lx_peek(lx) != '"') {
		raw |= lx_peek(lx) == 'r' || lx_peek(lx) == 'R';
		lx_advance(lx);
	}
	int q = lx_peek(lx), line = lx->line, col = lx->col;
	bool triple = lx_peek_at(lx, 1) == q && lx_peek_at(lx, 2) == q;
	lx_advance_n(lx, triple ? 3 : 1);
	for (;;) {
		int c = lx_peek(lx);
		if (c == -1 || (c == '\n' && !triple)) {
			lx_error(lx, line, col, "unterminated string");
			return -EINVAL;
		}
		if (c == '\0') {
			lx_error(lx, lx->line, lx->col, "NUL byte inside a string");
			return -EINVAL;
		}
		if (c == q && (!triple || (lx_peek_at(lx, 1) == q && lx_peek_at(lx, 2) == q))) {
			lx_advance_n(lx, triple ? 3 : 1);
			return 0;
		}
		if (c == '\\' && !raw) {
			string_escape(lx, b);
			continue;
		}
		if (c == '\\' && raw && lx_peek_at(lx, 1) != -1) {
			buf_putc(b, '\\');
			lx_advance(lx);
			c = lx_peek(lx);
		}
		buf_putc(b, (char)c);
		lx_advance(lx);
	}
}
/* A string prefix (r, u, b, ur, br in any case) followed by a quote. */
bool lx_at_string(const struct lexer *lx)
{
	for (size_t k = 0; k < 3; k++) {
		int c = lx_peek_at(lx, k);
		if (c == '\'' || c == '"')
			return true;
		if (!lx_one_of(c, "rRuUbB"))
			return false;
	}
	return false;
}
/* Skips to the bracket closing the one at the cursor (strings included). */
void lx_skip_balanced(struct lexer *lx)
{
	int depth = 0;
	do {
		int c = lx_peek(lx);
		if (c == -1)
			return;
		if (c == '\'' || c == '"') {
			struct buf junk = BUF_INIT;
			lx_string(lx, &junk);
			buf_free(&junk);
			if (lx->failed)
				return;
			continue;
		}
		if (c == '#') {
			lx_skip_line(lx);
			continue;
		}
		depth += (c == '(' || c == '[' || c == '{') - (c == ')' || c == ']' || c == '}');
		lx_advance(lx);
	} while (depth > 0);
}
bool lx_at_statement_end(const struct lexer *lx)
{
	int c = lx_peek(lx);
	return c == -1 || c == '\n' || c == ';' || c == '#';
}
/* The rest of a logical line (strings, brackets and continuations
 * included); stops on ':' at bracket depth 0 when asked.  True if it did. */
bool lx_skip_logical(struct lexer *lx, bool to_colon)
{
	int depth = 0;
	for (;;) {
		int c = lx_peek(lx);
		if (c == -1)
			return false;
		if (c == '\n' && depth == 0)
			return false;
		if (to_colon && c == ':' && depth == 0) {
			lx_advance(lx);
			return true;
		}
		if (lx_at_string(lx) && (c == '\'' || c == '"')) {
			struct buf junk = BUF_INIT;
			bool was = lx->failed;
			lx_string(lx, &junk);
			buf_free(&junk);
			if (lx->failed && !was)
				return false;
			continue;
		}
		if (c == '#') {
			lx_skip_line(lx);
			continue;
		}
		if (c == '\\' && lx_peek_at(lx, 1) == '\n') {
			lx_advance_n(lx, 2);
			continue;
		}
		if (c == '(' || c == '[' || c == '{')
			depth++;
		else if ((c == ')' || c == ']' || c == '}') && depth > 0)
			depth--;
		lx_advance(lx);
	}
}
/* Columns of indentation before the cursor's line's first character (tabs
 * to the next multiple of 8, as Python 2 counted them). */
int lx_indent_at(const struct lexer *lx, size_t pos)
{
	size_t start = pos;
	while (start > 0 && lx->s[start - 1] != '\n')
		start--;
	int cols = 0;
	for (size_t i = start; i < pos; i++)
		cols = lx->s[i] == '\t' ? (cols / 8 + 1) * 8 : cols + 1;
	return cols;
}

/* Adjacent literals join ("a" 'b' is "ab"). */
struct pyval lx_strings(struct lexer *lx)
{
	struct buf b = BUF_INIT;
	do {
		if (lx_string(lx, &b) < 0) {
			buf_free(&b);
			return pv_unknown("a bad string");
		}
		lx_skip_space(lx);
	} while (lx_at_string(lx));
	return pv_str_take(b.s ? buf_steal(&b) : xstrdup(""));
}

struct pyval lx_number(struct lexer *lx)
{
	size_t start = lx->pos;
	bool is_float = false;
	if (lx_peek(lx) == '0' && lx_one_of(lx_peek_at(lx, 1), "xXoObB")) {
		lx_advance_n(lx, 2);
		while (isxdigit(lx_peek(lx)))
			lx_advance(lx);
	} else {
		while (isdigit(lx_peek(lx)))
			lx_advance(lx);
		if (lx_peek(lx) == '.' && !lx_ident_start(lx_peek_at(lx, 1))) {
			is_float = true;
			lx_advance(lx);
			while (isdigit(lx_peek(lx)))
				lx_advance(lx);
		}
		if ((lx_peek(lx) == 'e' || lx_peek(lx) == 'E') &&
		    (isdigit(lx_peek_at(lx, 1)) || ((lx_peek_at(lx, 1) == '-' || lx_peek_at(lx, 1) == '+') && isdigit(lx_peek_at(lx, 2))))) {
			is_float = true;
			lx_advance_n(lx, 2);
			while (isdigit(lx_peek(lx)))
				lx_advance(lx);
		}
	}
	_cleanup_free_ char *text = xstrndup(lx->s + start, lx->pos - start);
	if (lx_peek(lx) == 'L' || lx_peek(lx) == 'l')
		lx_advance(lx); /* Python 2's long */
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
		lx_error(lx, lx->line, lx->col - (int)strlen(text), "malformed number");
		return pv_unknown("a malformed number");
	}
	return pv_int(v);
}

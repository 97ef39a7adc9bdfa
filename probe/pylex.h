/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading xm's Python configuration files: the cursor over the text and the
 * lexical pieces (blanks and comments, names, quoted strings, brackets,
 * logical lines and their indentation), with errors recorded as
 * "line:column: message" in the result.  Used by pyexpr.c (expressions)
 * and xencfg.c (statements). */
#ifndef HVSCOPE_PROBE_PYLEX_H
#define HVSCOPE_PROBE_PYLEX_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/util.h"
#include "probe/pyval.h"

struct var {
	char *name;
	struct pyval v;
	int line;
	bool hidden; /* a module, a function or xm's own name: not a setting */
};

struct xcfg;

struct lexer {
	const char *s;
	size_t len, pos;
	int line, col;
	int depth;   /* open brackets: newlines inside them are blanks */
	bool failed; /* the statement being read has an error recorded */
	bool xm_vars;/* names may come from xm_vars or exec at create time */
	const char *callee; /* the bare name the last atom was, for calls */
	struct strv *errors; /* "line:col: what", for lx_error */
	struct xcfg *out;    /* the statement parser's (probe/xencfg.c) */
	struct var *vars;
	size_t nvars;
};

/* A place in the text, to look ahead and come back. */
struct lx_mark {
	size_t pos;
	int line, col;
};
struct lx_mark lx_here(const struct lexer *lx);
void lx_back_to(struct lexer *lx, struct lx_mark m);

/* The byte at the cursor (k bytes on), or -1 at the end. */
int lx_peek(const struct lexer *lx);
int lx_peek_at(const struct lexer *lx, size_t k);
void lx_advance(struct lexer *lx);
void lx_advance_n(struct lexer *lx, size_t n);
/* Blanks, comments and backslash continuations; newlines too when asked
 * or inside brackets. */
void lx_skip_blanks(struct lexer *lx, bool newlines);
void lx_skip_space(struct lexer *lx);
void lx_skip_line(struct lexer *lx);
/* Records "line:col: message" and marks the statement failed. */
void lx_error(struct lexer *lx, int line, int col, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* How a word of the file is named in a message (caller frees). */
char *lx_shown(const char *word);
/* "unexpected 'c'", or what_missing at the end of a line. */
void lx_unexpected(struct lexer *lx, const char *what_missing);
bool lx_one_of(int c, const char *set);
bool lx_ident_start(int c);
bool lx_ident_char(int c);
char *lx_read_ident(struct lexer *lx);
/* The whole word w at the cursor, without moving. */
bool lx_at_word(const struct lexer *lx, const char *w);
/* A quoted literal appended to b; -EINVAL (recorded) when unterminated. */
int lx_string(struct lexer *lx, struct buf *b);
bool lx_at_string(const struct lexer *lx);
/* Past the bracket closing the one at the cursor. */
void lx_skip_balanced(struct lexer *lx);
/* Past the logical line, or its ':' at depth 0 when asked (true then). */
bool lx_skip_logical(struct lexer *lx, bool to_colon);
int lx_indent_at(const struct lexer *lx, size_t pos);
bool lx_at_statement_end(const struct lexer *lx);

/* A literal as a value: adjacent strings joined ("a" 'b' is "ab"); an
 * int (0x, 0o, 0b, Python 2's leading 0 and L) or a float. */
struct pyval lx_strings(struct lexer *lx);
struct pyval lx_number(struct lexer *lx);

#endif

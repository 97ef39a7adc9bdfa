/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Expressions of xm's Python configuration files, evaluated statically
 * (probe/pyval.c holds the values and operations): literals, names of
 * earlier settings, lists and tuples, calls of the few builtins a config
 * uses, indexing, + - * / // % **, comparisons, and/or/not, x if c else y.
 * A call of anything else, a module's attribute, a comprehension, is an
 * unknown value with the reason. */
#ifndef HVSCOPE_PROBE_PYEXPR_H
#define HVSCOPE_PROBE_PYEXPR_H

#include "probe/pylex.h"

/* One expression, and a comma-separated list of them as a tuple. */
struct pyval py_expr(struct lexer *lx);
struct pyval py_exprlist(struct lexer *lx);

/* a op b, taking both; an error of Python's kind is recorded at line:col. */
struct pyval py_apply(struct lexer *lx, const char *op, struct pyval *a, struct pyval *b, int line, int col);


#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The operations of xm's Python configs on their values. */
#ifndef HVSCOPE_PROBE_PYOPS_H
#define HVSCOPE_PROBE_PYOPS_H

#include "probe/pyval.h"

/* A binary operation: op is one of + - * / // % ** == != < <= > >= in.
 * Returns 0 and the result in *out, or -1 with a TypeError-like message in
 * *err (caller frees): xm would have stopped there too. */
int pv_binop(const char *op, const struct pyval *a, const struct pyval *b, struct pyval *out, char **err);
/* a[b] for lists, tuples and strings. */
int pv_index(const struct pyval *a, const struct pyval *b, struct pyval *out, char **err);
/* The builtins a config may call: str, int, len, repr, hex, abs. */
bool pv_builtin(const char *name, const struct pyval *args, size_t nargs, struct pyval *out, char **err);

#endif

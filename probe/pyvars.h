/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A config's variables, kept in its lexer: what each earlier setting
 * evaluated to, or why it is unknown. */
#ifndef HVSCOPE_PROBE_PYVARS_H
#define HVSCOPE_PROBE_PYVARS_H

#include "probe/pylex.h"

struct var *py_var_find(struct lexer *lx, const char *name);
/* Takes v. */
void py_var_set(struct lexer *lx, const char *name, struct pyval *v, int line, bool hidden);
void py_var_unknown(struct lexer *lx, const char *name, int line, const char *why);

#endif

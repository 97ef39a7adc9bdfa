/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A config's variables: what each earlier setting evaluated to. */
#include "probe/pyvars.h"

#include <string.h>

struct var *py_var_find(struct lexer *lx, const char *name)
{
	for (size_t i = 0; i < lx->nvars; i++)
		if (strcmp(lx->vars[i].name, name) == 0)
			return &lx->vars[i];
	return NULL;
}

/* Takes v. */
void py_var_set(struct lexer *lx, const char *name, struct pyval *v, int line, bool hidden)
{
	struct var *x = py_var_find(lx, name);
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

void py_var_unknown(struct lexer *lx, const char *name, int line, const char *why)
{
	struct var *x = py_var_find(lx, name);
	if (x && x->hidden)
		return;
	struct pyval u = pv_unknown("%s", why);
	py_var_set(lx, name, &u, line, false);
}

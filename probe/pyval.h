/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The values of xm's Python configuration files (the operations a config
 * uses on them, with Python 2's semantics, are probe/pyops.c's).  A value
 * that only running the file could give (a call, a module's attribute, a
 * variable set under an "if") is PV_UNKNOWN with the reason, and every
 * operation on it stays unknown. */
#ifndef HVSCOPE_PROBE_PYVAL_H
#define HVSCOPE_PROBE_PYVAL_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

enum pv_kind { PV_UNKNOWN, PV_NONE, PV_BOOL, PV_INT, PV_FLOAT, PV_STR, PV_LIST, PV_TUPLE };

struct pyval {
	enum pv_kind k;
	long long i;       /* PV_INT, PV_BOOL */
	double f;          /* PV_FLOAT */
	char *s;           /* PV_STR; PV_UNKNOWN: why */
	struct pyval *v;   /* PV_LIST, PV_TUPLE */
	size_t n;
	char *src;         /* the source text of a literal list, kept for nested items */
};

void pv_free(struct pyval *v);
void pv_copy(struct pyval *dst, const struct pyval *src);
struct pyval pv_unknown(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
struct pyval pv_int(long long i);
struct pyval pv_str_take(char *s);
/* Appends x to the list or tuple l (taking x). */
void pv_append(struct pyval *l, struct pyval *x);
const char *pv_kind_name(enum pv_kind k);

/* str() and repr() as Python prints them. */
void pv_str(const struct pyval *v, struct buf *out);
void pv_repr(const struct pyval *v, struct buf *out);
/* Python's truth value; -1 when unknown. */
int pv_truth(const struct pyval *v);

#endif

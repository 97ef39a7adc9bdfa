/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The values of xm's Python configs: made, copied, freed, printed. */
#include "probe/pyval.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/util.h"

void pv_free(struct pyval *v)
{
	for (size_t i = 0; i < v->n; i++)
		pv_free(&v->v[i]);
	free(v->v);
	free(v->s);
	free(v->src);
	memset(v, 0, sizeof(*v));
}

void pv_copy(struct pyval *dst, const struct pyval *src)
{
	*dst = *src;
	dst->s = src->s ? xstrdup(src->s) : NULL;
	dst->src = src->src ? xstrdup(src->src) : NULL;
	dst->v = src->n ? xcalloc(src->n, sizeof(*dst->v)) : NULL;
	for (size_t i = 0; i < src->n; i++)
		pv_copy(&dst->v[i], &src->v[i]);
}

struct pyval pv_unknown(const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	return (struct pyval){ .k = PV_UNKNOWN, .s = buf_steal(&b) };
}

struct pyval pv_int(long long i)
{
	return (struct pyval){ .k = PV_INT, .i = i };
}

struct pyval pv_str_take(char *s)
{
	return (struct pyval){ .k = PV_STR, .s = s };
}

void pv_append(struct pyval *l, struct pyval *x)
{
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n++] = *x;
	memset(x, 0, sizeof(*x));
}

const char *pv_kind_name(enum pv_kind k)
{
	static const char *const names[] = { "unknown", "NoneType", "bool", "int", "float", "str", "list", "tuple" };
	return names[k];
}

static void seq_text(const struct pyval *v, struct buf *out)
{
	buf_putc(out, v->k == PV_LIST ? '[' : '(');
	for (size_t i = 0; i < v->n; i++) {
		if (i)
			buf_puts(out, ", ");
		pv_repr(&v->v[i], out);
	}
	if (v->k == PV_TUPLE && v->n == 1)
		buf_putc(out, ',');
	buf_putc(out, v->k == PV_LIST ? ']' : ')');
}

void pv_str(const struct pyval *v, struct buf *out)
{
	switch (v->k) {
	case PV_NONE: buf_puts(out, "None"); break;
	case PV_BOOL: buf_puts(out, v->i ? "True" : "False"); break;
	case PV_INT: buf_printf(out, "%lld", v->i); break;
	case PV_FLOAT: buf_printf(out, "%.12g", v->f); break; /* Python 2's str(float) */
	case PV_STR: buf_puts(out, v->s); break;
	case PV_LIST:
	case PV_TUPLE: seq_text(v, out); break;
	case PV_UNKNOWN: buf_puts(out, "?"); break;
	}
}

void pv_repr(const struct pyval *v, struct buf *out)
{
	if (v->k != PV_STR) {
		pv_str(v, out);
		return;
	}
	char q = strchr(v->s, '\'') && !strchr(v->s, '"') ? '"' : '\'';
	buf_putc(out, q);
	for (const char *p = v->s; *p; p++) {
		if (*p == q || *p == '\\')
			buf_putc(out, '\\');
		if (*p == '\n')
			buf_puts(out, "\\n");
		else if (*p == '\t')
			buf_puts(out, "\\t");
		else
			buf_putc(out, *p);
	}
	buf_putc(out, q);
}

int pv_truth(const struct pyval *v)
{
	switch (v->k) {
	case PV_NONE: return 0;
	case PV_BOOL:
	case PV_INT: return v->i != 0;
	case PV_FLOAT: return v->f != 0;
	case PV_STR: return v->s[0] != '\0';
	case PV_LIST:
	case PV_TUPLE: return v->n != 0;
	default: return -1;
	}
}

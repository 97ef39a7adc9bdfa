/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The operations a config uses on its values, with Python 2's semantics:
 * arithmetic, concatenation and repetition, "%" formatting, comparisons,
 * indexing and the few builtins. */
#include "probe/pyops.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

static bool is_num(const struct pyval *v)
{
	return v->k == PV_INT || v->k == PV_BOOL || v->k == PV_FLOAT;
}

static double as_double(const struct pyval *v)
{
	return v->k == PV_FLOAT ? v->f : (double)v->i;
}

static bool is_seq(const struct pyval *v)
{
	return v->k == PV_STR || v->k == PV_LIST || v->k == PV_TUPLE;
}

static int fail(char **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(char **err, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	*err = buf_steal(&b);
	return -1;
}

static int type_error(const char *op, const struct pyval *a, const struct pyval *b, char **err)
{
	return fail(err, "unsupported operand types for %s: '%s' and '%s'", op, pv_kind_name(a->k), pv_kind_name(b->k));
}

/* Python's floor division and modulo on integers (the sign of the divisor). */
static int int_divmod(long long a, long long b, bool want_mod, long long *out, char **err)
{
	if (b == 0)
		return fail(err, "integer division or modulo by zero");
	if (a == -9223372036854775807LL - 1 && b == -1)
		return fail(err, "integer overflow");
	long long q = a / b, r = a % b;
	if (r != 0 && ((r < 0) != (b < 0))) {
		q--;
		r += b;
	}
	*out = want_mod ? r : q;
	return 0;
}

static int int_op(const char *op, long long a, long long b, struct pyval *out, char **err)
{
	long long r = 0;
	bool ovf = false;
	if (!strcmp(op, "+"))
		ovf = __builtin_add_overflow(a, b, &r);
	else if (!strcmp(op, "-"))
		ovf = __builtin_sub_overflow(a, b, &r);
	else if (!strcmp(op, "*"))
		ovf = __builtin_mul_overflow(a, b, &r);
	else if (!strcmp(op, "/") || !strcmp(op, "//") || !strcmp(op, "%")) {
		if (int_divmod(a, b, op[0] == '%', &r, err) < 0)
			return -1;
	} else if (!strcmp(op, "**")) {
		if (b < 0) {
			*out = (struct pyval){ .k = PV_FLOAT, .f = pow((double)a, (double)b) };
			return 0;
		}
		r = 1;
		for (long long k = 0; k < b && !ovf; k++)
			ovf = __builtin_mul_overflow(r, a, &r);
	}
	if (ovf) {
		*out = pv_unknown("a number beyond 64 bits");
		return 0;
	}
	*out = pv_int(r);
	return 0;
}

static int float_op(const char *op, double a, double b, struct pyval *out, char **err)
{
	double r;
	if (!strcmp(op, "+"))
		r = a + b;
	else if (!strcmp(op, "-"))
		r = a - b;
	else if (!strcmp(op, "*"))
		r = a * b;
	else if (!strcmp(op, "**"))
		r = pow(a, b);
	else {
		if (b == 0)
			return fail(err, "float division by zero");
		r = !strcmp(op, "/") ? a / b : !strcmp(op, "//") ? floor(a / b) : a - floor(a / b) * b;
	}
	*out = (struct pyval){ .k = PV_FLOAT, .f = r };
	return 0;
}

static int compare(const struct pyval *a, const struct pyval *b, int *out)
{
	if (is_num(a) && is_num(b)) {
		double x = as_double(a), y = as_double(b);
		*out = x < y ? -1 : x > y;
		return 0;
	}
	if (a->k == PV_STR && b->k == PV_STR) {
		int c = strcmp(a->s, b->s);
		*out = c < 0 ? -1 : c > 0;
		return 0;
	}
	if (a->k == b->k && (a->k == PV_LIST || a->k == PV_TUPLE)) {
		for (size_t i = 0; i < a->n && i < b->n; i++) {
			int c;
			if (compare(&a->v[i], &b->v[i], &c) < 0)
				return -1;
			if (c) {
				*out = c;
				return 0;
			}
		}
		*out = a->n < b->n ? -1 : a->n > b->n;
		return 0;
	}
	if (a->k == PV_NONE && b->k == PV_NONE) {
		*out = 0;
		return 0;
	}
	return -1;
}

static int comparison(const char *op, const struct pyval *a, const struct pyval *b, struct pyval *out)
{
	int c;
	if (!strcmp(op, "in")) {
		if (b->k == PV_STR && a->k == PV_STR) {
			*out = (struct pyval){ .k = PV_BOOL, .i = strstr(b->s, a->s) != NULL };
			return 0;
		}
		if (b->k == PV_LIST || b->k == PV_TUPLE) {
			bool found = false;
			for (size_t i = 0; i < b->n && !found; i++)
				found = compare(a, &b->v[i], &c) == 0 && c == 0;
			*out = (struct pyval){ .k = PV_BOOL, .i = found };
			return 0;
		}
		*out = pv_unknown("'in' on a %s", pv_kind_name(b->k));
		return 0;
	}
	if (compare(a, b, &c) < 0) {
		/* Python 2 compares anything; equality of unlike types is false. */
		if (!strcmp(op, "==") || !strcmp(op, "!=")) {
			*out = (struct pyval){ .k = PV_BOOL, .i = op[0] == '!' };
			return 0;
		}
		*out = pv_unknown("an ordering of %s and %s", pv_kind_name(a->k), pv_kind_name(b->k));
		return 0;
	}
	bool r = !strcmp(op, "==")   ? c == 0
		 : !strcmp(op, "!=") ? c != 0
		 : !strcmp(op, "<")  ? c < 0
		 : !strcmp(op, "<=") ? c <= 0
		 : !strcmp(op, ">")  ? c > 0
				     : c >= 0;
	*out = (struct pyval){ .k = PV_BOOL, .i = r };
	return 0;
}

static void seq_concat(const struct pyval *a, const struct pyval *b, struct pyval *out)
{
	if (a->k == PV_STR) {
		*out = pv_str_take(xasprintf("%s%s", a->s, b->s));
		return;
	}
	*out = (struct pyval){ .k = a->k };
	for (size_t i = 0; i < a->n + b->n; i++) {
		struct pyval x;
		pv_copy(&x, i < a->n ? &a->v[i] : &b->v[i - a->n]);
		pv_append(out, &x);
	}
}

static int seq_repeat(const struct pyval *s, long long times, struct pyval *out, char **err)
{
	size_t unit = s->k == PV_STR ? strlen(s->s) : s->n;
	if (times > 0 && unit && (unsigned long long)times > (1u << 20) / unit)
		return fail(err, "a repetition larger than a config can mean");
	if (s->k == PV_STR) {
		struct buf b = BUF_INIT;
		for (long long k = 0; k < times; k++)
			buf_puts(&b, s->s);
		*out = pv_str_take(b.s ? buf_steal(&b) : xstrdup(""));
		return 0;
	}
	*out = (struct pyval){ .k = s->k };
	for (long long k = 0; k < times; k++)
		for (size_t i = 0; i < s->n; i++) {
			struct pyval x;
			pv_copy(&x, &s->v[i]);
			pv_append(out, &x);
		}
	return 0;
}

/* One conversion of "%" formatting: flags, width and precision as C's. */
static int format_one(const char *spec, size_t speclen, char conv, const struct pyval *arg, struct buf *out, char **err)
{
	_cleanup_free_ char *flags = xstrndup(spec, speclen);
	char cfmt[64];
	if (conv == 's' || conv == 'r') {
		struct buf t = BUF_INIT;
		if (conv == 's')
			pv_str(arg, &t);
		else
			pv_repr(arg, &t);
		snprintf(cfmt, sizeof(cfmt), "%%%ss", flags);
		buf_printf(out, cfmt, buf_str(&t));
		buf_free(&t);
		return 0;
	}
	if (strchr("diuxXoc", conv)) {
		if (!is_num(arg))
			return fail(err, "%%%c format: a number is required, not %s", conv, pv_kind_name(arg->k));
		long long v = arg->k == PV_FLOAT ? (long long)arg->f : arg->i;
		if (conv == 'c') {
			snprintf(cfmt, sizeof(cfmt), "%%%sc", flags);
			buf_printf(out, cfmt, (int)(unsigned char)v);
		} else {
			snprintf(cfmt, sizeof(cfmt), "%%%sll%c", flags, conv == 'u' || conv == 'i' ? 'd' : conv);
			buf_printf(out, cfmt, v);
		}
		return 0;
	}
	if (strchr("eEfFgG", conv)) {
		if (!is_num(arg))
			return fail(err, "float argument required, not %s", pv_kind_name(arg->k));
		snprintf(cfmt, sizeof(cfmt), "%%%s%c", flags, conv);
		buf_printf(out, cfmt, as_double(arg));
		return 0;
	}
	return fail(err, "unsupported format character '%c'", isprint((unsigned char)conv) ? conv : '?');
}

static int format(const char *fmt, const struct pyval *args, struct pyval *out, char **err)
{
	const struct pyval *list = args->k == PV_TUPLE ? args->v : args;
	size_t n = args->k == PV_TUPLE ? args->n : 1, used = 0;
	struct buf b = BUF_INIT;
	for (const char *p = fmt; *p; p++) {
		if (*p != '%') {
			buf_putc(&b, *p);
			continue;
		}
		p++;
		if (*p == '%') {
			buf_putc(&b, '%');
			continue;
		}
		if (*p == '(') {
			buf_free(&b);
			*out = pv_unknown("'%%(name)' formatting from a dict");
			return 0;
		}
		const char *spec = p;
		p += strspn(p, "-+ #0");
		p += strspn(p, "0123456789");
		if (*p == '.') {
			p++;
			p += strspn(p, "0123456789");
		}
		size_t speclen = (size_t)(p - spec);
		p += strspn(p, "hlL");
		if (!*p) {
			buf_free(&b);
			return fail(err, "incomplete format");
		}
		if (used >= n) {
			buf_free(&b);
			return fail(err, "not enough arguments for format string");
		}
		if (format_one(spec, speclen, *p, &list[used++], &b, err) < 0) {
			buf_free(&b);
			return -1;
		}
	}
	if (used < n) {
		buf_free(&b);
		return fail(err, "not all arguments converted during string formatting");
	}
	*out = pv_str_take(b.s ? buf_steal(&b) : xstrdup(""));
	return 0;
}

static bool has_unknown(const struct pyval *v)
{
	if (v->k == PV_UNKNOWN)
		return true;
	for (size_t i = 0; i < v->n; i++)
		if (has_unknown(&v->v[i]))
			return true;
	return false;
}

static const struct pyval *first_unknown(const struct pyval *v)
{
	if (v->k == PV_UNKNOWN)
		return v;
	for (size_t i = 0; i < v->n; i++) {
		const struct pyval *u = first_unknown(&v->v[i]);
		if (u)
			return u;
	}
	return NULL;
}

int pv_binop(const char *op, const struct pyval *a, const struct pyval *b, struct pyval *out, char **err)
{
	*err = NULL;
	if (has_unknown(a) || has_unknown(b)) {
		const struct pyval *u = first_unknown(a) ? first_unknown(a) : first_unknown(b);
		*out = pv_unknown("%s", u->s);
		return 0;
	}
	bool cmp = !strcmp(op, "==") || !strcmp(op, "!=") || op[0] == '<' || op[0] == '>' || !strcmp(op, "in");
	if (cmp)
		return comparison(op, a, b, out);
	if (!strcmp(op, "%") && a->k == PV_STR)
		return format(a->s, b, out, err);
	if (is_num(a) && is_num(b)) {
		if (a->k == PV_FLOAT || b->k == PV_FLOAT)
			return float_op(op, as_double(a), as_double(b), out, err);
		return int_op(op, a->i, b->i, out, err);
	}
	if (!strcmp(op, "+") && is_seq(a) && a->k == b->k) {
		seq_concat(a, b, out);
		return 0;
	}
	if (!strcmp(op, "*") && is_seq(a) && (b->k == PV_INT || b->k == PV_BOOL))
		return seq_repeat(a, b->i, out, err);
	if (!strcmp(op, "*") && is_seq(b) && (a->k == PV_INT || a->k == PV_BOOL))
		return seq_repeat(b, a->i, out, err);
	return type_error(op, a, b, err);
}

int pv_index(const struct pyval *a, const struct pyval *b, struct pyval *out, char **err)
{
	*err = NULL;
	if (has_unknown(a) || has_unknown(b)) {
		*out = pv_unknown("%s", (first_unknown(a) ? first_unknown(a) : first_unknown(b))->s);
		return 0;
	}
	if (!is_seq(a))
		return fail(err, "'%s' object is not subscriptable", pv_kind_name(a->k));
	if (b->k != PV_INT && b->k != PV_BOOL)
		return fail(err, "indices must be integers, not %s", pv_kind_name(b->k));
	long long len = a->k == PV_STR ? (long long)strlen(a->s) : (long long)a->n, i = b->i;
	if (i < 0)
		i += len;
	if (i < 0 || i >= len)
		return fail(err, "index out of range");
	if (a->k == PV_STR)
		*out = pv_str_take(xstrndup(a->s + i, 1));
	else
		pv_copy(out, &a->v[i]);
	return 0;
}

bool pv_builtin(const char *name, const struct pyval *args, size_t nargs, struct pyval *out, char **err)
{
	*err = NULL;
	if (nargs != 1 || !(strcmp(name, "str") == 0 || strcmp(name, "int") == 0 || strcmp(name, "len") == 0 ||
			    strcmp(name, "repr") == 0 || strcmp(name, "hex") == 0 || strcmp(name, "abs") == 0))
		return false;
	const struct pyval *a = &args[0];
	if (has_unknown(a)) {
		*out = pv_unknown("%s", first_unknown(a)->s);
		return true;
	}
	struct buf b = BUF_INIT;
	if (!strcmp(name, "str") || !strcmp(name, "repr")) {
		if (name[0] == 's')
			pv_str(a, &b);
		else
			pv_repr(a, &b);
		*out = pv_str_take(b.s ? buf_steal(&b) : xstrdup(""));
	} else if (!strcmp(name, "len") && is_seq(a)) {
		*out = pv_int(a->k == PV_STR ? (long long)strlen(a->s) : (long long)a->n);
	} else if (!strcmp(name, "int") && is_num(a)) {
		*out = pv_int(a->k == PV_FLOAT ? (long long)a->f : a->i);
	} else if (!strcmp(name, "int") && a->k == PV_STR) {
		long long v;
		if (str_to_ll(a->s, &v) < 0)
			fail(err, "invalid literal for int()");
		else
			*out = pv_int(v);
	} else if (!strcmp(name, "hex") && (a->k == PV_INT || a->k == PV_BOOL)) {
		*out = pv_str_take(a->i < 0 ? xasprintf("-0x%llx", -(unsigned long long)a->i) : xasprintf("0x%llx", (unsigned long long)a->i));
	} else if (!strcmp(name, "abs") && is_num(a)) {
		*out = a->k == PV_FLOAT ? (struct pyval){ .k = PV_FLOAT, .f = fabs(a->f) } : (a->i == -9223372036854775807LL - 1 ? pv_unknown("a number beyond 64 bits") : pv_int(a->i < 0 ? -a->i : a->i));
	} else {
		fail(err, "%s() of a %s", name, pv_kind_name(a->k));
	}
	return true;
}

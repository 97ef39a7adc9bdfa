/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CPU lists: libvirt's cpuset attributes and the kernel's cpu lists. */
#include "probe/cpuset.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

static void set_bit(struct cpuset *s, unsigned cpu, bool on)
{
	if (on)
		s->bits[cpu / 8] |= (unsigned char)(1u << (cpu % 8));
	else
		s->bits[cpu / 8] &= (unsigned char)~(1u << (cpu % 8));
}

bool cpuset_has(const struct cpuset *s, unsigned cpu)
{
	return cpu < CPUSET_MAX && (s->bits[cpu / 8] >> (cpu % 8)) & 1;
}

static int number(const char **p, unsigned long *v)
{
	if (!isdigit((unsigned char)**p))
		return -EINVAL;
	char *end;
	errno = 0;
	*v = strtoul(*p, &end, 10);
	if (errno || *v >= CPUSET_MAX)
		return -ERANGE;
	*p = end;
	return 0;
}

/* One item: N, N-M, N-M:USED/GROUP, ^N */
static int item(const char *text, struct cpuset *out)
{
	const char *p = text;
	bool exclude = *p == '^';
	unsigned long lo, hi, used = 1, group = 1;
	p += exclude;
	if (number(&p, &lo) < 0)
		return -EINVAL;
	hi = lo;
	if (*p == '-' && !exclude) {
		p++;
		if (number(&p, &hi) < 0 || hi < lo)
			return -EINVAL;
		if (*p == ':') {
			p++;
			if (number(&p, &used) < 0 || *p++ != '/' || number(&p, &group) < 0 || !used || used > group)
				return -EINVAL;
		}
	}
	if (*p)
		return -EINVAL;
	for (unsigned long c = lo; c <= hi; c++)
		if ((c - lo) % group < used)
			set_bit(out, (unsigned)c, !exclude);
	return 0;
}

int cpuset_parse(const char *text, struct cpuset *out, char **why)
{
	memset(out, 0, sizeof(*out));
	_cleanup_free_ char *copy = xstrdup(text);
	char *save = NULL;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		char *it = str_strip(t);
		if (!*it)
			continue;
		if (item(it, out) < 0) {
			*why = xasprintf("'%s' in '%s' is not a CPU, a range or an exclusion below %d", it, text, CPUSET_MAX);
			return -EINVAL;
		}
	}
	return 0;
}

size_t cpuset_count(const struct cpuset *s)
{
	size_t n = 0;
	for (unsigned c = 0; c < CPUSET_MAX; c++)
		n += cpuset_has(s, c);
	return n;
}

/* The CPUs for which keep(a, b, cpu) holds, as a list. */
static size_t listed(const struct cpuset *a, const struct cpuset *b, bool want_b, struct buf *out)
{
	size_t n = 0;
	for (unsigned c = 0; c < CPUSET_MAX; c++) {
		if (!cpuset_has(a, c) || cpuset_has(b, c) != want_b)
			continue;
		unsigned e = c;
		while (e + 1 < CPUSET_MAX && cpuset_has(a, e + 1) && cpuset_has(b, e + 1) == want_b)
			e++;
		if (e == c)
			buf_printf(out, "%s%u", n ? "," : "", c);
		else
			buf_printf(out, "%s%u-%u", n ? "," : "", c, e);
		n += e - c + 1;
		c = e;
	}
	return n;
}

size_t cpuset_minus(const struct cpuset *a, const struct cpuset *b, struct buf *out)
{
	return listed(a, b, false, out);
}

size_t cpuset_and(const struct cpuset *a, const struct cpuset *b, struct buf *out)
{
	return listed(a, b, true, out);
}

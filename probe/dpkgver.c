/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dpkg's version order, as deb-version(7) defines it and dpkg itself
 * implements it (lib/dpkg/version.c): epochs numerically, then the upstream
 * version and the revision each compared as alternating runs of non-digits
 * (character by character: '~' first, then the end of the string, then
 * letters, then everything else) and digits (numerically). */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "probe/dpkgver.h"

static int order(int c)
{
	if (isdigit(c))
		return 0;
	if (isalpha(c))
		return c;
	if (c == '~')
		return -1;
	if (c)
		return c + 256;
	return 0;
}

static int verrevcmp(const char *a, const char *b)
{
	while (*a || *b) {
		int first_diff = 0;
		while ((*a && !isdigit((unsigned char)*a)) || (*b && !isdigit((unsigned char)*b))) {
			int ac = order((unsigned char)*a), bc = order((unsigned char)*b);
			if (ac != bc)
				return ac - bc;
			a++;
			b++;
		}
		while (*a == '0')
			a++;
		while (*b == '0')
			b++;
		while (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			if (!first_diff)
				first_diff = *a - *b;
			a++;
			b++;
		}
		if (isdigit((unsigned char)*a))
			return 1;
		if (isdigit((unsigned char)*b))
			return -1;
		if (first_diff)
			return first_diff;
	}
	return 0;
}

struct dver {
	unsigned long epoch;
	char *upstream; /* owned copy; revision points into it */
	const char *revision;
};

/* dpkg takes an epoch of digits only, at most INT_MAX, and refuses any other
 * version; this comparison has no error to return, so such an epoch counts
 * as 0 rather than letting strtoul turn "-1" into the largest epoch. */
static unsigned long parse_epoch(const char *s, const char *colon)
{
	unsigned long e = 0;
	if (s == colon)
		return 0;
	for (const char *p = s; p < colon; p++) {
		if (!isdigit((unsigned char)*p))
			return 0;
		e = e * 10 + (unsigned long)(*p - '0');
		if (e > INT_MAX)
			return 0;
	}
	return e;
}

static void parse(const char *s, struct dver *v)
{
	while (isspace((unsigned char)*s))
		s++;
	const char *colon = strchr(s, ':');
	v->epoch = 0;
	if (colon) {
		v->epoch = parse_epoch(s, colon);
		s = colon + 1;
	}
	v->upstream = xstrdup(s);
	char *hyphen = strrchr(v->upstream, '-');
	v->revision = "";
	if (hyphen) {
		*hyphen = '\0';
		v->revision = hyphen + 1;
	}
}

int pkg_version_cmp_dpkg(const char *a, const char *b)
{
	struct dver va, vb;
	parse(a, &va);
	parse(b, &vb);
	int r = va.epoch < vb.epoch ? -1 : va.epoch > vb.epoch;
	if (!r)
		r = verrevcmp(va.upstream, vb.upstream);
	if (!r)
		r = verrevcmp(va.revision, vb.revision);
	free(va.upstream);
	free(vb.upstream);
	return r < 0 ? -1 : r > 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Allocation that never returns NULL, string lists and predicates, number
 * parsing. */
#include "core/util.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

void die_oom(size_t n)
{
	fprintf(stderr, "hvscope: out of memory (%zu bytes)\n", n);
	abort();
}

char *path_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return xstrdup(".");
	while (slash > path && slash[-1] == '/')
		slash--;
	return slash == path ? xstrdup("/") : xstrndup(path, (size_t)(slash - path));
}

const char *tmp_dir(void)
{
	const char *t = getenv("TMPDIR");
	return t && *t ? t : "/tmp";
}

char *self_dir(void)
{
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	return path_dir(exe);
}

int write_full(int fd, const void *data, size_t n)
{
	const char *p = data;
	while (n) {
		errno = 0;
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return errno ? -errno : -EIO;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		die_oom(n);
	return p;
}

void *xcalloc(size_t nmemb, size_t n)
{
	void *p = calloc(nmemb ? nmemb : 1, n ? n : 1);
	if (!p)
		die_oom(nmemb * n);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		die_oom(n);
	return q;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);
	if (!p)
		die_oom(n);
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;
	va_start(ap, fmt);
	int r = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (r < 0)
		die_oom(strlen(fmt));
	return p;
}

bool str_starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool str_ends(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);
	return ls >= lx && memcmp(s + ls - lx, suffix, lx) == 0;
}

bool str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

char *str_strip(char *s)
{
	while (*s && isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

size_t str_fields(char *line, char **f, size_t max)
{
	size_t n = 0;
	for (char *p = line; n < max;) {
		p += strspn(p, " \t");
		if (!*p)
			break;
		f[n++] = p;
		if (n == max)
			break;
		p += strcspn(p, " \t");
		if (*p)
			*p++ = '\0';
	}
	return n;
}

bool str_has_word(const char *list, const char *word)
{
	size_t wl = strlen(word);
	if (!wl)
		return false;
	for (const char *p = list; (p = strstr(p, word)); p++) {
		bool start = p == list || isspace((unsigned char)p[-1]);
		bool end = p[wl] == '\0' || isspace((unsigned char)p[wl]);
		if (start && end)
			return true;
	}
	return false;
}

int str_to_ll(const char *s, long long *out)
{
	char *end;
	if (!s || !*s)
		return -EINVAL;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno)
		return -errno;
	if (*end)
		return -EINVAL;
	*out = v;
	return 0;
}

int str_to_ll_prefix(const char *s, long long *out, const char **end)
{
	const char *p = s + strspn(s, " \t");
	const char *digits = p + (*p == '-' || *p == '+');
	if (!isdigit((unsigned char)*digits))
		return -EINVAL;
	char *stop;
	errno = 0;
	long long v = strtoll(p, &stop, 10);
	int r = errno == ERANGE ? -ERANGE : 0;
	*out = v; /* strtoll saturates */
	if (end)
		*end = stop;
	return r;
}

static long long saturated(bool negative)
{
	return negative ? LLONG_MIN : LLONG_MAX;
}

long long ll_mul_sat(long long a, long long b)
{
	long long r;
	return __builtin_mul_overflow(a, b, &r) ? saturated((a < 0) != (b < 0)) : r;
}

long long ll_add_sat(long long a, long long b)
{
	long long r;
	return __builtin_add_overflow(a, b, &r) ? saturated(a < 0) : r;
}

long long ll_sub_sat(long long a, long long b)
{
	long long r;
	return __builtin_sub_overflow(a, b, &r) ? saturated(a < 0) : r;
}

void strv_push_take(struct strv *sv, char *s)
{
	if (sv->n + 1 >= sv->alloc) {
		sv->alloc = sv->alloc ? sv->alloc * 2 : 8;
		sv->v = xrealloc(sv->v, sv->alloc * sizeof(*sv->v));
	}
	sv->v[sv->n++] = s;
	sv->v[sv->n] = NULL;
}

void strv_push(struct strv *sv, const char *s)
{
	strv_push_take(sv, xstrdup(s));
}

bool strv_contains(const struct strv *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (strcmp(sv->v[i], s) == 0)
			return true;
	return false;
}

void strv_free(struct strv *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = sv->alloc = 0;
}

int str_to_ll_range(const char *s, long long lo, long long hi, long long *out)
{
	long long v;
	int r = str_to_ll(s, &v);
	if (r < 0)
		return r;
	if (v < lo || v > hi)
		return -ERANGE;
	*out = v;
	return 0;
}

int str_to_double_range(const char *s, double lo, double hi, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (!*s || *end)
		return -EINVAL;
	if (errno == ERANGE || !(v >= lo && v <= hi)) /* NaN fails both */
		return -ERANGE;
	*out = v;
	return 0;
}

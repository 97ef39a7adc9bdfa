/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Small helpers every layer uses: allocation that never returns NULL,
 * cleanup attributes, string predicates. */
#ifndef HVSCOPE_CORE_UTIL_H
#define HVSCOPE_CORE_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Out of memory is not a condition a host checker can recover from in a
 * useful way; like git's xmalloc, report and abort. */
void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t n);
/* What the x* allocators do when memory runs out, or a size overflows:
 * say so and abort. */
__attribute__((noreturn)) void die_oom(size_t n);
/* The directory part of a path, as dirname(1) gives it: "/a/b" -> "/a",
 * "/a" -> "/", "a" -> ".". */
char *path_dir(const char *path);
/* The directory of this program's binary (NULL when /proc is not there):
 * a relocated or staged install finds its modules and rules from it. */
char *self_dir(void);
/* Where temporary files go: $TMPDIR when set and not empty, else /tmp. */
const char *tmp_dir(void);
/* Write all n bytes to fd, through short writes and EINTR: 0, or -errno
 * (a write that makes no progress without an errno is -EIO). */
int write_full(int fd, const void *data, size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static inline void freep(void *p) { free(*(void **)p); }
static inline void fclosep(FILE **f) { if (*f) fclose(*f); }
#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_fclose_ _cleanup_(fclosep)

/* Hand a pointer over to the caller and leave NULL behind. */
#define TAKE_PTR(p) ({ __typeof__(p) _p = (p); (p) = NULL; _p; })

bool str_starts(const char *s, const char *prefix);
bool str_ends(const char *s, const char *suffix);
bool str_eq(const char *a, const char *b);
/* Trim ASCII whitespace in place; returns s moved past leading blanks. */
char *str_strip(char *s);
/* Whole-word search in a space-separated list ("flags : fpu vme pae"). */
bool str_has_word(const char *list, const char *word);
/* Split line in place at blanks (spaces, tabs) into at most max fields,
 * the last taking the rest of the line, as the columns of ps, df or
 * chkconfig; the count. */
size_t str_fields(char *line, char **f, size_t max);
/* Parse a decimal integer that must fill the whole string. */
int str_to_ll(const char *s, long long *out);
/* The decimal number s starts with, after blanks and an optional sign
 * (meminfo's "  65516344 kB", a version's "7.9"): 0 with *out set and
 * *end (when not NULL) past its digits; -EINVAL when no digit comes;
 * -ERANGE when it is past a long long, *out then saturated at
 * LLONG_MAX or LLONG_MIN. */
int str_to_ll_prefix(const char *s, long long *out, const char **end);
/* a * b, a + b and a - b held at LLONG_MAX or LLONG_MIN rather than
 * wrapped: sizes read from a stranger's file may be anything. */
long long ll_mul_sat(long long a, long long b);
long long ll_add_sat(long long a, long long b);
long long ll_sub_sat(long long a, long long b);
/* A command-line number that must fill the string and lie in [lo, hi]
 * (a NaN or a value past a long long never does); -ERANGE or -EINVAL. */
int str_to_ll_range(const char *s, long long lo, long long hi, long long *out);
int str_to_double_range(const char *s, double lo, double hi, double *out);

/* A growable list of owned strings. */
struct strv {
	char **v;
	size_t n, alloc;
};
void strv_push(struct strv *sv, const char *s);
void strv_push_take(struct strv *sv, char *s);
bool strv_contains(const struct strv *sv, const char *s);
void strv_free(struct strv *sv);
static inline void strv_freep(struct strv *sv) { strv_free(sv); }

#endif

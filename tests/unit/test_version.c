/* SPDX-License-Identifier: GPL-2.0-or-later */
/* probe/dpkgver.c and packages.c's rpm order against the package managers
 * themselves: a few hundred generated pairs compared by dpkg
 * --compare-versions and by rpm (its Lua rpm.ver, librpm's order), and
 * the pairs whose order differs between the two. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probe/packages.h"

#define NPAIRS 400

static char pairs[NPAIRS][2][48];

/* A deterministic generator: the same pairs every run. */
static unsigned long long rng = 88172645463325252ULL;
static unsigned next(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static void gen(char *out, size_t len, bool dpkg)
{
	static const char *const digits[] = { "0", "1", "2", "9", "10", "01", "100" };
	static const char *const words[] = { "a", "b", "Z", "rc", "el", "deb" };
	static const char *const seps[] = { ".", "+", "~", ".", "_" };
	char s[48] = "";
	if (next(6) == 0)
		snprintf(s, sizeof(s), "%u:", next(3));
	strcat(s, digits[next(7)]);
	for (unsigned k = 0, parts = next(4); k < parts; k++) {
		unsigned what = next(3);
		const char *sep = seps[next(dpkg ? 4 : 5)];
		strcat(s, what == 0 ? sep : what == 1 ? words[next(6)] : digits[next(7)]);
	}
	if (next(3) == 0) {
		strcat(s, "-");
		strcat(s, next(2) ? digits[next(7)] : words[next(6)]);
		if (next(2))
			strcat(s, digits[next(7)]);
	}
	snprintf(out, len, "%s", s);
}

/* Generated pairs, the known ones first; a fifth compare a version with
 * itself. */
static void make_pairs(bool dpkg, const char *const (*known)[2], int nknown)
{
	for (int i = 0; i < NPAIRS; i++) {
		if (i < nknown) {
			strcpy(pairs[i][0], known[i][0]);
			strcpy(pairs[i][1], known[i][1]);
			continue;
		}
		gen(pairs[i][0], sizeof(pairs[i][0]), dpkg);
		if (next(5) == 0)
			strcpy(pairs[i][1], pairs[i][0]);
		else
			gen(pairs[i][1], sizeof(pairs[i][1]), dpkg);
	}
}

/* The pairs in a file, one process of the oracle (cmd_fmt names the file
 * with %s) answering every pair: -1, 0 or 1 a line. */
static void oracle(const char *cmd_fmt, int *answers)
{
	char path[] = "/tmp/hvscope-vers-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	assert_non_null(f);
	for (int i = 0; i < NPAIRS; i++)
		fprintf(f, "%s %s\n", pairs[i][0], pairs[i][1]);
	fclose(f);
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), cmd_fmt, path);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	for (int i = 0; i < NPAIRS; i++)
		assert_int_equal(fscanf(p, "%d", &answers[i]), 1);
	pclose(p);
	unlink(path);
}

/* Pairs where cmp disagrees with the oracle, each printed. */
static int disagreements(const char *what, int (*cmp)(const char *, const char *), const int *want)
{
	int wrong = 0;
	for (int i = 0; i < NPAIRS; i++) {
		int got = cmp(pairs[i][0], pairs[i][1]);
		if (got != want[i]) {
			print_message("%s: %s vs %s: %d, the oracle says %d\n", what, pairs[i][0], pairs[i][1], got, want[i]);
			wrong++;
		}
	}
	return wrong;
}

static void test_dpkg_oracle(void **state)
{
	(void)state;
	if (access("/usr/bin/dpkg", X_OK) != 0)
		fail_msg("dpkg is needed as the oracle");
	/* the four pairs rpm's order gets wrong on a dpkg host */
	static const char *const known[][2] = { { "1.0+1", "1.0.1" }, { "1.0a", "1.0+" }, { "1.0+", "1.0a" }, { "1.0-a", "1.0-1" } };
	make_pairs(true, known, 4);
	int want[NPAIRS];
	oracle("while read a b; do if dpkg --compare-versions \"$a\" lt \"$b\"; then echo -1; "
	       "elif dpkg --compare-versions \"$a\" eq \"$b\"; then echo 0; else echo 1; fi; done < %s 2>/dev/null",
	       want);
	int rpm_differs = 0;
	for (int i = 0; i < NPAIRS; i++)
		rpm_differs += pkg_version_cmp_rpm(pairs[i][0], pairs[i][1]) != want[i];
	print_message("%d pairs, %d where rpm's order differs from dpkg's\n", NPAIRS, rpm_differs);
	assert_int_equal(disagreements("dpkg order", pkg_version_cmp_dpkg, want), 0);
	assert_true(rpm_differs >= 4);
}

/* Epochs dpkg refuses ("-1", "x", past INT_MAX) count as 0, never as the
 * largest epoch strtoul would make of "-1". */
static void test_dpkg_bad_epoch(void **state)
{
	(void)state;
	assert_int_equal(pkg_version_cmp_dpkg("-1:1.0", "1:0.1"), -1);
	assert_int_equal(pkg_version_cmp_dpkg("-1:1.0", "1.0"), 0);
	assert_int_equal(pkg_version_cmp_dpkg("x:2.0", "1.0"), 1);
	assert_int_equal(pkg_version_cmp_dpkg("99999999999999999999:1.0", "1:1.0"), -1);
	assert_int_equal(pkg_version_cmp_dpkg("2147483647:1.0", "1:1.0"), 1);
	assert_int_equal(pkg_version_cmp_dpkg(":1.0", "1.0"), 0);
}

static void test_rpm_oracle(void **state)
{
	(void)state;
	if (access("/usr/bin/rpm", X_OK) != 0)
		fail_msg("rpm is needed as the oracle");
	make_pairs(false, NULL, 0);
	int want[NPAIRS];
	oracle("rpm --eval '%%{lua: for l in io.lines(\"%s\") do "
	       "local a, b = l:match(\"(%%S+) (%%S+)\"); local x, y = rpm.ver(a), rpm.ver(b); "
	       "print((x < y and -1 or (x == y and 0 or 1)) .. \"\\n\") end}'",
	       want);
	assert_int_equal(disagreements("rpm order", pkg_version_cmp_rpm, want), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dpkg_oracle),
		cmocka_unit_test(test_dpkg_bad_epoch),
		cmocka_unit_test(test_rpm_oracle),
	};
	return cmocka_run_group_tests_name("version", tests, NULL, NULL);
}

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

/* One process of the oracle answers every pair: -1, 0 or 1 a line. */
static void oracle(const char *cmd, int *answers)
{
	FILE *f = popen(cmd, "r");
	assert_non_null(f);
	for (int i = 0; i < NPAIRS; i++)
		assert_int_equal(fscanf(f, "%d", &answers[i]), 1);
	pclose(f);
}

static void write_pairs(const char *path)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	for (int i = 0; i < NPAIRS; i++)
		fprintf(f, "%s %s\n", pairs[i][0], pairs[i][1]);
	fclose(f);
}

static void test_dpkg_oracle(void **state)
{
	(void)state;
	if (access("/usr/bin/dpkg", X_OK) != 0)
		fail_msg("dpkg is needed as the oracle");
	/* The four pairs rpm's order gets wrong on a dpkg host, then
	 * generated ones. */
	static const char *const known[][2] = { { "1.0+1", "1.0.1" }, { "1.0a", "1.0+" }, { "1.0+", "1.0a" }, { "1.0-a", "1.0-1" } };
	for (int i = 0; i < NPAIRS; i++) {
		if (i < 4) {
			strcpy(pairs[i][0], known[i][0]);
			strcpy(pairs[i][1], known[i][1]);
			continue;
		}
		gen(pairs[i][0], sizeof(pairs[i][0]), true);
		if (next(5) == 0)
			strcpy(pairs[i][1], pairs[i][0]);
		else
			gen(pairs[i][1], sizeof(pairs[i][1]), true);
	}
	char path[] = "/tmp/hvscope-vers-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	write_pairs(path);
	char cmd[256];
	snprintf(cmd, sizeof(cmd),
		 "while read a b; do if dpkg --compare-versions \"$a\" lt \"$b\"; then echo -1; "
		 "elif dpkg --compare-versions \"$a\" eq \"$b\"; then echo 0; else echo 1; fi; done < %s 2>/dev/null",
		 path);
	int want[NPAIRS];
	oracle(cmd, want);
	unlink(path);
	int wrong = 0, rpm_differs = 0;
	for (int i = 0; i < NPAIRS; i++) {
		int got = pkg_version_cmp_dpkg(pairs[i][0], pairs[i][1]);
		if (got != want[i]) {
			print_message("dpkg order: %s vs %s: %d, dpkg says %d\n", pairs[i][0], pairs[i][1], got, want[i]);
			wrong++;
		}
		rpm_differs += pkg_version_cmp_rpm(pairs[i][0], pairs[i][1]) != want[i];
	}
	print_message("%d pairs, %d where rpm's order differs from dpkg's\n", NPAIRS, rpm_differs);
	assert_int_equal(wrong, 0);
	assert_true(rpm_differs >= 4);
}

static void test_rpm_oracle(void **state)
{
	(void)state;
	if (access("/usr/bin/rpm", X_OK) != 0)
		fail_msg("rpm is needed as the oracle");
	for (int i = 0; i < NPAIRS; i++) {
		gen(pairs[i][0], sizeof(pairs[i][0]), false);
		if (next(5) == 0)
			strcpy(pairs[i][1], pairs[i][0]);
		else
			gen(pairs[i][1], sizeof(pairs[i][1]), false);
	}
	char path[] = "/tmp/hvscope-vers-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	write_pairs(path);
	char cmd[512];
	snprintf(cmd, sizeof(cmd),
		 "rpm --eval '%%{lua: for l in io.lines(\"%s\") do "
		 "local a, b = l:match(\"(%%S+) (%%S+)\"); local x, y = rpm.ver(a), rpm.ver(b); "
		 "print((x < y and -1 or (x == y and 0 or 1)) .. \"\\n\") end}'",
		 path);
	int want[NPAIRS];
	oracle(cmd, want);
	unlink(path);
	int wrong = 0;
	for (int i = 0; i < NPAIRS; i++) {
		int got = pkg_version_cmp_rpm(pairs[i][0], pairs[i][1]);
		if (got != want[i]) {
			print_message("rpm order: %s vs %s: %d, rpm says %d\n", pairs[i][0], pairs[i][1], got, want[i]);
			wrong++;
		}
	}
	assert_int_equal(wrong, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dpkg_oracle),
		cmocka_unit_test(test_rpm_oracle),
	};
	return cmocka_run_group_tests_name("version", tests, NULL, NULL);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* probe/cpuset.c: libvirt's cpusets and the kernel's cpu lists. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "probe/cpuset.h"

static struct cpuset set;

static const char *norm(const char *text)
{
	static char out[256];
	char *why = NULL;
	if (cpuset_parse(text, &set, &why) < 0) {
		snprintf(out, sizeof(out), "error: %s", why);
		free(why);
		return out;
	}
	struct cpuset none;
	memset(&none, 0, sizeof(none));
	struct buf b = BUF_INIT;
	cpuset_minus(&set, &none, &b);
	snprintf(out, sizeof(out), "%s", buf_str(&b));
	buf_free(&b);
	return out;
}

static void test_parse(void **state)
{
	(void)state;
	assert_string_equal(norm("0-3,8"), "0-3,8");
	assert_string_equal(norm("1-4,^3,6"), "1-2,4,6");          /* libvirt's exclusion */
	assert_string_equal(norm(" 2 , 5-6 "), "2,5-6");
	assert_string_equal(norm("0-15:2/4"), "0-1,4-5,8-9,12-13"); /* the kernel's groups */
	assert_string_equal(norm(""), "");
	assert_string_equal(norm("16383"), "16383");
	assert_string_equal(norm("16384"), "error: '16384' in '16384' is not a CPU, a range or an exclusion below 16384");
	assert_string_equal(norm("3-1"), "error: '3-1' in '3-1' is not a CPU, a range or an exclusion below 16384");
	assert_string_equal(norm("a"), "error: 'a' in 'a' is not a CPU, a range or an exclusion below 16384");
	assert_string_equal(norm("0-7:0/4"), "error: '0-7:0/4' in '0-7:0/4' is not a CPU, a range or an exclusion below 16384");
	assert_string_equal(norm("-1"), "error: '-1' in '-1' is not a CPU, a range or an exclusion below 16384");
	assert_int_equal(cpuset_parse("0-7", &set, NULL), 0);
	assert_int_equal(cpuset_count(&set), 8);
}

static void test_and_minus(void **state)
{
	(void)state;
	struct cpuset a, b;
	char *why = NULL;
	assert_int_equal(cpuset_parse("0-9", &a, &why), 0);
	assert_int_equal(cpuset_parse("2-7", &b, &why), 0);
	struct buf out = BUF_INIT;
	assert_int_equal(cpuset_minus(&a, &b, &out), 4);
	assert_string_equal(buf_str(&out), "0-1,8-9");
	buf_reset(&out);
	assert_int_equal(cpuset_and(&a, &b, &out), 6);
	assert_string_equal(buf_str(&out), "2-7");
	buf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_and_minus),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

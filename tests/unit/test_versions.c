/* SPDX-License-Identifier: GPL-2.0-or-later */
/* probe/versions.c: the upstream release in package and kernel versions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "probe/versions.h"

static void up(const char *v, const char *want)
{
	char *got = version_upstream(v);
	if (want)
		assert_string_equal(got, want);
	else
		assert_null(got);
	free(got);
}

static void test_upstream(void **state)
{
	(void)state;
	up("1:7.2+dfsg-7+deb12u18+b3", "7.2");          /* Debian's QEMU */
	up("15:8.2.0-11.el9_4", "8.2.0");                /* RHEL 9's qemu-kvm */
	up("10:1.5.3-175.el7_9.6", "1.5.3");             /* RHEL 7's */
	up("9.0.0-4+deb12u2", "9.0.0");
	up("8.0.0-22.module+el8.9.0+1405+8d4d9a2d", "8.0.0");
	up("6.18.44-fc-v1300", "6.18.44");               /* a kernel release */
	up("2.6.18-398.el5xen", "2.6.18");
	up("6.1.0-21-amd64", "6.1.0");
	up("4.19.", "4.19");
	up("a:1.0", NULL);                               /* no epoch, no leading digit */
	up(":1.0", NULL);
	up("", NULL);
	up("1:", NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_upstream),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

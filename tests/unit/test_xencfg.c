/* SPDX-License-Identifier: GPL-2.0-or-later */
/* probe/xencfg.c: the seed's Figure 7, python forms, errors with line:col. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "probe/xencfg.h"

static const char figure7[] =
	"# Automatically generated xen config file\n"
	"name = \"vm_rhel5_i386\"\n"
	"memory = \"1000\"\n"
	"disk = [ 'tap:aio:/var/lib/xen/images/vm_rhel5_i386,xvda,w', ]\n"
	"vif = [ 'mac=00:16:3e:0c:77:c5, bridge=xenbr0', ]\n"
	"vfb = [\"type=vnc,vncunused=1\"]\n"
	"uuid = \"9847a069-51e4-8173-9d1b-2d033cf63d5b\"\n"
	"bootloader=\"/usr/bin/pygrub\"\n"
	"vcpus=2\n"
	"on_reboot   = 'restart'\n"
	"on crash    = 'restart'\n";

static void test_figure7(void **state)
{
	(void)state;
	struct xcfg c;
	xcfg_parse(figure7, strlen(figure7), &c);
	const struct xcfg_entry *e = xcfg_get(&c, "name");
	assert_non_null(e);
	assert_string_equal(e->s, "vm_rhel5_i386");
	e = xcfg_get(&c, "memory");
	assert_int_equal(e->type, XCFG_STR); /* quoted, as in the seed */
	assert_string_equal(e->s, "1000");
	e = xcfg_get(&c, "vcpus");
	assert_int_equal(e->type, XCFG_INT);
	assert_int_equal(e->i, 2);
	assert_int_equal(e->line, 9);
	e = xcfg_get(&c, "disk");
	assert_int_equal(e->type, XCFG_LIST);
	assert_int_equal(e->list.n, 1);
	char *p = xcfg_disk_path(e->list.v[0]);
	assert_string_equal(p, "/var/lib/xen/images/vm_rhel5_i386");
	free(p);
	char *mac = xcfg_vif_mac(xcfg_get(&c, "vif")->list.v[0]);
	assert_string_equal(mac, "00:16:3e:0c:77:c5");
	free(mac);
	/* The article's typesetting broke "on_crash" into two words: a finding
	 * with its line and column, the rest still parsed. */
	assert_int_equal(c.errors.n, 1);
	assert_string_equal(c.errors.v[0], "11:4: expected '=' after 'on'");
	assert_non_null(xcfg_get(&c, "on_reboot"));
	xcfg_free(&c);
}

static void test_forms(void **state)
{
	(void)state;
	static const char text[] = "memory = 0x100; vcpus = 4 # comment\n"
				   "disk = [\n  'phy:/dev/vg/lv,xvda,w',\n  \"format=raw, vdev=xvdb, target=/srv/img b.raw\",\n]\n"
				   "cpus = [[0,1], \"2-3\"]\n"
				   "extra = \"\"\"one\ntwo\"\"\"\n"
				   "kernel = '/boot/vm\\'linuz'\n";
	struct xcfg c;
	xcfg_parse(text, strlen(text), &c);
	assert_int_equal(c.errors.n, 0);
	assert_int_equal(xcfg_get(&c, "memory")->i, 256);
	assert_int_equal(xcfg_get(&c, "vcpus")->i, 4);
	const struct xcfg_entry *d = xcfg_get(&c, "disk");
	assert_int_equal(d->list.n, 2);
	char *p = xcfg_disk_path(d->list.v[0]);
	assert_string_equal(p, "/dev/vg/lv");
	free(p);
	p = xcfg_disk_path(d->list.v[1]);
	assert_string_equal(p, "/srv/img b.raw");
	free(p);
	assert_string_equal(xcfg_get(&c, "cpus")->list.v[0], "[0,1]");
	assert_string_equal(xcfg_get(&c, "extra")->s, "one\ntwo");
	assert_string_equal(xcfg_get(&c, "kernel")->s, "/boot/vm'linuz");
	assert_null(xcfg_disk_path("iscsi:iqn.2001-05.com.example:disk,xvda,w"));
	xcfg_free(&c);
}

static void test_errors(void **state)
{
	(void)state;
	static const char text[] = "name = \"ok\"\n"
				   "memory = \n"
				   "vcpus = 2 3\n"
				   "disk = [ 'a', 'b'\n"
				   "= 5\n"
				   "ok2 = 'unterminated\n"
				   "ok3 = 1\n";
	struct xcfg c;
	xcfg_parse(text, sizeof(text) - 1, &c);
	/* The unclosed list swallows up to the line where it went wrong. */
	assert_int_equal(c.errors.n, 4);
	assert_string_equal(c.errors.v[0], "2:10: missing value");
	assert_string_equal(c.errors.v[1], "3:11: unexpected text after the value of 'vcpus'");
	assert_string_equal(c.errors.v[2], "5:1: expected ',' or ']' in list");
	assert_string_equal(c.errors.v[3], "6:7: unterminated string");
	assert_string_equal(xcfg_get(&c, "name")->s, "ok");
	assert_int_equal(xcfg_get(&c, "ok3")->i, 1);

	/* Binary junk, NUL bytes included: findings, no crash. */
	static const char junk[] = "\x7f" "ELF\x02\x01\x00\x00name\x00= 'x\x00y'\n\xff\xfe";
	xcfg_free(&c);
	xcfg_parse(junk, sizeof(junk) - 1, &c);
	assert_true(c.errors.n >= 1);
	assert_string_equal(c.errors.v[0], "1:1: expected a setting name, found byte 0x7f");
	xcfg_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_figure7),
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests_name("xencfg", tests, NULL, NULL);
}

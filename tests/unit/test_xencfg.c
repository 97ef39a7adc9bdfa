/* SPDX-License-Identifier: GPL-2.0-or-later */
/* probe/xencfg.c: the seed's Figure 7, python forms, errors with line:col. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "probe/guest_xen.h"
#include "probe/guest_xml.h"
#include "probe/xencfg.h"
#include "probe/xenspec.h"

/* The local path of a disk spec, or NULL. */
static char *disk_path(const char *spec)
{
	struct xdisk d;
	xspec_disk(spec, &d);
	char *p = d.path ? strdup(d.path) : NULL;
	xspec_disk_free(&d);
	return p;
}

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
	char *p = disk_path(e->list.v[0]);
	assert_string_equal(p, "/var/lib/xen/images/vm_rhel5_i386");
	free(p);
	char *mac = xspec_vif_mac(xcfg_get(&c, "vif")->list.v[0]);
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
	char *p = disk_path(d->list.v[0]);
	assert_string_equal(p, "/dev/vg/lv");
	free(p);
	p = disk_path(d->list.v[1]);
	assert_string_equal(p, "/srv/img b.raw");
	free(p);
	assert_string_equal(xcfg_get(&c, "cpus")->list.v[0], "[0,1]");
	assert_string_equal(xcfg_get(&c, "extra")->s, "one\ntwo");
	assert_string_equal(xcfg_get(&c, "kernel")->s, "/boot/vm'linuz");
	assert_null(disk_path("iscsi:iqn.2001-05.com.example:disk,xvda,w"));
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

/* xm ran its configs as Python 2: what a config computes is known
 * statically, what only running it tells is unknown with the reason. */
static void test_python(void **state)
{
	(void)state;
	static const char text[] = "#  -*- mode: python; -*-\n"
				   "import os, re\n"
				   "vmid = 3\n"
				   "arch_libdir = 'lib'\n"
				   "arch = os.uname()[4]\n"
				   "if os.uname()[0] == 'Linux' and re.search('64', arch):\n"
				   "    arch_libdir = 'lib64'\n"
				   "\n"
				   "name = \"VM%d\" % vmid\n"
				   "memory = 64 * 4 + 256 / 2\n"
				   "disk = [ 'phy:sda%d,sda1,w' % (7+vmid),\n"
				   "         'phy:sda6,sda6,r' ]\n"
				   "device_model = '/usr/' + arch_libdir + '/xen/bin/qemu-dm'\n"
				   "extra = \"%s VMID=%d usr=%s\" % ('4', vmid, '/dev/sda6')\n"
				   "acpi = True; apic = False\n"
				   "vif = [ 'mac=00:16:3e:00:00:%02x, bridge=xenbr0' % vmid ] * 2\n"
				   "kernel = ('/boot/vmlinuz-2.6.18-'\n"
				   "          '92.el5xen')\n"
				   "def vmid_check(var, val):\n"
				   "    if val <= 0:\n"
				   "        raise ValueError\n"
				   "    return val\n"
				   "vcpus = -(-7 // 2)\n"
				   "maxmem = 0755\n";
	struct xcfg c;
	xcfg_parse(text, sizeof(text) - 1, &c);
	for (size_t i = 0; i < c.errors.n; i++)
		print_message("error: %s\n", c.errors.v[i]);
	assert_int_equal(c.errors.n, 0);
	assert_string_equal(xcfg_get(&c, "name")->s, "VM3");
	assert_int_equal(xcfg_get(&c, "memory")->i, 384);
	const struct xcfg_entry *d = xcfg_get(&c, "disk");
	assert_int_equal(d->type, XCFG_LIST);
	assert_string_equal(d->list.v[0], "phy:sda10,sda1,w");
	assert_string_equal(d->list.v[1], "phy:sda6,sda6,r");
	assert_int_equal(xcfg_get(&c, "device_model")->type, XCFG_UNKNOWN);
	assert_int_equal(xcfg_get(&c, "arch_libdir")->type, XCFG_UNKNOWN);
	assert_string_equal(xcfg_get(&c, "extra")->s, "4 VMID=3 usr=/dev/sda6");
	assert_int_equal(xcfg_get(&c, "acpi")->i, 1);
	assert_int_equal(xcfg_get(&c, "apic")->i, 0);
	assert_int_equal(xcfg_get(&c, "vif")->list.n, 2);
	assert_string_equal(xcfg_get(&c, "vif")->list.v[1], "mac=00:16:3e:00:00:03, bridge=xenbr0");
	assert_string_equal(xcfg_get(&c, "kernel")->s, "/boot/vmlinuz-2.6.18-92.el5xen");
	assert_int_equal(xcfg_get(&c, "vcpus")->i, 4);
	assert_int_equal(xcfg_get(&c, "maxmem")->i, 493);
	assert_null(xcfg_get(&c, "os"));
	assert_null(xcfg_get(&c, "vmid_check"));
	assert_true(c.dynamic.n >= 2); /* the if, the def */
	xcfg_free(&c);

	/* xmexample2: the name comes from xm_vars at create time. */
	static const char vars[] = "xm_vars.var('vmid',\n"
				   "            use=\"Virtual machine id. Integer greater than zero.\",\n"
				   "            check=xm_vars.check_int)\n"
				   "xm_vars.check()\n"
				   "name = \"VM%d\" % vmid\n"
				   "memory = 64\n";
	xcfg_parse(vars, sizeof(vars) - 1, &c);
	assert_int_equal(c.errors.n, 0);
	assert_int_equal(xcfg_get(&c, "name")->type, XCFG_UNKNOWN);
	assert_int_equal(xcfg_get(&c, "memory")->i, 64);
	xcfg_free(&c);

	/* What Python would refuse is a finding; no secret is quoted. */
	static const char bad[] = "name = undefined_word\n"
				  "memory = 'a' + 1\n"
				  "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC\n";
	xcfg_parse(bad, sizeof(bad) - 1, &c);
	assert_int_equal(c.errors.n, 3);
	assert_string_equal(c.errors.v[0], "1:8: a bare word that is not defined (a string needs quotes)");
	assert_string_equal(c.errors.v[1], "2:14: unsupported operand types for +: 'str' and 'int'");
	assert_string_equal(c.errors.v[2], "3:52: a name of 51 characters has no '= value'");
	xcfg_free(&c);
}

/* What editors and xl leave in files: a byte order mark, CRLF line ends,
 * xl's "+=", a vNUMA list of lists, a trailing comma. */
static void test_xl_forms(void **state)
{
	(void)state;
	static const char text[] = "\xef\xbb\xbfname = \"win\"\r\n"
				   "memory = 2048\r\n"
				   "extra = \"console=hvc0\"\r\n"
				   "extra += \" quiet\"\r\n"
				   "disk += [ \"/srv/a.img,raw,xvda,rw\" ]\r\n"
				   "vnuma = [ [ \"pnode=0\",\"size=1024\",\"vcpus=0-1\",\"vdistances=10,20\" ],\r\n"
				   "          [ \"pnode=1\",\"size=1024\",\"vcpus=2-3\",\"vdistances=20,10\" ], ]\r\n";
	struct xcfg c;
	xcfg_parse(text, sizeof(text) - 1, &c);
	for (size_t i = 0; i < c.errors.n; i++)
		print_message("error: %s\n", c.errors.v[i]);
	assert_int_equal(c.errors.n, 0);
	assert_string_equal(xcfg_get(&c, "name")->s, "win");
	assert_string_equal(xcfg_get(&c, "extra")->s, "console=hvc0 quiet");
	assert_int_equal(xcfg_get(&c, "disk")->list.n, 1);
	assert_int_equal(xcfg_get(&c, "vnuma")->list.n, 2);
	assert_int_equal(c.dynamic.n, 0);
	xcfg_free(&c);
}

static void test_disk_specs(void **state)
{
	(void)state;
	static const struct {
		const char *spec, *path, *remote;
	} cases[] = {
		{ "phy:hda1,hda1,w", "/dev/hda1", NULL },
		{ "tap:aio:/var/lib/xen/images/vm.img,xvda,w", "/var/lib/xen/images/vm.img", NULL },
		{ "tap2:tapdisk:aio:/srv/a.img,xvda,w", "/srv/a.img", NULL },
		{ "file:/var/images/min-el3-i386.img,hda,w", "/var/images/min-el3-i386.img", NULL },
		{ ",hdc:cdrom,r", NULL, NULL },
		{ "/srv/iso/debian.iso,raw,hdc,ro,devtype=cdrom", "/srv/iso/debian.iso", NULL },
		{ "format=raw, vdev=xvda, access=rw, target=/dev/vg/guest-volume", "/dev/vg/guest-volume", NULL },
		{ "vdev=xvda, backendtype=qdisk, target=rbd:pool/img:id=admin:key=AQBsecretsecret==:mon_host=10.0.0.1\\;10.0.0.2,x",
		  NULL, "rbd:pool/img" },
		{ "iscsi:iqn.2001-05.com.example:disk,xvda,w", NULL, "iscsi:iqn.2001-05.com.example:disk" },
		{ "drbd:r0,xvda,w", NULL, "drbd:r0" },
		{ "nbd:storage1:10809,xvdb,w", NULL, "nbd:storage1:10809" },
		{ "vdev=xvdc, script=block-iscsi, target=iqn.2004-04.com.example:lun1", NULL, "iscsi:iqn.2004-04.com.example:lun1" },
		{ "format=raw, vdev=xvdd, target=iscsi://admin:hunter2@10.0.0.5/iqn.2004-04.com.example:t/1", NULL,
		  "iscsi://10.0.0.5/iqn.2004-04.com.example:t/1" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct xdisk d;
		xspec_disk(cases[i].spec, &d);
		if (cases[i].path)
			assert_string_equal(d.path, cases[i].path);
		else
			assert_null(d.path);
		if (cases[i].remote)
			assert_string_equal(d.remote, cases[i].remote);
		else
			assert_null(d.remote);
		xspec_disk_free(&d);
	}
}

static void test_uuid_spellings(void **state)
{
	(void)state;
	static const char *const spellings[] = { "9847a069-51e4-8173-9d1b-2d033cf63d5b", "9847a06951e481739d1b2d033cf63d5b",
						 "9847A069-51E4-8173-9D1B-2D033CF63D5B", "{9847a069-51e4-8173-9d1b-2d033cf63d5b}",
						 "urn:uuid:9847a069-51e4-8173-9d1b-2d033cf63d5b", "9847a069-51e48173-9d1b2d033cf63d5b" };
	for (size_t i = 0; i < sizeof(spellings) / sizeof(spellings[0]); i++) {
		char *u = guest_uuid_canonical(spellings[i]);
		assert_non_null(u);
		assert_string_equal(u, "9847a069-51e4-8173-9d1b-2d033cf63d5b");
		free(u);
	}
	assert_null(guest_uuid_canonical("9847a069-51e4-8173-9d1b"));
	assert_null(guest_uuid_canonical("not-a-uuid-at-all-zzzzzzzzzzzzzzzzzzz"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_figure7),
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_python),
		cmocka_unit_test(test_xl_forms),
		cmocka_unit_test(test_disk_specs),
		cmocka_unit_test(test_uuid_spellings),
	};
	return cmocka_run_group_tests_name("xencfg", tests, NULL, NULL);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* probe/secure.c: confidential guests from /proc/cpuinfo's flags, KVM's
 * parameters and /dev/sev, against the guests' <launchSecurity>. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/probe.h"
#include <sys/stat.h>
#include <unistd.h>

#include "tmpdir.h"

static void domain(const char *name, const char *inner)
{
	_cleanup_free_ char *path = xasprintf("/etc/libvirt/qemu/%s.xml", name);
	_cleanup_free_ char *text = xasprintf("<domain type='kvm'><name>%s</name><memory>1048576</memory><vcpu>2</vcpu>%s</domain>\n", name, inner);
	tmpdir_put(path, text);
}

static const char *kind(void)
{
	static char out[32];
	struct probe_ctx ctx;
	probe_ctx_init(&ctx, dir);
	const struct fact *f = probe_fact(&ctx, "secure_guest.kind");
	snprintf(out, sizeof(out), "%s", f->status == FACT_OK ? f->s : fact_status_name(f->status));
	probe_ctx_free(&ctx);
	return out;
}

static void test_amd(void **state)
{
	(void)state;
	tmpdir_clear();
	tmpdir_put("/proc/cpuinfo", "processor\t: 0\nvendor_id\t: AuthenticAMD\nflags\t\t: fpu svm sme sev sev_es sev_snp\n\n");
	assert_string_equal(kind(), "none"); /* the CPU has it, KVM does not enable it */
	tmpdir_put("/sys/module/kvm_amd/parameters/sev", "Y\n");
	tmpdir_put("/sys/module/kvm_amd/parameters/sev_es", "Y\n");
	tmpdir_put("/sys/module/kvm_amd/parameters/sev_snp", "N\n");
	assert_string_equal(kind(), "none"); /* no /dev/sev */
	tmpdir_put("/dev/sev", "");
	assert_string_equal(kind(), "sev-es");
	tmpdir_put("/sys/module/kvm_amd/parameters/sev_snp", "Y\n");
	assert_string_equal(kind(), "sev-snp");
	tmpdir_put("/sys/module/kvm_amd/parameters/sev_es", "0\n");
	assert_string_equal(kind(), "sev-snp");

	tmpdir_put("/sys/module/kvm_amd/parameters/sev_snp", "N\n");
	domain("plain", "<launchSecurity type='sev'><policy>0x0003</policy></launchSecurity>");
	domain("es", "<launchSecurity type='sev'><policy>0x0007</policy></launchSecurity>");
	domain("snp", "<launchSecurity type='sev-snp'><policy>0x00030000</policy></launchSecurity>");
	domain("none", "");
	struct probe_ctx ctx;
	probe_ctx_init(&ctx, dir);
	const struct fact *g = probe_fact(&ctx, "secure_guest.guests");
	assert_int_equal(g->list.n, 3);
	const struct fact *u = probe_fact(&ctx, "secure_guest.unmet");
	assert_int_equal(u->list.n, 2);
	assert_string_equal(u->list.v[0], "es: sev-es (this host launches: sev)");
	assert_string_equal(u->list.v[1], "snp: sev-snp (this host launches: sev)");
	probe_ctx_free(&ctx);
}

static void test_tdx(void **state)
{
	(void)state;
	tmpdir_clear();
	tmpdir_put("/proc/cpuinfo", "processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: fpu vmx tdx_host_platform\n\n");
	tmpdir_put("/sys/module/kvm_intel/parameters/tdx", "N\n");
	assert_string_equal(kind(), "none");
	tmpdir_put("/sys/module/kvm_intel/parameters/tdx", "Y\n");
	assert_string_equal(kind(), "tdx");
	domain("td", "<launchSecurity type='tdx'><policy>0x10000000</policy></launchSecurity>");
	domain("sev", "<launchSecurity type='sev'/>");
	struct probe_ctx ctx;
	probe_ctx_init(&ctx, dir);
	const struct fact *u = probe_fact(&ctx, "secure_guest.unmet");
	assert_int_equal(u->list.n, 1);
	assert_string_equal(u->list.v[0], "sev: sev (this host launches: tdx)");
	probe_ctx_free(&ctx);

	/* an image: no running CPU, no modules */
	tmpdir_clear();
	tmpdir_put("/etc/hostname", "img\n");
	assert_string_equal(kind(), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_amd),
		cmocka_unit_test(test_tdx),
	};
	return cmocka_run_group_tests(tests, tmpdir_setup, tmpdir_teardown);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* probe/cpusec.c: the kernel's vulnerability strings (Documentation/
 * admin-guide/hw-vuln/) and the facts read from a small /sys tree. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/cpusec.h"
#include "probe/probe.h"
#include <sys/stat.h>
#include <unistd.h>

#include "tmpdir.h"

static void test_classify(void **state)
{
	(void)state;
	assert_int_equal(vuln_classify("Not affected"), VULN_NOT_AFFECTED);
	assert_int_equal(vuln_classify("Mitigation: PTI"), VULN_MITIGATED);
	assert_int_equal(vuln_classify("Mitigation: PTE Inversion; VMX: conditional cache flushes, SMT vulnerable"), VULN_MITIGATED);
	assert_int_equal(vuln_classify("Vulnerable"), VULN_VULNERABLE);
	assert_int_equal(vuln_classify("Vulnerable: No microcode"), VULN_VULNERABLE);
	assert_int_equal(vuln_classify("Vulnerable, IBPB: disabled, STIBP: disabled"), VULN_VULNERABLE);
	assert_int_equal(vuln_classify("KVM: Mitigation: Split huge pages"), VULN_MITIGATED);
	assert_int_equal(vuln_classify("KVM: Vulnerable"), VULN_VULNERABLE);
	assert_int_equal(vuln_classify("Processor vulnerable"), VULN_VULNERABLE);
	assert_int_equal(vuln_classify("Unknown: Dependent on hypervisor status"), VULN_UNKNOWN);
	assert_int_equal(vuln_classify(""), VULN_UNKNOWN);
	assert_int_equal(vuln_classify("not affected"), VULN_UNKNOWN); /* the kernel's case only */
	assert_true(vuln_smt_exposed("Mitigation: Clear CPU buffers; SMT vulnerable"));
	assert_false(vuln_smt_exposed("Mitigation: Clear CPU buffers; SMT disabled"));
	assert_false(vuln_smt_exposed("Mitigation: Clear CPU buffers; SMT Host state unknown"));
}

static void test_facts(void **state)
{
	(void)state;
	tmpdir_put("/sys/devices/system/cpu/vulnerabilities/mds", "Mitigation: Clear CPU buffers; SMT vulnerable\n");
	tmpdir_put("/sys/devices/system/cpu/vulnerabilities/spectre_v2", "Vulnerable\n");
	tmpdir_put("/sys/devices/system/cpu/vulnerabilities/meltdown", "Not affected\n");
	tmpdir_put("/sys/devices/system/cpu/smt/control", "on\n");
	tmpdir_put("/sys/devices/system/cpu/smt/active", "1\n");
	/* without a /proc the root is an image, which has no running kernel */
	struct probe_ctx ctx;
	probe_ctx_init(&ctx, dir);
	assert_int_equal(probe_fact(&ctx, "cpu.vuln.names")->status, FACT_UNKNOWN);
	probe_ctx_free(&ctx);
	tmpdir_put("/proc/cpuinfo", "processor\t: 0\n");
	probe_ctx_init(&ctx, dir);
	const struct fact *names = probe_fact(&ctx, "cpu.vuln.names");
	assert_int_equal(names->status, FACT_OK);
	assert_int_equal(names->list.n, 3);
	assert_string_equal(names->list.v[0], "mds"); /* sorted */
	assert_string_equal(probe_fact(&ctx, "cpu.vuln.spectre_v2")->s, "Vulnerable");
	const struct fact *v = probe_fact(&ctx, "cpu.vuln.vulnerable");
	assert_int_equal(v->list.n, 1);
	assert_string_equal(v->list.v[0], "spectre_v2: Vulnerable");
	const struct fact *smt = probe_fact(&ctx, "cpu.vuln.smt_vulnerable");
	assert_int_equal(smt->list.n, 1);
	assert_string_equal(smt->list.v[0], "mds: Mitigation: Clear CPU buffers; SMT vulnerable");
	assert_string_equal(probe_fact(&ctx, "cpu.smt.control")->s, "on");
	assert_true(probe_fact(&ctx, "cpu.smt.active")->b);
	assert_int_equal(probe_fact(&ctx, "cpu.vuln.l1tf")->status, FACT_ERROR); /* no probe fact of that name */
	probe_ctx_free(&ctx);

	/* a kernel before 4.15 / 4.19: the facts are missing, not failures of parsing */
	tmpdir_clear();
	tmpdir_put("/proc/cpuinfo", "processor\t: 0\n");
	tmpdir_put("/sys/devices/system/cpu/smt/active", "yes\n");
	probe_ctx_init(&ctx, dir);
	assert_int_equal(probe_fact(&ctx, "cpu.vuln.names")->status, FACT_MISSING);
	assert_int_equal(probe_fact(&ctx, "cpu.smt.control")->status, FACT_MISSING);
	assert_int_equal(probe_fact(&ctx, "cpu.smt.active")->status, FACT_ERROR);
	probe_ctx_free(&ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_facts),
	};
	return cmocka_run_group_tests(tests, tmpdir_setup, tmpdir_teardown);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* probe/pinning.c and probe/nested.c: the guests' <cputune>, <cpu> and
 * <vsock> against the host's CPUs, isolcpus= and KVM's nested parameter,
 * from small host trees. */
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

static void test_pins(void **state)
{
	(void)state;
	tmpdir_clear();
	tmpdir_put("/proc/cpuinfo", "processor\t: 0\n");
	tmpdir_put("/proc/cmdline", "ro isolcpus=nohz,domain,managed_irq,4-7 quiet\n");
	tmpdir_put("/sys/devices/system/cpu/present", "0-7\n");
	domain("ok", "<cputune><vcpupin vcpu='0' cpuset='4'/><vcpupin vcpu='1' cpuset='5'/><emulatorpin cpuset='0-3'/></cputune>");
	domain("bad", "<cputune><vcpupin vcpu='0' cpuset='6-7'/><vcpupin vcpu='1' cpuset='3,8-9'/><emulatorpin cpuset='x'/></cputune>");
	domain("free", "");
	struct probe_ctx ctx;
	probe_ctx_init(&ctx, dir);
	assert_string_equal(probe_fact(&ctx, "cpu.isolated")->s, "4-7");
	const struct fact *g = probe_fact(&ctx, "pinning.guests");
	assert_int_equal(g->list.n, 2);
	const struct fact *a = probe_fact(&ctx, "pinning.absent");
	assert_int_equal(a->list.n, 2);
	assert_string_equal(a->list.v[0], "bad vcpu 1: cpuset 3,8-9 names CPU 8-9, not present (present: 0-7)");
	assert_string_equal(a->list.v[1], "bad emulator: 'x' in 'x' is not a CPU, a range or an exclusion below 16384");
	const struct fact *i = probe_fact(&ctx, "pinning.isolated");
	assert_int_equal(i->list.n, 1);
	assert_string_equal(i->list.v[0], "bad vcpu 0: cpuset 6-7 spans isolated CPUs 6-7, and the scheduler does not move a vCPU between them");
	probe_ctx_free(&ctx);

	/* the kernel's own list wins over the command line; empty: none */
	tmpdir_put("/sys/devices/system/cpu/isolated", "\n");
	probe_ctx_init(&ctx, dir);
	assert_string_equal(probe_fact(&ctx, "cpu.isolated")->s, "");
	assert_int_equal(probe_fact(&ctx, "pinning.isolated")->list.n, 0);
	probe_ctx_free(&ctx);
}

static void test_nested(void **state)
{
	(void)state;
	tmpdir_clear();
	tmpdir_put("/proc/cpuinfo", "processor\t: 0\n");
	tmpdir_put("/sys/module/kvm_intel/parameters/nested", "N\n");
	domain("pass", "<cpu mode='host-passthrough' check='none'/>");
	domain("model", "<cpu mode='host-model'/>");
	domain("feat", "<cpu mode='custom'><model>Skylake-Server</model><feature policy='require' name='vmx'/></cpu>");
	domain("off", "<cpu mode='custom'><model>Skylake-Server</model><feature policy='disable' name='vmx'/></cpu>");
	domain("sock", "<devices><vsock model='virtio'><cid auto='yes'/></vsock></devices>");
	struct probe_ctx ctx;
	probe_ctx_init(&ctx, dir);
	const struct fact *n = probe_fact(&ctx, "kvm.nested");
	assert_int_equal(n->status, FACT_OK);
	assert_false(n->b);
	const struct fact *ng = probe_fact(&ctx, "nested.guests");
	assert_int_equal(ng->list.n, 3);
	assert_true(strv_contains(&ng->list, "feat"));
	assert_false(strv_contains(&ng->list, "off"));
	const struct fact *vs = probe_fact(&ctx, "vsock.guests");
	assert_int_equal(vs->list.n, 1);
	assert_string_equal(vs->list.v[0], "sock");
	probe_ctx_free(&ctx);
	tmpdir_put("/sys/module/kvm_intel/parameters/nested", "1\n"); /* before Linux 4.20 */
	probe_ctx_init(&ctx, dir);
	assert_true(probe_fact(&ctx, "kvm.nested")->b);
	probe_ctx_free(&ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pins),
		cmocka_unit_test(test_nested),
	};
	return cmocka_run_group_tests(tests, tmpdir_setup, tmpdir_teardown);
}

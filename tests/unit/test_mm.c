/* SPDX-License-Identifier: GPL-2.0-or-later */
/* probe/mm.c: huge pages reserved per size and node against the guests'
 * <memoryBacking>, and KSM's run states, from small host trees. */
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

static const char *const xml =
	"<domain type='kvm'><name>%s</name><memory unit='MiB'>%d</memory>"
	"<memoryBacking><hugepages>%s</hugepages></memoryBacking><vcpu>1</vcpu></domain>\n";

static void guest(const char *name, int mib, const char *page)
{
	_cleanup_free_ char *path = xasprintf("/etc/libvirt/qemu/%s.xml", name);
	_cleanup_free_ char *text = xasprintf(xml, name, mib, page);
	tmpdir_put(path, text);
}

static void remove_guest(const char *name)
{
	_cleanup_free_ char *p = xasprintf("%s/etc/libvirt/qemu/%s.xml", dir, name);
	assert_int_equal(unlink(p), 0);
}

static void test_hugepages(void **state)
{
	(void)state;
	tmpdir_clear();
	tmpdir_put("/proc/cpuinfo", "processor\t: 0\n");
	tmpdir_put("/proc/meminfo", "MemTotal: 8000000 kB\nHugepagesize:       2048 kB\n");
	tmpdir_put("/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages", "512\n");
	tmpdir_put("/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages", "100\n");
	tmpdir_put("/sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages", "1\n");
	tmpdir_put("/sys/kernel/mm/hugepages/hugepages-1048576kB/free_hugepages", "1\n");
	tmpdir_put("/sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages", "256\n");
	tmpdir_put("/sys/devices/system/node/node1/hugepages/hugepages-2048kB/nr_hugepages", "256\n");
	guest("a", 512, "");                                   /* default size: 256 pages of 2 MiB */
	guest("b", 513, "<page size='2048' unit='KiB'/>");     /* 257, rounded up: 513 of 512 */
	guest("c", 2048, "<page size='1' unit='G'/>");         /* 2 of 1 reserved */
	guest("d", 64, "<page size='1' unit='G' nodeset='0'/><page size='2' unit='M'/>"); /* the one without nodeset: 32 more */
	struct probe_ctx ctx;
	probe_ctx_init(&ctx, dir);
	assert_int_equal(probe_fact(&ctx, "hugepages.2048kB.total")->i, 512);
	assert_int_equal(probe_fact(&ctx, "hugepages.2048kB.free")->i, 100);
	assert_int_equal(probe_fact(&ctx, "hugepages.2048kB.node1")->i, 256);
	assert_int_equal(probe_fact(&ctx, "hugepages.default_kib")->i, 2048);
	assert_int_equal(probe_fact(&ctx, "guest.a.hugepage_kib")->i, -1);
	assert_int_equal(probe_fact(&ctx, "guest.c.hugepage_kib")->i, 1048576);
	assert_int_equal(probe_fact(&ctx, "guest.d.hugepage_kib")->i, 2048);
	const struct fact *sizes = probe_fact(&ctx, "hugepages.sizes");
	assert_int_equal(sizes->list.n, 2);
	assert_int_equal(probe_fact(&ctx, "hugepages.guests")->list.n, 4);
	const struct fact *sf = probe_fact(&ctx, "hugepages.shortfall");
	assert_int_equal(sf->list.n, 2);
	assert_string_equal(sf->list.v[0], "2048kB: the guests need 545 pages (a 512 MiB, b 513 MiB, d 64 MiB), 512 reserved");
	assert_string_equal(sf->list.v[1], "1048576kB: the guests need 2 pages (c 2048 MiB), 1 reserved");
	probe_ctx_free(&ctx);

	/* bound by <numatune> to node 1: its 256 pages there, not the 512 of both */
	guest("a", 512, "");
	guest("b", 512, "");
	guest("c", 1024, "<page size='1' unit='G'/>");
	guest("d", 64, "<page size='2' unit='M'/>");
	_cleanup_free_ char *bound = xasprintf(xml, "e", 600, "");
	char *at = strstr(bound, "</domain>");
	*at = '\0';
	_cleanup_free_ char *full = xasprintf("%s<numatune><memory mode='strict' nodeset='1'/></numatune></domain>\n", bound);
	tmpdir_put("/etc/libvirt/qemu/e.xml", full);
	guest("a", 64, "");
	probe_ctx_init(&ctx, dir);
	sf = probe_fact(&ctx, "hugepages.shortfall");
	assert_int_equal(sf->list.n, 1);
	assert_string_equal(sf->list.v[0], "2048kB on node 1: the guests need 300 pages (e 600 MiB), 256 reserved");
	probe_ctx_free(&ctx);
	remove_guest("e");

	/* a page size libvirt cannot mean is the guest's parse error, never a demand */
	guest("b", 513, "<page size='1' unit='parsec'/>");
	probe_ctx_init(&ctx, dir);
	const struct fact *err = probe_fact(&ctx, "guest.parse_errors");
	assert_int_equal(err->list.n, 1);
	assert_non_null(strstr(err->list.v[0], "b.xml:1: <page size='1'>: unit 'parsec' is not one libvirt knows"));
	probe_ctx_free(&ctx);
}

static void ksm(const char *run, const char *sharing, const char *want)
{
	tmpdir_clear();
	tmpdir_put("/proc/cpuinfo", "processor\t: 0\n");
	tmpdir_put("/sys/kernel/mm/ksm/run", run);
	tmpdir_put("/sys/kernel/mm/ksm/pages_sharing", sharing);
	struct probe_ctx ctx;
	probe_ctx_init(&ctx, dir);
	assert_string_equal(probe_fact(&ctx, "ksm.state")->s, want);
	probe_ctx_free(&ctx);
}

static void test_ksm(void **state)
{
	(void)state;
	ksm("1\n", "300\n", "running");
	ksm("0\n", "0\n", "stopped");
	ksm("0\n", "7\n", "stopped-merged");
	ksm("2\n", "0\n", "unmerged");
	tmpdir_clear();
	tmpdir_put("/proc/cpuinfo", "processor\t: 0\n");
	struct probe_ctx ctx;
	probe_ctx_init(&ctx, dir);
	assert_int_equal(probe_fact(&ctx, "ksm.state")->status, FACT_MISSING); /* no CONFIG_KSM */
	assert_int_equal(probe_fact(&ctx, "hugepages.sizes")->status, FACT_MISSING);
	probe_ctx_free(&ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hugepages),
		cmocka_unit_test(test_ksm),
	};
	return cmocka_run_group_tests(tests, tmpdir_setup, tmpdir_teardown);
}

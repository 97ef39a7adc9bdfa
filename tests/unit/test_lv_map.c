/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hv/lv_map.c, the libvirt backend's mapping of answers onto hv_domain,
 * on canned records, structs and cache entries: no libvirt connection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "hv/lv_map.h"

#define P_ULL(f, v) { .field = f, .type = VIR_TYPED_PARAM_ULLONG, .value.ul = (v) }
#define P_INT(f, v) { .field = f, .type = VIR_TYPED_PARAM_INT, .value.i = (v) }
#define P_UINT(f, v) { .field = f, .type = VIR_TYPED_PARAM_UINT, .value.ui = (v) }
#define P_STR(f, v) { .field = f, .type = VIR_TYPED_PARAM_STRING, .value.s = (char *)(v) }

static void domain_free(struct hv_domain *d)
{
	struct hv_snapshot s = { .dom = xcalloc(1, sizeof(*d)), .ndom = 1 };
	s.dom[0] = *d;
	hv_snapshot_free(&s);
	memset(d, 0, sizeof(*d));
}

/* The groups a QEMU host's bulk call gives, as virsh domstats --raw
 * prints them. */
static void test_record(void **state)
{
	(void)state;
	virTypedParameter p[] = {
		P_INT("state.state", VIR_DOMAIN_PAUSED),
		P_INT("state.reason", 2),
		P_ULL("cpu.time", 123456789),
		P_ULL("balloon.current", 1048576),
		P_ULL("balloon.maximum", 2097152),
		P_ULL("balloon.rss", 524288),
		P_ULL("balloon.unused", 4096),
		P_ULL("balloon.major_fault", 7),
		P_UINT("vcpu.current", 2),
		P_UINT("vcpu.maximum", 4),
		P_INT("vcpu.0.state", VIR_VCPU_RUNNING),
		P_ULL("vcpu.0.time", 1000),
		P_ULL("vcpu.0.wait", 5),
		P_INT("vcpu.1.state", VIR_VCPU_OFFLINE),
		P_UINT("net.count", 1),
		P_STR("net.0.name", "vnet0"),
		P_ULL("net.0.rx.bytes", 100),
		P_ULL("net.0.tx.pkts", 3),
		P_UINT("block.count", 2),
		P_STR("block.0.name", "vda"),
		P_ULL("block.0.rd.bytes", 4096),
		P_ULL("block.0.wr.times", 77),
		P_ULL("block.0.capacity", 1 << 20),
		P_STR("block.1.name", "sdb"),
		P_INT("block.1.wr.reqs", -5), /* a negative counter reads as 0 */
		P_STR("block.9999.name", "too far"), /* not that shape: ignored */
	};
	virDomainStatsRecord rec = { .dom = NULL, .params = p, .nparams = (int)(sizeof(p) / sizeof(*p)) };
	struct hv_domain d = { 0 };
	lv_fill_record(&d, &rec);
	assert_int_equal(d.state, HV_PAUSED);
	assert_string_equal(d.reason, "migrating");
	assert_int_equal(d.cpu_ns, 123456789);
	assert_int_equal(d.mem_kib, 1048576);
	assert_int_equal(d.maxmem_kib, 2097152);
	assert_int_equal(d.rss_kib, 524288);
	assert_int_equal(d.balloon.unused_kib, 4096);
	assert_int_equal(d.balloon.major_faults, 7);
	assert_true(d.balloon.have & HV_BAL_UNUSED);
	assert_false(d.balloon.have & HV_BAL_USABLE);
	assert_int_equal(d.have & (HV_HAVE_CPU | HV_HAVE_MEM | HV_HAVE_VCPU | HV_HAVE_NET | HV_HAVE_BLK),
			 HV_HAVE_CPU | HV_HAVE_MEM | HV_HAVE_VCPU | HV_HAVE_NET | HV_HAVE_BLK);
	assert_int_equal(d.vcpus_online, 2);
	assert_int_equal(d.vcpus_max, 4);
	assert_int_equal(d.nvcpu, 2);
	assert_int_equal(d.vcpu[0].state, 1);
	assert_true(d.vcpu[0].online);
	assert_true(d.vcpu[0].have_wait);
	assert_false(d.vcpu[1].online);
	assert_int_equal(d.nnet, 1);
	assert_string_equal(d.net[0].name, "vnet0");
	assert_int_equal(d.net[0].rx_bytes, 100);
	assert_int_equal(d.net[0].tx_pkts, 3);
	assert_int_equal(d.nblk, 2);
	assert_string_equal(d.blk[0].name, "vda");
	assert_int_equal(d.blk[0].rd_bytes, 4096);
	assert_true(d.blk[0].have_times);
	assert_true(d.blk[0].have_sizes);
	assert_string_equal(d.blk[1].name, "sdb");
	assert_int_equal(d.blk[1].wr_reqs, 0);
	domain_free(&d);
}

/* The test driver's record (the state alone) with the per-domain calls'
 * answers; a record's own figures win over them. */
static void test_per_dom(void **state)
{
	(void)state;
	virTypedParameter p[] = { P_INT("state.state", VIR_DOMAIN_RUNNING), P_INT("state.reason", 1) };
	virDomainStatsRecord rec = { .params = p, .nparams = 2 };
	virVcpuInfo vcpu[2] = { { .number = 0, .state = VIR_VCPU_RUNNING, .cpuTime = 10, .cpu = 3 },
				{ .number = 1, .state = VIR_VCPU_BLOCKED, .cpuTime = 20, .cpu = -1 } };
	struct per_dom x = { .info_ok = true, .info = { .state = VIR_DOMAIN_RUNNING, .maxMem = 4096, .memory = 2048, .nrVirtCpu = 2, .cpuTime = 99 },
			     .maxvcpus = 8, .nvcpu = 2, .vcpu = vcpu };
	struct hv_domain d = { 0 };
	lv_fill_record(&d, &rec);
	lv_fill_per_dom(&d, &x);
	assert_int_equal(d.state, HV_RUNNING);
	assert_string_equal(d.reason, "booted");
	assert_int_equal(d.cpu_ns, 99);
	assert_int_equal(d.mem_kib, 2048);
	assert_int_equal(d.maxmem_kib, 4096);
	assert_int_equal(d.vcpus_online, 2);
	assert_int_equal(d.vcpus_max, 8);
	assert_int_equal(d.vcpu[1].time_ns, 20);
	assert_int_equal(d.vcpu[1].state, 2);
	assert_true(d.vcpu[0].have_pcpu);
	assert_int_equal(d.vcpu[0].pcpu, 3);
	assert_false(d.vcpu[1].have_pcpu);
	domain_free(&d);

	/* cpu.time in the record holds; no answers at all change nothing. */
	virTypedParameter q[] = { P_ULL("cpu.time", 5) };
	virDomainStatsRecord rq = { .params = q, .nparams = 1 };
	lv_fill_record(&d, &rq);
	lv_fill_per_dom(&d, &x);
	assert_int_equal(d.cpu_ns, 5);
	lv_fill_per_dom(&d, NULL);
	domain_free(&d);
}

/* Device counters asked by name: only the devices that answered, and
 * only where the record had none of that kind. */
static void test_devices(void **state)
{
	(void)state;
	struct dev_stats s = { .nets_asked = true, .disks_asked = true };
	strv_push(&s.nets, "tap0");
	strv_push(&s.nets, "gone");
	strv_push(&s.disks, "vda");
	virDomainInterfaceStatsStruct net[2] = { { .rx_bytes = 10, .tx_bytes = 20, .rx_errs = -1 } };
	virDomainBlockStatsStruct blk[1] = { { .rd_req = 1, .rd_bytes = 512, .wr_req = 2, .wr_bytes = 1024 } };
	bool net_ok[2] = { true, false }, blk_ok[1] = { true };
	s.net = net;
	s.blk = blk;
	s.net_ok = net_ok;
	s.blk_ok = blk_ok;
	struct hv_domain d = { 0 };
	lv_fill_devices(&d, &s);
	assert_true(d.have & HV_HAVE_NET);
	assert_true(d.have & HV_HAVE_BLK);
	assert_int_equal(d.nnet, 1);
	assert_string_equal(d.net[0].name, "tap0");
	assert_int_equal(d.net[0].rx_bytes, 10);
	assert_int_equal(d.net[0].rx_errs, 0);
	assert_int_equal(d.nblk, 1);
	assert_int_equal(d.blk[0].wr_bytes, 1024);
	/* Asked again (the record had them now): nothing added. */
	lv_fill_devices(&d, &s);
	assert_int_equal(d.nnet, 1);
	assert_int_equal(d.nblk, 1);
	domain_free(&d);
	strv_free(&s.nets);
	strv_free(&s.disks);
}

/* A cache entry parsed from canned XML onto a domain; persistence from a
 * list of transient UUIDs; a stuck domain's last figures. */
static void test_info_persistence_last(void **state)
{
	(void)state;
	static const char xml[] =
		"<domain type='kvm'><name>a</name><os><type arch='x86_64' machine='q35'>hvm</type></os><devices>"
		"<disk type='file' device='disk'><driver name='qemu' type='qcow2' cache='none'/><source file='/img/a.qcow2'/>"
		"<target dev='vda' bus='virtio'/><serial>S1</serial></disk>"
		"<interface type='bridge'><mac address='52:54:00:00:00:01'/><source bridge='br0'/><target dev='vnet0'/>"
		"<model type='virtio'/></interface></devices></domain>";
	struct lv_dev e = { 0 };
	lv_dev_parse(&e, xml, NULL);
	struct hv_snapshot snap = { 0 };
	struct hv_domain *d = hv_snapshot_add(&snap);
	snprintf(d->uuid, sizeof(d->uuid), "%s", "00000000-0000-0000-0000-000000000001");
	d->name = xstrdup("a");
	struct dev_stats none = { 0 };
	lv_fill_devices(d, &none); /* not asked: nothing, and not marked */
	assert_false(d->have & HV_HAVE_NET);
	virTypedParameter p[] = { P_UINT("net.count", 1), P_STR("net.0.name", "vnet0"), P_UINT("block.count", 1), P_STR("block.0.name", "vda") };
	virDomainStatsRecord rec = { .params = p, .nparams = 4 };
	lv_fill_record(d, &rec);
	lv_fill_info(d, &e);
	assert_string_equal(hv_labels_get(&d->info, "arch"), "x86_64");
	assert_string_equal(hv_labels_get(&d->info, "machine"), "q35");
	assert_string_equal(d->guest_type, "hvm");
	assert_string_equal(hv_labels_get(&d->net[0].info, "mac"), "52:54:00:00:00:01");
	assert_string_equal(hv_labels_get(&d->net[0].info, "source"), "br0");
	assert_string_equal(hv_labels_get(&d->blk[0].info, "source"), "/img/a.qcow2");
	assert_string_equal(hv_labels_get(&d->blk[0].info, "cache"), "none");
	assert_string_equal(hv_labels_get(&d->blk[0].info, "serial"), "S1");
	lv_dev_free(&e);

	struct strv transient = { 0 };
	size_t slot[1] = { 0 };
	lv_fill_persistence(&snap, slot, 1, &transient);
	assert_true(d->persistent);
	strv_push(&transient, d->uuid);
	lv_fill_persistence(&snap, slot, 1, &transient);
	assert_false(d->persistent);
	assert_true(d->have & HV_HAVE_PERSISTENT);
	strv_free(&transient);

	/* The last sample's figures, its name and id kept. */
	struct hv_snapshot last = { 0 };
	struct hv_domain *l = hv_snapshot_add(&last);
	snprintf(l->uuid, sizeof(l->uuid), "%s", d->uuid);
	l->name = xstrdup("old name");
	l->id = 7;
	l->cpu_ns = 42;
	d->id = 9;
	lv_copy_last(&last, d);
	assert_int_equal(d->cpu_ns, 42);
	assert_int_equal(d->id, 9);
	assert_string_equal(d->name, "a");
	assert_int_equal(d->nnet, 0);
	hv_snapshot_free(&last);
	hv_snapshot_free(&snap);
}

/* QEMU 8.2 on reports a calculation's start in unix seconds, earlier ones
 * on the host's monotonic clock: both give the same age. */
static void test_dirty_age(void **state)
{
	(void)state;
	double mono = 3800.0, wall = 1796700000.0;
	assert_true(lv_dirty_age(3793, mono, wall) == 7.0);
	assert_true(lv_dirty_age(1796699993LL, mono, wall) == 7.0);
	assert_true(lv_dirty_age(1796700060LL, mono, wall) < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dirty_age),
		cmocka_unit_test(test_record),
		cmocka_unit_test(test_per_dom),
		cmocka_unit_test(test_devices),
		cmocka_unit_test(test_info_persistence_last),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

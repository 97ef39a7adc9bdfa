/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The exporter's exposition writer: exact lines for hand-made snapshots,
 * escaping of every label value, value formatting at the edges. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "exporter/metrics.h"
#include "hv/hv.h"
#include "tests/unit/hv_dom.h"
#include "tests/unit/metrics_golden.h"

/* A domain whose every figure is known. */
static struct hv_domain *full_dom(struct hv_snapshot *s, int id, const char *name, const char *uuid)
{
	struct hv_domain *d = dom(s, id, name, uuid);
	d->have = HV_HAVE_CPU | HV_HAVE_MEM | HV_HAVE_VCPU | HV_HAVE_NET | HV_HAVE_BLK;
	return d;
}

/* All the writer's families of s, as one text. */
static char *write_all_as(const struct hv_snapshot *s, bool om)
{
	struct metrics_writer w;
	metrics_writer_init(&w, s, om);
	struct buf all = BUF_INIT;
	size_t families = 0;
	for (struct buf f = BUF_INIT; metrics_writer_next(&w, &f); buf_free(&f)) {
		buf_add(&all, f.s, f.len);
		families++;
	}
	metrics_writer_free(&w);
	assert_true(families > 20);
	return buf_steal(&all);
}

static char *write_all(const struct hv_snapshot *s)
{
	return write_all_as(s, false);
}

static void has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	for (const char *p = text; (p = strstr(p, line)); p++)
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return;
	fail_msg("missing line: %s", line);
}

static void test_values(void **state)
{
	(void)state;
	struct hv_snapshot s = { 0 };
	s.up = true;
	struct hv_domain *d = full_dom(&s, 7, "web", "00000000-0000-0000-0000-000000000007");
	d->cpu_ns = 1234567890123ULL;
	d->mem_kib = 1024;
	d->maxmem_kib = 2048;
	d->vcpus_online = 11;
	d->vcpus_max = 12;
	d->nvcpu = 11;
	d->vcpu = xcalloc(11, sizeof(*d->vcpu));
	d->vcpu[0].time_ns = 0;
	d->vcpu[10].time_ns = 1000000000ULL;
	d->blk = xcalloc(1, sizeof(*d->blk));
	d->nblk = 1;
	d->blk[0].name = xstrdup("vda");
	d->blk[0].rd_bytes = UINT64_MAX;
	struct hv_domain *gone = full_dom(&s, -1, "off", "00000000-0000-0000-0000-000000000008");
	gone->state = HV_SHUTOFF;
	char *t = write_all(&s);
	/* %s: web's labels */
	static const char *const want[] = {
		"hvscope_domain_cpu_seconds_total{%s} 1234.567890123",
		"hvscope_domain_vcpu_seconds_total{%s,vcpu=\"0\"} 0.000000000",
		"hvscope_domain_vcpu_seconds_total{%s,vcpu=\"10\"} 1.000000000",
		"hvscope_domain_memory_bytes{%s} 1048576",
		"hvscope_domain_vcpus_max{%s} 12",
		"hvscope_domain_block_read_bytes_total{%s,device=\"vda\"} 18446744073709551615",
		"hvscope_domain_state{%s,id=\"7\",state=\"running\"} 1",
	};
	for (size_t k = 0; k < sizeof(want) / sizeof(want[0]); k++) {
		char line[256];
		snprintf(line, sizeof(line), want[k], "domain=\"web\",uuid=\"00000000-0000-0000-0000-000000000007\"");
		has_line(t, line);
	}
	has_line(t, "hvscope_domain_state{domain=\"off\",uuid=\"00000000-0000-0000-0000-000000000008\",id=\"-1\",state=\"shutoff\"} 1");
	has_line(t, "# TYPE hvscope_domain_cpu_seconds_total counter");
	free(t);
	hv_snapshot_free(&s);
}

/* Quotes, backslashes and newlines in a domain's name and in a device's
 * name come out escaped; UTF-8 as it is. */
static void test_escaping(void **state)
{
	(void)state;
	struct hv_snapshot s = { 0 };
	s.up = true;
	struct hv_domain *d = full_dom(&s, 1, "a\"b\\c\nd \xc3\xa9", "u");
	d->net = xcalloc(2, sizeof(*d->net));
	d->nnet = 2;
	d->net[0].name = xstrdup("tap\"0\\\n");
	d->net[0].rx_bytes = 5;
	d->net[1].name = xstrdup("tap1");
	d->net[1].rx_bytes = 6;
	char *t = write_all(&s);
	has_line(t, "hvscope_domain_network_receive_bytes_total{domain=\"a\\\"b\\\\c\\nd \xc3\xa9\",uuid=\"u\",device=\"tap\\\"0\\\\\\n\"} 5");
	has_line(t, "hvscope_domain_network_receive_bytes_total{domain=\"a\\\"b\\\\c\\nd \xc3\xa9\",uuid=\"u\",device=\"tap1\"} 6");
	/* Every line is a comment or a whole series. */
	for (const char *p = t; *p; p = strchr(p, '\n') + 1)
		assert_true(*p == '#' || strncmp(p, "hvscope_", 8) == 0);
	free(t);
	hv_snapshot_free(&s);
}

/* The host's memory detail and CPU time where the source has them, and
 * nothing of them where it has not. */
static void test_host(void **state)
{
	(void)state;
	struct hv_snapshot s = { 0 };
	s.up = true;
	s.host.cpus = 4;
	s.host.mem_total_kib = 24683620;
	s.host.mem_free_kib = 1000;
	char *t = write_all(&s);
	has_line(t, "hvscope_host_memory_bytes 25276026880");
	assert_null(strstr(t, "hvscope_host_memory_cached_bytes"));
	assert_null(strstr(t, "hvscope_host_cpu_seconds_total"));
	free(t);
	s.host.mem_buffers_kib = 2;
	s.host.mem_cached_kib = 3;
	s.host.have_cpu_time = true;
	s.host.cpu_user_ns = 1500000000ULL;
	s.host.cpu_idle_ns = 7;
	t = write_all(&s);
	has_line(t, "hvscope_host_memory_buffers_bytes 2048");
	has_line(t, "hvscope_host_memory_cached_bytes 3072");
	has_line(t, "# TYPE hvscope_host_cpu_seconds_total counter");
	has_line(t, "hvscope_host_cpu_seconds_total{mode=\"user\"} 1.500000000");
	has_line(t, "hvscope_host_cpu_seconds_total{mode=\"idle\"} 0.000000007");
	has_line(t, "hvscope_host_cpu_seconds_total{mode=\"iowait\"} 0.000000000");
	assert_null(strstr(t, "hvscope_host_pcpu_idle_seconds_total"));
	free(t);
	s.host.pcpu_idle_ns = xcalloc(2, sizeof(*s.host.pcpu_idle_ns));
	s.host.npcpu = 2;
	s.host.pcpu_idle_ns[1] = 2000000001ULL;
	t = write_all(&s);
	has_line(t, "# TYPE hvscope_host_pcpu_idle_seconds_total counter");
	has_line(t, "hvscope_host_pcpu_idle_seconds_total{cpu=\"0\"} 0.000000000");
	has_line(t, "hvscope_host_pcpu_idle_seconds_total{cpu=\"1\"} 2.000000001");
	free(t);
	hv_snapshot_free(&s);
}

/* The families of the parts asked apart and of the configuration: present
 * with the figures, absent without them. */
static void test_more_families(void **state)
{
	(void)state;
	struct hv_snapshot s = { 0 };
	s.up = true;
	struct hv_domain *d = full_dom(&s, 5, "db", "00000000-0000-0000-0000-000000000005");
	char *t = write_all(&s);
	const char *absent[] = { "block_capacity", "vcpu_wait", "memory_unused", "domain_info{", "job_", "storage_pool", "collector_success" };
	for (size_t i = 0; i < sizeof(absent) / sizeof(*absent); i++)
		if (strstr(t, absent[i]))
			fail_msg("%s without its figures", absent[i]);
	free(t);
	d->blk = xcalloc(1, sizeof(*d->blk));
	d->nblk = 1;
	d->blk[0].name = xstrdup("vda");
	d->blk[0].have_sizes = d->blk[0].have_times = true;
	d->blk[0].capacity = 10737418240ULL;
	d->blk[0].allocation = 1048576;
	d->blk[0].rd_ns = 1500000000ULL;
	hv_labels_add(&d->blk[0].info, "source", "/var/lib/libvirt/images/db \"1\".qcow2");
	hv_labels_add(&d->blk[0].info, "bus", "virtio");
	d->vcpu = xcalloc(1, sizeof(*d->vcpu));
	d->nvcpu = 1;
	d->vcpu[0].have_wait = true;
	d->vcpu[0].delay_ns = 250000000ULL;
	d->balloon.have = HV_BAL_UNUSED | HV_BAL_SWAP_IN;
	d->balloon.unused_kib = 4;
	d->balloon.swap_in_kib = 2;
	hv_labels_add(&d->info, "os_type", "hvm");
	hv_labels_add(&d->info, "nova:instance_name", "instance-0001");
	hv_labels_add(&d->info, "meta:team", "db\nops");
	d->job.type = "outgoing migration";
	d->job.elapsed_ms = 2500;
	d->job.data_remaining = 42;
	s.pool = xcalloc(1, sizeof(*s.pool));
	s.npool = 1;
	s.pool[0].name = xstrdup("default");
	s.pool[0].state = "running";
	s.pool[0].available = 7;
	hv_snapshot_part(&s, "domains", true, 0.25, NULL);
	hv_snapshot_part(&s, "memory", false, 1.5, "no answer");
	t = write_all(&s);
	const char *u = "domain=\"db\",uuid=\"00000000-0000-0000-0000-000000000005\"";
	char *want[] = {
		xasprintf("hvscope_domain_block_capacity_bytes{%s,device=\"vda\"} 10737418240", u),
		xasprintf("hvscope_domain_block_allocation_bytes{%s,device=\"vda\"} 1048576", u),
		xasprintf("hvscope_domain_block_read_seconds_total{%s,device=\"vda\"} 1.500000000", u),
		xasprintf("hvscope_domain_vcpu_delay_seconds_total{%s,vcpu=\"0\"} 0.250000000", u),
		xasprintf("hvscope_domain_memory_unused_bytes{%s} 4096", u),
		xasprintf("hvscope_domain_memory_swap_in_bytes_total{%s} 2048", u),
		xasprintf("hvscope_domain_info{%s,os_type=\"hvm\"} 1", u),
		xasprintf("hvscope_domain_openstack_info{%s,instance_name=\"instance-0001\"} 1", u),
		xasprintf("hvscope_domain_metadata_info{%s,team=\"db\\nops\"} 1", u),
		xasprintf("hvscope_domain_block_info{%s,device=\"vda\",source=\"/var/lib/libvirt/images/db \\\"1\\\".qcow2\",bus=\"virtio\"} 1", u),
		xasprintf("hvscope_domain_job_running{%s,operation=\"outgoing migration\"} 1", u),
		xasprintf("hvscope_domain_job_elapsed_seconds{%s} 2.500000000", u),
		xasprintf("hvscope_domain_job_data_remaining_bytes{%s} 42", u),
		xstrdup("hvscope_storage_pool_state{pool=\"default\",uuid=\"\",state=\"running\"} 1"),
		xstrdup("hvscope_storage_pool_available_bytes{pool=\"default\",uuid=\"\"} 7"),
		xstrdup("hvscope_scrape_collector_success{collector=\"memory\"} 0"),
		xstrdup("hvscope_scrape_collector_duration_seconds{collector=\"domains\"} 0.250000"),
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(*want); i++) {
		has_line(t, want[i]);
		free(want[i]);
	}
	/* The vCPU without wait figures has no wait series; the balloon
	 * figures the guest did not give have none. */
	assert_null(strstr(t, "hvscope_domain_memory_usable_bytes{"));
	free(t);
	hv_snapshot_free(&s);
}

/* A snapshot of a source that is down: no families. */
static void test_down(void **state)
{
	(void)state;
	struct hv_snapshot s = { 0 };
	struct metrics_writer w;
	metrics_writer_init(&w, &s, false);
	struct buf f = BUF_INIT;
	assert_false(metrics_writer_next(&w, &f));
	assert_int_equal(f.len, 0);
	metrics_writer_free(&w);
	buf_free(&f);
}

/* OpenMetrics names a counter family without _total, its samples with it;
 * gauges and every sample line are the same as in the text format. */
static void test_openmetrics(void **state)
{
	(void)state;
	struct hv_snapshot s = { 0 };
	s.up = true;
	struct hv_domain *d = full_dom(&s, 3, "db", "00000000-0000-0000-0000-000000000003");
	d->cpu_ns = 2500000000ULL;
	char *om = write_all_as(&s, true), *text = write_all(&s);
	has_line(om, "# TYPE hvscope_domain_cpu_seconds counter");
	has_line(om, "# HELP hvscope_domain_cpu_seconds CPU time used by the domain.");
	has_line(om, "hvscope_domain_cpu_seconds_total{domain=\"db\",uuid=\"00000000-0000-0000-0000-000000000003\"} 2.500000000");
	has_line(om, "# TYPE hvscope_domain_memory_bytes gauge");
	has_line(text, "# TYPE hvscope_domain_cpu_seconds_total counter");
	assert_null(strstr(om, "# TYPE hvscope_domain_cpu_seconds_total"));
	assert_null(strstr(om, "_total counter"));
	/* Every sample line is the same in both. */
	struct strv a = { 0 }, b = { 0 };
	for (char *p = strtok(om, "\n"); p; p = strtok(NULL, "\n"))
		if (p[0] != '#')
			strv_push(&a, p);
	for (char *p = strtok(text, "\n"); p; p = strtok(NULL, "\n"))
		if (p[0] != '#')
			strv_push(&b, p);
	assert_int_equal(a.n, b.n);
	for (size_t i = 0; i < a.n; i++)
		assert_string_equal(a.v[i], b.v[i]);
	strv_free(&a);
	strv_free(&b);
	free(om);
	free(text);
	hv_snapshot_free(&s);
}

/* A snapshot with a series in every family: two running domains (one with
 * a name to escape) and a defined one that does not run, each device kind,
 * every optional part, two pools and the parts' outcomes. */
static void rich_snapshot(struct hv_snapshot *s)
{
	s->up = true;
	s->host.type = xstrdup("QEMU");
	s->host.version = xstrdup("8.2.0");
	s->host.source = xstrdup("libvirt qemu:///system");
	s->host.cpus = 8;
	s->host.mem_total_kib = 16384000;
	s->host.mem_free_kib = 4096;
	s->host.mem_buffers_kib = 12;
	s->host.mem_cached_kib = 34;
	s->host.have_cpu_time = true;
	s->host.cpu_user_ns = 5;
	s->host.cpu_system_ns = 6000000000ULL;
	s->host.cpu_idle_ns = 7;
	s->host.cpu_iowait_ns = 8;
	s->host.npcpu = 2;
	s->host.pcpu_idle_ns = xcalloc(2, sizeof(*s->host.pcpu_idle_ns));
	s->host.pcpu_idle_ns[1] = 3000000001ULL;
	s->host.nnuma = 2;
	s->host.numa_free_bytes[0] = 2147483648ULL, s->host.numa_free_bytes[1] = 1;
	for (int n = 0; n < 2; n++) {
		struct hv_domain *d = full_dom(s, n + 1, n ? "we\"b" : "db", n ? "00000000-0000-0000-0000-000000000002" : "u1");
		d->have |= n ? HV_HAVE_OO : 0;
		d->reason = n ? "booted" : NULL;
		d->guest_type = n ? "hvm" : NULL;
		d->stuck = n;
		d->cpu_ns = 1000000000ULL * (n + 1) + 7;
		d->mem_kib = 1024 * (n + 1);
		d->maxmem_kib = n ? 0 : 4096;
		d->rss_kib = n ? 300 : 0;
		d->vcpus_online = d->vcpus_max = d->nvcpu = 2;
		d->vcpu = xcalloc(2, sizeof(*d->vcpu));
		for (int k = 0; k < 2; k++) {
			d->vcpu[k].time_ns = 11ULL * (k + 1) + n;
			d->vcpu[k].have_wait = n;
			d->vcpu[k].wait_ns = 21 + k;
			d->vcpu[k].delay_ns = 31 + k;
			d->vcpu[k].have_pcpu = k;
			d->vcpu[k].pcpu = 3;
		}
		d->nnet = d->nblk = 2;
		d->net = xcalloc(2, sizeof(*d->net));
		d->blk = xcalloc(2, sizeof(*d->blk));
		for (int k = 0; k < 2; k++) {
			struct hv_net *t = &d->net[k];
			struct hv_blk *b = &d->blk[k];
			t->name = k ? xstrdup("tap\\1") : NULL;
			t->rx_bytes = 101, t->rx_pkts = 102, t->rx_errs = 103, t->rx_drop = 104;
			t->tx_bytes = 105, t->tx_pkts = 106, t->tx_errs = 107, t->tx_drop = 108 + k;
			if (k)
				hv_labels_add(&t->info, "mac", "52:54:00:00:00:01");
			b->name = xstrdup(k ? "vdb" : "vda");
			b->rd_reqs = 201, b->rd_bytes = 202, b->wr_reqs = 203, b->wr_bytes = 204, b->oo_reqs = 205 + n;
			b->have_times = k == 0;
			b->rd_ns = 1500000000ULL, b->wr_ns = 2, b->fl_reqs = 3, b->fl_ns = 4;
			b->have_sizes = k == 1 || n;
			b->capacity = 10737418240ULL, b->allocation = 1048576, b->physical = 2097152;
			if (!k)
				hv_labels_add(&b->info, "source", "/img/\"x\".qcow2");
			b->have_iotune = n && !k;
			for (int f = 0; f < HV_IOT_N; f++)
				b->iotune[f] = 1000ULL * (f + 1);
		}
		d->balloon.have = n ? 0x1ff : HV_BAL_UNUSED;
		d->balloon.unused_kib = 1, d->balloon.available_kib = 2, d->balloon.usable_kib = 3, d->balloon.disk_caches_kib = 4;
		d->balloon.swap_in_kib = 5, d->balloon.swap_out_kib = 6, d->balloon.major_faults = 7, d->balloon.minor_faults = 8;
		d->balloon.last_update = 1700000000;
		hv_labels_add(&d->info, "os_type", "hvm");
		if (n)
			hv_labels_add(&d->info, "numa:mode", "interleave");
		hv_labels_add(&d->info, "numa:nodeset", n ? "0-1" : "");
		if (n) {
			hv_labels_add(&d->info, "nova:instance_name", "instance-0001");
			hv_labels_add(&d->info, "meta:team", "db\nops");
		}
		d->job.type = n ? "migration out" : "none";
		d->job.elapsed_ms = 2500, d->job.remaining_ms = 1, d->job.data_total = 9;
		d->job.data_processed = 4, d->job.data_remaining = 5;
		/* every detail; the job of n 0 is none: none written */
		d->job.have = (1u << HV_JOB_FIGS) - 1;
		for (int k = 0; k < HV_JOB_FIGS; k++)
			d->job.fig[k] = 10ULL * k + 1;
		d->job.fig[HV_JOB_DOWNTIME_MS] = 1500;
		d->job.fig[HV_JOB_THROTTLE] = 7;
		/* perf events of the second domain: a count, RDT's gauges, one
		 * enabled without a figure */
		static const char *const ev[] = { "cpu_cycles", "cmt", "mbmt", "mbml" };
		d->nperf = n ? 4 : 0;
		d->perf = n ? xcalloc(4, sizeof(*d->perf)) : NULL;
		for (size_t k = 0; k < d->nperf; k++) {
			snprintf(d->perf[k].event, sizeof(d->perf[k].event), "%s", ev[k]);
			d->perf[k].have_value = k < 3;
			d->perf[k].value = 4096ULL * (k + 1);
		}
		d->dirty = (struct hv_dirtyrate){ .have = n, .mib_per_s = 3, .start = 1700000000, .period_s = 1 };
		/* two IOThreads of the second domain, one without its polling */
		d->niothread = 2 * (size_t)n;
		d->iothread = n ? xcalloc(2, sizeof(*d->iothread)) : NULL;
		for (size_t k = 0; k < d->niothread; k++) {
			d->iothread[k] = (struct hv_iothread){ .id = (unsigned)k + 1, .have_poll = k == 0, .poll_max_ns = 32768,
							      .poll_grow = 2, .poll_shrink = 3 };
			snprintf(d->iothread[k].cpus, sizeof(d->iothread[k].cpus), "%s", k ? "" : "0-3,8");
		}
	}
	struct hv_domain *off = dom(s, -1, "off", "00000000-0000-0000-0000-000000000009");
	off->state = HV_SHUTOFF;
	off->reason = "saved";
	s->npool = 2;
	s->pool = xcalloc(2, sizeof(*s->pool));
	for (int k = 0; k < 2; k++) {
		s->pool[k].name = xstrdup(k ? "img\"s" : "default");
		snprintf(s->pool[k].uuid, sizeof(s->pool[k].uuid), "p%d", k);
		s->pool[k].state = k ? "inactive" : "running";
		s->pool[k].capacity = 100, s->pool[k].allocation = 60, s->pool[k].available = 40 + k;
	}
	hv_snapshot_part(s, "domains", true, 0.25, NULL);
	hv_snapshot_part(s, "memory", false, 1.5, "no answer");
	hv_snapshot_part(s, "perf", true, 0.125, NULL);
}

/* Every family of a rich snapshot, byte for byte, in both formats: the
 * text a refactoring of the writers must leave as it is
 * (HVSCOPE_METRICS_GOLDEN=DIR writes it there, to make the golden texts
 * again when a family is meant to change). */
static void test_golden(void **state)
{
	(void)state;
	struct hv_snapshot s = { 0 };
	rich_snapshot(&s);
	for (int om = 0; om < 2; om++) {
		char *t = write_all_as(&s, om);
		const char *dir = getenv("HVSCOPE_METRICS_GOLDEN");
		if (dir) {
			char path[4096];
			snprintf(path, sizeof(path), "%s/%s", dir, om ? "golden.om" : "golden.txt");
			FILE *f = fopen(path, "w");
			assert_non_null(f);
			fputs(t, f);
			fclose(f);
		}
		assert_string_equal(t, om ? golden_om : golden_text);
		free(t);
	}
	hv_snapshot_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_down),
		cmocka_unit_test(test_host),
		cmocka_unit_test(test_more_families),
		cmocka_unit_test(test_openmetrics),
		cmocka_unit_test(test_golden),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The physical-CPU view's arithmetic (hv/pcpu.c): each host CPU's use
 * between two samples from libvirt's time by mode or Xen's idle time,
 * through a counter that wraps, a CPU that appears, goes offline or
 * comes back reset; the vCPUs' steal (hv_rates); the counters written to
 * a bundle's samples and read back; the view's rows (tui/pcpu.c) and
 * Domain-0 first (tui/fields.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "hv/hv.h"
#include "tests/unit/hv_dom.h"
#include "tests/unit/tmpdir.h"
#include "tui/fields.h"
#include "tui/pcpu.h"

#define S 1000000000ULL

/* A host of n CPUs counted by mode (libvirt), all online and zero. */
static void modes(struct hv_snapshot *s, double t, size_t n)
{
	s->mono = s->wall = t;
	s->host.npcpu = n;
	s->host.pcpu_idle_ns = xcalloc(n, sizeof(uint64_t));
	s->host.pcpu_modes = xcalloc(n, sizeof(struct hv_pcpu_modes));
	for (size_t i = 0; i < n; i++)
		s->host.pcpu_modes[i].online = true;
}

static void set(struct hv_snapshot *s, size_t i, uint64_t user, uint64_t sys, uint64_t idle, uint64_t iowait)
{
	s->host.pcpu_modes[i].user_ns = user;
	s->host.pcpu_modes[i].system_ns = sys;
	s->host.pcpu_idle_ns[i] = idle;
	s->host.pcpu_modes[i].iowait_ns = iowait;
}

static void test_modes(void **state)
{
	(void)state;
	struct hv_snapshot a = { 0 }, b = { 0 };
	modes(&a, 10, 2);
	modes(&b, 12, 2);
	set(&a, 0, 5 * S, 1 * S, 100 * S, 0);
	/* 2 s: 0.6 s user, 0.2 s system, 1 s idle, 0.2 s iowait */
	set(&b, 0, 5 * S + 600000000, 1 * S + 200000000, 101 * S, 200000000);
	/* a counter that wrapped: user from 2^64 - 0.5 s to 1.5 s is 2 s */
	set(&a, 1, UINT64_MAX - 500000000 + 1, 0, 0, 0);
	set(&b, 1, 1500000000, 0, 0, 0);
	struct hv_pcpu_rate r[2];
	hv_pcpu_rates(&a, &b, r);
	assert_true(r[0].valid && r[0].have_modes);
	assert_true(fabs(r[0].busy_pct - 40.0) < 1e-9);
	assert_true(fabs(r[0].user_pct - 30.0) < 1e-9);
	assert_true(fabs(r[0].system_pct - 10.0) < 1e-9);
	assert_true(fabs(r[0].idle_pct - 50.0) < 1e-9);
	assert_true(fabs(r[0].iowait_pct - 10.0) < 1e-9);
	assert_true(r[1].valid);
	assert_true(fabs(r[1].busy_pct - 100.0) < 1e-9);
	/* no earlier sample, or no time between them: nothing to tell */
	hv_pcpu_rates(NULL, &b, r);
	assert_false(r[0].valid || r[1].valid);
	hv_pcpu_rates(&b, &b, r);
	assert_false(r[0].valid || r[1].valid);
	hv_snapshot_free(&a);
	hv_snapshot_free(&b);
}

/* CPU 1 goes offline, CPU 2 appears, CPU 0 comes back with counters
 * reset; counters that stand still (libvirt's test driver). */
static void test_hotplug(void **state)
{
	(void)state;
	struct hv_snapshot a = { 0 }, b = { 0 }, c = { 0 };
	modes(&a, 1, 2);
	modes(&b, 2, 3);
	modes(&c, 3, 3);
	set(&a, 0, 50 * S, 50 * S, 50 * S, 0);
	set(&b, 0, 1 * S, 0, 0, 0); /* went back: reset */
	set(&a, 1, 1 * S, 1 * S, 1 * S, 0);
	b.host.pcpu_modes[1].online = false;
	set(&b, 2, 1 * S, 0, 0, 0);
	struct hv_pcpu_rate r[3];
	hv_pcpu_rates(&a, &b, r);
	assert_false(r[0].valid);
	assert_false(r[1].valid);
	assert_false(r[2].valid);
	/* the next interval: CPU 0 and 2 count again, CPU 1 came back
	 * online but has no earlier figure */
	set(&c, 0, 1 * S + 250000000, 0, 750000000, 0);
	set(&c, 1, 1 * S, 1 * S, 1 * S, 0);
	set(&c, 2, 1 * S, 0, 0, 0); /* stood still */
	hv_pcpu_rates(&b, &c, r);
	assert_true(r[0].valid && fabs(r[0].busy_pct - 25.0) < 1e-9);
	assert_false(r[1].valid);
	assert_false(r[2].valid);
	assert_false(hv_pcpu_online(&b.host, 1));
	assert_true(hv_pcpu_online(&c.host, 1));
	assert_false(hv_pcpu_online(&c.host, 3));
	hv_snapshot_free(&a);
	hv_snapshot_free(&b);
	hv_snapshot_free(&c);
}

/* Xen: idle time alone, busy is what the wall time did not idle. */
static void test_xen_idle(void **state)
{
	(void)state;
	struct hv_snapshot a = { 0 }, b = { 0 }, m = { 0 };
	a.mono = 100;
	b.mono = 102;
	a.host.npcpu = 3;
	b.host.npcpu = 4;
	a.host.pcpu_idle_ns = xcalloc(3, sizeof(uint64_t));
	b.host.pcpu_idle_ns = xcalloc(4, sizeof(uint64_t));
	a.host.pcpu_idle_ns[0] = 10 * S;
	b.host.pcpu_idle_ns[0] = 10 * S + 500000000; /* 0.5 s of 2 idle */
	a.host.pcpu_idle_ns[1] = 10 * S;
	b.host.pcpu_idle_ns[1] = 12 * S + 10000000; /* a little over: clock skew */
	a.host.pcpu_idle_ns[2] = 10 * S;
	b.host.pcpu_idle_ns[2] = 30 * S; /* more than a CPU can idle in 2 s */
	struct hv_pcpu_rate r[4];
	hv_pcpu_rates(&a, &b, r);
	assert_true(r[0].valid && !r[0].have_modes);
	assert_true(fabs(r[0].busy_pct - 75.0) < 1e-9);
	assert_true(r[1].valid && r[1].busy_pct == 0.0);
	assert_false(r[2].valid);
	assert_false(r[3].valid); /* appeared */
	/* a source that changed kind between the samples: no figure */
	modes(&m, 104, 4);
	hv_pcpu_rates(&b, &m, r);
	assert_false(r[0].valid);
	hv_snapshot_free(&a);
	hv_snapshot_free(&b);
	hv_snapshot_free(&m);
}

static void test_steal(void **state)
{
	(void)state;
	struct hv_snapshot a = { 0 }, b = { 0 };
	a.mono = 1;
	b.mono = 3;
	struct hv_domain *x = dom(&a, 1, "g", "6695eb01-f6a4-8304-79aa-97f2502e193f");
	struct hv_domain *y = dom(&b, 1, "g", "6695eb01-f6a4-8304-79aa-97f2502e193f");
	x->nvcpu = 2;
	x->vcpu = xcalloc(2, sizeof(*x->vcpu));
	y->nvcpu = 3; /* a vCPU plugged in: no earlier figure, not counted */
	y->vcpu = xcalloc(3, sizeof(*y->vcpu));
	for (int k = 0; k < 2; k++)
		x->vcpu[k].have_wait = true;
	for (int k = 0; k < 3; k++)
		y->vcpu[k].have_wait = true;
	x->vcpu[0].delay_ns = 1 * S;
	y->vcpu[0].delay_ns = 1 * S + 300000000;
	x->vcpu[1].delay_ns = 5 * S; /* went back (unplugged and plugged): nothing */
	y->vcpu[1].delay_ns = 0;
	y->vcpu[2].delay_ns = 9 * S;
	struct hv_rates r;
	hv_rates(&a, &b, y, &r);
	assert_true(r.have_steal);
	assert_true(fabs(r.steal_pct - 15.0) < 1e-9);
	hv_rates_free(&r);
	/* no delay from the source: unknown, not 0 */
	for (int k = 0; k < 3; k++)
		y->vcpu[k].have_wait = false;
	hv_rates(&a, &b, y, &r);
	assert_false(r.have_steal);
	hv_rates_free(&r);
	hv_snapshot_free(&a);
	hv_snapshot_free(&b);
}

/* Per-CPU modes (one CPU offline) and vCPU delays, written to a bundle's
 * samples and read back; a file with a counter of the wrong kind is
 * refused. */
static void test_json(void **state)
{
	(void)state;
	struct hv_snapshot s[2];
	memset(s, 0, sizeof(s));
	for (int k = 0; k < 2; k++) {
		modes(&s[k], 1796087882.0 + k, 3);
		s[k].up = true;
		s[k].host.source = xstrdup("libvirt qemu:///system");
		set(&s[k], 0, (uint64_t)(k + 1) * S, 2 * S, 3 * S, 4 * S);
		s[k].host.pcpu_modes[1].online = false;
		set(&s[k], 2, 7, 8, 9, 10);
		struct hv_domain *d = dom(&s[k], 3, "g", "6695eb01-f6a4-8304-79aa-97f2502e193f");
		d->nvcpu = 2;
		d->vcpu = xcalloc(2, sizeof(*d->vcpu));
		d->vcpu[0].online = true;
		d->vcpu[0].have_wait = true;
		d->vcpu[0].wait_ns = 11;
		d->vcpu[0].delay_ns = 12 + (uint64_t)k;
	}
	struct buf a = BUF_INIT, b = BUF_INIT;
	hv_history_write_json(s, 2, 1.0, &a);
	assert_non_null(strstr(buf_str(&a), "\"pcpu_user_ns\":[1000000000,null,7]"));
	_cleanup_free_ char *path = xasprintf("%s/samples.json", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(buf_str(&a), f);
	fclose(f);
	struct hv_history h;
	struct err e = ERR_INIT;
	assert_int_equal(hv_history_load("/", path, "x", &h, &e), 0);
	const struct hv_host *host = &h.snap[1].host;
	assert_int_equal(host->npcpu, 3);
	assert_non_null(host->pcpu_modes);
	assert_true(host->pcpu_modes[0].online && !host->pcpu_modes[1].online && host->pcpu_modes[2].online);
	assert_int_equal(host->pcpu_modes[0].user_ns, 2 * S);
	assert_int_equal(host->pcpu_modes[2].iowait_ns, 10);
	assert_int_equal(host->pcpu_idle_ns[2], 9);
	const struct hv_domain *d = &h.snap[1].dom[0];
	assert_true(d->vcpu[0].have_wait && !d->vcpu[1].have_wait);
	assert_int_equal(d->vcpu[0].delay_ns, 13);
	struct hv_pcpu_rate r[3];
	hv_pcpu_rates(&h.snap[0], &h.snap[1], r);
	assert_true(r[0].valid && fabs(r[0].user_pct - 1.0 / 1.0 * 100.0) < 1e-9);
	hv_history_write_json(h.snap, h.n, 1.0, &b);
	assert_string_equal(buf_str(&a), buf_str(&b));
	hv_history_free(&h);
	/* a string where a counter goes */
	char *bad = strstr(a.s, "[1000000000,null,7]");
	memcpy(bad, "[\"100000000\",null,7", 19);
	f = fopen(path, "w");
	fputs(buf_str(&a), f);
	fclose(f);
	assert_true(hv_history_load("/", path, "x", &h, &e) < 0);
	err_clear(&e);
	buf_free(&a);
	buf_free(&b);
	hv_snapshot_free(&s[0]);
	hv_snapshot_free(&s[1]);
}

/* The view's rows: each CPU with the vCPUs on it, a CPU only a vCPU
 * names, offline ones. */
static void test_rows(void **state)
{
	(void)state;
	struct hv_snapshot a = { 0 }, b = { 0 };
	modes(&a, 1, 2);
	modes(&b, 2, 2);
	set(&a, 0, 0, 0, 0, 0);
	set(&b, 0, 500000000, 0, 500000000, 0);
	b.host.pcpu_modes[1].online = false;
	struct hv_domain *d = dom(&b, 4, "web\x01", "6695eb01-f6a4-8304-79aa-97f2502e193f");
	d->nvcpu = 3;
	d->vcpu = xcalloc(3, sizeof(*d->vcpu));
	for (int k = 0; k < 3; k++)
		d->vcpu[k].online = d->vcpu[k].have_pcpu = true;
	d->vcpu[0].pcpu = 0;
	d->vcpu[1].pcpu = 3;
	d->vcpu[2].pcpu = 0;
	d->vcpu[2].online = false; /* offline: on no CPU */
	size_t n;
	struct pcpu_row *rows = top_pcpu_rows(&a, &b, &n);
	assert_int_equal(n, 4);
	assert_true(rows[0].known && rows[0].online && rows[0].r.valid);
	assert_int_equal(rows[0].vcpus.n, 1);
	assert_string_equal(rows[0].vcpus.v[0], "web\\x01:0");
	assert_true(rows[1].known && !rows[1].online);
	assert_false(rows[3].known);
	assert_string_equal(rows[3].vcpus.v[0], "web\\x01:1");
	struct buf line = BUF_INIT;
	top_pcpu_line(&rows[0], 10, &line);
	assert_string_equal(buf_str(&line), "   0 online     50.0    50.0     0.0       0.0 [#####     ]  web\\x01:0");
	buf_reset(&line);
	top_pcpu_line(&rows[2], 0, &line);
	assert_string_equal(buf_str(&line), "   2 -             -       -       -         -  -");
	buf_free(&line);
	top_pcpu_rows_free(rows, n);
	hv_snapshot_free(&a);
	hv_snapshot_free(&b);
}

static void test_dom0_first(void **state)
{
	(void)state;
	struct hv_snapshot s = { 0 };
	dom(&s, 5, "b", "");
	dom(&s, 0, "Domain-0", "");
	dom(&s, 2, "a", "");
	size_t n;
	struct top_row *rows = top_rows(NULL, &s, &n);
	top_sort(rows, n, top_field_by_key("name"), true);
	top_dom0_first(rows, n);
	assert_string_equal(rows[0].d->name, "Domain-0");
	assert_string_equal(rows[1].d->name, "b");
	assert_string_equal(rows[2].d->name, "a");
	top_rows_free(rows, n);
	hv_snapshot_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_modes), cmocka_unit_test(test_hotplug), cmocka_unit_test(test_xen_idle), cmocka_unit_test(test_steal),
		cmocka_unit_test(test_json),  cmocka_unit_test(test_rows),    cmocka_unit_test(test_dom0_first),
	};
	return cmocka_run_group_tests_name("pcpu", tests, tmpdir_setup, tmpdir_teardown);
}

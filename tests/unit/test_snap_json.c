/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A bundle's samples written and read back (hv/snap_json.c and
 * hv/snap_load.c): a snapshot with every figure the writer knows, the
 * history reloaded and written again must give the same text; and what
 * the reader refuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"
#include "hv/hv.h"
#include "tests/unit/hv_dom.h"
#include "tests/unit/tmpdir.h"

static void fill(struct hv_snapshot *s, double t, uint64_t cpu)
{
	s->wall = s->mono = t;
	s->up = true;
	s->host.hostname = xstrdup("dom0 \"quoted\"");
	s->host.source = xstrdup("xenstat");
	s->host.cpus = 4;
	s->host.mem_total_kib = 16777216;
	s->host.mem_free_kib = 1024;
	s->host.have_cpu_time = true;
	s->host.cpu_idle_ns = 77;
	s->host.npcpu = 2;
	s->host.pcpu_idle_ns = xcalloc(2, sizeof(uint64_t));
	s->host.pcpu_idle_ns[1] = 5;
	struct hv_domain *d = dom(s, 7, "web\n1 \xc3\xa9", "6695eb01-f6a4-8304-79aa-97f2502e193f");
	d->state = HV_BLOCKED;
	d->persistent = true;
	d->have = HV_HAVE_CPU | HV_HAVE_MEM | HV_HAVE_OO;
	d->cpu_ns = cpu;
	d->mem_kib = 524288;
	d->maxmem_kib = UINT64_MAX; /* no limit: written as the largest int64 */
	d->vcpus_online = 1;
	d->vcpus_max = 3;
	d->nvcpu = 3;
	d->vcpu = xcalloc(3, sizeof(*d->vcpu));
	d->vcpu[0] = (struct hv_vcpu){ .online = true, .state = 1, .time_ns = cpu, .have_pcpu = true, .pcpu = 2 };
	d->vcpu[1] = (struct hv_vcpu){ .online = true, .state = 2, .time_ns = 9 };
	d->vcpu[2] = (struct hv_vcpu){ .online = false };
	d->nnet = 1;
	d->net = xcalloc(1, sizeof(*d->net));
	d->net[0] = (struct hv_net){ .name = xstrdup("vif7.0"), .rx_bytes = 1, .rx_pkts = 2, .rx_errs = 3, .rx_drop = 4,
				     .tx_bytes = 5, .tx_pkts = 6, .tx_errs = 7, .tx_drop = 8 };
	d->nblk = 1;
	d->blk = xcalloc(1, sizeof(*d->blk));
	d->blk[0] = (struct hv_blk){ .name = xstrdup("xvda"), .rd_reqs = 11, .rd_bytes = 12, .wr_reqs = 13, .wr_bytes = 14,
				     .oo_reqs = 15, .have_sizes = true, .capacity = 16, .allocation = 17, .physical = 18 };
	d->balloon.have = HV_BAL_UNUSED | HV_BAL_LAST_UPDATE;
	d->balloon.unused_kib = 100;
	d->balloon.last_update = 1700000000;
	d->job.type = "none";
	struct hv_domain *e = dom(s, -1, "off", "");
	e->state = HV_SHUTOFF;
	e->note = xstrdup("not running");
}

static char *write_file(const char *text)
{
	char *path = xasprintf("%s/samples.json", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static void test_round_trip(void **state)
{
	(void)state;
	struct hv_snapshot s[2];
	memset(s, 0, sizeof(s));
	fill(&s[0], 1796087882.25, 1000);
	fill(&s[1], 1796087883.25, 2000);
	struct buf a = BUF_INIT, b = BUF_INIT;
	hv_history_write_json(s, 2, 1.0, &a);
	char *path = write_file(buf_str(&a));
	struct hv_history h;
	struct err e = ERR_INIT;
	assert_int_equal(hv_history_load("/", path, "x", &h, &e), 0);
	assert_int_equal(h.n, 2);
	const struct hv_domain *d = &h.snap[1].dom[0];
	assert_string_equal(d->name, "web\n1 \xc3\xa9");
	assert_int_equal(d->cpu_ns, 2000);
	assert_int_equal(d->maxmem_kib, INT64_MAX);
	assert_false(d->vcpu[2].online);
	assert_int_equal(d->vcpu[1].state, 2);
	assert_int_equal(d->vcpu[0].pcpu, 2);
	assert_int_equal(d->blk[0].oo_reqs, 15);
	assert_int_equal(d->have, HV_HAVE_CPU | HV_HAVE_MEM | HV_HAVE_OO);
	assert_true(h.snap[1].mono - h.snap[0].mono == 1.0);
	hv_history_write_json(h.snap, h.n, 1.0, &b);
	assert_string_equal(buf_str(&a), buf_str(&b));
	hv_history_free(&h);
	hv_snapshot_free(&s[0]);
	hv_snapshot_free(&s[1]);
	buf_free(&a);
	buf_free(&b);
	unlink(path);
	free(path);
}

static void expect_refused(const char *text, const char *why)
{
	char *path = write_file(text);
	struct hv_history h;
	struct err e = ERR_INIT;
	assert_true(hv_history_load("/", path, "shown.json", &h, &e) < 0);
	if (!strstr(err_msg(&e), why))
		fail_msg("'%s' does not say '%s'", err_msg(&e), why);
	assert_null(h.snap);
	err_clear(&e);
	unlink(path);
	free(path);
}

static void test_refused(void **state)
{
	(void)state;
	expect_refused("{\"samples\":[", "shown.json:1:");
	expect_refused("[1,2]", "neither a history");
	expect_refused("{\"samples\":[]}", "no samples");
	expect_refused("{\"samples\":[{\"time\":1}]}", "sample 1: a sample needs");
	expect_refused("{\"samples\":[{\"time\":1,\"host\":{},\"domains\":[{\"id\":1}]}]}", "a domain needs");
	expect_refused("{\"samples\":[{\"time\":1,\"host\":{},\"domains\":[{\"id\":1,\"name\":\"a\",\"cpu_ns\":1.5}]}]}",
		       "non-negative integers");
	expect_refused("{\"samples\":[{\"time\":1,\"host\":{},\"domains\":[{\"id\":1,\"name\":\"a\",\"net\":[7]}]}]}",
		       "devices");
	expect_refused("{\"samples\":[{\"time\":2,\"host\":{},\"domains\":[]},{\"time\":1,\"host\":{},\"domains\":[]}]}",
		       "sample 2 is older");
	expect_refused("{\"time\":1,\"time\":2,\"domains\":[]}", "duplicate");
}

/* The format decides what an absent key means, and a newer one is refused
 * by name. */
static void test_format(void **state)
{
	(void)state;
	struct hv_snapshot s = { 0 };
	fill(&s, 1796087882.25, 1000);
	struct buf a = BUF_INIT;
	hv_history_write_json(&s, 1, 1.0, &a);
	assert_true(str_starts(buf_str(&a), "{\"format\":3,"));
	hv_snapshot_free(&s);
	buf_free(&a);
	expect_refused("{\"format\":4,\"samples\":[]}", "format 4 is newer than this hvscope reads (3)");
	expect_refused("{\"format\":\"3\",\"samples\":[]}", "format is not a positive integer");
	expect_refused("{\"format\":3,\"samples\":[{\"time\":1,\"host\":{},\"domains\":[{\"id\":1,\"name\":\"a\"}]}]}",
		       "what it has (have)");
	expect_refused("{\"format\":3,\"samples\":[{\"time\":1,\"host\":{},\"domains\":[{\"id\":1,\"name\":\"a\",\"have\":[],"
		       "\"vcpu_ns\":[5]}]}]}",
		       "sample 1");
	/* format 2 (no format key): a domain without have had every figure,
	 * a vCPU without a state was online */
	char *path = write_file("{\"samples\":[{\"time\":1,\"host\":{},\"domains\":[{\"id\":1,\"name\":\"a\",\"vcpu_ns\":[5]}]}]}");
	struct hv_history h;
	struct err e = ERR_INIT;
	assert_int_equal(hv_history_load("/", path, "x", &h, &e), 0);
	assert_true(h.snap[0].dom[0].have & HV_HAVE_BLK);
	assert_true(h.snap[0].dom[0].vcpu[0].online);
	hv_history_free(&h);
	unlink(path);
	free(path);
}

/* top -f snapshot and a bundle: the newest samples that fit, at least
 * the last, the rest left out from the oldest. */
static void test_fit(void **state)
{
	(void)state;
	struct hv_snapshot s[3];
	memset(s, 0, sizeof(s));
	for (int i = 0; i < 3; i++)
		fill(&s[i], 1796087882.25 + i, 1000 * (uint64_t)(i + 1));
	struct buf all = BUF_INIT, two = BUF_INIT, out = BUF_INIT;
	hv_history_write_json(s, 3, 1.0, &all);
	hv_history_write_json(s + 1, 2, 1.0, &two);
	buf_puts(&out, "kept:");
	assert_int_equal(hv_history_write_json_fit(s, 3, 1.0, all.len, &out), 0);
	assert_string_equal(buf_str(&out) + 5, buf_str(&all));
	buf_reset(&out);
	buf_puts(&out, "kept:");
	assert_int_equal(hv_history_write_json_fit(s, 3, 1.0, all.len - 1, &out), 1);
	assert_string_equal(buf_str(&out) + 5, buf_str(&two));
	buf_reset(&out);
	assert_int_equal(hv_history_write_json_fit(s, 3, 1.0, 1, &out), 2);
	assert_non_null(strstr(buf_str(&out), "\"time\":1796087884.250"));
	for (int i = 0; i < 3; i++)
		hv_snapshot_free(&s[i]);
	buf_free(&all);
	buf_free(&two);
	buf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_fit),
	};
	return cmocka_run_group_tests_name("snap_json", tests, tmpdir_setup, tmpdir_teardown);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hv/ rates against hand-computed values, domain matching, snapshot copies,
 * and the batch table's columns. */
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
#include "tui/batch.h"
#include "tui/fields.h"
#include "tests/unit/hv_dom.h"


static void add_net(struct hv_domain *d, uint64_t rx, uint64_t tx)
{
	d->net = xrealloc(d->net, (d->nnet + 1) * sizeof(*d->net));
	memset(&d->net[d->nnet], 0, sizeof(*d->net));
	d->net[d->nnet].name = xstrdup("vif");
	d->net[d->nnet].rx_bytes = rx;
	d->net[d->nnet].tx_bytes = tx;
	d->nnet++;
}

static void test_rates(void **state)
{
	(void)state;
	struct hv_snapshot a = { 0 }, b = { 0 };
	a.mono = 100.0;
	b.mono = 102.0; /* two seconds later */
	struct hv_domain *p = dom(&a, 3, "web", "u-1");
	struct hv_domain *c = dom(&b, 3, "web", "u-1");
	p->cpu_ns = 5000000000ULL;
	c->cpu_ns = 6000000000ULL; /* one CPU-second in two seconds: 50% */
	p->nvcpu = c->nvcpu = 2;
	p->vcpu = xcalloc(2, sizeof(*p->vcpu));
	c->vcpu = xcalloc(2, sizeof(*c->vcpu));
	p->vcpu[0].time_ns = 1000000000ULL;
	c->vcpu[0].time_ns = 2000000000ULL; /* 50% */
	p->vcpu[1].time_ns = 0;
	c->vcpu[1].time_ns = 3000000000ULL; /* 150%: more than one CPU's worth is impossible for one vCPU, but the math is linear */
	add_net(p, 1000, 5000);
	add_net(c, 3048, 5000); /* 2048 bytes in 2 s: 1024 B/s */
	p->blk = xcalloc(1, sizeof(*p->blk));
	c->blk = xcalloc(1, sizeof(*c->blk));
	p->nblk = c->nblk = 1;
	p->blk[0].rd_reqs = 10;
	c->blk[0].rd_reqs = 30;   /* 10/s */
	p->blk[0].wr_bytes = 4096;
	c->blk[0].wr_bytes = 1024; /* went backwards: reset, no rate */
	struct hv_rates r;
	hv_rates(&a, &b, c, &r);
	assert_true(r.valid);
	assert_true(fabs(r.cpu_pct - 50.0) < 1e-9);
	assert_true(fabs(r.vcpu_pct[0] - 50.0) < 1e-9);
	assert_true(fabs(r.vcpu_pct[1] - 150.0) < 1e-9);
	assert_true(fabs(r.net_rx_bps - 1024.0) < 1e-9);
	assert_true(fabs(r.net_tx_bps) < 1e-9);
	assert_true(fabs(r.rd_reqs_ps - 10.0) < 1e-9);
	assert_true(fabs(r.wr_bps) < 1e-9);
	hv_rates_free(&r);

	/* xentop's formula, with its own numbers: 250 ms of CPU over a 1 s
	 * interval measured in microseconds is 25.0%. */
	a.mono = 0;
	b.mono = 1.0;
	p->cpu_ns = 0;
	c->cpu_ns = 250000000ULL;
	hv_rates(&a, &b, c, &r);
	assert_true(fabs(r.cpu_pct - ((250000000.0 / 10.0) / 1e6)) < 1e-9);
	assert_true(fabs(r.cpu_pct - 25.0) < 1e-9);
	hv_rates_free(&r);

	/* A domain that restarted (new id) has no previous sample. */
	c->id = 4;
	hv_rates(&a, &b, c, &r);
	assert_false(r.valid);
	assert_true(r.cpu_pct == 0.0);
	hv_rates_free(&r);
	/* Without UUIDs (xenstat) id and name match. */
	c->id = 3;
	p->uuid[0] = c->uuid[0] = '\0';
	assert_ptr_equal(hv_find_prev(&a, c), p);
	/* A stuck domain shows no rate. */
	c->stuck = true;
	hv_rates(&a, &b, c, &r);
	assert_false(r.valid);
	hv_rates_free(&r);

	b.dom[0].niothread = 1;
	b.dom[0].iothread = xcalloc(1, sizeof(*b.dom[0].iothread));
	b.dom[0].iothread[0] = (struct hv_iothread){ .id = 7, .have_poll = true, .poll_max_ns = 32768, .cpus = "0-1" };
	struct hv_snapshot copy = { 0 };
	hv_snapshot_copy(&copy, &b);
	assert_string_equal(copy.dom[0].name, "web");
	assert_ptr_not_equal(copy.dom[0].name, b.dom[0].name);
	assert_int_equal(copy.dom[0].net[0].rx_bytes, 3048);
	/* IOThreads: copied whole, left out of the packed copy */
	assert_int_equal(copy.dom[0].niothread, 1);
	assert_ptr_not_equal(copy.dom[0].iothread, b.dom[0].iothread);
	assert_int_equal(copy.dom[0].iothread[0].id, 7);
	assert_string_equal(copy.dom[0].iothread[0].cpus, "0-1");
	hv_snapshot_free(&copy);
	/* The packed copy: the same figures, its own strings, one block. */
	struct hv_snapshot packed = { 0 };
	hv_snapshot_copy_packed(&packed, &b);
	hv_snapshot_copy_packed(&packed, &b); /* replaces what it held */
	assert_int_equal(packed.ndom, b.ndom);
	assert_null(packed.dom[0].iothread);
	assert_int_equal(packed.dom[0].niothread, 0);
	for (size_t i = 0; i < b.ndom; i++) {
		assert_string_equal(packed.dom[i].name, b.dom[i].name);
		assert_ptr_not_equal(packed.dom[i].name, b.dom[i].name);
		assert_string_equal(packed.dom[i].uuid, b.dom[i].uuid);
		assert_int_equal(packed.dom[i].nnet, b.dom[i].nnet);
		for (size_t k = 0; k < b.dom[i].nnet; k++) {
			if (b.dom[i].net[k].name)
				assert_string_equal(packed.dom[i].net[k].name, b.dom[i].net[k].name);
			else
				assert_null(packed.dom[i].net[k].name);
			assert_int_equal(packed.dom[i].net[k].rx_bytes, b.dom[i].net[k].rx_bytes);
		}
		assert_int_equal(packed.dom[i].nblk, b.dom[i].nblk);
		for (size_t k = 0; k < b.dom[i].nblk; k++) {
			if (b.dom[i].blk[k].name)
				assert_string_equal(packed.dom[i].blk[k].name, b.dom[i].blk[k].name);
			else
				assert_null(packed.dom[i].blk[k].name);
			assert_int_equal(packed.dom[i].blk[k].wr_bytes, b.dom[i].blk[k].wr_bytes);
		}
		assert_int_equal(packed.dom[i].nvcpu, b.dom[i].nvcpu);
		if (b.dom[i].nvcpu)
			assert_memory_equal(packed.dom[i].vcpu, b.dom[i].vcpu, b.dom[i].nvcpu * sizeof(*b.dom[i].vcpu));
	}
	assert_null(packed.host.hostname);
	hv_snapshot_free_packed(&packed);
	hv_snapshot_free(&a);
	hv_snapshot_free(&b);
}

static void test_table(void **state)
{
	(void)state;
	struct hv_snapshot s = { 0 };
	s.host.mem_total_kib = 1000000;
	struct hv_domain *d1 = dom(&s, 1, "alpha", "u-a");
	d1->mem_kib = 250000;
	d1->maxmem_kib = 0; /* no limit */
	d1->cpu_ns = 7500000000ULL;
	struct hv_domain *d2 = dom(&s, 2, "beta", "u-b");
	d2->mem_kib = 500000;
	d2->maxmem_kib = 500000;
	d2->state = HV_BLOCKED;
	size_t n;
	struct top_row *rows = top_rows(NULL, &s, &n);
	assert_int_equal(n, 2);
	struct buf b = BUF_INIT;
	int mem = top_field_by_key("mem_kib");
	top_sort(rows, n, mem, true);
	assert_string_equal(rows[0].d->name, "beta");
	top_fields[top_field_by_key("MEM(%)")].format(&rows[0], &b);
	assert_string_equal(buf_str(&b), "50.0");
	buf_reset(&b);
	top_fields[top_field_by_key("maxmem_kib")].format(&rows[1], &b);
	assert_string_equal(buf_str(&b), "no limit");
	buf_reset(&b);
	top_fields[top_field_by_key("state")].format(&rows[0], &b);
	assert_string_equal(buf_str(&b), "--b---");
	buf_reset(&b);
	top_fields[top_field_by_key("cpu_seconds")].format(&rows[1], &b);
	assert_string_equal(buf_str(&b), "7");
	top_rows_free(rows, n);

	buf_reset(&b);
	struct batch_opts o = { .fmt = BATCH_CSV, .sort = 0 };
	top_batch_write(NULL, &s, 1, &o, true, &b);
	assert_non_null(strstr(buf_str(&b), "time,sample,id,uuid,name,state,cpu_seconds,cpu_pct,mem_kib"));
	assert_non_null(strstr(buf_str(&b), ",alpha,-----r,7,0.0,250000,25.0,no limit,n/a,"));
	buf_reset(&b);
	o.fmt = BATCH_JSON;
	o.filter = "bet";
	top_batch_write(NULL, &s, 1, &o, true, &b);
	assert_null(strstr(buf_str(&b), "alpha"));
	assert_non_null(strstr(buf_str(&b), "\"name\":\"beta\",\"state\":\"blocked\""));
	assert_non_null(strstr(buf_str(&b), "\"maxmem_kib\":500000"));
	buf_free(&b);
	hv_snapshot_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rates),
		cmocka_unit_test(test_table),
	};
	return cmocka_run_group_tests_name("hv", tests, NULL, NULL);
}

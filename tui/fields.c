/* SPDX-License-Identifier: GPL-2.0-or-later */
/* top's columns as one table: header, width, compare and format of each. */
#include "tui/fields.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/util.h"

void top_state_flags(enum hv_state s, char out[7])
{
	memcpy(out, "------", 7);
	switch (s) {
	case HV_DYING: out[0] = 'd'; break;
	case HV_SHUTDOWN: out[1] = 's'; break;
	case HV_BLOCKED: out[2] = 'b'; break;
	case HV_CRASHED: out[3] = 'c'; break;
	case HV_PAUSED: out[4] = 'p'; break;
	case HV_RUNNING: out[5] = 'r'; break;
	case HV_SHUTOFF: memcpy(out, "off---", 7); break;
	default: memcpy(out, "??????", 7); break;
	}
}

/* "%.1f" for the non-negative percentages, without printf. */
static void put_fixed1(struct buf *o, double v)
{
	if (!(v >= 0) || v > 1e15) {
		buf_printf(o, "%.1f", v);
		return;
	}
	unsigned long long t = (unsigned long long)(v * 10.0 + 0.5);
	buf_put_u64(o, t / 10);
	buf_putc(o, '.');
	buf_putc(o, (char)('0' + t % 10));
}

static int cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

static int cmp_dbl(double a, double b)
{
	return a < b ? -1 : a > b;
}

static double mem_pct(const struct top_row *r, uint64_t kib)
{
	return r->host->mem_total_kib ? 100.0 * (double)kib / (double)r->host->mem_total_kib : 0.0;
}

/* NAME */
static int c_name(const struct top_row *a, const struct top_row *b) { return strcmp(a->d->name, b->d->name); }
/* Names are the guest owner's choice: control characters are shown as
 * \xNN (as virsh does), so a newline cannot break a table row. */
static void f_name(const struct top_row *r, struct buf *o)
{
	for (const unsigned char *p = (const unsigned char *)r->d->name; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			buf_printf(o, "\\x%02x", *p);
		else
			buf_putc(o, (char)*p);
	}
}
/* STATE */
static int c_state(const struct top_row *a, const struct top_row *b) { return (int)a->d->state - (int)b->d->state; }
static void f_state(const struct top_row *r, struct buf *o)
{
	char s[7];
	top_state_flags(r->d->state, s);
	buf_puts(o, s);
}
/* CPU(sec) */
static int c_cpus(const struct top_row *a, const struct top_row *b) { return cmp_u64(a->d->cpu_ns, b->d->cpu_ns); }
static void f_cpus(const struct top_row *r, struct buf *o) { buf_put_u64(o, r->d->cpu_ns / 1000000000ULL); }
static double n_cpus(const struct top_row *r) { return (double)r->d->cpu_ns / 1e9; }
/* CPU(%) */
static int c_cpup(const struct top_row *a, const struct top_row *b) { return cmp_dbl(a->r.cpu_pct, b->r.cpu_pct); }
static void f_cpup(const struct top_row *r, struct buf *o) { put_fixed1(o, r->r.cpu_pct); }
static double n_cpup(const struct top_row *r) { return r->r.cpu_pct; }
/* MEM(k) */
static int c_mem(const struct top_row *a, const struct top_row *b) { return cmp_u64(a->d->mem_kib, b->d->mem_kib); }
static void f_mem(const struct top_row *r, struct buf *o) { buf_put_u64(o, r->d->mem_kib); }
static double n_mem(const struct top_row *r) { return (double)r->d->mem_kib; }
/* MEM(%) */
static void f_memp(const struct top_row *r, struct buf *o) { put_fixed1(o, mem_pct(r, r->d->mem_kib)); }
static double n_memp(const struct top_row *r) { return mem_pct(r, r->d->mem_kib); }
/* MAXMEM(k) */
static int c_maxmem(const struct top_row *a, const struct top_row *b)
{
	/* "no limit" sorts above every limit, as xentop does. */
	uint64_t x = a->d->maxmem_kib ? a->d->maxmem_kib : UINT64_MAX, y = b->d->maxmem_kib ? b->d->maxmem_kib : UINT64_MAX;
	return cmp_u64(x, y);
}
static void f_maxmem(const struct top_row *r, struct buf *o)
{
	if (r->d->maxmem_kib)
		buf_put_u64(o, r->d->maxmem_kib);
	else
		buf_puts(o, "no limit");
}
static double n_maxmem(const struct top_row *r) { return r->d->maxmem_kib ? (double)r->d->maxmem_kib : NAN; }
static void f_maxmemp(const struct top_row *r, struct buf *o)
{
	if (r->d->maxmem_kib)
		put_fixed1(o, mem_pct(r, r->d->maxmem_kib));
	else
		buf_puts(o, "n/a");
}
static double n_maxmemp(const struct top_row *r) { return r->d->maxmem_kib ? mem_pct(r, r->d->maxmem_kib) : NAN; }
/* VCPUS */
static int c_vcpus(const struct top_row *a, const struct top_row *b) { return (int)a->d->vcpus_online - (int)b->d->vcpus_online; }
static void f_vcpus(const struct top_row *r, struct buf *o) { buf_put_u64(o, r->d->vcpus_online); }
static double n_vcpus(const struct top_row *r) { return r->d->vcpus_online; }
/* NETS */
static int c_nets(const struct top_row *a, const struct top_row *b) { return (int)a->d->nnet - (int)b->d->nnet; }
static void f_nets(const struct top_row *r, struct buf *o) { buf_put_u64(o, r->d->nnet); }
static double n_nets(const struct top_row *r) { return (double)r->d->nnet; }
/* NETTX(k) NETRX(k): totals in KiB, as xentop shows them */
static int c_tx(const struct top_row *a, const struct top_row *b) { return cmp_u64(hv_net_tx_bytes(a->d), hv_net_tx_bytes(b->d)); }
static void f_tx(const struct top_row *r, struct buf *o) { buf_put_u64(o, hv_net_tx_bytes(r->d) / 1024); }
static double n_tx(const struct top_row *r) { return (double)(hv_net_tx_bytes(r->d) / 1024); }
static int c_rx(const struct top_row *a, const struct top_row *b) { return cmp_u64(hv_net_rx_bytes(a->d), hv_net_rx_bytes(b->d)); }
static void f_rx(const struct top_row *r, struct buf *o) { buf_put_u64(o, hv_net_rx_bytes(r->d) / 1024); }
static double n_rx(const struct top_row *r) { return (double)(hv_net_rx_bytes(r->d) / 1024); }
/* VBDS VBD_OO VBD_RD VBD_WR VBD_RSECT VBD_WSECT */
static int c_vbds(const struct top_row *a, const struct top_row *b) { return (int)a->d->nblk - (int)b->d->nblk; }
static void f_vbds(const struct top_row *r, struct buf *o) { buf_put_u64(o, r->d->nblk); }
static double n_vbds(const struct top_row *r) { return (double)r->d->nblk; }
#define BLK_FIELD(fn, member, div)                                                                                      \
	static int c_##fn(const struct top_row *a, const struct top_row *b)                                            \
	{                                                                                                              \
		return cmp_u64(HV_BLK_SUM(a->d, member), HV_BLK_SUM(b->d, member));                                    \
	}                                                                                                              \
	static void f_##fn(const struct top_row *r, struct buf *o)                                                     \
	{                                                                                                              \
		buf_put_u64(o, HV_BLK_SUM(r->d, member) / (div));                        \
	}                                                                                                              \
	static double n_##fn(const struct top_row *r) { return (double)(HV_BLK_SUM(r->d, member) / (div)); }
BLK_FIELD(oo, oo_reqs, 1)
BLK_FIELD(rd, rd_reqs, 1)
BLK_FIELD(wr, wr_reqs, 1)
BLK_FIELD(rsect, rd_bytes, 512)
BLK_FIELD(wsect, wr_bytes, 512)

/* TYPE: PV, PVH or HVM, where the source tells */
static int c_type(const struct top_row *a, const struct top_row *b)
{
	return strcmp(a->d->guest_type ? a->d->guest_type : "", b->d->guest_type ? b->d->guest_type : "");
}
static void f_type(const struct top_row *r, struct buf *o)
{
	if (!r->d->guest_type) {
		buf_putc(o, '-');
		return;
	}
	for (const char *p = r->d->guest_type; *p; p++)
		buf_putc(o, (char)(*p - 'a' + 'A'));
}

/* STEAL(%): vCPU time runnable but not run, of one CPU as CPU(%) */
static int c_steal(const struct top_row *a, const struct top_row *b)
{
	return cmp_dbl(a->r.have_steal ? a->r.steal_pct : -1, b->r.have_steal ? b->r.steal_pct : -1);
}
static void f_steal(const struct top_row *r, struct buf *o)
{
	if (r->r.have_steal)
		put_fixed1(o, r->r.steal_pct);
	else
		buf_putc(o, '-');
}
static double n_steal(const struct top_row *r) { return r->r.have_steal ? r->r.steal_pct : NAN; }

static int c_memp(const struct top_row *a, const struct top_row *b) { return c_mem(a, b); }
static int c_maxmemp(const struct top_row *a, const struct top_row *b) { return c_maxmem(a, b); }
static double n_text(const struct top_row *r) { (void)r; return NAN; }

const struct field top_fields[] = {
	{ "NAME", "name", 10, true, c_name, f_name, n_text },
	{ "STATE", "state", 6, false, c_state, f_state, n_text },
	{ "CPU(sec)", "cpu_seconds", 10, false, c_cpus, f_cpus, n_cpus },
	{ "CPU(%)", "cpu_pct", 6, false, c_cpup, f_cpup, n_cpup },
	{ "MEM(k)", "mem_kib", 10, false, c_mem, f_mem, n_mem },
	{ "MEM(%)", "mem_pct", 6, false, c_memp, f_memp, n_memp },
	{ "MAXMEM(k)", "maxmem_kib", 10, false, c_maxmem, f_maxmem, n_maxmem },
	{ "MAXMEM(%)", "maxmem_pct", 9, false, c_maxmemp, f_maxmemp, n_maxmemp },
	{ "VCPUS", "vcpus", 5, false, c_vcpus, f_vcpus, n_vcpus },
	{ "NETS", "nets", 4, false, c_nets, f_nets, n_nets },
	{ "NETTX(k)", "net_tx_kib", 8, false, c_tx, f_tx, n_tx },
	{ "NETRX(k)", "net_rx_kib", 8, false, c_rx, f_rx, n_rx },
	{ "VBDS", "vbds", 4, false, c_vbds, f_vbds, n_vbds },
	{ "VBD_OO", "vbd_oo", 8, false, c_oo, f_oo, n_oo },
	{ "VBD_RD", "vbd_rd", 8, false, c_rd, f_rd, n_rd },
	{ "VBD_WR", "vbd_wr", 8, false, c_wr, f_wr, n_wr },
	{ "VBD_RSECT", "vbd_rsect", 10, false, c_rsect, f_rsect, n_rsect },
	{ "VBD_WSECT", "vbd_wsect", 10, false, c_wsect, f_wsect, n_wsect },
	/* after xentop's columns, which scripts read by position */
	{ "TYPE", "type", 4, true, c_type, f_type, n_text },
	{ "STEAL(%)", "steal_pct", 8, false, c_steal, f_steal, n_steal },
};
const int top_nfields = (int)ARRAY_SIZE(top_fields);

int top_field_by_key(const char *key)
{
	for (int i = 0; i < top_nfields; i++)
		if (strcasecmp(top_fields[i].key, key) == 0 || strcasecmp(top_fields[i].header, key) == 0)
			return i;
	return -1;
}

struct top_row *top_rows(const struct hv_snapshot *prev, const struct hv_snapshot *cur, size_t *n)
{
	*n = cur->ndom;
	struct top_row *rows = xcalloc(cur->ndom ? cur->ndom : 1, sizeof(*rows));
	for (size_t i = 0; i < cur->ndom; i++) {
		rows[i].d = &cur->dom[i];
		rows[i].host = &cur->host;
		hv_rates(prev, cur, &cur->dom[i], &rows[i].r);
	}
	return rows;
}

void top_rows_free(struct top_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		hv_rates_free(&rows[i].r);
	free(rows);
}

struct sort_ctx {
	int field;
	bool reverse;
};

static int row_cmp(const void *a, const void *b, void *arg)
{
	const struct sort_ctx *sc = arg;
	const struct top_row *x = a, *y = b;
	int c = top_fields[sc->field].compare(x, y);
	if (c == 0)
		c = x->d->id - y->d->id;
	return sc->reverse ? -c : c;
}

void top_sort(struct top_row *rows, size_t n, int field, bool reverse)
{
	struct sort_ctx sc = { field < 0 || field >= top_nfields ? 0 : field, reverse };
	qsort_r(rows, n, sizeof(*rows), row_cmp, &sc);
}

void top_dom0_first(struct top_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (rows[i].d->id != 0)
			continue;
		struct top_row r = rows[i];
		memmove(rows + 1, rows, i * sizeof(*rows));
		rows[0] = r;
		return;
	}
}

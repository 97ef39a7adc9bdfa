/* SPDX-License-Identifier: GPL-2.0-or-later */
/* top's physical-CPU view: a row per host CPU, on the screen and in
 * batch mode. */
#include "tui/pcpu.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "tui/batch.h"

/* Rows for the CPUs the host counts, and any a vCPU names beyond them. */
static size_t pcpu_count(const struct hv_snapshot *cur)
{
	size_t n = cur->host.npcpu;
	for (size_t i = 0; i < cur->ndom; i++)
		for (size_t k = 0; k < cur->dom[i].nvcpu; k++)
			if (cur->dom[i].vcpu[k].have_pcpu && cur->dom[i].vcpu[k].pcpu >= n && cur->dom[i].vcpu[k].pcpu < 65536)
				n = cur->dom[i].vcpu[k].pcpu + 1;
	return n;
}

/* "domain:vcpu", control characters of the guest owner's name as \xNN
 * (as the NAME column shows them). */
static char *vcpu_name(const struct hv_domain *d, size_t k)
{
	struct buf b = BUF_INIT;
	for (const unsigned char *p = (const unsigned char *)(d->name ? d->name : "?"); *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			buf_printf(&b, "\\x%02x", *p);
		else
			buf_putc(&b, (char)*p);
	}
	buf_printf(&b, ":%zu", k);
	return buf_steal(&b);
}

/* By name, a domain's vCPUs in their order (web:2 before web:10). */
static int vcpu_cmp(const void *a, const void *b)
{
	return strverscmp(*(char *const *)a, *(char *const *)b);
}

struct pcpu_row *top_pcpu_rows(const struct hv_snapshot *prev, const struct hv_snapshot *cur, size_t *n)
{
	*n = pcpu_count(cur);
	struct pcpu_row *rows = xcalloc(*n ? *n : 1, sizeof(*rows));
	struct hv_pcpu_rate *rate = xcalloc(cur->host.npcpu ? cur->host.npcpu : 1, sizeof(*rate));
	hv_pcpu_rates(prev, cur, rate);
	for (size_t i = 0; i < *n; i++) {
		rows[i].cpu = i;
		rows[i].known = i < cur->host.npcpu;
		rows[i].online = hv_pcpu_online(&cur->host, i);
		if (rows[i].known)
			rows[i].r = rate[i];
	}
	free(rate);
	for (size_t i = 0; i < cur->ndom; i++) {
		const struct hv_domain *d = &cur->dom[i];
		for (size_t k = 0; k < d->nvcpu; k++)
			if (d->vcpu[k].online && d->vcpu[k].have_pcpu && d->vcpu[k].pcpu < *n)
				strv_push_take(&rows[d->vcpu[k].pcpu].vcpus, vcpu_name(d, k));
	}
	for (size_t i = 0; i < *n; i++)
		if (rows[i].vcpus.n > 1)
			qsort(rows[i].vcpus.v, rows[i].vcpus.n, sizeof(char *), vcpu_cmp);
	return rows;
}

void top_pcpu_rows_free(struct pcpu_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		strv_free(&rows[i].vcpus);
	free(rows);
}

void top_pcpu_header(int bar_width, struct buf *out)
{
	buf_printf(out, "%4s %-7s %7s %7s %7s %9s", "CPU", "STATE", "BUSY(%)", "USER(%)", "SYS(%)", "IOWAIT(%)");
	if (bar_width > 0)
		buf_printf(out, " %-*s", bar_width + 2, "");
	buf_puts(out, " VCPUS");
}

static void pct_cell(struct buf *out, int width, bool have, double v)
{
	if (have)
		buf_printf(out, " %*.1f", width, v);
	else
		buf_printf(out, " %*s", width, "-");
}

void top_pcpu_line(const struct pcpu_row *r, int bar_width, struct buf *out)
{
	buf_printf(out, "%4zu %-7s", r->cpu, !r->known ? "-" : r->online ? "online" : "offline");
	bool v = r->r.valid, m = v && r->r.have_modes;
	pct_cell(out, 7, v, r->r.busy_pct);
	pct_cell(out, 7, m, r->r.user_pct);
	pct_cell(out, 7, m, r->r.system_pct);
	pct_cell(out, 9, m, r->r.iowait_pct);
	if (bar_width > 0) {
		int fill = v ? (int)lround(r->r.busy_pct * bar_width / 100.0) : 0;
		buf_puts(out, " [");
		for (int i = 0; i < bar_width; i++)
			buf_putc(out, i < fill ? '#' : ' ');
		buf_putc(out, ']');
	}
	buf_putc(out, ' ');
	for (size_t i = 0; i < r->vcpus.n; i++)
		buf_printf(out, " %s", r->vcpus.v[i]);
	if (!r->vcpus.n)
		buf_puts(out, " -");
}

static void json_pct(struct json *j, const char *key, bool have, double v)
{
	json_double(j, key, have ? v : NAN, 2); /* NaN: null */
}

static void write_json_row(struct buf *out, const struct hv_snapshot *cur, int sample_no, const struct pcpu_row *r)
{
	struct json j;
	json_init(&j, out, false);
	json_object(&j, NULL, JSON_INLINE);
	json_double(&j, "time", cur->wall, 3);
	json_int(&j, "sample", sample_no);
	json_int(&j, "cpu", (long long)r->cpu);
	if (r->known)
		json_bool(&j, "online", r->online);
	else
		json_null(&j, "online");
	bool v = r->r.valid, m = v && r->r.have_modes;
	json_pct(&j, "busy_pct", v, r->r.busy_pct);
	json_pct(&j, "user_pct", m, r->r.user_pct);
	json_pct(&j, "system_pct", m, r->r.system_pct);
	json_pct(&j, "idle_pct", v, r->r.idle_pct);
	json_pct(&j, "iowait_pct", m, r->r.iowait_pct);
	/* the counters behind them, as the source gave them */
	const struct hv_host *h = &cur->host;
	if (r->online) {
		json_uint(&j, "idle_ns", h->pcpu_idle_ns[r->cpu]);
		if (h->pcpu_modes) {
			json_uint(&j, "user_ns", h->pcpu_modes[r->cpu].user_ns);
			json_uint(&j, "system_ns", h->pcpu_modes[r->cpu].system_ns);
			json_uint(&j, "iowait_ns", h->pcpu_modes[r->cpu].iowait_ns);
		}
	}
	json_array(&j, "vcpus", JSON_INLINE);
	for (size_t i = 0; i < r->vcpus.n; i++)
		json_string(&j, NULL, r->vcpus.v[i]);
	json_close(&j);
	json_close(&j);
	buf_putc(out, '\n');
}

static void csv_pct(struct buf *out, bool have, double v)
{
	if (have)
		buf_printf(out, ",%.2f", v);
	else
		buf_putc(out, ',');
}

static void write_csv_row(struct buf *out, const struct hv_snapshot *cur, int sample_no, const struct pcpu_row *r)
{
	buf_printf(out, "%.3f,%d,%zu,%s", cur->wall, sample_no, r->cpu, !r->known ? "" : r->online ? "1" : "0");
	bool v = r->r.valid, m = v && r->r.have_modes;
	csv_pct(out, v, r->r.busy_pct);
	csv_pct(out, m, r->r.user_pct);
	csv_pct(out, m, r->r.system_pct);
	csv_pct(out, v, r->r.idle_pct);
	csv_pct(out, m, r->r.iowait_pct);
	/* domain names may hold anything but a control character: quoted */
	buf_puts(out, ",\"");
	for (size_t i = 0; i < r->vcpus.n; i++) {
		if (i)
			buf_putc(out, ' ');
		for (const char *p = r->vcpus.v[i]; *p; p++) {
			if (*p == '"')
				buf_putc(out, '"');
			buf_putc(out, *p);
		}
	}
	buf_puts(out, "\"\n");
}

void top_pcpu_batch(const struct hv_snapshot *prev, const struct hv_snapshot *cur, int sample_no, int fmt, bool first, struct buf *out)
{
	size_t n;
	struct pcpu_row *rows = top_pcpu_rows(prev, cur, &n);
	if (fmt == BATCH_TEXT) {
		top_pcpu_header(0, out);
		buf_putc(out, '\n');
	} else if (fmt == BATCH_CSV && first) {
		buf_puts(out, "time,sample,cpu,online,busy_pct,user_pct,system_pct,idle_pct,iowait_pct,vcpus\n");
	}
	for (size_t i = 0; i < n; i++) {
		if (fmt == BATCH_JSON) {
			write_json_row(out, cur, sample_no, &rows[i]);
		} else if (fmt == BATCH_CSV) {
			write_csv_row(out, cur, sample_no, &rows[i]);
		} else {
			top_pcpu_line(&rows[i], 0, out);
			buf_putc(out, '\n');
		}
	}
	top_pcpu_rows_free(rows, n);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "tui/batch.h"

#include <math.h>
#include <string.h>

#include "core/escape.h"
#include "tui/fields.h"

static void csv_cell(struct buf *out, const char *s)
{
	if (!strpbrk(s, ",\"\n")) {
		buf_puts(out, s);
		return;
	}
	buf_putc(out, '"');
	for (; *s; s++) {
		if (*s == '"')
			buf_putc(out, '"');
		buf_putc(out, *s);
	}
	buf_putc(out, '"');
}

void top_batch_write(const struct hv_snapshot *prev, const struct hv_snapshot *cur, int sample_no, const struct batch_opts *o,
		     bool first, struct buf *out)
{
	size_t n;
	struct top_row *rows = top_rows(prev, cur, &n);
	top_sort(rows, n, o->sort, o->reverse);
	struct buf cell = BUF_INIT;
	if (o->fmt == BATCH_TEXT) {
		/* As xentop -b: the header before every sample. */
		for (int f = 0; f < top_nfields; f++)
			buf_printf(out, top_fields[f].left ? "%-*s " : "%*s ", top_fields[f].width, top_fields[f].header);
		out->len--;
		out->s[out->len] = '\0';
		buf_putc(out, '\n');
	} else if (o->fmt == BATCH_CSV && first) {
		buf_puts(out, "time,sample,id,uuid");
		for (int f = 0; f < top_nfields; f++)
			buf_printf(out, ",%s", top_fields[f].key);
		buf_puts(out, ",stuck\n");
	}
	for (size_t i = 0; i < n; i++) {
		const struct top_row *r = &rows[i];
		if (o->filter && *o->filter && !strcasestr(r->d->name, o->filter))
			continue;
		switch (o->fmt) {
		case BATCH_TEXT:
			for (int f = 0; f < top_nfields; f++) {
				buf_reset(&cell);
				top_fields[f].format(r, &cell);
				buf_put_padded(out, buf_str(&cell), cell.len, top_fields[f].width, top_fields[f].left);
				buf_putc(out, ' ');
			}
			out->len--;
			out->s[out->len] = '\0';
			if (r->d->stuck)
				buf_puts(out, " STUCK");
			buf_putc(out, '\n');
			break;
		case BATCH_CSV:
			buf_printf(out, "%.3f,%d,%d,", cur->wall, sample_no, r->d->id);
			buf_puts(out, r->d->uuid);
			for (int f = 0; f < top_nfields; f++) {
				buf_reset(&cell);
				top_fields[f].format(r, &cell);
				buf_putc(out, ',');
				csv_cell(out, buf_str(&cell));
			}
			buf_printf(out, ",%d\n", r->d->stuck);
			break;
		case BATCH_JSON:
			buf_printf(out, "{\"time\":%.3f,\"sample\":%d,\"id\":%d,\"uuid\":", cur->wall, sample_no, r->d->id);
			esc_json(out, r->d->uuid);
			buf_puts(out, ",\"name\":");
			esc_json(out, r->d->name);
			buf_printf(out, ",\"state\":\"%s\"", hv_state_name(r->d->state));
			for (int f = 2; f < top_nfields; f++) {
				double v = top_fields[f].number(r);
				if (isnan(v))
					buf_printf(out, ",\"%s\":null", top_fields[f].key);
				else if (v == (double)(long long)v && fabs(v) < 9e15)
					buf_printf(out, ",\"%s\":%lld", top_fields[f].key, (long long)v);
				else
					buf_printf(out, ",\"%s\":%.3f", top_fields[f].key, v);
			}
			/* Per-second rates over the last interval (null on the
			 * first sample of a domain). */
			if (r->r.valid)
				buf_printf(out,
					   ",\"net_rx_bytes_per_s\":%.1f,\"net_tx_bytes_per_s\":%.1f,\"vbd_rd_per_s\":%.1f,"
					   "\"vbd_wr_per_s\":%.1f,\"vbd_rd_bytes_per_s\":%.1f,\"vbd_wr_bytes_per_s\":%.1f",
					   r->r.net_rx_bps, r->r.net_tx_bps, r->r.rd_reqs_ps, r->r.wr_reqs_ps, r->r.rd_bps, r->r.wr_bps);
			else
				buf_puts(out, ",\"net_rx_bytes_per_s\":null,\"net_tx_bytes_per_s\":null,\"vbd_rd_per_s\":null,"
					      "\"vbd_wr_per_s\":null,\"vbd_rd_bytes_per_s\":null,\"vbd_wr_bytes_per_s\":null");
			buf_printf(out, ",\"cpu_ns\":%llu,\"vcpus_max\":%u,\"vcpu_ns\":[", (unsigned long long)r->d->cpu_ns, r->d->vcpus_max);
			for (size_t k = 0; k < r->d->nvcpu; k++)
				buf_printf(out, "%s%llu", k ? "," : "", (unsigned long long)r->d->vcpu[k].time_ns);
			buf_printf(out, "],\"stuck\":%s", r->d->stuck ? "true" : "false");
			if (r->d->note) {
				buf_puts(out, ",\"note\":");
				esc_json(out, r->d->note);
			}
			buf_puts(out, "}\n");
			break;
		}
	}
	buf_free(&cell);
	top_rows_free(rows, n);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* top's batch mode: the screen's numbers as text, CSV or JSON lines. */
#include "tui/batch.h"

#include <math.h>
#include <string.h>

#include "core/escape.h"
#include "core/json.h"
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

/* One domain of one sample as a JSON line. */
static void write_json_record(struct buf *out, const struct hv_snapshot *cur, int sample_no, const struct top_row *r)
{
	struct json j;
	json_init(&j, out, false);
	json_object(&j, NULL, JSON_INLINE);
	json_double(&j, "time", cur->wall, 3);
	json_int(&j, "sample", sample_no);
	json_int(&j, "id", r->d->id);
	json_string(&j, "uuid", r->d->uuid);
	json_string(&j, "name", r->d->name);
	json_string(&j, "state", hv_state_name(r->d->state));
	if (r->d->have & HV_HAVE_PERSISTENT)
		json_bool(&j, "persistent", r->d->persistent);
	else
		json_null(&j, "persistent");
	for (int f = 2; f < top_nfields; f++) {
		if (top_fields[f].left) {
			/* a text column: its cell as shown */
			struct buf cell = BUF_INIT;
			top_fields[f].format(r, &cell);
			if (strcmp(buf_str(&cell), "-") == 0)
				json_null(&j, top_fields[f].key); /* not known */
			else
				json_string(&j, top_fields[f].key, buf_str(&cell));
			buf_free(&cell);
			continue;
		}
		double v = top_fields[f].number(r);
		if (isfinite(v) && fabs(v) < 9e15 && v == (double)(long long)v)
			json_int(&j, top_fields[f].key, (long long)v);
		else
			json_double(&j, top_fields[f].key, v, 3); /* NaN: null */
	}
	/* Per-second rates over the last interval (null on the first sample
	 * of a domain). */
	double nan = NAN;
	json_double(&j, "net_rx_bytes_per_s", r->r.valid ? r->r.net_rx_bps : nan, 1);
	json_double(&j, "net_tx_bytes_per_s", r->r.valid ? r->r.net_tx_bps : nan, 1);
	json_double(&j, "vbd_rd_per_s", r->r.valid ? r->r.rd_reqs_ps : nan, 1);
	json_double(&j, "vbd_wr_per_s", r->r.valid ? r->r.wr_reqs_ps : nan, 1);
	json_double(&j, "vbd_rd_bytes_per_s", r->r.valid ? r->r.rd_bps : nan, 1);
	json_double(&j, "vbd_wr_bytes_per_s", r->r.valid ? r->r.wr_bps : nan, 1);
	json_uint(&j, "cpu_ns", r->d->cpu_ns);
	json_uint(&j, "vcpus_max", r->d->vcpus_max);
	json_array(&j, "vcpu_ns", JSON_INLINE);
	for (size_t k = 0; k < r->d->nvcpu; k++)
		json_uint(&j, NULL, r->d->vcpu[k].time_ns);
	json_close(&j);
	/* the vCPUs' delay behind STEAL(%), where the source gives it */
	bool delay = false;
	for (size_t k = 0; k < r->d->nvcpu; k++)
		delay |= r->d->vcpu[k].have_wait;
	if (delay) {
		json_array(&j, "vcpu_delay_ns", JSON_INLINE);
		for (size_t k = 0; k < r->d->nvcpu; k++) {
			if (r->d->vcpu[k].have_wait)
				json_uint(&j, NULL, r->d->vcpu[k].delay_ns);
			else
				json_null(&j, NULL);
		}
		json_close(&j);
	}
	json_bool(&j, "stuck", r->d->stuck);
	if (r->d->note)
		json_string(&j, "note", r->d->note);
	json_close(&j);
	buf_putc(out, '\n');
}

void top_batch_write(const struct hv_snapshot *prev, const struct hv_snapshot *cur, int sample_no, const struct batch_opts *o,
		     bool first, struct buf *out)
{
	size_t n;
	struct top_row *rows = top_rows(prev, cur, &n);
	top_sort(rows, n, o->sort, o->reverse);
	if (o->dom0_first)
		top_dom0_first(rows, n);
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
			/* no trailing blanks after the last, left-aligned cell */
			while (out->len && out->s[out->len - 1] == ' ')
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
			write_json_record(out, cur, sample_no, r);
			break;
		case BATCH_SNAPSHOT:
			break;
		}
	}
	buf_free(&cell);
	top_rows_free(rows, n);
}

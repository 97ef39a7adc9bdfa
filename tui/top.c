/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hvscope top's run: a live source or a bundle's recorded samples, on the
 * curses screen or printed in batch mode. */
#include "tui/top.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/util.h"
#include "hv/hv.h"
#include "tui/batch.h"
#include "tui/detail.h"
#include "tui/fields.h"
#include "tui/pcpu.h"
#include "tui/replay.h"
#include "tui/screen.h"

static volatile sig_atomic_t stop;
static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void sleep_s(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - floor(s)) * 1e9) };
	while (!stop && nanosleep(&ts, &ts) != 0)
		;
}

struct batch_view {
	const struct batch_opts *bo;
	bool vcpus, nets, vbds, pcpu;
};

/* One sample printed: the table, then per domain its detail lines (as
 * xentop -b); false when stdout has gone (| head). */
static bool print_sample(const struct hv_snapshot *prev, const struct hv_snapshot *cur, int no, bool first, const struct batch_view *v)
{
	const struct batch_opts *bo = v->bo;
	struct buf out = BUF_INIT;
	if (v->pcpu)
		top_pcpu_batch(prev, cur, no, bo->fmt, first, &out);
	else
		top_batch_write(prev, cur, no, bo, first, &out);
	if (!v->pcpu && bo->fmt == BATCH_TEXT && (v->vcpus || v->nets || v->vbds)) {
		size_t n;
		struct top_row *rows = top_rows(prev, cur, &n);
		top_sort(rows, n, bo->sort, bo->reverse);
		if (bo->dom0_first)
			top_dom0_first(rows, n);
		for (size_t k = 0; k < n; k++) {
			if (bo->filter && *bo->filter && !strcasestr(rows[k].d->name, bo->filter))
				continue;
			struct buf det = BUF_INIT;
			top_detail_lines(&rows[k], v->vcpus, v->nets, v->vbds, &det);
			if (det.len)
				buf_printf(&out, "%s:\n%s", rows[k].d->name, buf_str(&det));
			buf_free(&det);
		}
		top_rows_free(rows, n);
	}
	fwrite(buf_str(&out), 1, out.len, stdout);
	buf_free(&out);
	if (fflush(stdout) != 0) {
		if (errno != EPIPE)
			fprintf(stderr, "hvscope top: stdout: %s\n", strerror(errno));
		return false;
	}
	return true;
}

static int run_batch(struct hv *hv, int iterations, double delay, const struct batch_view *v)
{
	struct hv_snapshot prev = { 0 }, cur = { 0 };
	int good = 0;
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	for (int i = 1; !stop && (iterations <= 0 || i <= iterations); i++) {
		struct hv_snapshot s = { 0 };
		if (hv_sample(hv, &s) < 0) {
			fprintf(stderr, "hvscope top: %s\n", s.error ? s.error : "no answer");
			hv_snapshot_free(&s);
		} else {
			hv_snapshot_free(&prev);
			prev = cur;
			cur = s;
			if (!print_sample(good ? &prev : NULL, &cur, i, good == 0, v))
				stop = 1;
			good++;
		}
		hv_tidy(hv);
		if (iterations <= 0 || i < iterations)
			sleep_s(delay);
	}
	hv_snapshot_free(&prev);
	hv_snapshot_free(&cur);
	return good ? 0 : 1;
}

/* The history document on stdout (what a bundle's
 * hypervisor/samples.json holds); false when stdout failed. */
static bool print_history(const struct hv_snapshot *snaps, size_t n, double interval)
{
	struct buf out = BUF_INIT;
	size_t left_out = hv_history_write_json_fit(snaps, n, interval, HV_HISTORY_MAX_BYTES, &out);
	if (left_out)
		fprintf(stderr, "hvscope top: the oldest %zu samples left out: the rest fill the %u MiB top --replay reads\n", left_out,
			HV_HISTORY_MAX_BYTES >> 20);
	fwrite(buf_str(&out), 1, out.len, stdout);
	buf_free(&out);
	if (fflush(stdout) != 0) {
		fprintf(stderr, "hvscope top: stdout: %s\n", strerror(errno));
		return false;
	}
	return true;
}

/* -f snapshot: the samples kept (the newest HV_HISTORY_MAX_SAMPLES) until
 * the iterations or a signal, then written as one document.  A sample
 * that failed is kept as such (up false, its error), as the screen shows
 * it, not said on stderr: sos keeps stderr in the same file as the
 * document.  1 when none answered. */
static int record_batch(struct hv *hv, int iterations, double delay)
{
	struct hv_snapshot *snaps = xcalloc(HV_HISTORY_MAX_SAMPLES, sizeof(*snaps));
	size_t n = 0, good = 0;
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	hv_set_want(hv, HV_WANT_RECORD);
	for (int i = 1; !stop && (iterations <= 0 || i <= iterations); i++) {
		struct hv_snapshot s = { 0 };
		good += hv_sample(hv, &s) == 0;
		if (n == HV_HISTORY_MAX_SAMPLES) {
			hv_snapshot_free(&snaps[0]);
			memmove(snaps, snaps + 1, --n * sizeof(*snaps));
		}
		snaps[n++] = s;
		hv_tidy(hv);
		if (iterations <= 0 || i < iterations)
			sleep_s(delay);
	}
	int rc = n && print_history(snaps, n, delay) && good ? 0 : 1;
	for (size_t i = 0; i < n; i++)
		hv_snapshot_free(&snaps[i]);
	free(snaps);
	return rc;
}

/* The recorded samples, one after another, as fast as stdout takes them:
 * a script reading a bundle wants them all, not the recorded pace. */
static int replay_batch(const struct hv_history *h, int iterations, const struct batch_view *v)
{
	if (v->bo->fmt == BATCH_SNAPSHOT) { /* the recorded document again, as recorded */
		size_t n = iterations > 0 && (size_t)iterations < h->n ? (size_t)iterations : h->n;
		double span = n > 1 ? h->snap[n - 1].wall - h->snap[0].wall : 0;
		return print_history(h->snap, n, n > 1 ? span / (double)(n - 1) : 0) ? 0 : 1;
	}
	for (size_t i = 0; i < h->n && (iterations <= 0 || i < (size_t)iterations); i++)
		if (!print_sample(i ? &h->snap[i - 1] : NULL, &h->snap[i], (int)i + 1, i == 0, v))
			break;
	return 0;
}

static int run_replay(const char *path, bool batch, int iterations, const struct batch_view *v, struct screen_opts *so)
{
	struct hv_history h;
	char *desc = NULL;
	struct err e = ERR_INIT;
	if (top_replay_load(path, &h, &desc, &e) < 0) {
		fprintf(stderr, "hvscope top: --replay %s\n", err_msg(&e));
		err_clear(&e);
		return 1;
	}
	int rc = batch ? replay_batch(&h, iterations, v) : top_screen_replay(&h, desc, so);
	hv_history_free(&h);
	free(desc);
	return rc;
}

int top_run(const struct top_opts *o)
{
	struct batch_opts bo = { .fmt = (enum batch_fmt)o->fmt, .sort = o->sort, .reverse = o->reverse, .dom0_first = o->dom0_first,
				 .filter = o->filter };
	struct batch_view bv = { .bo = &bo, .vcpus = o->vcpus, .nets = o->nets, .vbds = o->vbds, .pcpu = o->pcpu };
	struct screen_opts so = { .delay = o->delay, .sort = o->sort, .reverse = o->reverse, .show_vcpus = o->vcpus,
				  .show_nets = o->nets, .show_vbds = o->vbds, .show_pcpu = o->pcpu, .dom0_first = o->dom0_first,
				  .filter = o->filter ? xstrdup(o->filter) : NULL };
	if (o->replay) {
		int rc = run_replay(o->replay, o->batch, (int)o->iterations, &bv, &so);
		free(so.filter);
		return rc;
	}
	struct hv *hv = NULL;
	struct err e = ERR_INIT;
	if (hv_open(o->uri, &hv, &e) < 0) {
		fprintf(stderr, "hvscope top: %s\n", err_msg(&e));
		err_clear(&e);
		free(so.filter);
		return 1;
	}
	hv_set_deadline(hv, (int)o->deadline);
	hv_set_connections(hv, (int)o->connections);
	/* the TYPE column: libvirt tells it in each domain's XML, read once
	 * while it runs; STEAL(%): the vCPUs' delay; the 1 view: each host
	 * CPU's time */
	hv_set_want(hv, HV_WANT_INFO | HV_WANT_VCPU | HV_WANT_PCPU);
	int rc = !o->batch			? top_screen_run(hv, &so)
		 : bo.fmt == BATCH_SNAPSHOT ? record_batch(hv, (int)o->iterations, o->delay)
					    : run_batch(hv, (int)o->iterations, o->delay, &bv);
	hv_close(hv);
	free(so.filter);
	return rc;
}

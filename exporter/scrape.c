/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One scrape's answer, handed out a piece at a time as the connection
 * takes it: hvscope_up, the sample's families (written ahead when the
 * scrape is large and alone), then the readiness, self and process
 * families. */
#include "exporter/scrape.h"

#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/procself.h"
#include "core/util.h"
#include "exporter/ahead.h"
#include "exporter/exporter.h"
#include "exporter/metrics.h"
#include "exporter/series.h"

/* A scrape of this many domains or more, when no other is under way, has
 * its families written ahead (exporter/ahead.c).  Scrapes that come
 * together keep the CPUs busy as it is, and what they would hold ahead
 * costs memory. */
#define AHEAD_MIN_DOMAINS 64

enum part { PART_HEAD, PART_FAMILIES, PART_TAIL, PART_DONE };

struct scrape {
	struct exporter *x;
	struct shared *sh; /* NULL when the sample missed the deadline */
	struct metrics_writer w;
	struct ahead ahead;
	bool om;
	enum part part;
	struct buf head;  /* hvscope_up */
	struct buf tail;  /* readiness, self and process families */
	struct buf chunk; /* what is being sent */
	size_t off;       /* of chunk, sent */
};

static void gauge(struct buf *o, bool om, const char *name, const char *help, const char *fmt, double v)
{
	series_head(o, om, name, "gauge", help);
	buf_puts(o, name);
	buf_putc(o, ' ');
	buf_printf(o, fmt, v);
	buf_putc(o, '\n');
}

static void counter(struct buf *o, bool om, const char *name, const char *help, unsigned long long v)
{
	series_head(o, om, name, "counter", help);
	buf_printf(o, "%s %llu\n", name, v);
}

/* The process_* families every Prometheus client library exports. */
static void write_process(struct buf *o, bool om, double start_time)
{
	struct procself p;
	procself_read(&p);
	if (p.have_stat) {
		/* A counter in seconds: its samples keep the _total name. */
		series_head(o, om, "process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.");
		buf_printf(o, "process_cpu_seconds_total %.2f\n", p.cpu_seconds);
		gauge(o, om, "process_virtual_memory_bytes", "Virtual memory size in bytes.", "%.0f", (double)p.virtual_bytes);
		gauge(o, om, "process_resident_memory_bytes", "Resident memory size in bytes.", "%.0f", (double)p.resident_bytes);
	}
	if (p.have_fds)
		gauge(o, om, "process_open_fds", "Number of open file descriptors.", "%.0f", (double)p.open_fds);
	if (p.have_max_fds)
		gauge(o, om, "process_max_fds", "Maximum number of open file descriptors.", "%.0f", (double)p.max_fds);
	gauge(o, om, "process_start_time_seconds", "Start time of the process since unix epoch in seconds.", "%.2f", start_time);
}

/* The families after the sample's: readiness, the exporter's own, the
 * process's. */
static void write_tail(struct scrape *sc, double t0, unsigned long long errors, unsigned long long samples)
{
	struct exporter *x = sc->x;
	struct buf *o = &sc->tail;
	/* The report's families are gauges: the same lines in both formats. */
	char *checks = readiness_text(&x->rd);
	if (checks)
		buf_puts(o, checks);
	gauge(o, sc->om, "hvscope_check_up", "1 when the readiness checks could run.", "%.0f", checks ? 1 : 0);
	free(checks);
	counter(o, sc->om, "hvscope_scrape_errors_total", "Scrapes whose sample failed or missed the deadline.", errors);
	counter(o, sc->om, "hvscope_samples_total", "Samples taken of the hypervisor (scrapes arriving together share one).", samples);
	gauge(o, sc->om, "hvscope_sample_duration_seconds", "How long the hypervisor sample took.", "%.6f",
	      sc->sh ? sc->sh->took : x->scrape_timeout);
	series_head(o, sc->om, "hvscope_build_info", "gauge", "hvscope's version.");
	buf_printf(o, "hvscope_build_info{version=\"%s\"} 1\n", HVSCOPE_VERSION);
	/* Until the answer is ready to send: the families are written as it
	 * goes out, which the scraper's own timing covers. */
	gauge(o, sc->om, "hvscope_scrape_duration_seconds", "How long this scrape took to be ready to send.", "%.6f", clock_mono() - t0);
	write_process(o, sc->om, x->start_time);
	if (sc->om)
		buf_puts(o, "# EOF\n");
}

struct scrape *scrape_new(struct exporter *x, bool om)
{
	double t0 = clock_mono();
	struct scrape *sc = xcalloc(1, sizeof(*sc));
	sc->x = x;
	sc->om = om;
	sc->sh = sampling_get(&x->smp, x->scrape_timeout);
	bool up = sc->sh && sc->sh->snap.up;
	if (sc->sh)
		metrics_writer_init(&sc->w, &sc->sh->snap, om);
	unsigned long long errors, samples;
	bool alone;
	sampling_counts(&x->smp, &errors, &samples, &alone);
	if (up && alone && sc->sh->snap.ndom >= AHEAD_MIN_DOMAINS)
		ahead_start(&sc->ahead, &sc->w);
	gauge(&sc->head, om, "hvscope_up", "1 when the hypervisor answered this scrape's sample in time.", "%.0f", up);
	write_tail(sc, t0, errors, samples);
	return sc;
}

/* The next part of the answer into sc->chunk; false when all is sent. */
static bool next_chunk(struct scrape *sc)
{
	buf_reset(&sc->chunk);
	sc->off = 0;
	while (sc->part != PART_DONE && !sc->chunk.len) {
		switch (sc->part) {
		case PART_HEAD:
			buf_free(&sc->chunk);
			sc->chunk = sc->head;
			sc->head = (struct buf)BUF_INIT;
			sc->part = PART_FAMILIES;
			break;
		case PART_FAMILIES:
			if (!(sc->ahead.started ? ahead_next(&sc->ahead, &sc->chunk) : sc->sh && metrics_writer_next(&sc->w, &sc->chunk)))
				sc->part = PART_TAIL;
			break;
		case PART_TAIL:
			buf_free(&sc->chunk);
			sc->chunk = sc->tail;
			sc->tail = (struct buf)BUF_INIT;
			sc->part = PART_DONE;
			break;
		case PART_DONE: break;
		}
	}
	return sc->chunk.len > 0;
}

size_t scrape_read(struct scrape *sc, char *out, size_t max)
{
	if (sc->off == sc->chunk.len && !next_chunk(sc))
		return 0;
	size_t n = sc->chunk.len - sc->off < max ? sc->chunk.len - sc->off : max;
	memcpy(out, sc->chunk.s + sc->off, n);
	sc->off += n;
	return n;
}

void scrape_free(struct scrape *sc)
{
	ahead_stop(&sc->ahead);
	metrics_writer_free(&sc->w);
	sampling_put(&sc->x->smp, sc->sh);
	buf_free(&sc->head);
	buf_free(&sc->tail);
	buf_free(&sc->chunk);
	free(sc);
}

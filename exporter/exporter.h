/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The exporter's parts and the state they share:
 *  exporter/sampling.c   one hypervisor sample shared by the scrapes that
 *                        wait for it (the sampler thread);
 *  exporter/readiness.c  the readiness checks, on their own interval;
 *  exporter/scrape.c     one scrape's answer, written as it is sent;
 *  exporter/metrics.c    a snapshot's families, one at a time, in order:
 *                        the core ones, the per-device ones
 *                        (exporter/devices.c), each collector's
 *                        (exporter/collectors.c, exporter/families.c),
 *                        over the series writers of exporter/series.c;
 *  exporter/ahead.c      a large scrape's next family written ahead;
 *  exporter/http.c       libmicrohttpd: routes, authentication, replies,
 *                        compressed by exporter/gzip.c, limited by
 *                        exporter/ratelimit.c and --web.max-requests;
 *  exporter/webconfig.c  --web.config.file, its sections read by
 *                        exporter/webtls.c, its users checked by
 *                        exporter/webauth.c;
 *  exporter/listen.c     the listening sockets: addresses or systemd's;
 *  exporter/serve.c      the run: start, SIGHUP reloads, stop. */
#ifndef HVSCOPE_EXPORTER_EXPORTER_H
#define HVSCOPE_EXPORTER_EXPORTER_H

#include <pthread.h>
#include <stdbool.h>

#include "core/err.h"
#include "exporter/webconfig.h"
#include "hv/hv.h"

/* One sample, shared by every scrape that waited for it.  Each scrape
 * writes its text a family at a time while the response is sent, so no
 * scrape holds the whole text.  The last scrape done with the sample frees
 * it. */
struct shared {
	unsigned refs; /* under sampling.mu */
	double took;   /* how long the sample took, in seconds */
	struct hv_snapshot snap;
};

struct sampling {
	pthread_mutex_t mu;
	/* Two conditions, one per waiter: the sampler waits for a sample to
	 * be wanted (or the scrapes of the last to be sent, or quit); scrapes
	 * wait for a sample to be done. */
	pthread_cond_t wake_sampler;
	pthread_cond_t sample_done; /* CLOCK_MONOTONIC */
	struct hv *hv;
	bool in_flight, quit;
	unsigned long done_gen, want_gen;
	struct shared *cur; /* the newest sample, referenced; NULL while the next is taken */
	unsigned scrapes;   /* waiting for a sample or sending one */
	unsigned long long scrape_errors, samples;
	pthread_t thread;
};

/* Start the sampler thread on hv. */
int sampling_start(struct sampling *s, struct hv *hv, struct err *e);
/* A sample newer than the call (shared with scrapes already waiting for
 * one; referenced), or NULL when none came within timeout seconds.
 * Counts the caller as a scrape until sampling_put, NULL or not. */
struct shared *sampling_get(struct sampling *s, double timeout);
void sampling_put(struct sampling *s, struct shared *sh);
/* The counters of the self-metrics, and whether the caller is the only
 * scrape under way. */
void sampling_counts(struct sampling *s, unsigned long long *scrape_errors, unsigned long long *samples, bool *alone);
/* Stop the sampler: false when it is still inside a hypervisor call after
 * wait_s seconds (then nothing is freed: the process is ending). */
bool sampling_stop(struct sampling *s, double wait_s);

struct readiness {
	pthread_mutex_t mu;
	pthread_cond_t cv; /* CLOCK_MONOTONIC; only quit signals it */
	const char *profile;
	double interval;
	char *text; /* Prometheus text of the last run; NULL: could not run */
	bool quit;
	pthread_t thread;
	bool started;
};

int readiness_start(struct readiness *r, const char *profile, double interval, struct err *e);
/* A copy of the last run's text (NULL: none). */
char *readiness_text(struct readiness *r);
void readiness_stop(struct readiness *r);

struct exporter {
	struct sampling smp;
	struct readiness rd;
	struct web_config web;       /* replaced on SIGHUP while no HTTP thread runs */
	const char *web_config_path; /* NULL: none */
	const char *telemetry_path;
	double scrape_timeout;
	double start_time;
	long max_requests;               /* scrapes at once; 0: no limit */
	unsigned long scrapes_in_flight; /* atomic */
};

#endif

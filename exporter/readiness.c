/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The readiness checks for the exporter: run at start and then every
 * --check.interval on a thread of their own, never on a scrape; a scrape
 * copies the last run's text. */
#include <errno.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/util.h"
#include "core/tmpguard.h"
#include "exporter/exporter.h"
#include "rules/check.h"
#include "rules/report.h"

/* One run of the checks: their Prometheus text, NULL when they could not
 * run. */
static char *run_checks(const char *profile)
{
	struct report rep = { 0 };
	struct ruleset set = { 0 };
	struct err e = ERR_INIT;
	struct buf b = BUF_INIT;
	if (check_report(profile, NULL, "/", &set, &rep, &e) == 0)
		report_write_prometheus(&rep, &b);
	else
		fprintf(stderr, "hvscope exporter: readiness checks could not run: %s\n", err_msg(&e));
	report_free(&rep);
	ruleset_free(&set);
	err_clear(&e);
	return b.len ? buf_steal(&b) : NULL;
}

static void *checker(void *arg)
{
	struct readiness *r = arg;
	for (;;) {
		char *text = run_checks(r->profile);
		pthread_mutex_lock(&r->mu);
		free(r->text);
		r->text = text;
		struct timespec until = clock_after_s(r->interval);
		while (!r->quit && pthread_cond_timedwait(&r->cv, &r->mu, &until) != ETIMEDOUT)
			;
		bool quit = r->quit;
		pthread_mutex_unlock(&r->mu);
		if (quit)
			return NULL;
	}
}

int readiness_start(struct readiness *r, const char *profile, double interval, struct err *e)
{
	r->profile = profile;
	r->interval = interval;
	pthread_mutex_init(&r->mu, NULL);
	clock_cond_init(&r->cv);
	int rc = tmpguard_thread(&r->thread, NULL, checker, r);
	if (rc != 0)
		return err_set(e, -rc, "cannot start the readiness thread: %s", strerror(rc));
	r->started = true;
	return 0;
}

char *readiness_text(struct readiness *r)
{
	pthread_mutex_lock(&r->mu);
	char *t = r->text ? xstrdup(r->text) : NULL;
	pthread_mutex_unlock(&r->mu);
	return t;
}

void readiness_stop(struct readiness *r)
{
	if (r->started) {
		pthread_mutex_lock(&r->mu);
		r->quit = true;
		pthread_cond_signal(&r->cv);
		pthread_mutex_unlock(&r->mu);
		pthread_join(r->thread, NULL);
		r->started = false;
	}
	free(r->text);
	r->text = NULL;
}

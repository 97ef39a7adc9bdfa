/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The hypervisor's part of a bundle: a short history of samples
 * (hypervisor/samples.json, what top --replay plays) and its
 * configuration documents.  The samples are taken on a thread of their
 * own, started before the rest of the collection and joined when the
 * table reaches the hypervisor's row, so that the span they cover costs
 * the bundle's run only what the rest did not already take. */
#include "diag/bundle.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/util.h"
#include "core/tmpguard.h"
#include "hv/hv.h"

struct hv_sampler {
	struct hv *hv;
	int want;        /* samples to take */
	double interval; /* seconds between their starts */
	struct hv_snapshot *snap; /* the good ones */
	size_t n;
	char *error;     /* the last failed sample's, when none was good */
	pthread_t thread;
	bool running;
};

static void sleep_until(double mono)
{
	double left = mono - clock_mono();
	if (left <= 0)
		return;
	struct timespec ts = { (time_t)left, (long)((left - (double)(time_t)left) * 1e9) };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static void *sample_all(void *arg)
{
	struct hv_sampler *s = arg;
	double t0 = clock_mono();
	s->snap = xcalloc((size_t)s->want, sizeof(*s->snap));
	for (int i = 0; i < s->want; i++) {
		sleep_until(t0 + i * s->interval);
		struct hv_snapshot *snap = &s->snap[s->n];
		if (hv_sample(s->hv, snap) == 0) {
			s->n++;
		} else {
			free(s->error);
			s->error = xstrdup(snap->error ? snap->error : "no answer");
			hv_snapshot_free(snap);
		}
		hv_tidy(s->hv);
	}
	return NULL;
}

void bundle_hv_start(struct bundle *b)
{
	if (b->o->no_hypervisor) {
		bundle_skip(b, "hypervisor", "--no-hypervisor");
		return;
	}
	if (!b->live && !b->o->uri) {
		bundle_skip(b, "hypervisor", "not the live host (--root %s); --connect URI names one", b->o->root);
		return;
	}
	struct hv *hv = NULL;
	struct err e = ERR_INIT;
	if (hv_open(b->o->uri, &hv, &e) < 0) {
		bundle_skip(b, "hypervisor", "%s", err_msg(&e));
		err_clear(&e);
		return;
	}
	hv_set_deadline(hv, b->o->cmd_timeout_ms);
	hv_set_want(hv, HV_WANT_RECORD);
	struct hv_sampler *s = xcalloc(1, sizeof(*s));
	*s = (struct hv_sampler){ .hv = hv, .want = b->o->samples > 0 ? b->o->samples : 1, .interval = b->o->sample_interval };
	int r = tmpguard_thread(&s->thread, NULL, sample_all, s);
	if (r != 0) {
		/* no thread: the samples are taken here, one after another */
		bundle_log(b, "hypervisor: no sampling thread (%s): sampling in line", strerror(r));
		sample_all(s);
	}
	s->running = r == 0;
	b->hv = s;
}

/* "domains/a/b\n.xml" -> "hypervisor/domains/a_b_.xml" */
static char *doc_path(const char *name)
{
	const char *slash = strchr(name, '/');
	if (!slash) {
		_cleanup_free_ char *n = bundle_safe_name(name);
		return xasprintf("hypervisor/%s", n);
	}
	_cleanup_free_ char *dir = xstrndup(name, (size_t)(slash - name));
	_cleanup_free_ char *n = bundle_safe_name(slash + 1);
	return xasprintf("hypervisor/%s/%s", dir, n);
}

/* The configuration documents, each under its own name (names that
 * sanitize alike kept apart). */
static void add_docs(struct bundle *b, struct hv *hv)
{
	const char *src = hv_describe(hv);
	struct hv_docs docs = { 0 };
	struct err e = ERR_INIT;
	if (hv_dump(hv, b->o->cmd_timeout_ms, &docs, &e) < 0)
		bundle_skip(b, src, "configuration: %s", err_msg(&e));
	err_clear(&e);
	struct strv seen = { 0 };
	for (size_t i = 0; i < docs.n; i++) {
		_cleanup_free_ char *path = doc_path(docs.v[i].name);
		for (int k = 2; strv_contains(&seen, path); k++) {
			free(path);
			_cleanup_free_ char *base = doc_path(docs.v[i].name);
			char *dot = strrchr(base, '.');
			path = dot && dot > strrchr(base, '/') ? xasprintf("%.*s~%d%s", (int)(dot - base), base, k, dot)
							   : xasprintf("%s~%d", base, k);
		}
		strv_push(&seen, path);
		_cleanup_free_ char *what = xasprintf("%s: %s", src, docs.v[i].name);
		if (docs.v[i].text)
			bundle_add(b, path, docs.v[i].text, strlen(docs.v[i].text), what, time(NULL), 0);
		else
			bundle_skip(b, what, "%s", docs.v[i].error ? docs.v[i].error : "no answer");
	}
	strv_free(&seen);
	hv_docs_free(&docs);
}

void bundle_hv_finish(struct bundle *b)
{
	struct hv_sampler *s = b->hv;
	if (!s)
		return;
	if (s->running)
		pthread_join(s->thread, NULL);
	const char *src = hv_describe(s->hv);
	if (!s->n) {
		bundle_skip(b, src, "%s", s->error ? s->error : "no answer");
	} else {
		struct buf out = BUF_INIT;
		/* The newest samples that top --replay reads back. */
		size_t first = hv_history_write_json_fit(s->snap, s->n, s->interval, HV_HISTORY_MAX_BYTES, &out);
		if (first)
			bundle_log(b, "%s: the oldest %zu samples left out: the rest fill the %u MiB top --replay reads", src, first,
				   HV_HISTORY_MAX_BYTES >> 20);
		bundle_add(b, "hypervisor/samples.json", out.s, out.len, src, time(NULL), 0);
		buf_free(&out);
		bundle_log(b, "%s: %zu of %d samples %.1f s apart, %zu domains in the last", src, s->n, s->want, s->interval,
			   s->snap[s->n - 1].ndom);
		if ((int)s->n < s->want)
			bundle_log(b, "%s: a sample failed: %s", src, s->error ? s->error : "no answer");
		add_docs(b, s->hv);
	}
	for (size_t i = 0; i < s->n; i++)
		hv_snapshot_free(&s->snap[i]);
	free(s->snap);
	free(s->error);
	hv_close(s->hv);
	free(s);
	b->hv = NULL;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Every scrape asks for a fresh sample; scrapes that arrive while one is
 * being taken share it.  A scrape waits at most --scrape.timeout for it: a
 * hypervisor that hangs gives hvscope_up 0 in time, never a hung scrape.
 * One stuck domain does not spoil the rest: hv/ marks it and the others
 * are fresh. */
#include <errno.h>
#include <string.h>

#include "core/clock.h"
#include "core/util.h"
#include "core/tmpguard.h"
#include "exporter/exporter.h"

static void shared_free(struct shared *sh)
{
	hv_snapshot_free(&sh->snap);
	free(sh);
}

/* Drop a reference (s->mu held); true when it was the last. */
static bool shared_unref(struct shared *sh)
{
	return sh && --sh->refs == 0;
}

/* One sample, taken without the lock. */
static struct shared *take_sample(struct hv *hv)
{
	struct shared *sh = xcalloc(1, sizeof(*sh));
	sh->refs = 1;
	double t0 = clock_mono();
	hv_sample(hv, &sh->snap);
	sh->took = clock_mono() - t0;
	return sh;
}

static void *sampler(void *arg)
{
	struct sampling *s = arg;
	pthread_mutex_lock(&s->mu);
	while (!s->quit) {
		while (!s->quit && s->want_gen <= s->done_gen)
			pthread_cond_wait(&s->wake_sampler, &s->mu);
		if (s->quit)
			break;
		unsigned long gen = s->want_gen;
		s->in_flight = true;
		/* No scrape asks for the last sample again (each wants one
		 * newer than what it found): scrapes still sending it keep
		 * their own references.  When none does, it is freed after the
		 * new one is out, not before the scrapes can write it. */
		struct shared *old = s->cur;
		if (!shared_unref(old))
			old = NULL;
		s->cur = NULL;
		pthread_mutex_unlock(&s->mu);
		struct shared *sh = take_sample(s->hv);
		pthread_mutex_lock(&s->mu);
		s->cur = sh;
		s->samples++;
		s->done_gen = gen;
		s->in_flight = false;
		pthread_cond_broadcast(&s->sample_done);
		/* That, and what hv/ left to free, once the scrapes are sent
		 * (or the next sample is wanted): freeing competes with their
		 * writing for the CPUs. */
		while (!s->quit && s->scrapes && s->want_gen <= s->done_gen)
			pthread_cond_wait(&s->wake_sampler, &s->mu);
		pthread_mutex_unlock(&s->mu);
		hv_tidy(s->hv);
		if (old)
			shared_free(old);
		pthread_mutex_lock(&s->mu);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

int sampling_start(struct sampling *s, struct hv *hv, struct err *e)
{
	s->hv = hv;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->wake_sampler, NULL);
	clock_cond_init(&s->sample_done);
	int r = tmpguard_thread(&s->thread, NULL, sampler, s);
	if (r != 0)
		return err_set(e, -r, "cannot start the sampler thread: %s", strerror(r));
	return 0;
}

struct shared *sampling_get(struct sampling *s, double timeout)
{
	struct timespec until = clock_after_s(timeout);
	pthread_mutex_lock(&s->mu);
	s->scrapes++; /* until sampling_put */
	/* A sample already under way started before this scrape asked: its
	 * figures may be older than the scrape, but sharing it is what keeps a
	 * burst of scrapes from queueing samples. */
	unsigned long want = s->in_flight ? s->want_gen : s->done_gen + 1;
	if (want > s->want_gen) {
		s->want_gen = want;
		pthread_cond_signal(&s->wake_sampler);
	}
	struct shared *sh = NULL;
	bool timed_out = false;
	for (;;) {
		if (s->done_gen >= want) {
			if (s->cur) {
				sh = s->cur;
				sh->refs++;
				break;
			}
			/* Woken too late: the sampler has dropped that sample
			 * for a newer one, which is under way. */
			want = s->want_gen;
		}
		/* The sample may have landed while the wait timed out: looked
		 * at once more, under the lock, before giving up. */
		if (timed_out)
			break;
		timed_out = pthread_cond_timedwait(&s->sample_done, &s->mu, &until) == ETIMEDOUT;
	}
	if (!sh || !sh->snap.up)
		s->scrape_errors++;
	pthread_mutex_unlock(&s->mu);
	return sh;
}

void sampling_put(struct sampling *s, struct shared *sh)
{
	pthread_mutex_lock(&s->mu);
	bool last = shared_unref(sh);
	if (!--s->scrapes)
		pthread_cond_signal(&s->wake_sampler);
	pthread_mutex_unlock(&s->mu);
	if (last)
		shared_free(sh);
}

void sampling_counts(struct sampling *s, unsigned long long *scrape_errors, unsigned long long *samples, bool *alone)
{
	pthread_mutex_lock(&s->mu);
	*scrape_errors = s->scrape_errors;
	*samples = s->samples;
	*alone = s->scrapes == 1;
	pthread_mutex_unlock(&s->mu);
}

bool sampling_stop(struct sampling *s, double wait_s)
{
	pthread_mutex_lock(&s->mu);
	s->quit = true;
	pthread_cond_broadcast(&s->wake_sampler);
	pthread_cond_broadcast(&s->sample_done);
	pthread_mutex_unlock(&s->mu);
	struct timespec until = clock_wall_after_s(wait_s);
	if (pthread_timedjoin_np(s->thread, NULL, &until) != 0)
		return false;
	if (shared_unref(s->cur))
		shared_free(s->cur);
	s->cur = NULL;
	return true;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* exporter/sampling.c: a scrape's wait for a sample, at its edges. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/util.h"
#include "exporter/exporter.h"

static void nap(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };
	nanosleep(&ts, NULL);
}

/* Plays the sampler: takes the lock before the scrape's deadline and
 * holds it past it, then publishes the sample the scrape asked for. */
static void *late_sampler(void *arg)
{
	struct sampling *s = arg;
	nap(0.05);
	pthread_mutex_lock(&s->mu);
	nap(0.3);
	struct shared *sh = xcalloc(1, sizeof(*sh));
	sh->refs = 1;
	sh->snap.up = true;
	s->cur = sh;
	s->done_gen = s->want_gen;
	s->in_flight = false;
	pthread_cond_broadcast(&s->sample_done);
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

/* A sample that lands as the scrape's wait times out is the scrape's:
 * the timed wait returns ETIMEDOUT with the sample already there. */
static void test_sample_at_the_deadline(void **state)
{
	(void)state;
	struct sampling s;
	memset(&s, 0, sizeof(s));
	pthread_mutex_init(&s.mu, NULL);
	pthread_cond_init(&s.wake_sampler, NULL);
	clock_cond_init(&s.sample_done);
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, late_sampler, &s), 0);
	struct shared *sh = sampling_get(&s, 0.15);
	pthread_join(t, NULL);
	assert_non_null(sh);
	assert_true(sh->snap.up);
	assert_int_equal(s.scrape_errors, 0);
	pthread_mutex_lock(&s.mu);
	s.cur = NULL;
	pthread_mutex_unlock(&s.mu);
	sampling_put(&s, sh); /* the scrape's reference */
	free(sh);            /* the sampler's */
	pthread_mutex_destroy(&s.mu);
	pthread_cond_destroy(&s.wake_sampler);
	pthread_cond_destroy(&s.sample_done);
}

/* No sample at all: NULL after the timeout, counted as a failed scrape. */
static void test_no_sample(void **state)
{
	(void)state;
	struct sampling s;
	memset(&s, 0, sizeof(s));
	pthread_mutex_init(&s.mu, NULL);
	pthread_cond_init(&s.wake_sampler, NULL);
	clock_cond_init(&s.sample_done);
	double t0 = clock_mono();
	assert_null(sampling_get(&s, 0.1));
	assert_true(clock_mono() - t0 >= 0.09);
	assert_int_equal(s.scrape_errors, 1);
	sampling_put(&s, NULL);
	pthread_mutex_destroy(&s.mu);
	pthread_cond_destroy(&s.wake_sampler);
	pthread_cond_destroy(&s.sample_done);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample_at_the_deadline),
		cmocka_unit_test(test_no_sample),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

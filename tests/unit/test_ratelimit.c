/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The web config's rate limiter: Prometheus durations, and the token
 * bucket's refill and burst as Go's rate.Limiter (the toolkit's) has them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>

#include "exporter/ratelimit.h"

static void test_durations(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		double secs;
	} ok[] = { { "0", 0 }, { "0s", 0 }, { "1s", 1 }, { "500ms", 0.5 }, { "1m30s", 90 }, { "2h", 7200 }, { "1d", 86400 },
		   { "1w", 604800 }, { "1y", 31536000 }, { "1h1m1s1ms", 3661.001 }, { "90m", 5400 } };
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		double v = -1;
		assert_int_equal(rate_duration_parse(ok[i].s, &v), 0);
		assert_float_equal(v, ok[i].secs, 1e-9);
	}
	static const char *const bad[] = { "", "1", "s", "1.5s", "-1s", "1s1m", "1m1m", "1 s", "1S", "1sec", "10000000y" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		double v = 0;
		if (rate_duration_parse(bad[i], &v) == 0)
			fail_msg("'%s' was taken as %g s", bad[i], v);
	}
}

/* Starts full; one token every interval, never above the burst. */
static void test_bucket(void **state)
{
	(void)state;
	struct rate_limit *rl = rate_limit_new(2, 3);
	for (int i = 0; i < 3; i++)
		assert_true(rate_limit_allow(rl, 10));
	assert_false(rate_limit_allow(rl, 10));
	assert_false(rate_limit_allow(rl, 11.9));
	assert_true(rate_limit_allow(rl, 12));
	assert_false(rate_limit_allow(rl, 12.5));
	/* a long pause refills to the burst only */
	for (int i = 0; i < 3; i++)
		assert_true(rate_limit_allow(rl, 1000));
	assert_false(rate_limit_allow(rl, 1000));
	/* a clock that goes back takes nothing and gives nothing */
	assert_false(rate_limit_allow(rl, 999));
	assert_true(rate_limit_allow(rl, 1002));
	rate_limit_free(rl);
	assert_true(rate_limit_same(NULL, NULL));
	struct rate_limit *a = rate_limit_new(1, 2), *b = rate_limit_new(1, 2), *c = rate_limit_new(1, 3);
	assert_true(rate_limit_same(a, b));
	assert_false(rate_limit_same(a, c));
	assert_false(rate_limit_same(a, NULL));
	rate_limit_free(a);
	rate_limit_free(b);
	rate_limit_free(c);
}

static struct rate_limit *shared;
static unsigned long granted;

static void *taker(void *arg)
{
	(void)arg;
	for (int i = 0; i < 1000; i++)
		if (rate_limit_allow(shared, 5))
			__atomic_add_fetch(&granted, 1, __ATOMIC_RELAXED);
	return NULL;
}

/* Four threads at once at the same instant: exactly the burst granted. */
static void test_threads(void **state)
{
	(void)state;
	shared = rate_limit_new(60, 100);
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, taker, NULL);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(granted, 100);
	rate_limit_free(shared);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_bucket),
		cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

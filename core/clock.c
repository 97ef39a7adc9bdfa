/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Monotonic and wall time, and deadlines kept on the monotonic clock. */
#include "core/clock.h"

#include <math.h>
#include <stdint.h>

static double seconds_of(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double clock_mono(void)
{
	return seconds_of(CLOCK_MONOTONIC);
}

double clock_wall(void)
{
	return seconds_of(CLOCK_REALTIME);
}

void clock_cond_init(pthread_cond_t *cv)
{
	pthread_condattr_t a;
	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(cv, &a);
	pthread_condattr_destroy(&a);
}

/* now + s, s already checked to be finite and >= 0. */
static struct timespec add_seconds(clockid_t id, double s)
{
	struct timespec t;
	clock_gettime(id, &t);
	/* A year is "never" for every deadline here, and keeps the sum far
	 * from time_t's limits. */
	if (s > 366.0 * 86400)
		s = 366.0 * 86400;
	double whole = floor(s);
	t.tv_sec += (time_t)whole;
	t.tv_nsec += (long)((s - whole) * 1e9);
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	return t;
}

static double sane(double s)
{
	return isfinite(s) && s > 0 ? s : 0;
}

struct timespec clock_after_s(double s)
{
	return add_seconds(CLOCK_MONOTONIC, sane(s));
}

struct timespec clock_after_ms(long long ms)
{
	return clock_after_s(ms > 0 ? (double)ms / 1000.0 : 0);
}

struct timespec clock_wall_after_s(double s)
{
	return add_seconds(CLOCK_REALTIME, sane(s));
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Time for deadlines and intervals.  Deadlines are kept on CLOCK_MONOTONIC
 * so that a wall clock stepped by NTP or an admin neither stretches nor
 * cuts them; condition variables waited on with a deadline must be set up
 * by clock_cond_init for the same reason. */
#ifndef HVSCOPE_CORE_CLOCK_H
#define HVSCOPE_CORE_CLOCK_H

#include <pthread.h>
#include <time.h>

/* Seconds on CLOCK_MONOTONIC (intervals) and CLOCK_REALTIME (timestamps). */
double clock_mono(void);
double clock_wall(void);

/* A condition variable whose timed waits count on CLOCK_MONOTONIC. */
void clock_cond_init(pthread_cond_t *cv);

/* The CLOCK_MONOTONIC time ms milliseconds (s seconds) from now, for
 * pthread_cond_timedwait on such a condition variable.  Negative or
 * non-finite durations count as 0; the sum saturates rather than wrap. */
struct timespec clock_after_ms(long long ms);
struct timespec clock_after_s(double s);

/* The same on CLOCK_REALTIME, for the interfaces that take only it
 * (pthread_timedjoin_np). */
struct timespec clock_wall_after_s(double s);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The web config's rate_limit, as the exporter-toolkit has it: a token
 * bucket of burst requests, one more every interval, shared by every
 * request to any path; a request that finds it empty is answered 429. */
#ifndef HVSCOPE_EXPORTER_RATELIMIT_H
#define HVSCOPE_EXPORTER_RATELIMIT_H

#include <pthread.h>
#include <stdbool.h>

#include "core/err.h"

struct ynode;

struct rate_limit {
	pthread_mutex_t mu;
	double interval; /* seconds between two tokens */
	long burst;
	double tokens, last; /* last: clock_mono() of the last refill */
};

/* A Prometheus duration ("1h30m", "500ms", "0"; units y w d h m s ms, each
 * once and in that order) in seconds: 0, or -1 when s is not one. */
int rate_duration_parse(const char *s, double *seconds);
/* rate_limit: {interval, burst} read from v (cfg names the file in
 * messages, with the line and column): *out NULL when interval is 0 (the
 * toolkit's "off"). */
int rate_limit_parse(const char *cfg, const struct ynode *v, struct rate_limit **out, struct err *e);
/* A full bucket. */
struct rate_limit *rate_limit_new(double interval, long burst);
/* Takes a token at time now (seconds, monotonic): false when none is
 * left.  Thread-safe. */
bool rate_limit_allow(struct rate_limit *rl, double now);
/* Whether a and b (either may be NULL) limit alike. */
bool rate_limit_same(const struct rate_limit *a, const struct rate_limit *b);
void rate_limit_free(struct rate_limit *rl);

#endif

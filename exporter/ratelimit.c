/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rate_limit read from the web config, and its token bucket (Go's
 * rate.NewLimiter(rate.Every(interval), burst), which the toolkit uses). */
#include "exporter/ratelimit.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "core/yaml.h"

#define AT(file, n) (file), (n)->line, (n)->col

int rate_duration_parse(const char *s, double *seconds)
{
	static const struct {
		const char *unit;
		double secs;
	} units[] = { { "y", 365 * 86400.0 }, { "w", 7 * 86400.0 }, { "d", 86400 }, { "h", 3600 }, { "m", 60 }, { "s", 1 }, { "ms", 0.001 } };
	if (strcmp(s, "0") == 0) {
		*seconds = 0;
		return 0;
	}
	double total = 0;
	size_t next = 0; /* units before this one are behind */
	const char *p = s;
	if (!*p)
		return -1;
	while (*p) {
		if (!isdigit((unsigned char)*p))
			return -1;
		double n = 0;
		for (; isdigit((unsigned char)*p); p++)
			n = n * 10 + (*p - '0');
		size_t u = next;
		/* "m" followed by "s" is ms, not minutes then seconds */
		while (u < sizeof(units) / sizeof(units[0]) &&
		       !(strncmp(p, units[u].unit, strlen(units[u].unit)) == 0 && !(strcmp(units[u].unit, "m") == 0 && p[1] == 's')))
			u++;
		if (u == sizeof(units) / sizeof(units[0]))
			return -1;
		total += n * units[u].secs;
		p += strlen(units[u].unit);
		next = u + 1;
	}
	if (!isfinite(total) || total > 290 * 365 * 86400.0) /* Go's time.Duration holds ~292 years */
		return -1;
	*seconds = total;
	return 0;
}

/* A whole number >= 0 that fits a long: 0, or -1. */
static int parse_count(const char *s, long *out)
{
	if (!*s)
		return -1;
	long v = 0;
	for (const char *p = s; *p; p++) {
		if (!isdigit((unsigned char)*p) || v > (2147483647L - (*p - '0')) / 10)
			return -1;
		v = v * 10 + (*p - '0');
	}
	*out = v;
	return 0;
}

int rate_limit_parse(const char *cfg, const struct ynode *v, struct rate_limit **out, struct err *e)
{
	*out = NULL;
	if (v->kind != Y_MAP)
		return err_set(e, -EINVAL, "%s:%d:%d: rate_limit is a mapping: interval: DURATION, burst: N", AT(cfg, v));
	for (size_t j = 0; j + 1 < v->n; j += 2)
		if (strcmp(v->items[j]->s, "interval") != 0 && strcmp(v->items[j]->s, "burst") != 0)
			return err_set(e, -EINVAL, "%s:%d:%d: rate_limit: '%s' is not supported (interval and burst are)", AT(cfg, v->items[j]),
				       v->items[j]->s);
	const struct ynode *iv = ynode_get(v, "interval"), *bv = ynode_get(v, "burst");
	double interval = 0;
	long burst = 0;
	if (iv && (iv->kind != Y_SCALAR || rate_duration_parse(iv->s, &interval) < 0))
		return err_set(e, -EINVAL, "%s:%d:%d: rate_limit: interval '%s' is not a duration (such as 1s, 500ms, 1m30s)", AT(cfg, iv),
			       iv->kind == Y_SCALAR ? iv->s : "(not a word)");
	if (bv && (bv->kind != Y_SCALAR || parse_count(bv->s, &burst) < 0))
		return err_set(e, -EINVAL, "%s:%d:%d: rate_limit: burst '%s' is not a whole number from 0 to 2147483647", AT(cfg, bv),
			       bv->kind == Y_SCALAR ? bv->s : "(not a word)");
	if (interval == 0)
		return 0;
	/* Go's limiter would refuse every request: said rather than served. */
	if (burst == 0)
		return err_set(e, -EINVAL, "%s:%d:%d: rate_limit: burst must be 1 or more when interval is set (0 refuses every request)",
			       AT(cfg, bv ? bv : v));
	*out = rate_limit_new(interval, burst);
	return 0;
}

struct rate_limit *rate_limit_new(double interval, long burst)
{
	struct rate_limit *rl = xcalloc(1, sizeof(*rl));
	pthread_mutex_init(&rl->mu, NULL);
	rl->interval = interval;
	rl->burst = burst;
	rl->tokens = (double)burst;
	rl->last = -1;
	return rl;
}

bool rate_limit_allow(struct rate_limit *rl, double now)
{
	pthread_mutex_lock(&rl->mu);
	if (rl->last >= 0 && now > rl->last) {
		rl->tokens += (now - rl->last) / rl->interval;
		if (rl->tokens > (double)rl->burst)
			rl->tokens = (double)rl->burst;
	}
	if (rl->last < 0 || now > rl->last)
		rl->last = now;
	bool ok = rl->tokens >= 1;
	if (ok)
		rl->tokens -= 1;
	pthread_mutex_unlock(&rl->mu);
	return ok;
}

bool rate_limit_same(const struct rate_limit *a, const struct rate_limit *b)
{
	if (!a || !b)
		return a == b;
	return a->interval == b->interval && a->burst == b->burst;
}

void rate_limit_free(struct rate_limit *rl)
{
	if (!rl)
		return;
	pthread_mutex_destroy(&rl->mu);
	free(rl);
}

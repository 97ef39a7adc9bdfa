/* SPDX-License-Identifier: GPL-2.0-or-later */
/* top's sampler thread: samples on its own thread, so a hypervisor that
 * is slow or gone never freezes keys, resizing or redraws. */
#include "tui/sampler.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/util.h"
#include "core/tmpguard.h"

static void *sampler(void *arg)
{
	struct screen_shared *sh = arg;
	struct hv_snapshot snap = { 0 };
	pthread_mutex_lock(&sh->mu);
	while (!sh->quit) {
		pthread_mutex_unlock(&sh->mu);
		int r = hv_sample(sh->hv, &snap);
		pthread_mutex_lock(&sh->mu);
		if (r == 0) {
			hv_snapshot_free(&sh->prev);
			sh->prev = sh->cur;
			sh->cur = snap;
			memset(&snap, 0, sizeof(snap));
			sh->up = true;
			free(sh->error);
			sh->error = NULL;
		} else {
			sh->up = false;
			free(sh->error);
			sh->error = xstrdup(snap.error ? snap.error : "no answer");
			sh->error_at = clock_wall();
		}
		sh->generation++;
		ssize_t w = write(sh->wake[1], "x", 1);
		(void)w;
		pthread_mutex_unlock(&sh->mu);
		hv_tidy(sh->hv); /* not held through the delay */
		pthread_mutex_lock(&sh->mu);
		/* Wait for the delay, a key asking for a sample, or quit. */
		struct timespec until = clock_after_s(sh->delay);
		while (!sh->quit && !sh->sample_now)
			if (pthread_cond_timedwait(&sh->cv, &sh->mu, &until) == ETIMEDOUT)
				break;
		sh->sample_now = false;
	}
	pthread_mutex_unlock(&sh->mu);
	hv_snapshot_free(&snap);
	return NULL;
}

int screen_sampler_start(struct screen_shared *sh, pthread_t *t)
{
	return tmpguard_thread(t, NULL, sampler, sh);
}

bool screen_sampler_stop(struct screen_shared *sh, pthread_t t)
{
	pthread_mutex_lock(&sh->mu);
	sh->quit = true;
	pthread_cond_signal(&sh->cv);
	pthread_mutex_unlock(&sh->mu);
	/* The sampler may be inside a slow hypervisor call; it ends with it. */
	struct timespec ts = clock_wall_after_s(3);
	return pthread_timedjoin_np(t, NULL, &ts) == 0;
}

void screen_sampler_poke(struct screen_shared *sh, bool now, double delay)
{
	pthread_mutex_lock(&sh->mu);
	if (now)
		sh->sample_now = true;
	if (delay > 0)
		sh->delay = delay;
	pthread_cond_signal(&sh->cv);
	pthread_mutex_unlock(&sh->mu);
}

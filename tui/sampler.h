/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The samples top's screen shows and the thread that takes them: the last
 * two good samples and the state of the source, filled by the sampler
 * thread (live) or by the replay keys (--replay, tui/replay_keys.c). */
#ifndef HVSCOPE_TUI_SAMPLER_H
#define HVSCOPE_TUI_SAMPLER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "hv/hv.h"

/* Shared between the sampler thread and the screen. */
struct screen_shared {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct hv *hv;
	double delay;
	bool quit;
	bool sample_now;
	/* the last two good samples, and the state of the source */
	struct hv_snapshot prev, cur;
	bool up;
	char *error;
	double error_at;
	unsigned long generation;
	int wake[2]; /* self-pipe: a new sample is ready */
	const char *desc; /* the source, for the first line */
	/* --replay: the recorded samples in place of the sampler; at: the one
	 * shown; playing: stepping on at the recorded pace */
	const struct hv_history *replay;
	size_t at;
	bool playing;
	double next_step; /* clock_mono() when playing steps on */
};

/* Starts the thread sampling sh->hv every sh->delay seconds; 0 or the
 * error number of pthread_create. */
int screen_sampler_start(struct screen_shared *sh, pthread_t *t);
/* Asks the thread to end and waits a little for it; false when it is
 * still inside a slow hypervisor call (sh is then still in its use). */
bool screen_sampler_stop(struct screen_shared *sh, pthread_t t);
/* Asks the sampler for a sample now, or tells it the new delay (> 0). */
void screen_sampler_poke(struct screen_shared *sh, bool now, double delay);

#endif

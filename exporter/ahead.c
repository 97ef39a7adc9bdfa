/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The thread that writes a large scrape's next family while the one
 * before it is sent, and the hand-over between the two. */
#include "core/tmpguard.h"
#include "exporter/ahead.h"

static void *ahead_run(void *arg)
{
	struct ahead *a = arg;
	for (;;) {
		struct buf f = BUF_INIT;
		bool more = metrics_writer_next(a->w, &f);
		pthread_mutex_lock(&a->mu);
		while (more && a->full && !a->stop)
			pthread_cond_wait(&a->cv, &a->mu);
		if (!more || a->stop) {
			a->done = true;
			pthread_cond_broadcast(&a->cv);
			pthread_mutex_unlock(&a->mu);
			buf_free(&f);
			return NULL;
		}
		a->next = f;
		a->full = true;
		pthread_cond_broadcast(&a->cv);
		pthread_mutex_unlock(&a->mu);
	}
}

void ahead_start(struct ahead *a, struct metrics_writer *w)
{
	a->w = w;
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->cv, NULL);
	a->started = tmpguard_thread(&a->t, NULL, ahead_run, a) == 0;
	if (!a->started) {
		pthread_mutex_destroy(&a->mu);
		pthread_cond_destroy(&a->cv);
	}
}

bool ahead_next(struct ahead *a, struct buf *f)
{
	pthread_mutex_lock(&a->mu);
	while (!a->full && !a->done)
		pthread_cond_wait(&a->cv, &a->mu);
	bool got = a->full;
	if (got) {
		*f = a->next;
		a->next = (struct buf)BUF_INIT;
		a->full = false;
		pthread_cond_broadcast(&a->cv);
	}
	pthread_mutex_unlock(&a->mu);
	return got;
}

void ahead_stop(struct ahead *a)
{
	if (!a->started)
		return;
	pthread_mutex_lock(&a->mu);
	a->stop = true;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
	pthread_join(a->t, NULL);
	buf_free(&a->next);
	pthread_mutex_destroy(&a->mu);
	pthread_cond_destroy(&a->cv);
	a->started = false;
}

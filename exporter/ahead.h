/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A large scrape's families written one ahead of the one being sent, on a
 * thread of its own: writing and sending then overlap instead of taking
 * turns on the connection's thread.  One family ahead is enough to keep
 * both busy; more would hold more memory per scrape. */
#ifndef HVSCOPE_EXPORTER_AHEAD_H
#define HVSCOPE_EXPORTER_AHEAD_H

#include <pthread.h>
#include <stdbool.h>

#include "core/buf.h"
#include "exporter/metrics.h"

struct ahead {
	pthread_t t;
	bool started;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct metrics_writer *w;
	struct buf next; /* written, not yet taken */
	bool full, done, stop;
};

/* Start writing w's families ahead; a->started is false when no thread
 * was to be had (the caller writes them itself, then). */
void ahead_start(struct ahead *a, struct metrics_writer *w);
/* The next family into *f; false when none is left. */
bool ahead_next(struct ahead *a, struct buf *f);
void ahead_stop(struct ahead *a);

#endif

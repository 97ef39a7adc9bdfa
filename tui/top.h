/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hvscope top's run, once its options are read. */
#ifndef HVSCOPE_TUI_TOP_H
#define HVSCOPE_TUI_TOP_H

#include <stdbool.h>

struct top_opts {
	const char *uri;    /* NULL: auto */
	const char *replay; /* a bundle's samples in place of a live source; NULL: none */
	double delay;
	bool batch, reverse, vcpus, nets, vbds;
	bool pcpu;       /* the physical-CPU view (batch --pcpu; the 1 key) */
	bool dom0_first; /* -z */
	long long iterations; /* 0: forever */
	long long deadline, connections;
	int fmt;  /* enum batch_fmt */
	int sort; /* a column of tui/fields.h */
	const char *filter;
};

/* The screen or the batch lines until q, a signal or the iterations:
 * 0, or 1 when the source never answered (or the replay cannot be read). */
int top_run(const struct top_opts *o);

#endif

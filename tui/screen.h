/* SPDX-License-Identifier: GPL-2.0-or-later */
/* top's curses screen.  Sampling runs on its own thread, so a hypervisor
 * that is slow or gone never freezes keys, resizing or redraws. */
#ifndef HVSCOPE_TUI_SCREEN_H
#define HVSCOPE_TUI_SCREEN_H

#include <stdbool.h>

#include "core/buf.h"
#include "hv/hv.h"

struct screen_opts {
	double delay;
	int sort;
	bool reverse;
	bool show_vcpus, show_nets, show_vbds;
	char *filter; /* owned by the caller */
};

/* Runs until the user quits; returns an exit status. */
int top_screen_run(struct hv *hv, struct screen_opts *o);
/* The same screen on recorded samples (top --replay), keys stepping
 * through them; desc names the recording. */
int top_screen_replay(const struct hv_history *h, const char *desc, struct screen_opts *o);

/* The detail lines under a domain (vCPUs, networks, block devices), shared
 * with batch mode; each appended line ends in '\n'. */
struct top_row;
void top_detail_lines(const struct top_row *r, bool vcpus, bool nets, bool vbds, struct buf *out);

#endif

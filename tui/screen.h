/* SPDX-License-Identifier: GPL-2.0-or-later */
/* top's curses screen.  Sampling runs on its own thread, so a hypervisor
 * that is slow or gone never freezes keys, resizing or redraws. */
#ifndef HVSCOPE_TUI_SCREEN_H
#define HVSCOPE_TUI_SCREEN_H

#include "hv/hv.h"
#include "tui/draw.h"

/* Runs until the user quits; returns an exit status. */
int top_screen_run(struct hv *hv, struct screen_opts *o);
/* The same screen on recorded samples (top --replay), keys stepping
 * through them; desc names the recording. */
int top_screen_replay(const struct hv_history *h, const char *desc, struct screen_opts *o);

#endif

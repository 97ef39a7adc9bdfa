/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Drawing top's screen: the summary lines, the column header, a line per
 * domain with its detail lines, or the help. */
#ifndef HVSCOPE_TUI_DRAW_H
#define HVSCOPE_TUI_DRAW_H

#include <stdbool.h>

#include "tui/sampler.h"

/* What the user chose to see; the keys change it. */
struct screen_opts {
	double delay;
	int sort;
	bool reverse;
	bool show_vcpus, show_nets, show_vbds;
	bool show_pcpu;  /* the physical-CPU view in place of the domains */
	bool dom0_first; /* Domain-0 above the sort */
	char *filter; /* owned by the caller */
};

struct screen_view {
	struct screen_opts *o;
	int scroll;
	bool help;
	bool color;
};

/* The whole screen from sh's samples (taken under sh->mu); v->scroll is
 * kept in range. */
void screen_draw(struct screen_shared *sh, struct screen_view *v);

#endif

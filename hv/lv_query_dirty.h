/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Each guest's memory dirty rate, asked on a call's thread: the last
 * calculation's result from the dirtyrate group, and a new calculation
 * started (virDomainStartDirtyRateCalc, which QEMU runs on its own and
 * answers at once) where the last is older than the schedule.  Starting
 * one is refused on the read-only connections a sample uses: the call
 * opens a read-write one to the same URI for it, only when one is due. */
#ifndef HVSCOPE_HV_LV_QUERY_DIRTY_H
#define HVSCOPE_HV_LV_QUERY_DIRTY_H

#include "hv/lv_call.h"

#pragma GCC visibility push(hidden)

/* Into out.dom[i], domain i of doms: its UUID and its dirty rate. */
struct q_dirty {
	struct call c;
	virDomainPtr *doms; /* referenced, NULL-terminated */
	int ndoms;
	double mono, wall; /* the sample's CLOCK_MONOTONIC and unix times */
	char *uri;       /* for the read-write connection */
	int started;     /* calculations started */
	struct hv_snapshot out;
};
/* QEMU times a calculation by the host's monotonic clock (seconds):
 * mono, the sample's, is compared with it, which holds for a local URI. */
struct q_dirty *q_dirty_new(struct lv *lv, virDomainPtr *doms, int n, double mono, double wall);

#pragma GCC visibility pop

#endif

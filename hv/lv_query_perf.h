/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The perf events each domain has enabled (virDomainGetPerfEvents) and
 * their figures (the perf group of the bulk statistics), asked on a
 * call's thread. */
#ifndef HVSCOPE_HV_LV_QUERY_PERF_H
#define HVSCOPE_HV_LV_QUERY_PERF_H

#include "hv/lv_call.h"

#pragma GCC visibility push(hidden)

/* Into out.dom[i], domain i of doms: its UUID and its enabled events. */
struct q_perf {
	struct call c;
	virDomainPtr *doms; /* referenced, NULL-terminated */
	int ndoms;
	struct hv_snapshot out;
};
struct q_perf *q_perf_new(struct lv *lv, virDomainPtr *doms, int n);

#pragma GCC visibility pop

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The node's queries, run on a call's thread: its figures, the defined
 * domains that do not run, the storage pools, and the domains' jobs. */
#ifndef HVSCOPE_HV_LV_QUERY_NODE_H
#define HVSCOPE_HV_LV_QUERY_NODE_H

#include "hv/lv_call.h"

#pragma GCC visibility push(hidden)

/* The node's memory and CPU figures into h (its numbers only), and with
 * per_cpu each CPU's (h's pCPU arrays, which the caller frees). */
void lv_node_figures(virConnectPtr conn, struct hv_host *h, bool per_cpu);

/* Connection-wide figures a listing or bulk call asks beside the domains
 * when wanted: the defined domains that do not run, and the storage
 * pools.  Neither asks a guest's monitor, so they ride on the sample's own
 * call rather than on threads of their own.  [0] inactive, [1] pools. */
struct node_extra {
	unsigned asked; /* HV_WANT_INACTIVE, HV_WANT_POOLS (and HV_WANT_PCPU, for lv_node_figures) */
	struct hv_snapshot out;
	bool ok[2];
	double took[2];
	char *error[2];
};
void lv_node_extra_run(virConnectPtr conn, struct node_extra *nx);
void lv_node_extra_free(struct node_extra *nx);

/* The background job of each domain given, into out (a domain each, its
 * UUID and job; job.type NULL where not to be had). */
struct q_jobs {
	struct call c;
	virDomainPtr *doms; /* referenced */
	int ndoms;
	struct hv_snapshot out;
};
struct q_jobs *q_jobs_new(struct lv *lv, virDomainPtr *doms, int n);

#pragma GCC visibility pop

#endif

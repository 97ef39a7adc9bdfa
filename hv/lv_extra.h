/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The parts of a sample asked apart from the domains' figures. */
#ifndef HVSCOPE_HV_LV_EXTRA_H
#define HVSCOPE_HV_LV_EXTRA_H

#include "hv/lv_map.h"
#include "hv/lv_share.h"

#pragma GCC visibility push(hidden)

/* The groups and calls asked apart from the domains' figures (balloon,
 * vCPU, jobs, inactive domains, pools), each a part of the sample of its
 * own: started together, waited for within one deadline, merged into snap
 * by UUID.  doms[i] is snap->dom[slot[i]]; nx: what the sample's own call
 * brought of the inactive domains and pools. */
void lv_sample_extras(struct lv *lv, const struct hv *hv, struct hv_snapshot *snap, virDomainPtr *doms, const size_t *slot, int n,
		      struct node_extra *nx);

#pragma GCC visibility pop

#endif

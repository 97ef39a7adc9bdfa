/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the statistics calls left out of a sample's domains, asked in one
 * call under the sample's deadline and mapped onto them; and a domain
 * that did not answer, marked stuck with its last figures. */
#ifndef HVSCOPE_HV_LV_FILL_H
#define HVSCOPE_HV_LV_FILL_H

#include "hv/lv_map.h"

#pragma GCC visibility push(hidden)

/* Domains asked at once on the slow path, each on a thread of its own. */
#define SOLO_BATCH 16

/* d (name and id kept) as the last sample had it, marked stuck: no answer
 * within deadline_ms, why after that. */
void lv_mark_stuck(struct lv *lv, struct hv_domain *d, const char *why, int deadline_ms);

/* Which running domains are not defined (the info series), when asked. */
struct lv_transient {
	bool ok;
	struct strv uuids;
};

/* For each domain snap->dom[slot[i]] (doms[i], not stuck): what its
 * records left out (CPU, memory and vCPUs; each device's counters by the
 * names its XML gives) and, for HV_WANT_INFO, its XML and whether it is
 * defined (into *tr), in one call within hv->deadline_ms.  When it
 * misses, as when the statistics call does: the domain it hung on is
 * marked stuck, those it had not reached are asked alone, and the
 * connection is retired after the sample. */
void lv_fill_rest(struct lv *lv, const struct hv *hv, struct hv_snapshot *snap, virDomainPtr *doms, const size_t *slot, int n,
		  struct lv_transient *tr);

#pragma GCC visibility pop

#endif

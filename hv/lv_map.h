/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libvirt's answers mapped onto struct hv_domain: pure functions over
 * records, structs and cache entries, no libvirt calls. */
#ifndef HVSCOPE_HV_LV_MAP_H
#define HVSCOPE_HV_LV_MAP_H

#include "hv/lv_query_dev.h"

#pragma GCC visibility push(hidden)

/* A bulk record's typed parameters (state, cpu.time, balloon.*, vcpu.*,
 * net.*, block.*) into d. */
void lv_fill_record(struct hv_domain *d, const virDomainStatsRecord *rec);
/* The per-domain answers (NULL: none); the record's figures stay where
 * it had them. */
void lv_fill_per_dom(struct hv_domain *d, const struct per_dom *x);
/* The device counters asked by name, where d has none of that kind. */
void lv_fill_devices(struct hv_domain *d, const struct dev_stats *s);
/* d (name and id kept) as last had it; unchanged when last has no
 * domain of its UUID. */
void lv_copy_last(const struct hv_snapshot *last, struct hv_domain *d);
/* What the domain's XML says (its info pairs, its devices' beside the
 * devices of d of the same names). */
void lv_fill_info(struct hv_domain *d, const struct lv_dev *dc);
/* Whether each domain snap->dom[slot[i]] is defined: not among the
 * transient UUIDs. */
/* Seconds since a dirty-rate calculation started.  QEMU before 8.2 gives
 * its start on the host's monotonic clock, later ones in unix seconds
 * (QEMU_CLOCK_HOST): a start past 10^9 s cannot be a host's uptime. */
double lv_dirty_age(long long start, double mono, double wall);
void lv_fill_persistence(struct hv_snapshot *snap, const size_t *slot, int n, const struct strv *transient);

#pragma GCC visibility pop

#endif

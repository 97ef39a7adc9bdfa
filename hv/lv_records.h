/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One statistics group's records for a call's domains, each handed to
 * the caller with the slot of the call's snapshot it belongs to. */
#ifndef HVSCOPE_HV_LV_RECORDS_H
#define HVSCOPE_HV_LV_RECORDS_H

#include <libvirt/libvirt.h>

#include "hv/snapshot.h"

/* out holds one domain per doms[i], in that order, its uuid set; a domain
 * gone since has no record and its slot is not handed.  The number of
 * records, or -1 (libvirt's error, nothing handed). */
int lv_group_records(virDomainPtr *doms, int n, unsigned group, const struct hv_snapshot *out,
		     void (*take)(int slot, const virDomainStatsRecord *rec, void *arg), void *arg);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What a call asks of each domain's tuning, on the call's thread: its
 * disks' I/O limits (virDomainGetBlockIoTune), its NUMA memory placement
 * with the host's free memory per NUMA node, and its IOThreads. */
#ifndef HVSCOPE_HV_LV_QUERY_TUNE_H
#define HVSCOPE_HV_LV_QUERY_TUNE_H

#include "hv/lv_call.h"

#pragma GCC visibility push(hidden)

/* libvirt's names of the I/O limits, in hv_blk.iotune's order. */
extern const char *const lv_iotune_fields[HV_IOT_N];

/* The I/O limits of the disks named in out.dom[i].blk (domain i of doms,
 * its UUID and disk names set by the caller): have_iotune where the call
 * answered. */
struct q_iotune {
	struct call c;
	virDomainPtr *doms; /* referenced */
	int ndoms;
	struct hv_snapshot out;
};
/* For doms[i] with the disks of snap's domain ds[i]. */
struct q_iotune *q_iotune_new(struct lv *lv, virDomainPtr *doms, const struct hv_domain *const *ds, int n);

/* The host's free memory per NUMA node into out.host, and each domain's
 * numatune mode and nodeset into out.dom[i].info ("numa:mode",
 * "numa:nodeset"; none where the call failed). */
struct q_numa {
	struct call c;
	virConnectPtr conn; /* referenced */
	virDomainPtr *doms; /* referenced */
	int ndoms;
	struct hv_snapshot out;
};
struct q_numa *q_numa_new(struct lv *lv, virDomainPtr *doms, int n);

/* Each domain's IOThreads into out.dom[i] (its UUID set): their polling
 * from the iothread group of the bulk statistics, their affinity from
 * virDomainGetIOThreadInfo. */
struct q_iothread {
	struct call c;
	virDomainPtr *doms; /* referenced, NULL-terminated */
	int ndoms;
	struct hv_snapshot out;
};
struct q_iothread *q_iothread_new(struct lv *lv, virDomainPtr *doms, int n);

#pragma GCC visibility pop

#endif

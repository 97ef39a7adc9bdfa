/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The domain statistics asked on a call's thread: the running domains
 * listed, the bulk statistics, and per domain what the bulk records leave
 * out.  Each query is a struct embedding struct call as c; what it got is
 * read once the call is done.  Below: the node's queries
 * (hv/lv_query_node.h); above: the per-device ones (hv/lv_query_dev.h). */
#ifndef HVSCOPE_HV_LV_QUERY_H
#define HVSCOPE_HV_LV_QUERY_H

#include "hv/lv_call.h"
#include "hv/lv_query_node.h"

#pragma GCC visibility push(hidden)

/* The bulk groups: state and interfaces are cheap; block counters only
 * QEMU's monitor has, and cost a monitor round trip even for a guest
 * without disks, so a connection that has seen which guests have none asks
 * the group of the others only (split_block); balloon only when the RSS is
 * wanted.  CPU time, memory and vCPUs come from virDomainGetInfo and
 * virDomainGetVcpus instead of the cpu-total and vcpu groups, which take
 * the domain's job. */
#define STATS_BASE (VIR_DOMAIN_STATS_STATE | VIR_DOMAIN_STATS_INTERFACE | VIR_DOMAIN_STATS_BLOCK)

/* What a call asks of each domain it got a record for, beside the bulk
 * groups. */
struct per_dom {
	int id;
	char uuid[VIR_UUID_STRING_BUFLEN]; /* "" when not to be had */
	bool info_ok;
	virDomainInfo info;
	int maxvcpus; /* <= 0: not known */
	int nvcpu;    /* < 0: not known */
	virVcpuInfoPtr vcpu;
};

/* What an earlier sample knew of a domain: its maximum vCPUs, which cannot
 * change while the domain runs, so a call asks only for new domains;
 * whether it had no block devices, which holds until a device is added
 * (an event) or the domain restarts (a new id); and whether its block
 * group is asked on the pool this sample (lv_block_pooled). */
struct known_dom {
	char uuid[VIR_UUID_STRING_BUFLEN];
	int id;
	unsigned max;
	bool diskless;
	bool pooled;
};

/* Is d, of the last sample, one whose block group a sample that splits
 * the block group off asks on the pool? */
static inline bool lv_block_pooled(const struct hv_domain *d)
{
	return (d->have & HV_HAVE_BLK) && d->nblk && !d->stuck;
}

/* The last sample's domains, in its order.  libvirt lists the domains in
 * the same order sample after sample, so a domain is looked for first at
 * its own position; a miss (a domain came or went) searches by (uuid, id)
 * through a copy sorted at the first miss. */
struct known {
	struct known_dom *v;
	size_t n;
	struct known_dom *sorted; /* NULL until a miss */
};

/* Id, UUID, CPU time, memory, state and vCPUs of one domain (x->vcpu:
 * caller frees); known (NULL: none) spares the GetMaxVcpus call of a
 * domain it has, looked for at position at first. */
void lv_ask_domain(virDomainPtr dom, struct known *known, size_t at, struct per_dom *x);

/* The running domains and the node's figures, on lv->conn. */
struct q_list {
	struct call c;
	virConnectPtr conn; /* referenced */
	virDomainPtr *listed;
	int nlisted;
	struct hv_host node; /* memory and CPU figures (no strings) */
	struct node_extra nx;
};
struct q_list *q_list_new(struct lv *lv);

/* The statistics a call got: the bulk records and, beside each, the
 * per-domain answers; for q_all with split_block, the block group asked
 * apart (bidx[k]: the block record of recs[k], -1 none, -2 not asked:
 * known to have no block devices, BIDX_POOLED: asked on the pool by the
 * sample). */
#define BIDX_POOLED (-3)
struct stats_got {
	virDomainStatsRecordPtr *recs;
	int nrec; /* per_only: the domains asked */
	struct per_dom *per; /* nrec entries (per_only: in doms' order) */
	virDomainStatsRecordPtr *brecs;
	int nbrec;
	int *bidx;
};

/* Every running domain's statistics at once, and the node's figures, on
 * lv->conn; lingers (see struct call). */
struct q_all {
	struct call c;
	virConnectPtr conn; /* referenced */
	unsigned groups;
	bool split_block;   /* see stats_got */
	bool pool_block;    /* the known domains' block groups are asked on the pool */
	struct known known; /* the call's own copy of what lv knew */
	struct hv_host node;
	struct node_extra nx;
	struct stats_got got;
};
struct q_all *q_all_new(struct lv *lv, bool split_block, bool pool_block);

/* The statistics of the domains given. */
struct q_stats {
	struct call c;
	virDomainPtr *doms; /* NULL-terminated, referenced */
	int ndoms;
	unsigned groups, flags;
	bool per_only;      /* without the bulk call (lv->no_bulk) */
	bool bare;          /* the bulk records alone, no per-domain calls */
	struct known known;
	/* One domain on the slow path, on a connection of its own: on the
	 * connection shared with calls hung on a stopped guest, a healthy
	 * guest's call waits behind them. */
	char *own_uri;
	virConnectPtr own_conn;
	virDomainPtr own_dom;
	struct stats_got got;
};
/* For doms with lv's groups (n > 1 takes what lv knew, to spare
 * questions); per_only as lv->no_bulk. */
struct q_stats *q_stats_new(struct lv *lv, virDomainPtr *doms, int n, unsigned flags);
/* q asked on a connection of its own to uri. */
void q_stats_own(struct q_stats *q, const char *uri);

#pragma GCC visibility pop

#endif

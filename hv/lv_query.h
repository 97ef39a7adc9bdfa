/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What each call asks libvirt, run on the call's thread: the domain
 * statistics (hv/lv_query.c), the node's figures, inactive domains,
 * storage pools and jobs (hv/lv_query_node.c), and what a driver leaves
 * out of its statistics, asked domain by domain: the per-domain and
 * per-device calls, each domain's XML, which domains are defined
 * (hv/lv_query_dev.c).  Each query is a struct embedding struct call as c;
 * what it got is read once the call is done. */
#ifndef HVSCOPE_HV_LV_QUERY_H
#define HVSCOPE_HV_LV_QUERY_H

#include "hv/lv_call.h"

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

/* ---- hv/lv_query_node.c ---- */

/* The node's memory and CPU figures into h (its numbers only). */
void lv_node_figures(virConnectPtr conn, struct hv_host *h);

/* Connection-wide figures a listing or bulk call asks beside the domains
 * when wanted: the defined domains that do not run, and the storage
 * pools.  Neither asks a guest's monitor, so they ride on the sample's own
 * call rather than on threads of their own.  [0] inactive, [1] pools. */
struct node_extra {
	unsigned asked; /* HV_WANT_INACTIVE, HV_WANT_POOLS */
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

/* ---- hv/lv_query.c ---- */

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

/* ---- hv/lv_query_dev.c ---- */

/* A domain's devices' counters asked by name: the interfaces' when
 * nets_asked, the disks' when disks_asked; *_ok[i]: device i answered. */
struct dev_stats {
	bool nets_asked, disks_asked;
	struct strv nets, disks;
	virDomainInterfaceStatsStruct *net;
	virDomainBlockStatsStruct *blk;
	bool *net_ok, *blk_ok;
};

/* What a sample asks of one domain beside the bulk records. */
struct dev_ask {
	virDomainPtr dom; /* the sample's; referenced (dom_ref) once the call outlives it */
	bool dom_ref;
	char uuid[VIR_UUID_STRING_BUFLEN];
	int id;
	size_t pos;       /* the domain's position in the sample */
	bool want_core;   /* CPU, memory, vCPUs: lv_ask_domain */
	bool want_xml;    /* the XML, not cached yet */
	/* Got: */
	bool asked;       /* the call reached it */
	struct per_dom per;
	struct lv_dev xml;  /* parsed when want_xml */
	struct dev_stats st; /* the names are asked, from the cache or xml */
};

/* The answers that came in time, taken from a call that missed. */
struct dev_taken {
	struct dev_ask *v;
	int n;
};

/* The domains' asks, one domain after another, on lv->conn; with
 * persistence, which running domains are transient too. */
struct q_dev {
	struct call c;
	virConnectPtr conn; /* referenced */
	struct dev_ask *v;  /* room for cap */
	int n;
	int upto;             /* v[0..upto) answered (under lv->mu) */
	struct strv metadata; /* for parsing the XML */
	bool persistence;
	bool transient_ok;
	struct strv transient; /* UUIDs */
	struct dev_taken *taken; /* where v[0..upto) go on a miss */
};
/* A q_dev of lv with room for cap asks, added with q_dev_add. */
struct q_dev *q_dev_new(struct lv *lv, int cap, const struct strv *metadata, bool persistence, struct dev_taken *taken);
/* An ask for dom (d: its identity), the device names to ask from e (NULL:
 * from its XML, asked too) when nets or disks. */
struct dev_ask *q_dev_add(struct q_dev *q, virDomainPtr dom, const struct hv_domain *d, size_t pos, bool core, bool nets, bool disks,
			  const struct lv_dev *e, bool want_xml);
void lv_dev_ask_free(struct dev_ask *a);
void lv_dev_taken_free(struct dev_taken *t);

#pragma GCC visibility pop

#endif

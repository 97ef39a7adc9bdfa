/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The libvirt backend's insides, shared by its files and nothing else:
 *  hv/libvirt.c   the connection and one sample, step by step;
 *  hv/lv_call.c   calls into libvirt on threads of their own, with
 *                 deadlines (what a call asks, and its lifecycle);
 *  hv/lv_map.c    libvirt's answers mapped onto hv_domain, with the
 *                 device-name cache the per-device calls need;
 *  hv/lv_info.c   what a domain's XML says (the info series);
 *  hv/lv_extra.c  the parts of a sample asked apart (balloon and vCPU
 *                 groups, jobs, inactive domains, storage pools);
 *  hv/lv_pool.c   the kept connections monitor-bound groups are dealt
 *                 over;
 *  hv/lv_dump.c   the configuration dump for bundles.
 * Everything here is hidden in the module: only hv_backend_libvirt is
 * exported. */
#ifndef HVSCOPE_HV_LV_H
#define HVSCOPE_HV_LV_H

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <pthread.h>
#include <stdbool.h>

#include "core/util.h"
#include "hv/backend.h"

#pragma GCC visibility push(hidden)

/* The bulk groups: state and interfaces are cheap; block counters only
 * QEMU's monitor has, and cost a monitor round trip even for a guest
 * without disks, so a connection that has seen which guests have none asks
 * the group of the others only (split_block); balloon only when the RSS is
 * wanted.  CPU time, memory and vCPUs come from virDomainGetInfo and
 * virDomainGetVcpus instead of the cpu-total and vcpu groups, which take
 * the domain's job. */
#define STATS_BASE (VIR_DOMAIN_STATS_STATE | VIR_DOMAIN_STATS_INTERFACE | VIR_DOMAIN_STATS_BLOCK)

/* Domains asked at once on the slow path, each on a thread of its own. */
#define SOLO_BATCH 16

/* Where the connection's device-added events count (a disk hot-plugged
 * into a guest known to have none).  Shared by lv and the event
 * registrations, each holding a reference: libvirt calls the free
 * function when a connection goes, which may be after lv has. */
struct evsink {
	int refs;
	int gen;
};

/* What a domain's XML says, cached by (UUID, id): it does not change while
 * a domain runs.  The device names serve the test driver's per-device
 * calls; the info pairs, the info series (HV_WANT_INFO). */
struct devcache {
	char uuid[VIR_UUID_STRING_BUFLEN];
	int id;
	struct strv disks, nets;            /* target names */
	struct hv_labels *disk_info, *net_info; /* beside them */
	struct hv_labels info;              /* the domain's, metadata included */
	unsigned long used;                 /* the last sample that looked it up (lv->dc_gen) */
};

struct call;

struct lv {
	virConnectPtr conn;
	char *uri;
	double next_retry, backoff;
	char *down;
	pthread_mutex_t mu;
	pthread_cond_t cv;        /* CLOCK_MONOTONIC: see core/clock.h */
	struct call *outstanding; /* calls that missed their deadline */
	int lingering;            /* calls done, released or not, that have not let go of lv */
	struct call *spent;       /* the last sample's bulk call, lingering until hv_tidy */
	bool retire;              /* a call was left waiting during this sample */
	struct hv_snapshot last;  /* for stuck domains' last figures (packed) */
	struct devcache *dc;      /* sorted by (uuid, id) */
	size_t ndc;
	/* dc_at[i]: the index in dc of the domain at position i of the last
	 * sample, tried first (checked: entries move as new ones come). */
	size_t *dc_at;
	size_t ndc_at;
	unsigned long dc_gen; /* the sample under way, for devcache.used */
	/* host facts that do not change while connected */
	char *hostname, *type, *version;
	unsigned cpus;
	uint64_t mem_total_kib;
	unsigned groups;       /* bulk groups: STATS_BASE, and balloon for HV_WANT_RSS */
	const struct strv *metadata; /* hv->metadata: name, XPath, ... */
	unsigned node_want;    /* HV_WANT_INACTIVE | HV_WANT_POOLS of this sample */
	/* Kept read-only connections the monitor-bound groups are spread
	 * over (hv->connections of them; NULL slots are opened when needed):
	 * libvirtd asks different domains' monitors at once, one bulk call
	 * asks them one after another. */
	virConnectPtr *pool;
	int npool;
	struct evsink *sink;   /* device-added events */
	bool events;           /* registered on this connection */
	bool block_in_bulk;    /* this connection's driver gives the block group */
	int known_gen;         /* the sink's count when the last sample kept in last began; -1: none */
	int sample_gen;        /* the sink's count when this sample began */
	/* The driver has no bulk statistics (libvirt's Xen driver, libxl, has
	 * neither virConnectGetAllDomainStats nor virDomainListGetStats): every
	 * sample lists the domains and asks each through virDomainGetInfo and
	 * virDomainGetVcpus, with the same deadlines. */
	bool no_bulk;
};

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

/* ---- hv/lv_call.c ---- */

/* libvirt's last error message, never NULL. */
const char *lv_errmsg(void);
/* The domain's UUID as text ("" and -1 when not to be had). */
int lv_uuid(virDomainPtr dom, char out[VIR_UUID_STRING_BUFLEN]);

/* What a call asks.  Each kind has its own run function (lv_call.c). */
enum call_kind {
	CALL_LIST,     /* the running domains and the free memory */
	CALL_ALL,      /* every running domain's statistics at once, and the free memory */
	CALL_STATS,    /* the statistics of the domains given */
	CALL_DUMP,     /* the configuration documents for a bundle */
	CALL_JOBS,     /* the background job of each domain given, into out */
	CALL_SHARE,    /* the groups of a share of the domains (by UUID) on a pool connection */
};

/* Connection-wide figures a LIST or ALL call asks beside the domains when
 * wanted: the defined domains that do not run, and the storage pools.
 * Neither asks a guest's monitor, so they ride on the sample's own call
 * rather than on threads of their own.  [0] inactive, [1] pools. */
struct node_extra {
	unsigned asked; /* HV_WANT_INACTIVE, HV_WANT_POOLS */
	struct hv_snapshot out;
	bool ok[2];
	double took[2];
	char *error[2];
};
void lv_node_extra_run(virConnectPtr conn, struct node_extra *nx);
void lv_node_extra_free(struct node_extra *nx);

/* The statistics a CALL_ALL or CALL_STATS got: the bulk records and, beside
 * each, the per-domain answers; for CALL_ALL with split_block, the block
 * group asked apart (bidx[k]: the block record of recs[k], -1 none, -2 not
 * asked: known to have no block devices, BIDX_POOLED: asked on the pool by
 * the sample). */
#define BIDX_POOLED (-3)
struct stats_got {
	virDomainStatsRecordPtr *recs;
	int nrec; /* < 0: the call failed */
	struct per_dom *per; /* nrec entries (per_only: ndoms, in doms' order) */
	virDomainStatsRecordPtr *brecs;
	int nbrec;
	int *bidx;
};

struct call {
	/* Lifecycle, under lv->mu once started. */
	enum call_kind kind;
	struct lv *lv;
	bool done, abandoned;
	/* A CALL_ALL on a thread of its own: when done it waits to be released
	 * and frees what it got on its own thread, not the sample's.  Released
	 * by hv_tidy, when the caller has done with the sample (the exporter:
	 * once the scrapes are sent), or by the next sample. */
	bool linger, released;
	char *error;
	int errcode; /* virErrorNumber of the failure */
	double t0, took; /* when it started, how long it ran (CLOCK_MONOTONIC seconds) */
	struct call *next; /* in lv->outstanding */

	/* What it asks. */
	virConnectPtr conn;   /* LIST, ALL, DUMP: the kept connection, referenced */
	virDomainPtr *doms;   /* STATS: NULL-terminated, referenced */
	int ndoms;
	unsigned groups, flags;
	bool per_only;        /* STATS without the bulk call (lv->no_bulk) */
	bool bare;            /* STATS: the bulk records alone, no per-domain calls */
	bool split_block;     /* ALL: see stats_got */
	bool pool_block;      /* ALL: the known domains' block groups are asked on the pool */
	struct known known;   /* the call's own copy of what lv knew */
	/* STATS of one domain on the slow path, on a connection of its own:
	 * on the connection shared with calls hung on a stopped guest, a
	 * healthy guest's call waits behind them. */
	char *own_uri;
	virConnectPtr own_conn;
	virDomainPtr own_dom;

	struct strv share;    /* SHARE: the UUIDs of its domains, sorted */
	/* What it got. */
	virDomainPtr *listed; /* LIST */
	int nlisted;
	struct hv_host node;        /* LIST, ALL: memory and CPU figures (no strings) */
	struct node_extra nx;       /* LIST, ALL */
	struct stats_got got;       /* ALL, STATS */
	struct hv_snapshot out;     /* JOBS, INACTIVE, POOLS: domains (uuid and what was asked) or pools */
	struct hv_docs docs;        /* DUMP: filled under lv->mu */
	struct hv_docs *steal_to;   /* DUMP: where what came in time goes on a miss */
};

/* New calls, not started.  call_stats: for doms (n > 1 takes what lv
 * knew, to spare questions); call_conn: LIST, ALL or DUMP on lv->conn
 * (split_block and pool_block: see struct call). */
struct call *call_stats(struct lv *lv, virDomainPtr *doms, int n, unsigned flags);
struct call *call_conn(struct lv *lv, enum call_kind kind, bool split_block, bool pool_block);
/* Start c on a thread of its own; false when no thread was to be had (it
 * has then run inline and is done). */
bool call_start(struct call *c);
/* Wait for a started call until the CLOCK_MONOTONIC time until: the call
 * when it finished in time (caller releases it), NULL when it did not (it
 * goes on alone, listed as outstanding, and frees itself). */
struct call *call_wait(struct lv *lv, struct call *c, const struct timespec *until);
/* call_start, then call_wait for deadline_ms. */
struct call *call_run_with_deadline(struct lv *lv, struct call *c, int deadline_ms);
/* A call the sample is done with: freed here, or by its own thread. */
void call_release(struct lv *lv, struct call *c);
void call_free(struct call *c);
/* Is a call for this domain alone still outstanding? */
bool call_pending(struct lv *lv, const char *uuid);
/* Id, UUID, CPU time, memory, state and vCPUs of one domain (x->vcpu:
 * caller frees); known (NULL: none) spares the GetMaxVcpus call of a
 * domain it has, looked for at position at first. */
void lv_ask_domain(virDomainPtr dom, struct known *known, size_t at, struct per_dom *x);

/* ---- hv/lv_map.c ---- */

/* The node's memory and CPU figures into h (its numbers only), on the
 * call's thread. */
void lv_node_figures(virConnectPtr conn, struct hv_host *h);

void lv_fill_record(struct hv_domain *d, const virDomainStatsRecord *rec);
void lv_fill_per_dom(struct hv_domain *d, const struct per_dom *x);
/* What the call left out, from per-domain and per-device calls (pos: d's
 * position in the sample, for the device cache). */
void lv_fill_fallback(struct lv *lv, virDomainPtr dom, struct hv_domain *d, size_t pos);
/* d (name and id kept) as the last sample had it. */
void lv_copy_last(const struct lv *lv, struct hv_domain *d);

/* ---- hv/lv_info.c ---- */

/* The cache entry of d, at position pos of the sample, its XML read when
 * new (metadata: name, XPath, ... pairs evaluated in it). */
struct devcache *lv_devices_of(struct lv *lv, virDomainPtr dom, const struct hv_domain *d, size_t pos);
void lv_devcache_clear(struct lv *lv);
/* After a sample: forget the domains it did not look up (gone, or
 * restarted under a new id), so that churn does not grow the cache. */
void lv_devcache_prune(struct lv *lv);

/* ---- hv/lv_extra.c ---- */

/* The run function of CALL_JOBS. */
int lv_run_jobs(struct call *c);
/* The groups and calls asked apart from the domains' figures (balloon,
 * vCPU, jobs, inactive domains, pools), each a part of the sample of its
 * own: started together, waited for within one deadline, merged into snap
 * by UUID.  doms[i] is snap->dom[slot[i]]. */
void lv_sample_extras(struct lv *lv, const struct hv *hv, struct hv_snapshot *snap, virDomainPtr *doms, const size_t *slot, int n,
		      struct node_extra *nx);
/* What each domain's XML says (HV_WANT_INFO), from the device cache. */
void lv_fill_info(struct lv *lv, virDomainPtr dom, struct hv_domain *d, size_t pos);
/* Whether each running domain is defined too (HV_WANT_INFO); left unknown
 * when libvirt cannot say.  doms[i] is snap->dom[slot[i]]. */
void lv_fill_persistence(virConnectPtr conn, struct hv_snapshot *snap, const size_t *slot, int n);

/* ---- hv/lv_pool.c ---- */

/* The run function of CALL_SHARE. */
int lv_run_share(struct call *c);
/* Close the pool connections (a lost daemon, or the end). */
void lv_pool_close(struct lv *lv);

struct share_rec {
	char uuid[VIR_UUID_STRING_BUFLEN];
	const virDomainStatsRecord *rec;
};

/* A group asked of some domains in shares, one a pool connection. */
struct shares {
	struct call **c; /* n of them; NULL where one missed the deadline */
	int n;           /* 0: no pool (one connection wanted, or one domain) */
	double t0;
	/* After lv_shares_wait: */
	bool ok;         /* every share answered in time */
	bool missed;     /* some share did not answer in time */
	double took;     /* the slowest share's time */
	char *error;
	struct share_rec *idx; /* every record got, sorted by UUID */
	size_t nidx;
};
/* Deal the n UUIDs over min(connections, n) pool connections, each share a
 * CALL_SHARE asking groups, started; s->n is 0 when there is no pool to
 * deal over (connections < 2 or n < 2). */
void lv_shares_start(struct lv *lv, int connections, unsigned groups, char *const *uuids, int n, struct shares *s);
/* Wait for the shares until the CLOCK_MONOTONIC time until. */
void lv_shares_wait(struct lv *lv, struct shares *s, const struct timespec *until);
/* The record the shares got for the domain of this UUID, or NULL. */
const virDomainStatsRecord *lv_shares_record(const struct shares *s, const char *uuid);
void lv_shares_free(struct shares *s);

/* ---- hv/lv_dump.c ---- */

/* The CALL_DUMP run function. */
void lv_dump_run(struct call *c);
int lv_dump(struct hv *hv, int timeout_ms, struct hv_docs *out, struct err *e);

/* ---- hv/libvirt.c ---- */

int lv_connect(struct lv *lv, struct err *e);
void lv_disconnect(struct lv *lv, const char *why);

#pragma GCC visibility pop

#endif

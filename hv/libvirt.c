/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The libvirt backend's top: one sample at a time on a read-only
 * connection to any URI, and the backend table.
 *
 * One sample:
 *  1. when no domain is stuck, one call asks every running domain's
 *     statistics at once (virConnectGetAllDomainStats, NOWAIT: a domain
 *     whose job is held, as during a migration, gives what it can at once)
 *     within the deadline, and that is the sample (sample_bulk); the
 *     block group of the guests known to have disks is asked beside it,
 *     dealt over the pool of kept connections (hv/lv_share.c), and a share
 *     that misses the deadline counts as a missed bulk call;
 *  2. otherwise, or when that call misses the deadline, the running
 *     domains are listed (no monitor is asked, so this never hangs on a
 *     busy guest), domains whose own call is still out are marked stuck
 *     and keep their last figures, and the others are asked in one call
 *     (sample_listed);
 *  3. when the bulk call missed its deadline, some guest's monitor does
 *     not answer (a stopped QEMU, a slow shutdown): each domain is asked
 *     alone, SOLO_BATCH at once on threads and connections of their own,
 *     within one deadline a batch; a domain that misses it is marked stuck
 *     and not asked again until its call returns (ask_alone);
 *  4. groups a driver leaves out of the bulk answer (the test driver gives
 *     only the state) are filled by per-domain and per-device calls, in one
 *     call under the same deadline (hv/lv_fill.c).
 * A connection that has a call left waiting is retired after the sample
 * (the call keeps it alive until it returns) and a fresh one is opened for
 * the next: libvirt's client stalls other calls on a connection whose
 * replies are outstanding when the daemon's keepalive ping arrives.
 * A dead daemon closes the connection; a hung one misses the deadline of
 * the listing call.  Either way the connection is dropped, the samples
 * report the source down, and it is opened again with back-off. */
#include <errno.h>
#include <string.h>

#include "core/clock.h"
#include "hv/lv_dump.h"
#include "hv/lv_extra.h"
#include "hv/lv_fill.h"

static int lv_open(struct hv *hv, const char *uri, struct err *e)
{
	(void)e;
	struct lv *lv = lv_new(uri);
	hv->priv = lv;
	struct err ignore = ERR_INIT;
	lv_connect(lv, &ignore); /* a failure is reported by the first sample */
	err_clear(&ignore);
	hv->describe = xasprintf("libvirt %s", lv->uri ? lv->uri : "(default URI)");
	return 0;
}

/* The call's node figures into snap; its pCPU arrays are taken. */
static void fill_host(struct lv *lv, struct hv_snapshot *snap, struct hv_host *node)
{
	snap->host.hostname = lv->hostname ? xstrdup(lv->hostname) : NULL;
	snap->host.type = xstrdup(lv->type ? lv->type : "?");
	snap->host.version = xstrdup(lv->version ? lv->version : "?");
	snap->host.source = xasprintf("libvirt %s", lv->uri ? lv->uri : "");
	snap->host.cpus = lv->cpus;
	struct hv_host *h = &snap->host;
	h->mem_total_kib = node->mem_total_kib ? node->mem_total_kib : lv->mem_total_kib;
	h->mem_free_kib = node->mem_free_kib;
	h->mem_buffers_kib = node->mem_buffers_kib;
	h->mem_cached_kib = node->mem_cached_kib;
	h->have_cpu_time = node->have_cpu_time;
	h->cpu_user_ns = node->cpu_user_ns;
	h->cpu_system_ns = node->cpu_system_ns;
	h->cpu_idle_ns = node->cpu_idle_ns;
	h->cpu_iowait_ns = node->cpu_iowait_ns;
	h->npcpu = node->npcpu;
	h->pcpu_idle_ns = node->pcpu_idle_ns;
	h->pcpu_modes = node->pcpu_modes;
	node->npcpu = 0;
	node->pcpu_idle_ns = NULL;
	node->pcpu_modes = NULL;
}

/* Keep the figures for stuck domains, and what they say of block devices
 * for the next sample; retire a connection with a call left waiting on
 * it. */
static void finish_sample(struct lv *lv, const struct hv_snapshot *snap)
{
	hv_snapshot_copy_packed(&lv->last, snap);
	lv->known_gen = lv->events ? lv->sample_gen : -1;
	if (lv->retire) {
		virConnectClose(lv->conn);
		lv->conn = NULL;
		lv->next_retry = 0;
		lv->retire = false;
	}
}

/* A failed call: the connection is dropped when the daemon has gone. */
static int lost(struct lv *lv, const char *what, const char *error, struct err *e)
{
	_cleanup_free_ char *why = xstrdup(error ? error : "no answer");
	if (virConnectIsAlive(lv->conn) != 1) {
		lv_disconnect(lv, why);
		return err_set(e, -ENOTCONN, "libvirt %s: connection lost (%s); next attempt in %.0f s", lv->uri, why, lv->backoff);
	}
	return err_set(e, -EIO, "libvirt %s: %s: %s", lv->uri, what, why);
}

/* Let the last sample's bulk call free what it got, on its own thread. */
static void lv_tidy(struct hv *hv)
{
	struct lv *lv = hv->priv;
	if (lv && lv->spent) {
		call_release(lv, lv->spent);
		lv->spent = NULL;
	}
}

/* After the domains' records: what they left out and what their XML says
 * (hv/lv_fill.c), and the parts asked apart (hv/lv_extra.c).  doms[i] is
 * snap->dom[slot[i]]. */
static void sample_more(struct lv *lv, const struct hv *hv, struct hv_snapshot *snap, virDomainPtr *doms, const size_t *slot, int n,
			struct node_extra *nx)
{
	/* Domains found stuck on the way are not asked again. */
	virDomainPtr *live = xcalloc((size_t)n + 1, sizeof(*live));
	size_t *at = xcalloc((size_t)n + 1, sizeof(*at));
	int m = 0;
	for (int i = 0; i < n; i++)
		if (!snap->dom[slot[i]].stuck) {
			live[m] = doms[i];
			at[m++] = slot[i];
		}
	struct lv_transient tr = { 0 };
	double t0 = clock_mono();
	lv_fill_rest(lv, hv, snap, live, at, m, &tr);
	double took = clock_mono() - t0;
	hv_snapshot_part(snap, "domains", true, clock_mono() - snap->mono, NULL);
	if (hv->want & HV_WANT_INFO) {
		t0 = clock_mono();
		for (int i = 0; i < n; i++) {
			const struct lv_dev *dc = lv_devcache_get(&lv->dc, snap->dom[slot[i]].uuid, snap->dom[slot[i]].id, slot[i]);
			if (dc)
				lv_fill_info(&snap->dom[slot[i]], dc);
		}
		if (tr.ok)
			lv_fill_persistence(snap, slot, n, &tr.uuids);
		/* The XML and the listing of transient domains were asked with
		 * the rest. */
		hv_snapshot_part(snap, "info", true, clock_mono() - t0 + took, NULL);
	}
	strv_free(&tr.uuids);
	m = 0; /* and those found stuck by lv_fill_rest */
	for (int i = 0; i < n; i++)
		if (!snap->dom[slot[i]].stuck) {
			live[m] = doms[i];
			at[m++] = slot[i];
		}
	lv_sample_extras(lv, hv, snap, live, at, m, nx);
	free(live);
	free(at);
}

/* Record k of the bulk call as a domain of the sample; its block group from
 * the pool's shares when asked there. */
static void add_bulk_domain(struct lv *lv, const struct q_all *ac, int k, const struct shares *blk, struct hv_snapshot *snap)
{
	const struct stats_got *g = &ac->got;
	virDomainPtr dom = g->recs[k]->dom;
	struct hv_domain *d = hv_snapshot_add(snap);
	d->name = xstrdup(virDomainGetName(dom));
	const struct per_dom *x = g->per ? &g->per[k] : NULL;
	if (x && x->uuid[0]) {
		memcpy(d->uuid, x->uuid, sizeof(x->uuid));
		d->id = x->id;
	} else {
		lv_uuid(dom, d->uuid);
		d->id = (int)virDomainGetID(dom);
	}
	lv_fill_record(d, g->recs[k]);
	if (g->bidx && g->bidx[k] >= 0)
		lv_fill_record(d, g->brecs[g->bidx[k]]);
	if (g->bidx && g->bidx[k] == BIDX_POOLED) {
		const virDomainStatsRecord *rec = lv_shares_record(blk, d->uuid);
		if (rec)
			lv_fill_record(d, rec);
	}
	if (d->have & HV_HAVE_BLK)
		lv->block_in_bulk = true;
	if (g->bidx && g->bidx[k] == -2)
		d->have |= HV_HAVE_BLK; /* none, as the last sample saw */
	lv_fill_per_dom(d, x);
}

/* The block group is what costs a bulk call its time (a monitor round
 * trip per guest, one guest after another): when it is split off, the
 * domains the last sample saw with disks are dealt over the pool and asked
 * there while the sample's own call asks the rest.  New domains are asked
 * by that call. */
static void start_block_shares(struct lv *lv, const struct hv *hv, bool split_block, struct shares *blk)
{
	memset(blk, 0, sizeof(*blk));
	if (!split_block || hv->connections < 2)
		return;
	_cleanup_(strv_freep) struct strv uuids = { 0 };
	for (size_t i = 0; i < lv->last.ndom; i++)
		if (lv_block_pooled(&lv->last.dom[i]))
			strv_push(&uuids, lv->last.dom[i].uuid);
	lv_shares_start(lv, hv->connections, VIR_DOMAIN_STATS_BLOCK, uuids.v, (int)uuids.n, blk);
}

/* The sample from a bulk call that answered (and the block shares with
 * it). */
static void take_bulk(struct lv *lv, const struct hv *hv, struct hv_snapshot *snap, struct q_all *ac, const struct shares *blk)
{
	fill_host(lv, snap, &ac->node);
	int n = ac->got.nrec;
	virDomainPtr *doms = xcalloc((size_t)n + 1, sizeof(*doms));
	size_t *slot = xcalloc((size_t)n + 1, sizeof(*slot));
	for (int k = 0; k < n; k++) {
		add_bulk_domain(lv, ac, k, blk, snap);
		doms[k] = ac->got.recs[k]->dom;
		slot[k] = (size_t)k;
	}
	sample_more(lv, hv, snap, doms, slot, n, &ac->nx);
	free(doms);
	free(slot);
	lv->spent = &ac->c; /* released by lv_tidy */
	finish_sample(lv, snap);
}

/* Step 1: every running domain in one call (its block group on the pool's
 * shares beside it).  0: the sample is complete; 1: go by listing
 * (*missed: because a call missed its deadline); < 0: failed. */
static int sample_bulk(struct lv *lv, const struct hv *hv, struct hv_snapshot *snap, bool *missed, struct err *e)
{
	/* What the last sample saw of the guests' block devices holds if no
	 * device was added since it began. */
	bool split_block = lv->events && lv->block_in_bulk && lv->sample_gen == lv->known_gen;
	struct shares blk;
	start_block_shares(lv, hv, split_block, &blk);
	struct q_all *q = q_all_new(lv, split_block, blk.n > 0);
	struct timespec until = clock_after_ms(hv->deadline_ms);
	struct call *ac = &q->c;
	if (call_start(ac))
		ac = call_wait(lv, ac, &until);
	lv_shares_wait(lv, &blk, &until);
	int r = 1;
	if (ac && ac->result >= 0 && blk.ok) {
		take_bulk(lv, hv, snap, q, &blk);
		r = 0;
	} else if (ac && ac->result >= 0) {
		/* A share missed or failed: its guest's monitor does not answer
		 * (asked alone next, to find which), or its connection broke. */
		*missed = blk.missed;
		call_release(lv, ac);
	} else if (ac && ac->errcode == VIR_ERR_NO_SUPPORT) {
		/* Asked once per connection: from now on, domain by domain. */
		lv->no_bulk = true;
		call_release(lv, ac);
	} else if (ac) {
		r = lost(lv, "domain statistics", ac->error, e);
		call_release(lv, ac);
	} else {
		/* Missed the deadline: some guest does not answer.  Leave the
		 * call to its connection, take a fresh one, and ask each domain
		 * alone to find which. */
		*missed = true;
		virConnectClose(lv->conn);
		lv->conn = NULL;
		lv->retire = false;
		r = lv_connect(lv, e);
		r = r < 0 ? r : 1;
	}
	lv_shares_free(&blk);
	return r;
}

/* The running domains, and the free memory into the snapshot's host. */
static int list_running(struct lv *lv, const struct hv *hv, struct hv_snapshot *snap, virDomainPtr **doms, struct node_extra *nx,
			struct err *e)
{
	struct q_list *q = q_list_new(lv);
	struct call *lc = call_run_with_deadline(lv, &q->c, hv->deadline_ms);
	if (!lc) {
		/* The daemon does not answer even a listing: drop the
		 * connection (the call left waiting holds its own reference). */
		_cleanup_free_ char *why = xasprintf("no answer to a domain listing within %d ms", hv->deadline_ms);
		lv_disconnect(lv, why);
		return err_set(e, -ETIMEDOUT, "libvirt %s: %s; next attempt in %.0f s", lv->uri, why, lv->backoff);
	}
	if (lc->result < 0) {
		int r = lost(lv, "listing domains", lc->error, e);
		call_free(lc);
		return r;
	}
	*doms = q->listed;
	int n = q->nlisted;
	q->listed = NULL;
	q->nlisted = 0;
	fill_host(lv, snap, &q->node);
	*nx = q->nx;
	memset(&q->nx, 0, sizeof(q->nx));
	call_free(lc);
	return n;
}

/* The domains of a listed sample that are to be asked (stuck ones are
 * not), and where each is in the snapshot. */
struct asks {
	virDomainPtr *dom;
	size_t *slot;
	int n;
};

static void plan_asks(struct lv *lv, const struct hv *hv, struct hv_snapshot *snap, virDomainPtr *doms, int n, struct asks *a)
{
	a->dom = xcalloc((size_t)n + 1, sizeof(*a->dom));
	a->slot = xcalloc((size_t)n + 1, sizeof(*a->slot));
	a->n = 0;
	for (int i = 0; i < n; i++) {
		struct hv_domain *d = hv_snapshot_add(snap);
		d->name = xstrdup(virDomainGetName(doms[i]));
		lv_uuid(doms[i], d->uuid);
		d->id = (int)virDomainGetID(doms[i]);
		if (lv->outstanding && call_pending(lv, d->uuid)) {
			lv_mark_stuck(lv, d, "", hv->deadline_ms);
		} else {
			a->slot[a->n] = snap->ndom - 1;
			a->dom[a->n++] = doms[i];
		}
	}
}

/* Step 3: each domain alone, SOLO_BATCH at a time, each batch within one
 * deadline.  solos[i]: domain i's call, NULL when it missed. */
static void ask_alone(struct lv *lv, const struct hv *hv, const struct asks *a, struct q_stats **solos)
{
	/* The test driver's state is the connection's own (a node file is read
	 * again by each): no monitor to hang there, so its domains are asked
	 * on the shared one. */
	bool own = lv->uri && !(lv->type && strcmp(lv->type, "TEST") == 0);
	for (int at = 0; at < a->n; at += SOLO_BATCH) {
		int end = at + SOLO_BATCH < a->n ? at + SOLO_BATCH : a->n;
		for (int i = at; i < end; i++) {
			solos[i] = q_stats_new(lv, &a->dom[i], 1, 0);
			if (own)
				q_stats_own(solos[i], lv->uri);
			call_start(&solos[i]->c);
		}
		struct timespec until = clock_after_ms(hv->deadline_ms);
		for (int i = at; i < end; i++)
			if (!call_wait(lv, &solos[i]->c, &until))
				solos[i] = NULL;
	}
}

/* The record and per-domain answers of the bulk call for d (records come
 * in the order asked, less domains that went away meanwhile; *cursor is
 * where the last one was found). */
static void find_in_bulk(const struct q_stats *bulk, int i, const struct hv_domain *d, int *cursor, const virDomainStatsRecord **rec,
			 const struct per_dom **per)
{
	const struct stats_got *g = &bulk->got;
	if (bulk->per_only) {
		*per = &g->per[i];
		return;
	}
	char u[VIR_UUID_STRING_BUFLEN];
	for (int k = 0; k < g->nrec; k++) {
		int at = (*cursor + k) % g->nrec;
		if (lv_uuid(g->recs[at]->dom, u) == 0 && strcmp(u, d->uuid) == 0) {
			*rec = g->recs[at];
			*per = g->per ? &g->per[at] : NULL;
			*cursor = at + 1;
			return;
		}
	}
}

/* Step 4: each asked domain's answers, from the one call or its own. */
static void merge_answers(struct lv *lv, const struct hv *hv, struct hv_snapshot *snap, const struct asks *a, const struct q_stats *bulk,
			  struct q_stats **solos)
{
	int cursor = 0;
	for (int i = 0; i < a->n; i++) {
		struct hv_domain *d = &snap->dom[a->slot[i]];
		const virDomainStatsRecord *rec = NULL;
		const struct per_dom *per = NULL;
		struct q_stats *solo = solos ? solos[i] : NULL;
		if (bulk && bulk->got.nrec > 0) {
			find_in_bulk(bulk, i, d, &cursor, &rec, &per);
		} else if (solos && !solo) {
			lv_mark_stuck(lv, d, " (its monitor is busy or the guest is stopped)", hv->deadline_ms);
			continue;
		} else if (solo && solo->c.result > 0) {
			per = solo->got.per;
			rec = solo->per_only ? NULL : solo->got.recs[0];
		}
		if (rec)
			lv_fill_record(d, rec);
		if (d->have & HV_HAVE_BLK)
			lv->block_in_bulk = true;
		lv_fill_per_dom(d, per);
		if (solo)
			call_free(&solo->c);
	}
}

/* Steps 2 to 4: list, ask what is not stuck (alone when the bulk call
 * missed), merge. */
static int sample_listed(struct lv *lv, const struct hv *hv, struct hv_snapshot *snap, bool bulk_missed, struct err *e)
{
	virDomainPtr *doms = NULL;
	struct node_extra nx = { 0 };
	int n = list_running(lv, hv, snap, &doms, &nx, e);
	if (n < 0)
		return n;
	struct asks a;
	plan_asks(lv, hv, snap, doms, n, &a);
	struct q_stats *bulk = NULL, **solos = NULL;
	int r = 0;
	if (a.n && !bulk_missed) {
		bulk = q_stats_new(lv, a.dom, a.n, VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT);
		if (!call_run_with_deadline(lv, &bulk->c, hv->deadline_ms))
			bulk = NULL;
	}
	if (bulk && bulk->c.result < 0 && virConnectIsAlive(lv->conn) != 1) {
		r = lost(lv, "domain statistics", bulk->c.error, e);
		goto out;
	}
	if (!bulk && a.n) {
		solos = xcalloc((size_t)a.n, sizeof(*solos));
		ask_alone(lv, hv, &a, solos);
	}
	merge_answers(lv, hv, snap, &a, bulk, solos);
	sample_more(lv, hv, snap, a.dom, a.slot, a.n, &nx);
	finish_sample(lv, snap);
out:
	if (bulk)
		call_free(&bulk->c);
	free(solos);
	free(a.dom);
	free(a.slot);
	lv_node_extra_free(&nx);
	for (int i = 0; i < n; i++)
		virDomainFree(doms[i]);
	free(doms);
	return r;
}

/* A sample that ran looked up every domain it needs described. */
static int pruned(struct lv *lv, int r)
{
	if (r >= 0)
		lv_devcache_prune(&lv->dc);
	return r;
}

static int lv_sample(struct hv *hv, struct hv_snapshot *snap, struct err *e)
{
	struct lv *lv = hv->priv;
	lv_tidy(hv);
	int r = lv_ensure_connected(lv, e);
	if (r < 0)
		return r;
	lv->groups = STATS_BASE;
	lv->metadata = &hv->metadata;
	lv->node_want = hv->want & (HV_WANT_INACTIVE | HV_WANT_POOLS | HV_WANT_PCPU);
	lv->sample_gen = lv_sink_gen(lv);
	bool missed = false;
	if (!lv->outstanding && !lv->no_bulk) {
		r = sample_bulk(lv, hv, snap, &missed, e);
		if (r <= 0)
			return pruned(lv, r);
	}
	return pruned(lv, sample_listed(lv, hv, snap, missed, e));
}

static void lv_close(struct hv *hv)
{
	struct lv *lv = hv->priv;
	if (!lv)
		return;
	lv_tidy(hv);
	/* Calls still out keep their own references; they free themselves. */
	pthread_mutex_lock(&lv->mu);
	bool busy = lv->outstanding != NULL;
	while (lv->lingering) /* released: they only free what they got */
		pthread_cond_wait(&lv->cv, &lv->mu);
	pthread_mutex_unlock(&lv->mu);
	lv_free(lv, busy);
	hv->priv = NULL;
}

__attribute__((visibility("default"))) const struct hv_backend hv_backend_libvirt = {
	.name = "libvirt",
	.open = lv_open,
	.sample = lv_sample,
	.close = lv_close,
	.dump = lv_dump,
	.tidy = lv_tidy,
};

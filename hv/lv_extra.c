/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The parts of a sample asked apart from the domains' figures: the
 * balloon and vCPU groups (each a monitor round trip or a domain job per
 * guest), the domains' background jobs, the defined domains that do not
 * run, and the storage pools.  Each is a call of its own, all started
 * together and waited for within one deadline, so that one that fails or
 * hangs costs its own figures only; each is a part of the snapshot, with
 * how it went and how long it took. */
#include <assert.h>
#include <string.h>

#include "core/clock.h"
#include "core/util.h"
#include "hv/lv_extra.h"
#include "hv/lv_query_dirty.h"
#include "hv/lv_query_perf.h"
#include "hv/lv_query_tune.h"

/* The inactive domains and pools the sample's own call brought. */
static void merge_node_extra(struct hv_snapshot *snap, struct node_extra *nx)
{
	if (nx->asked & HV_WANT_INACTIVE) {
		if (nx->ok[0]) { /* moved, not copied */
			for (size_t i = 0; i < nx->out.ndom; i++)
				*hv_snapshot_add(snap) = nx->out.dom[i];
			free(nx->out.dom);
			nx->out.dom = NULL;
			nx->out.ndom = 0;
		}
		hv_snapshot_part(snap, "inactive", nx->ok[0], nx->took[0], nx->error[0]);
	}
	if (nx->asked & HV_WANT_POOLS) {
		snap->pool = nx->out.pool;
		snap->npool = nx->out.npool;
		nx->out.pool = NULL;
		nx->out.npool = 0;
		hv_snapshot_part(snap, "pools", nx->ok[1], nx->took[1], nx->error[1]);
	}
}

/* One extra part: its name, the call asking it, and how it goes into the
 * snapshot. */
struct extra {
	const char *name;
	struct call *c;
	void (*merge)(struct hv_snapshot *snap, struct call *c, const size_t *slot);
	const char *also; /* a second part the same call serves, or NULL */
};

/* Records come in the order asked, less domains that went away; each goes
 * to the snapshot domain of its UUID. */
static void merge_records(struct hv_snapshot *snap, struct call *call, const size_t *slot)
{
	const struct q_stats *c = CALL_OWNER(struct q_stats, call);
	int at = 0;
	for (int r = 0; r < c->got.nrec; r++) {
		char u[VIR_UUID_STRING_BUFLEN];
		if (lv_uuid(c->got.recs[r]->dom, u) < 0)
			continue;
		while (at < c->ndoms && strcmp(snap->dom[slot[at]].uuid, u) != 0)
			at++;
		if (at < c->ndoms)
			lv_fill_record(&snap->dom[slot[at++]], c->got.recs[r]);
	}
}

static void merge_jobs(struct hv_snapshot *snap, struct call *call, const size_t *slot)
{
	const struct q_jobs *c = CALL_OWNER(struct q_jobs, call);
	for (size_t i = 0; i < c->out.ndom && i < (size_t)c->ndoms; i++)
		snap->dom[slot[i]].job = c->out.dom[i].job;
}

/* Each disk's limits, to the disk of the same name. */
static void merge_iotune(struct hv_snapshot *snap, struct call *call, const size_t *slot)
{
	const struct q_iotune *c = CALL_OWNER(struct q_iotune, call);
	for (size_t i = 0; i < c->out.ndom && i < (size_t)c->ndoms; i++) {
		struct hv_domain *d = &snap->dom[slot[i]];
		const struct hv_domain *g = &c->out.dom[i];
		for (size_t k = 0; k < g->nblk; k++)
			for (size_t j = 0; j < d->nblk; j++)
				if (g->blk[k].have_iotune && g->blk[k].name && d->blk[j].name && strcmp(g->blk[k].name, d->blk[j].name) == 0) {
					d->blk[j].have_iotune = true;
					memcpy(d->blk[j].iotune, g->blk[k].iotune, sizeof(d->blk[j].iotune));
				}
	}
}

/* The nodes' free memory, and each domain's placement labels. */
static void merge_numa(struct hv_snapshot *snap, struct call *call, const size_t *slot)
{
	const struct q_numa *c = CALL_OWNER(struct q_numa, call);
	snap->host.nnuma = c->out.host.nnuma;
	memcpy(snap->host.numa_free_bytes, c->out.host.numa_free_bytes, sizeof(snap->host.numa_free_bytes));
	for (size_t i = 0; i < c->out.ndom && i < (size_t)c->ndoms; i++) {
		const struct hv_labels *l = &c->out.dom[i].info;
		for (size_t k = 0; k < l->n; k++)
			hv_labels_add(&snap->dom[slot[i]].info, l->v[2 * k], l->v[2 * k + 1]);
	}
}

/* Each domain's IOThreads, moved. */
static void merge_iothread(struct hv_snapshot *snap, struct call *call, const size_t *slot)
{
	struct q_iothread *c = CALL_OWNER(struct q_iothread, call);
	for (size_t i = 0; i < c->out.ndom && i < (size_t)c->ndoms; i++) {
		struct hv_domain *d = &snap->dom[slot[i]];
		free(d->iothread);
		d->iothread = c->out.dom[i].iothread;
		d->niothread = c->out.dom[i].niothread;
		c->out.dom[i].iothread = NULL;
		c->out.dom[i].niothread = 0;
	}
}

/* Each domain's perf events, moved. */
static void merge_perf(struct hv_snapshot *snap, struct call *call, const size_t *slot)
{
	struct q_perf *c = CALL_OWNER(struct q_perf, call);
	for (size_t i = 0; i < c->out.ndom && i < (size_t)c->ndoms; i++) {
		struct hv_domain *d = &snap->dom[slot[i]];
		free(d->perf);
		d->perf = c->out.dom[i].perf;
		d->nperf = c->out.dom[i].nperf;
		c->out.dom[i].perf = NULL;
		c->out.dom[i].nperf = 0;
	}
}

/* Each domain's last dirty rate. */
static void merge_dirty(struct hv_snapshot *snap, struct call *call, const size_t *slot)
{
	const struct q_dirty *c = CALL_OWNER(struct q_dirty, call);
	for (size_t i = 0; i < c->out.ndom && i < (size_t)c->ndoms; i++)
		snap->dom[slot[i]].dirty = c->out.dom[i].dirty;
}

/* The I/O limits' call, of the disks each domain has in the sample. */
static struct call *iotune_call(struct lv *lv, const struct hv_snapshot *snap, virDomainPtr *doms, const size_t *slot, int n)
{
	const struct hv_domain **ds = xcalloc((size_t)n + 1, sizeof(*ds));
	for (int i = 0; i < n; i++)
		ds[i] = &snap->dom[slot[i]];
	struct call *c = &q_iotune_new(lv, doms, ds, n)->c;
	free(ds);
	return c;
}

/* The groups of doms, the records alone. */
static struct call *groups_call(struct lv *lv, unsigned groups, virDomainPtr *doms, int n)
{
	struct q_stats *c = q_stats_new(lv, doms, n, VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT);
	c->groups = groups;
	c->bare = true;
	c->per_only = false;
	return &c->c;
}

/* The pooled groups' records, each to the snapshot domain of its UUID; the
 * parts ok only when every share answered. */
static void merge_shares(struct hv_snapshot *snap, const struct shares *s, const size_t *slot, int n, const char *gname,
			 const char *galso)
{
	for (int i = 0; i < n; i++) {
		struct hv_domain *d = &snap->dom[slot[i]];
		const virDomainStatsRecord *rec = lv_shares_record(s, d->uuid);
		if (rec)
			lv_fill_record(d, rec);
	}
	hv_snapshot_part(snap, gname, s->ok, s->took, s->error);
	if (galso)
		hv_snapshot_part(snap, galso, s->ok, s->took, s->error);
}

/* The next call of the sample, into ex's room (one per kind of call
 * below: a kind added without room stops here, not past the array). */
static void add(struct extra *ex, size_t *n, size_t room, struct extra e)
{
	assert(*n < room);
	ex[(*n)++] = e;
}

void lv_sample_extras(struct lv *lv, const struct hv *hv, struct hv_snapshot *snap, virDomainPtr *doms, const size_t *slot, int n,
		      struct node_extra *nx)
{
	struct extra ex[7];
	size_t nex = 0;
	/* The balloon and vcpu groups each take the domain's job: asked in
	 * two calls at once, with NOWAIT, one would find the other's job held
	 * and leave its group out.  One call asks both; each is its own part.
	 * With a pool of connections the domains are dealt over it.  Drivers
	 * without bulk statistics have neither. */
	unsigned groups = (hv->want & HV_WANT_BALLOON ? VIR_DOMAIN_STATS_BALLOON : 0) | (hv->want & HV_WANT_VCPU ? VIR_DOMAIN_STATS_VCPU : 0);
	const char *gname = groups & VIR_DOMAIN_STATS_BALLOON ? "memory" : "vcpu";
	const char *galso = groups == (VIR_DOMAIN_STATS_BALLOON | VIR_DOMAIN_STATS_VCPU) ? "vcpu" : NULL;
	bool grouped = groups && !lv->no_bulk && n;
	double t0 = clock_mono();
	struct shares sh = { 0 };
	if (grouped) {
		_cleanup_(strv_freep) struct strv uuids = { 0 };
		for (int i = 0; i < n; i++)
			strv_push(&uuids, snap->dom[slot[i]].uuid);
		lv_shares_start(lv, hv->connections, groups, uuids.v, n, &sh);
	}
	if (grouped && !sh.n)
		add(ex, &nex, ARRAY_SIZE(ex), (struct extra){ gname, groups_call(lv, groups, doms, n), merge_records, galso });
	if (hv->want & HV_WANT_JOB && n)
		add(ex, &nex, ARRAY_SIZE(ex), (struct extra){ "jobs", &q_jobs_new(lv, doms, n)->c, merge_jobs, NULL });
	if (hv->want & HV_WANT_IOTUNE && n)
		add(ex, &nex, ARRAY_SIZE(ex), (struct extra){ "iotune", iotune_call(lv, snap, doms, slot, n), merge_iotune, NULL });
	if (hv->want & HV_WANT_IOTHREAD && n)
		add(ex, &nex, ARRAY_SIZE(ex), (struct extra){ "iothread", &q_iothread_new(lv, doms, n)->c, merge_iothread, NULL });
	if (hv->want & HV_WANT_PERF && n)
		add(ex, &nex, ARRAY_SIZE(ex), (struct extra){ "perf", &q_perf_new(lv, doms, n)->c, merge_perf, NULL });
	if (hv->want & HV_WANT_DIRTYRATE && n)
		add(ex, &nex, ARRAY_SIZE(ex), (struct extra){ "dirtyrate", &q_dirty_new(lv, doms, n, snap->mono, snap->wall)->c, merge_dirty, NULL });
	if (hv->want & HV_WANT_NUMA)
		add(ex, &nex, ARRAY_SIZE(ex), (struct extra){ "numa", &q_numa_new(lv, doms, n)->c, merge_numa, NULL });
	for (size_t i = 0; i < nex; i++)
		call_start(ex[i].c);
	struct timespec until = clock_after_ms(hv->deadline_ms);
	if (sh.n) {
		lv_shares_wait(lv, &sh, &until);
		merge_shares(snap, &sh, slot, n, gname, galso);
		lv_shares_free(&sh);
	}
	for (size_t i = 0; i < nex; i++) {
		struct call *c = call_wait(lv, ex[i].c, &until);
		_cleanup_free_ char *missed = c ? NULL : xasprintf("no answer within %d ms", hv->deadline_ms);
		bool ok = c && c->result >= 0;
		if (ok)
			ex[i].merge(snap, c, slot);
		for (int k = 0; k < 2; k++) {
			const char *name = k ? ex[i].also : ex[i].name;
			if (name)
				hv_snapshot_part(snap, name, ok, c ? c->took : clock_mono() - t0, c ? c->error : missed);
		}
		if (c)
			call_free(c);
	}
	merge_node_extra(snap, nx);
}

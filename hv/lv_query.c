/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The domain statistics calls, on their own threads: the listing of the
 * running domains, every domain's statistics at once (with the block
 * group split off), and the statistics of the domains given; beside each
 * record, the per-domain calls for CPU time, memory and vCPUs. */
#include <string.h>

#include "hv/lv_query.h"

static int known_cmp(const void *a, const void *b)
{
	const struct known_dom *x = a, *y = b;
	int c = strcmp(x->uuid, y->uuid);
	return c ? c : (x->id > y->id) - (x->id < y->id);
}

/* What known has of a domain, looked for at position at first; NULL when
 * nothing. */
static const struct known_dom *known_lookup(struct known *k, size_t at, const char *uuid, int id)
{
	if (!k->n || !uuid[0])
		return NULL;
	if (at < k->n && k->v[at].id == id && strcmp(k->v[at].uuid, uuid) == 0)
		return &k->v[at];
	if (!k->sorted) {
		k->sorted = xcalloc(k->n, sizeof(*k->sorted));
		memcpy(k->sorted, k->v, k->n * sizeof(*k->v));
		qsort(k->sorted, k->n, sizeof(*k->sorted), known_cmp);
	}
	struct known_dom key = { .id = id };
	snprintf(key.uuid, sizeof(key.uuid), "%s", uuid);
	return bsearch(&key, k->sorted, k->n, sizeof(*k->sorted), known_cmp);
}

void lv_ask_domain(virDomainPtr dom, struct known *known, size_t at, struct per_dom *x)
{
	memset(x, 0, sizeof(*x));
	x->nvcpu = -1;
	/* Identity first, here in the call thread: the sample needs it too. */
	x->id = (int)virDomainGetID(dom);
	lv_uuid(dom, x->uuid);
	if (virDomainGetInfo(dom, &x->info) < 0)
		return;
	x->info_ok = true;
	const struct known_dom *k = known ? known_lookup(known, at, x->uuid, x->id) : NULL;
	x->maxvcpus = k && k->max ? (int)k->max : virDomainGetMaxVcpus(dom);
	unsigned want = x->info.nrVirtCpu ? x->info.nrVirtCpu : 1;
	x->vcpu = xcalloc(want, sizeof(*x->vcpu));
	x->nvcpu = virDomainGetVcpus(dom, x->vcpu, (int)want, NULL, 0);
}

/* The per-domain answers for each record a bulk call returned. */
static struct per_dom *ask_per_domain(struct known *known, virDomainStatsRecordPtr *recs, int n)
{
	struct per_dom *per = xcalloc((size_t)n + 1, sizeof(*per));
	for (int k = 0; k < n; k++)
		lv_ask_domain(recs[k]->dom, known, (size_t)k, &per[k]);
	return per;
}

/* The block group of the domains of the call's records not known to have
 * no block devices, in one call. */
static void ask_block(struct q_all *c)
{
	struct stats_got *g = &c->got;
	int n = g->nrec;
	virDomainPtr *list = xcalloc((size_t)n + 1, sizeof(*list));
	int *from = xcalloc((size_t)n, sizeof(*from));
	int m = 0;
	g->bidx = xcalloc((size_t)n, sizeof(*g->bidx));
	for (int k = 0; k < n; k++) {
		const struct known_dom *kn = known_lookup(&c->known, (size_t)k, g->per[k].uuid, g->per[k].id);
		if (kn && (kn->diskless || kn->pooled)) {
			g->bidx[k] = kn->pooled ? BIDX_POOLED : -2;
			continue;
		}
		g->bidx[k] = -1;
		from[m] = k;
		list[m++] = g->recs[k]->dom;
	}
	if (m) {
		int bn = virDomainListGetStats(list, VIR_DOMAIN_STATS_BLOCK, &g->brecs, VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT);
		g->nbrec = bn > 0 ? bn : 0;
		/* In the order asked, less domains that went away meanwhile. */
		int j = 0;
		for (int b = 0; b < g->nbrec; b++) {
			char u[VIR_UUID_STRING_BUFLEN];
			if (lv_uuid(g->brecs[b]->dom, u) < 0)
				continue;
			int at = j;
			while (at < m && strcmp(g->per[from[at]].uuid, u) != 0)
				at++;
			if (at < m) {
				g->bidx[from[at]] = b;
				j = at + 1;
			}
		}
	}
	free(list);
	free(from);
}

/* What the last sample knew of each domain, for a call. */
static void take_known(struct known *kn, const struct lv *lv, bool split_block, bool pool_block)
{
	if (!lv->last.ndom)
		return;
	kn->v = xcalloc(lv->last.ndom, sizeof(*kn->v));
	kn->n = lv->last.ndom;
	for (size_t i = 0; i < lv->last.ndom; i++) {
		const struct hv_domain *d = &lv->last.dom[i];
		struct known_dom *k = &kn->v[i];
		memcpy(k->uuid, d->uuid, sizeof(k->uuid));
		k->id = d->id;
		k->max = d->vcpus_max;
		k->diskless = split_block && (d->have & HV_HAVE_BLK) && !d->nblk && !d->stuck;
		k->pooled = split_block && pool_block && lv_block_pooled(d);
	}
}

/* The connection of a call of its own, and its domain there. */
static bool own_open(struct q_stats *c)
{
	unsigned char raw[VIR_UUID_BUFLEN];
	c->own_conn = virConnectOpenReadOnly(c->own_uri);
	if (!c->own_conn || virDomainGetUUID(c->doms[0], raw) < 0)
		return false;
	c->own_dom = virDomainLookupByUUID(c->own_conn, raw);
	return c->own_dom != NULL;
}

static void known_free(struct known *k)
{
	free(k->v);
	free(k->sorted);
}

static void got_free(struct stats_got *g)
{
	if (g->recs)
		virDomainStatsRecordListFree(g->recs);
	if (g->brecs)
		virDomainStatsRecordListFree(g->brecs);
	free(g->bidx);
	for (int i = 0; g->per && i < g->nrec; i++)
		free(g->per[i].vcpu);
	free(g->per);
}

static int run_list(struct call *call)
{
	struct q_list *c = CALL_OWNER(struct q_list, call);
	int n = virConnectListAllDomains(c->conn, &c->listed, VIR_CONNECT_LIST_DOMAINS_ACTIVE);
	c->nlisted = n > 0 ? n : 0;
	if (n >= 0) {
		lv_node_figures(c->conn, &c->node, c->nx.asked & HV_WANT_PCPU);
		lv_node_extra_run(c->conn, &c->nx);
	}
	return n;
}

static void free_list(struct call *call)
{
	struct q_list *c = CALL_OWNER(struct q_list, call);
	for (int i = 0; i < c->nlisted; i++)
		virDomainFree(c->listed[i]);
	free(c->listed);
	virConnectClose(c->conn);
	lv_node_extra_free(&c->nx);
	free(c->node.pcpu_idle_ns);
	free(c->node.pcpu_modes);
	free(c);
}

struct q_list *q_list_new(struct lv *lv)
{
	struct q_list *c = xcalloc(1, sizeof(*c));
	call_init(&c->c, lv, run_list, free_list);
	c->nx.asked = lv->node_want;
	virConnectRef(lv->conn);
	c->conn = lv->conn;
	return c;
}

static int run_all(struct call *call)
{
	struct q_all *c = CALL_OWNER(struct q_all, call);
	unsigned groups = c->split_block ? c->groups & ~(unsigned)VIR_DOMAIN_STATS_BLOCK : c->groups;
	int n = virConnectGetAllDomainStats(c->conn, groups, &c->got.recs,
					    VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE | VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT);
	if (n < 0)
		return n;
	lv_node_figures(c->conn, &c->node, c->nx.asked & HV_WANT_PCPU);
	lv_node_extra_run(c->conn, &c->nx);
	c->got.nrec = n;
	c->got.per = ask_per_domain(&c->known, c->got.recs, n);
	if (c->split_block)
		ask_block(c);
	return n;
}

static void free_all(struct call *call)
{
	struct q_all *c = CALL_OWNER(struct q_all, call);
	virConnectClose(c->conn);
	known_free(&c->known);
	lv_node_extra_free(&c->nx);
	free(c->node.pcpu_idle_ns);
	free(c->node.pcpu_modes);
	got_free(&c->got);
	free(c);
}

struct q_all *q_all_new(struct lv *lv, bool split_block, bool pool_block)
{
	struct q_all *c = xcalloc(1, sizeof(*c));
	call_init(&c->c, lv, run_all, free_all);
	c->c.linger = true;
	c->groups = lv->groups;
	c->split_block = split_block;
	c->pool_block = pool_block;
	take_known(&c->known, lv, split_block, pool_block);
	c->nx.asked = lv->node_want;
	virConnectRef(lv->conn);
	c->conn = lv->conn;
	return c;
}

static int run_stats(struct call *call)
{
	struct q_stats *c = CALL_OWNER(struct q_stats, call);
	if (c->own_uri && !own_open(c))
		return -1;
	if (c->per_only) {
		c->got.per = xcalloc((size_t)c->ndoms + 1, sizeof(*c->got.per));
		for (int k = 0; k < c->ndoms; k++)
			lv_ask_domain(c->own_dom ? c->own_dom : c->doms[k], &c->known, (size_t)k, &c->got.per[k]);
		c->got.nrec = c->ndoms;
		return c->ndoms;
	}
	virDomainPtr one[2] = { c->own_dom, NULL };
	int n = virDomainListGetStats(c->own_dom ? one : c->doms, c->groups, &c->got.recs, c->flags);
	c->got.nrec = n > 0 ? n : 0;
	if (n > 0 && !c->bare)
		c->got.per = ask_per_domain(&c->known, c->got.recs, n);
	return n;
}

static void free_stats(struct call *call)
{
	struct q_stats *c = CALL_OWNER(struct q_stats, call);
	lv_doms_free(c->doms, c->ndoms);
	known_free(&c->known);
	got_free(&c->got);
	if (c->own_dom)
		virDomainFree(c->own_dom);
	if (c->own_conn)
		virConnectClose(c->own_conn);
	free(c->own_uri);
	free(c);
}

struct q_stats *q_stats_new(struct lv *lv, virDomainPtr *doms, int n, unsigned flags)
{
	struct q_stats *c = xcalloc(1, sizeof(*c));
	call_init(&c->c, lv, run_stats, free_stats);
	if (n > 1) /* not each domain's own call on the slow path: n copies */
		take_known(&c->known, lv, false, false);
	if (n == 1) /* a call for this domain alone: call_pending finds it */
		lv_uuid(doms[0], c->c.key);
	c->groups = lv->groups;
	c->flags = flags;
	c->per_only = lv->no_bulk;
	c->ndoms = n;
	c->doms = lv_doms_ref(doms, n);
	return c;
}

void q_stats_own(struct q_stats *q, const char *uri)
{
	q->own_uri = xstrdup(uri);
	q->c.retires = false;
}

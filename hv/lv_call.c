/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Calls into libvirt, each on a thread of its own with a deadline.  A call
 * that misses its deadline is left to finish alone (a guest's monitor that
 * does not answer holds it) and frees itself when it returns; the sample
 * goes on without it.  See hv/lv.h for what each kind asks. */
#include <errno.h>
#include <string.h>

#include "core/clock.h"
#include "hv/lv.h"

const char *lv_errmsg(void)
{
	const char *m = virGetLastErrorMessage();
	return m && *m ? m : "unknown libvirt error";
}

/* virDomainGetUUIDString formats through g_snprintf: twice the cost of
 * the raw bytes, and every domain's UUID is needed once or twice a sample. */
int lv_uuid(virDomainPtr dom, char out[VIR_UUID_STRING_BUFLEN])
{
	unsigned char raw[VIR_UUID_BUFLEN];
	static const char hex[] = "0123456789abcdef";
	if (virDomainGetUUID(dom, raw) < 0) {
		out[0] = '\0';
		return -1;
	}
	char *p = out;
	for (int i = 0; i < VIR_UUID_BUFLEN; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*p++ = '-';
		*p++ = hex[raw[i] >> 4];
		*p++ = hex[raw[i] & 15];
	}
	*p = '\0';
	return 0;
}

void call_free(struct call *c)
{
	for (int i = 0; i < c->nlisted; i++)
		virDomainFree(c->listed[i]);
	free(c->listed);
	if (c->conn)
		virConnectClose(c->conn);
	for (int i = 0; i < c->ndoms; i++)
		virDomainFree(c->doms[i]);
	free(c->doms);
	if (c->got.recs)
		virDomainStatsRecordListFree(c->got.recs);
	if (c->got.brecs)
		virDomainStatsRecordListFree(c->got.brecs);
	free(c->got.bidx);
	for (int i = 0; c->got.per && i < c->got.nrec; i++)
		free(c->got.per[i].vcpu);
	free(c->got.per);
	free(c->known.v);
	free(c->known.sorted);
	hv_docs_free(&c->docs);
	hv_snapshot_free(&c->out);
	lv_node_extra_free(&c->nx);
	strv_free(&c->share);
	free(c->error);
	if (c->own_dom)
		virDomainFree(c->own_dom);
	if (c->own_conn)
		virConnectClose(c->own_conn);
	free(c->own_uri);
	free(c);
}

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
static struct per_dom *ask_per_domain(struct call *c, virDomainStatsRecordPtr *recs, int n)
{
	struct per_dom *per = xcalloc((size_t)n + 1, sizeof(*per));
	for (int k = 0; k < n; k++)
		lv_ask_domain(recs[k]->dom, &c->known, (size_t)k, &per[k]);
	return per;
}

/* The block group of the domains of the call's records not known to have
 * no block devices, in one call. */
static void ask_block(struct call *c)
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
static void call_take_known(struct call *c, const struct lv *lv)
{
	if (!lv->last.ndom)
		return;
	c->known.v = xcalloc(lv->last.ndom, sizeof(*c->known.v));
	c->known.n = lv->last.ndom;
	for (size_t i = 0; i < lv->last.ndom; i++) {
		const struct hv_domain *d = &lv->last.dom[i];
		struct known_dom *k = &c->known.v[i];
		memcpy(k->uuid, d->uuid, sizeof(k->uuid));
		k->id = d->id;
		k->max = d->vcpus_max;
		k->diskless = c->split_block && (d->have & HV_HAVE_BLK) && !d->nblk && !d->stuck;
		k->pooled = c->split_block && c->pool_block && lv_block_pooled(d);
	}
}

/* The connection of a call of its own, and its domain there. */
static bool own_open(struct call *c)
{
	unsigned char raw[VIR_UUID_BUFLEN];
	c->own_conn = virConnectOpenReadOnly(c->own_uri);
	if (!c->own_conn || virDomainGetUUID(c->doms[0], raw) < 0)
		return false;
	c->own_dom = virDomainLookupByUUID(c->own_conn, raw);
	return c->own_dom != NULL;
}

/* Each kind's run function: what the call asks, on its thread.  A
 * negative return is a failure described by libvirt's last error. */

static int run_list(struct call *c)
{
	int n = virConnectListAllDomains(c->conn, &c->listed, VIR_CONNECT_LIST_DOMAINS_ACTIVE);
	c->nlisted = n > 0 ? n : 0;
	if (n >= 0) {
		lv_node_figures(c->conn, &c->node);
		lv_node_extra_run(c->conn, &c->nx);
	}
	return n;
}

static int run_all(struct call *c)
{
	unsigned groups = c->split_block ? c->groups & ~(unsigned)VIR_DOMAIN_STATS_BLOCK : c->groups;
	int n = virConnectGetAllDomainStats(c->conn, groups, &c->got.recs,
					    VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE | VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT);
	if (n < 0)
		return n;
	lv_node_figures(c->conn, &c->node);
	lv_node_extra_run(c->conn, &c->nx);
	c->got.nrec = n;
	c->got.per = ask_per_domain(c, c->got.recs, n);
	if (c->split_block)
		ask_block(c);
	return n;
}

static int run_stats(struct call *c)
{
	if (c->own_uri && !own_open(c))
		return -1;
	if (c->per_only) {
		c->got.per = xcalloc((size_t)c->ndoms + 1, sizeof(*c->got.per));
		for (int k = 0; k < c->ndoms; k++)
			lv_ask_domain(c->own_dom ? c->own_dom : c->doms[k], &c->known, (size_t)k, &c->got.per[k]);
		return c->ndoms;
	}
	virDomainPtr one[2] = { c->own_dom, NULL };
	int n = virDomainListGetStats(c->own_dom ? one : c->doms, c->groups, &c->got.recs, c->flags);
	if (n > 0 && !c->bare)
		c->got.per = ask_per_domain(c, c->got.recs, n);
	return n;
}

static int run_dump(struct call *c)
{
	lv_dump_run(c);
	return 0;
}

static int (*const run_kind[])(struct call *) = {
	[CALL_LIST] = run_list,
	[CALL_ALL] = run_all,
	[CALL_STATS] = run_stats,
	[CALL_DUMP] = run_dump,
	[CALL_JOBS] = lv_run_jobs,
	[CALL_SHARE] = lv_run_share,
};

/* Unlink c from the outstanding calls (lv->mu held). */
static void unlink_outstanding(struct lv *lv, struct call *c)
{
	for (struct call **pp = &lv->outstanding; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			return;
		}
}

static void *call_main(void *arg)
{
	struct call *c = arg;
	int n = run_kind[c->kind](c);
	c->took = clock_mono() - c->t0;
	struct lv *lv = c->lv;
	/* What the call got is read by the waiter only once it sees done,
	 * under the lock. */
	char *error = n < 0 ? xstrdup(lv_errmsg()) : NULL;
	int errcode = n < 0 ? virGetLastErrorCode() : 0;
	pthread_mutex_lock(&lv->mu);
	c->got.nrec = n; /* LIST too: its failure is read there */
	c->error = error;
	c->errcode = errcode;
	c->done = true;
	if (c->abandoned) { /* nobody waits for it any more */
		unlink_outstanding(lv, c);
		pthread_mutex_unlock(&lv->mu);
		call_free(c);
		return NULL;
	}
	pthread_cond_broadcast(&lv->cv);
	if (c->linger) {
		while (!c->released)
			pthread_cond_wait(&lv->cv, &lv->mu);
		lv->lingering--;
		pthread_cond_broadcast(&lv->cv);
		pthread_mutex_unlock(&lv->mu);
		call_free(c);
		return NULL;
	}
	pthread_mutex_unlock(&lv->mu);
	return NULL;
}

void call_release(struct lv *lv, struct call *c)
{
	if (!c->linger) {
		call_free(c);
		return;
	}
	pthread_mutex_lock(&lv->mu);
	c->released = true;
	pthread_cond_broadcast(&lv->cv);
	pthread_mutex_unlock(&lv->mu);
}

struct call *call_stats(struct lv *lv, virDomainPtr *doms, int n, unsigned flags)
{
	struct call *c = xcalloc(1, sizeof(*c));
	c->kind = CALL_STATS;
	if (n > 1) /* not each domain's own call on the slow path: n copies */
		call_take_known(c, lv);
	c->lv = lv;
	c->groups = lv->groups;
	c->flags = flags;
	c->per_only = lv->no_bulk;
	c->ndoms = n;
	c->doms = xcalloc((size_t)n + 1, sizeof(*c->doms));
	for (int i = 0; i < n; i++) {
		virDomainRef(doms[i]);
		c->doms[i] = doms[i];
	}
	return c;
}

struct call *call_conn(struct lv *lv, enum call_kind kind, bool split_block, bool pool_block)
{
	struct call *c = xcalloc(1, sizeof(*c));
	c->kind = kind;
	c->lv = lv;
	c->groups = lv->groups;
	if (kind == CALL_ALL) {
		c->split_block = split_block;
		c->pool_block = pool_block;
		call_take_known(c, lv);
	}
	if (kind == CALL_ALL || kind == CALL_LIST)
		c->nx.asked = lv->node_want;
	virConnectRef(lv->conn);
	c->conn = lv->conn;
	return c;
}

bool call_start(struct call *c)
{
	pthread_t t;
	pthread_attr_t a;
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	if (c->kind == CALL_ALL) {
		c->linger = true;
		pthread_mutex_lock(&c->lv->mu);
		c->lv->lingering++;
		pthread_mutex_unlock(&c->lv->mu);
	}
	c->t0 = clock_mono();
	bool started = pthread_create(&t, &a, call_main, c) == 0;
	pthread_attr_destroy(&a);
	if (!started) {
		if (c->linger) {
			c->linger = false;
			pthread_mutex_lock(&c->lv->mu);
			c->lv->lingering--;
			pthread_mutex_unlock(&c->lv->mu);
		}
		call_main(c); /* no thread to be had: ask inline */
	}
	return started;
}

struct call *call_wait(struct lv *lv, struct call *c, const struct timespec *until)
{
	pthread_mutex_lock(&lv->mu);
	while (!c->done)
		if (pthread_cond_timedwait(&lv->cv, &lv->mu, until) == ETIMEDOUT)
			break;
	if (c->done) {
		pthread_mutex_unlock(&lv->mu);
		return c;
	}
	if (c->steal_to) {
		*c->steal_to = c->docs;
		memset(&c->docs, 0, sizeof(c->docs));
	}
	c->abandoned = true;
	if (c->linger) { /* it frees itself when it returns */
		c->linger = false;
		lv->lingering--;
	}
	/* libvirt's client stalls other calls on a connection whose replies
	 * are outstanding: the sample's connection is retired after it. */
	if (!c->own_uri && c->kind != CALL_SHARE) /* a share's pool connection is dropped by its caller */
		lv->retire = true;
	c->next = lv->outstanding;
	lv->outstanding = c;
	pthread_mutex_unlock(&lv->mu);
	return NULL;
}

struct call *call_run_with_deadline(struct lv *lv, struct call *c, int deadline_ms)
{
	if (!call_start(c))
		return c;
	struct timespec until = clock_after_ms(deadline_ms);
	return call_wait(lv, c, &until);
}

bool call_pending(struct lv *lv, const char *uuid)
{
	bool yes = false;
	pthread_mutex_lock(&lv->mu);
	for (struct call *c = lv->outstanding; c && !yes; c = c->next) {
		if (c->kind != CALL_STATS || c->ndoms != 1)
			continue;
		char u[VIR_UUID_STRING_BUFLEN];
		if (lv_uuid(c->doms[0], u) == 0 && strcmp(u, uuid) == 0)
			yes = true;
	}
	pthread_mutex_unlock(&lv->mu);
	return yes;
}

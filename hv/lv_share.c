/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The shares of a sample's domains dealt over the pool of kept
 * connections.  libvirtd asks different domains' QEMU monitors at once,
 * while one bulk call asks them one after another: a monitor-bound group
 * (block, balloon, vCPU) asked in shares on several connections costs
 * about what the slowest share costs.  Each share is a call of its own
 * under the sample's deadline; a share that misses it keeps its
 * connection, which is dropped from the pool and opened afresh next time
 * (libvirt's client stalls other calls on a connection whose replies are
 * outstanding). */
#include <string.h>

#include "core/clock.h"
#include "hv/lv_share.h"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The running domains of the pool connection whose UUIDs are in the
 * call's share, and their groups in one call.  One listing costs one
 * round trip; looking each domain up by UUID would cost one a domain. */
static int run_share(struct call *call)
{
	struct q_share *c = CALL_OWNER(struct q_share, call);
	virDomainPtr *all = NULL;
	int n = virConnectListAllDomains(c->conn, &all, VIR_CONNECT_LIST_DOMAINS_ACTIVE);
	if (n < 0)
		return n;
	virDomainPtr *mine = xcalloc((size_t)n + 1, sizeof(*mine));
	int m = 0;
	for (int i = 0; i < n; i++) {
		char u[VIR_UUID_STRING_BUFLEN];
		const char *key = u;
		if (lv_uuid(all[i], u) == 0 && bsearch(&key, c->share.v, c->share.n, sizeof(*c->share.v), cmp_str))
			mine[m++] = all[i];
	}
	int r = m ? virDomainListGetStats(mine, c->groups, &c->recs, c->flags) : 0;
	c->nrec = r > 0 ? r : 0;
	for (int i = 0; i < n; i++)
		virDomainFree(all[i]);
	free(all);
	free(mine);
	return r;
}

static void free_share(struct call *call)
{
	struct q_share *c = CALL_OWNER(struct q_share, call);
	if (c->recs)
		virDomainStatsRecordListFree(c->recs);
	virConnectClose(c->conn);
	strv_free(&c->share);
	free(c);
}

/* Share k of s: the UUIDs uuids[k], uuids[k + s->n], ... */
static struct q_share *share_new(struct lv *lv, int connections, unsigned groups, char *const *uuids, int n, int k, int of)
{
	virConnectPtr conn = lv_pool_conn(lv, connections, k);
	struct q_share *c = xcalloc(1, sizeof(*c));
	call_init(&c->c, lv, run_share, free_share);
	c->c.retires = false; /* a share's pool connection is dropped by lv_shares_wait */
	c->groups = groups;
	c->flags = VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT;
	/* A pool connection that cannot be opened leaves its share to
	 * the sample's own: slower, not lost. */
	c->conn = conn ? conn : lv->conn;
	virConnectRef(c->conn);
	for (int i = k; i < n; i += of)
		strv_push(&c->share, uuids[i]);
	qsort(c->share.v, c->share.n, sizeof(*c->share.v), cmp_str);
	return c;
}

void lv_shares_start(struct lv *lv, int connections, unsigned groups, char *const *uuids, int n, struct shares *s)
{
	memset(s, 0, sizeof(*s));
	s->n = connections > 1 && n > 1 ? (connections < n ? connections : n) : 0;
	if (!s->n)
		return;
	s->c = xcalloc((size_t)s->n, sizeof(*s->c));
	for (int k = 0; k < s->n; k++)
		s->c[k] = share_new(lv, connections, groups, uuids, n, k, s->n);
	s->t0 = clock_mono();
	for (int k = 0; k < s->n; k++)
		call_start(&s->c[k]->c);
}

static int cmp_rec(const void *a, const void *b)
{
	return strcmp(((const struct share_rec *)a)->uuid, ((const struct share_rec *)b)->uuid);
}

/* Every record the shares got, sorted by UUID. */
static void index_records(struct shares *s)
{
	size_t total = 0;
	for (int k = 0; k < s->n; k++)
		if (s->c[k])
			total += (size_t)s->c[k]->nrec;
	s->idx = xcalloc(total + 1, sizeof(*s->idx));
	for (int k = 0; k < s->n; k++)
		for (int r = 0; s->c[k] && r < s->c[k]->nrec; r++) {
			struct share_rec *x = &s->idx[s->nidx];
			x->rec = s->c[k]->recs[r];
			if (lv_uuid(x->rec->dom, x->uuid) == 0)
				s->nidx++;
		}
	qsort(s->idx, s->nidx, sizeof(*s->idx), cmp_rec);
}

void lv_shares_wait(struct lv *lv, struct shares *s, const struct timespec *until)
{
	s->ok = true;
	for (int k = 0; k < s->n; k++) {
		struct call *c = call_wait(lv, &s->c[k]->c, until);
		if (!c) {
			s->c[k] = NULL;
			s->ok = false;
			s->missed = true;
			free(s->error);
			s->error = xasprintf("share %d of %d: no answer in time", k + 1, s->n);
			lv_pool_drop(lv, k);
			s->took = clock_mono() - s->t0;
			continue;
		}
		if (c->result < 0) {
			s->ok = false;
			free(s->error);
			s->error = xstrdup(c->error ? c->error : "failed");
		}
		s->took = c->took > s->took ? c->took : s->took;
	}
	index_records(s);
}

const virDomainStatsRecord *lv_shares_record(const struct shares *s, const char *uuid)
{
	struct share_rec key = { .rec = NULL };
	snprintf(key.uuid, sizeof(key.uuid), "%s", uuid);
	const struct share_rec *x = s->nidx ? bsearch(&key, s->idx, s->nidx, sizeof(*s->idx), cmp_rec) : NULL;
	return x ? x->rec : NULL;
}

void lv_shares_free(struct shares *s)
{
	for (int k = 0; k < s->n; k++)
		if (s->c[k])
			call_free(&s->c[k]->c);
	free(s->c);
	free(s->idx);
	free(s->error);
	memset(s, 0, sizeof(*s));
}

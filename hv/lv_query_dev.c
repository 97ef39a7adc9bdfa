/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What a driver's statistics leave out, asked domain by domain on one
 * call's thread (so that a guest that does not answer holds that call,
 * not the sample): CPU time, memory and vCPUs by the per-domain calls,
 * each device's counters by its name, the domain's XML when it is not
 * cached yet, and which running domains are not defined (the info
 * series).  The answers that came in time are taken when the call misses
 * its deadline. */
#include <string.h>

#include "hv/lv_query_dev.h"

static void copy_names(struct strv *dst, const struct strv *src)
{
	for (size_t i = 0; i < src->n; i++)
		strv_push(dst, src->v[i]);
}

static void dev_stats_free(struct dev_stats *s)
{
	strv_free(&s->nets);
	strv_free(&s->disks);
	free(s->net);
	free(s->blk);
	free(s->net_ok);
	free(s->blk_ok);
}

void lv_dev_ask_free(struct dev_ask *a)
{
	if (a->dom_ref)
		virDomainFree(a->dom);
	free(a->per.vcpu);
	lv_dev_free(&a->xml);
	dev_stats_free(&a->st);
	memset(a, 0, sizeof(*a));
}

void lv_dev_taken_free(struct dev_taken *t)
{
	for (int i = 0; i < t->n; i++)
		lv_dev_ask_free(&t->v[i]);
	free(t->v);
	t->v = NULL;
	t->n = 0;
}

/* Each named device's counters; the names from the XML when not cached. */
static void ask_devices(struct dev_ask *a)
{
	struct dev_stats *s = &a->st;
	if (a->want_xml) {
		if (s->nets_asked)
			copy_names(&s->nets, &a->xml.nets);
		if (s->disks_asked)
			copy_names(&s->disks, &a->xml.disks);
	}
	s->net = xcalloc(s->nets.n + 1, sizeof(*s->net));
	s->net_ok = xcalloc(s->nets.n + 1, sizeof(*s->net_ok));
	for (size_t i = 0; i < s->nets.n; i++)
		s->net_ok[i] = virDomainInterfaceStats(a->dom, s->nets.v[i], &s->net[i], sizeof(s->net[i])) >= 0;
	s->blk = xcalloc(s->disks.n + 1, sizeof(*s->blk));
	s->blk_ok = xcalloc(s->disks.n + 1, sizeof(*s->blk_ok));
	for (size_t i = 0; i < s->disks.n; i++)
		s->blk_ok[i] = virDomainBlockStats(a->dom, s->disks.v[i], &s->blk[i], sizeof(s->blk[i])) >= 0;
}

static void ask_one(struct q_dev *c, struct dev_ask *a)
{
	if (a->want_core)
		lv_ask_domain(a->dom, NULL, 0, &a->per);
	if (a->want_xml) {
		char *xml = virDomainGetXMLDesc(a->dom, 0);
		lv_dev_parse(&a->xml, xml, &c->metadata);
		free(xml);
		snprintf(a->xml.uuid, sizeof(a->xml.uuid), "%s", a->uuid);
		a->xml.id = a->id;
	}
	ask_devices(a);
	a->asked = true;
}

/* One listing of the running domains that are not defined (few, on most
 * hosts) answers for all: a call per domain would cost a round trip each
 * sample. */
static void ask_transient(struct q_dev *c)
{
	virDomainPtr *doms = NULL;
	int nt = virConnectListAllDomains(c->conn, &doms, VIR_CONNECT_LIST_DOMAINS_ACTIVE | VIR_CONNECT_LIST_DOMAINS_TRANSIENT);
	if (nt < 0)
		return;
	for (int i = 0; i < nt; i++) {
		char uuid[VIR_UUID_STRING_BUFLEN];
		if (virDomainGetUUIDString(doms[i], uuid) == 0)
			strv_push(&c->transient, uuid);
		virDomainFree(doms[i]);
	}
	free(doms);
	c->transient_ok = true;
}

/* Where the call is (v[0..at) answered, v[at] asked now), for the
 * waiter and call_pending; false once the waiter has given up, when what
 * is left would be asked for nobody. */
static bool progress(struct q_dev *c, int at)
{
	pthread_mutex_lock(&c->c.lv->mu);
	bool wanted = !c->c.abandoned;
	if (wanted) {
		c->upto = at;
		if (at < c->n)
			memcpy(c->c.key, c->v[at].uuid, sizeof(c->c.key));
		else
			c->c.key[0] = '\0';
	}
	pthread_mutex_unlock(&c->c.lv->mu);
	return wanted;
}

static int run_dev(struct call *call)
{
	struct q_dev *c = CALL_OWNER(struct q_dev, call);
	for (int i = 0; i < c->n; i++) {
		if (!progress(c, i))
			return i;
		ask_one(c, &c->v[i]);
	}
	if (progress(c, c->n) && c->persistence)
		ask_transient(c);
	return c->n;
}

/* Under lv->mu: the answers that came in time go to the waiter's side;
 * the domains not answered yet, the one asked now among them, are
 * referenced, as the call outlives the sample that lent them. */
static void take_answered(struct call *call)
{
	struct q_dev *c = CALL_OWNER(struct q_dev, call);
	struct dev_taken *t = c->taken;
	t->n = c->upto;
	t->v = xcalloc((size_t)t->n + 1, sizeof(*t->v));
	memcpy(t->v, c->v, (size_t)t->n * sizeof(*t->v));
	memset(c->v, 0, (size_t)t->n * sizeof(*c->v));
	for (int i = c->upto; i < c->n; i++) {
		virDomainRef(c->v[i].dom);
		c->v[i].dom_ref = true;
	}
}

static void free_dev(struct call *call)
{
	struct q_dev *c = CALL_OWNER(struct q_dev, call);
	for (int i = 0; i < c->n; i++)
		lv_dev_ask_free(&c->v[i]);
	free(c->v);
	virConnectClose(c->conn);
	strv_free(&c->metadata);
	strv_free(&c->transient);
	free(c);
}

struct q_dev *q_dev_new(struct lv *lv, int cap, const struct strv *metadata, bool persistence, struct dev_taken *taken)
{
	struct q_dev *c = xcalloc(1, sizeof(*c));
	call_init(&c->c, lv, run_dev, free_dev);
	c->v = xcalloc((size_t)cap + 1, sizeof(*c->v));
	virConnectRef(lv->conn);
	c->conn = lv->conn;
	c->c.on_abandon = take_answered;
	if (metadata)
		copy_names(&c->metadata, metadata);
	c->persistence = persistence;
	c->taken = taken;
	return c;
}

struct dev_ask *q_dev_add(struct q_dev *q, virDomainPtr dom, const struct hv_domain *d, size_t pos, bool core, bool nets, bool disks,
			  const struct lv_dev *e, bool want_xml)
{
	struct dev_ask *a = &q->v[q->n++];
	a->dom = dom; /* lent by the sample: referenced only if the call outlives it */
	memcpy(a->uuid, d->uuid, sizeof(a->uuid));
	a->id = d->id;
	a->pos = pos;
	a->want_core = core;
	a->want_xml = !e && (nets || disks || want_xml);
	a->per.nvcpu = -1;
	a->st.nets_asked = nets;
	a->st.disks_asked = disks;
	if (e && nets)
		copy_names(&a->st.nets, &e->nets);
	if (e && disks)
		copy_names(&a->st.disks, &e->disks);
	return a;
}

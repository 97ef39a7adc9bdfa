/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the statistics calls left out of a sample's domains (a driver
 * without some groups in its bulk answer, as the test driver; a domain
 * whose per-domain calls failed), asked on a call of its own under the
 * same deadline as the statistics: one guest that does not answer costs
 * its own figures, never the whole sample. */
#include <string.h>

#include "core/clock.h"
#include "hv/lv_fill.h"

void lv_mark_stuck(struct lv *lv, struct hv_domain *d, const char *why, int deadline_ms)
{
	lv_copy_last(&lv->last, d);
	d->stuck = true;
	free(d->note);
	d->note = xasprintf("no answer within %d ms%s; last figures kept", deadline_ms, why);
}

/* An ask for d, when it needs one (NULL otherwise). */
static struct dev_ask *plan(struct lv *lv, struct q_dev *q, virDomainPtr dom, const struct hv_domain *d, size_t pos, bool info)
{
	const unsigned core = HV_HAVE_CPU | HV_HAVE_MEM | HV_HAVE_VCPU;
	bool want_core = (d->have & core) != core;
	bool nets = !(d->have & HV_HAVE_NET), disks = !(d->have & HV_HAVE_BLK);
	const struct lv_dev *e = nets || disks || info ? lv_devcache_get(&lv->dc, d->uuid, d->id, pos) : NULL;
	if (!want_core && !nets && !disks && (e || !info))
		return NULL;
	return q_dev_add(q, dom, d, pos, want_core, nets, disks, e, info);
}

/* One domain's answers into d, its XML into the cache. */
static void apply(struct lv *lv, struct hv_domain *d, struct dev_ask *a)
{
	if (a->want_core)
		lv_fill_per_dom(d, &a->per);
	if (a->want_xml)
		lv_devcache_put(&lv->dc, a->pos, &a->xml);
	lv_fill_devices(d, &a->st);
}

/* After a miss, the domains the call had not reached, each asked alone
 * as the statistics are after their bulk call missed: SOLO_BATCH at once,
 * each batch within one deadline; one that misses it is marked stuck.
 * rest[i] is the position in the sample of the domain doms[i]. */
static void ask_rest_alone(struct lv *lv, const struct hv *hv, struct hv_snapshot *snap, virDomainPtr *doms, const size_t *rest, int n)
{
	bool info = hv->want & HV_WANT_INFO;
	for (int at = 0; at < n; at += SOLO_BATCH) {
		int end = at + SOLO_BATCH < n ? at + SOLO_BATCH : n;
		struct q_dev *q[SOLO_BATCH];
		struct dev_taken none[SOLO_BATCH];
		memset(none, 0, sizeof(none));
		for (int i = at; i < end; i++) {
			q[i - at] = q_dev_new(lv, 1, lv->metadata, false, &none[i - at]);
			plan(lv, q[i - at], doms[i], &snap->dom[rest[i]], rest[i], info);
			call_start(&q[i - at]->c);
		}
		struct timespec until = clock_after_ms(hv->deadline_ms);
		for (int i = at; i < end; i++) {
			struct hv_domain *d = &snap->dom[rest[i]];
			if (!call_wait(lv, &q[i - at]->c, &until)) {
				lv_mark_stuck(lv, d, " (its monitor is busy or the guest is stopped)", hv->deadline_ms);
				lv_dev_taken_free(&none[i - at]);
				continue;
			}
			if (q[i - at]->n)
				apply(lv, d, &q[i - at]->v[0]);
			call_free(&q[i - at]->c);
		}
	}
}

/* After a miss: the answers that came in time, the domain the call hung
 * on marked stuck, and those it had not reached asked alone. */
static void apply_taken(struct lv *lv, const struct hv *hv, struct hv_snapshot *snap, const struct dev_ask *asked, int nasked,
			struct dev_taken *t)
{
	virDomainPtr *doms = xcalloc((size_t)nasked + 1, sizeof(*doms));
	size_t *rest = xcalloc((size_t)nasked + 1, sizeof(*rest));
	int nrest = 0;
	for (int i = 0; i < nasked; i++) {
		struct hv_domain *d = &snap->dom[asked[i].pos];
		if (i < t->n && t->v[i].asked)
			apply(lv, d, &t->v[i]);
		else if (i == t->n)
			lv_mark_stuck(lv, d, " (its monitor is busy or the guest is stopped)", hv->deadline_ms);
		else {
			doms[nrest] = asked[i].dom;
			rest[nrest++] = asked[i].pos;
		}
	}
	ask_rest_alone(lv, hv, snap, doms, rest, nrest);
	free(doms);
	free(rest);
}

/* The positions and domains of q's asks, kept for after a miss (q is the
 * call's then; the domains are the sample's). */
static struct dev_ask *positions(const struct q_dev *q)
{
	struct dev_ask *v = xcalloc((size_t)q->n + 1, sizeof(*v));
	for (int i = 0; i < q->n; i++) {
		v[i].pos = q->v[i].pos;
		v[i].dom = q->v[i].dom;
	}
	return v;
}

void lv_fill_rest(struct lv *lv, const struct hv *hv, struct hv_snapshot *snap, virDomainPtr *doms, const size_t *slot, int n,
		  struct lv_transient *tr)
{
	bool info = hv->want & HV_WANT_INFO;
	struct dev_taken taken = { 0 };
	struct q_dev *q = q_dev_new(lv, n, lv->metadata, info && n, &taken);
	for (int i = 0; i < n; i++)
		plan(lv, q, doms[i], &snap->dom[slot[i]], slot[i], info);
	if (!q->n && !q->persistence) {
		call_free(&q->c);
		return;
	}
	struct dev_ask *asked = positions(q);
	int nasked = q->n;
	struct call *c = call_run_with_deadline(lv, &q->c, hv->deadline_ms);
	if (!c) {
		apply_taken(lv, hv, snap, asked, nasked, &taken);
		lv_dev_taken_free(&taken);
		free(asked);
		return;
	}
	for (int i = 0; i < q->n; i++)
		apply(lv, &snap->dom[q->v[i].pos], &q->v[i]);
	tr->ok = q->transient_ok;
	tr->uuids = q->transient;
	memset(&q->transient, 0, sizeof(q->transient));
	call_free(c);
	free(asked);
}

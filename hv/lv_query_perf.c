/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The perf events each domain has enabled and their figures, on a call's
 * thread: libvirt keeps them per domain (<perf> in its XML) and counts
 * them on QEMU's threads in the host's kernel. */
#include <stdio.h>
#include <string.h>

#include "hv/lv_records.h"
#include "hv/lv_query_perf.h"

/* The events virDomainGetPerfEvents says are on. */
static void enabled_events(virDomainPtr dom, struct hv_domain *d)
{
	virTypedParameterPtr p = NULL;
	int n = 0;
	if (virDomainGetPerfEvents(dom, &p, &n, 0) < 0)
		return;
	for (int k = 0; k < n; k++) {
		if (p[k].type != VIR_TYPED_PARAM_BOOLEAN || !p[k].value.b)
			continue;
		d->perf = xrealloc(d->perf, (d->nperf + 1) * sizeof(*d->perf));
		struct hv_perf *e = &d->perf[d->nperf++];
		memset(e, 0, sizeof(*e));
		snprintf(e->event, sizeof(e->event), "%s", p[k].field);
	}
	virTypedParamsFree(p, n);
}

/* The perf group's "perf.<event>" figures onto d's enabled events. */
static void perf_record(struct hv_domain *d, const virDomainStatsRecord *r)
{
	for (int k = 0; k < r->nparams; k++) {
		const virTypedParameter *p = &r->params[k];
		if (strncmp(p->field, "perf.", 5) != 0 || p->type != VIR_TYPED_PARAM_ULLONG)
			continue;
		for (size_t e = 0; e < d->nperf; e++)
			if (strcmp(d->perf[e].event, p->field + 5) == 0) {
				d->perf[e].have_value = true;
				d->perf[e].value = p->value.ul;
			}
	}
}

static void perf_take(int slot, const virDomainStatsRecord *rec, void *arg)
{
	struct q_perf *c = arg;
	perf_record(&c->out.dom[slot], rec);
}

static int run_perf(struct call *call)
{
	struct q_perf *c = CALL_OWNER(struct q_perf, call);
	bool any = false;
	for (int i = 0; i < c->ndoms; i++) {
		struct hv_domain *d = hv_snapshot_add(&c->out);
		lv_uuid(c->doms[i], d->uuid);
		enabled_events(c->doms[i], d);
		any |= d->nperf > 0;
	}
	if (!any)
		return c->ndoms; /* no figures to ask for */
	if (lv_group_records(c->doms, c->ndoms, VIR_DOMAIN_STATS_PERF, &c->out, perf_take, c) < 0)
		return -1;
	return c->ndoms;
}

static void free_perf(struct call *call)
{
	struct q_perf *c = CALL_OWNER(struct q_perf, call);
	lv_doms_free(c->doms, c->ndoms);
	hv_snapshot_free(&c->out);
	free(c);
}

struct q_perf *q_perf_new(struct lv *lv, virDomainPtr *doms, int n)
{
	struct q_perf *c = xcalloc(1, sizeof(*c));
	call_init(&c->c, lv, run_perf, free_perf);
	c->ndoms = n;
	c->doms = lv_doms_ref(doms, n);
	return c;
}

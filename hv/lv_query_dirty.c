/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Each guest's memory dirty rate, on a call's thread.  A calculation
 * runs in QEMU for HV_DIRTYRATE_PERIOD_S; the call never waits for one:
 * it reads the last result and starts the next where the last began
 * HV_DIRTYRATE_EVERY_S ago or none ever ran, so a scrape costs the read
 * and, once a minute per guest, the start, over a read-write connection
 * opened for it (the sample's own are read-only, which libvirt refuses
 * the start). */
#include <string.h>

#include "hv/lv_map.h"
#include "hv/lv_query_dirty.h"
#include "hv/lv_records.h"

struct dirty_rec {
	int status;
	long long start, period, mbps;
	bool have_rate;
};

static void read_record(const virDomainStatsRecord *r, struct dirty_rec *x)
{
	for (int k = 0; k < r->nparams; k++) {
		const virTypedParameter *p = &r->params[k];
		long long v = p->type == VIR_TYPED_PARAM_INT ? p->value.i : p->type == VIR_TYPED_PARAM_LLONG ? p->value.l : 0;
		if (strcmp(p->field, "dirtyrate.calc_status") == 0)
			x->status = (int)v;
		else if (strcmp(p->field, "dirtyrate.calc_start_time") == 0)
			x->start = v;
		else if (strcmp(p->field, "dirtyrate.calc_period") == 0)
			x->period = v;
		else if (strcmp(p->field, "dirtyrate.megabytes_per_second") == 0)
			x->mbps = v, x->have_rate = true;
	}
}

/* The domain's record into d (its start as unix time); whether to start
 * a calculation. */
static bool take(struct hv_domain *d, const struct dirty_rec *x, double mono, double wall)
{
	double age = lv_dirty_age(x->start, mono, wall);
	if (x->status == VIR_DOMAIN_DIRTYRATE_MEASURED && x->have_rate && x->mbps >= 0) {
		double start = wall - age;
		d->dirty = (struct hv_dirtyrate){ .have = true, .mib_per_s = (uint64_t)x->mbps,
						  .start = start > 0 ? (uint64_t)(start + 0.5) : 0, .period_s = (uint64_t)x->period };
	}
	if (x->status == VIR_DOMAIN_DIRTYRATE_MEASURING)
		return false;
	return x->status == VIR_DOMAIN_DIRTYRATE_UNSTARTED || age >= HV_DIRTYRATE_EVERY_S || age < 0;
}

/* Start a calculation on each domain due, over a read-write connection
 * of its own; -1 (libvirt's error) when that connection is refused, as
 * for an exporter without the right to write.  A guest that cannot (an
 * old QEMU, a driver without it) refuses alone, the others unaffected. */
static int start_due(struct q_dirty *c, const bool *due)
{
	bool any = false;
	for (int i = 0; i < c->ndoms; i++)
		any |= due[i];
	if (!any)
		return c->ndoms;
	virConnectPtr rw = virConnectOpen(c->uri);
	if (!rw)
		return -1;
	int r = c->ndoms;
	for (int i = 0; i < c->ndoms; i++) {
		unsigned char raw[VIR_UUID_BUFLEN];
		if (!due[i] || virDomainGetUUID(c->doms[i], raw) < 0)
			continue;
		virDomainPtr d = virDomainLookupByUUID(rw, raw);
		if (d && virDomainStartDirtyRateCalc(d, HV_DIRTYRATE_PERIOD_S, 0) == 0)
			c->started++;
		else if (virGetLastErrorCode() == VIR_ERR_OPERATION_DENIED)
			r = -1;
		if (d)
			virDomainFree(d);
		if (r < 0)
			break;
	}
	virConnectClose(rw);
	return r;
}

struct dirty_pass {
	struct q_dirty *c;
	bool *due; /* by slot: a calculation to start */
};

static void dirty_take(int slot, const virDomainStatsRecord *rec, void *arg)
{
	struct dirty_pass *p = arg;
	struct dirty_rec x = { 0 };
	read_record(rec, &x);
	p->due[slot] = take(&p->c->out.dom[slot], &x, p->c->mono, p->c->wall);
}

static int run_dirty(struct call *call)
{
	struct q_dirty *c = CALL_OWNER(struct q_dirty, call);
	for (int i = 0; i < c->ndoms; i++)
		lv_uuid(c->doms[i], hv_snapshot_add(&c->out)->uuid);
	bool *due = xcalloc((size_t)c->ndoms + 1, sizeof(*due));
	struct dirty_pass pass = { c, due };
	if (lv_group_records(c->doms, c->ndoms, VIR_DOMAIN_STATS_DIRTYRATE, &c->out, dirty_take, &pass) < 0) {
		free(due);
		return -1;
	}
	int r = start_due(c, due);
	free(due);
	return r;
}

static void free_dirty(struct call *call)
{
	struct q_dirty *c = CALL_OWNER(struct q_dirty, call);
	lv_doms_free(c->doms, c->ndoms);
	free(c->uri);
	hv_snapshot_free(&c->out);
	free(c);
}

struct q_dirty *q_dirty_new(struct lv *lv, virDomainPtr *doms, int n, double mono, double wall)
{
	struct q_dirty *c = xcalloc(1, sizeof(*c));
	call_init(&c->c, lv, run_dirty, free_dirty);
	c->ndoms = n;
	c->mono = mono;
	c->wall = wall;
	c->uri = xstrdup(lv->uri);
	c->doms = lv_doms_ref(doms, n);
	return c;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What a call asks of each domain's tuning, on the call's thread: its
 * disks' I/O limits, its NUMA memory placement, the host's free memory
 * per NUMA node, and its IOThreads' polling and affinity. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/lv_records.h"
#include "hv/lv_query_tune.h"

const char *const lv_iotune_fields[HV_IOT_N] = {
	VIR_DOMAIN_BLOCK_IOTUNE_TOTAL_BYTES_SEC,
	VIR_DOMAIN_BLOCK_IOTUNE_READ_BYTES_SEC,
	VIR_DOMAIN_BLOCK_IOTUNE_WRITE_BYTES_SEC,
	VIR_DOMAIN_BLOCK_IOTUNE_TOTAL_IOPS_SEC,
	VIR_DOMAIN_BLOCK_IOTUNE_READ_IOPS_SEC,
	VIR_DOMAIN_BLOCK_IOTUNE_WRITE_IOPS_SEC,
	VIR_DOMAIN_BLOCK_IOTUNE_TOTAL_BYTES_SEC_MAX,
	VIR_DOMAIN_BLOCK_IOTUNE_READ_BYTES_SEC_MAX,
	VIR_DOMAIN_BLOCK_IOTUNE_WRITE_BYTES_SEC_MAX,
	VIR_DOMAIN_BLOCK_IOTUNE_TOTAL_IOPS_SEC_MAX,
	VIR_DOMAIN_BLOCK_IOTUNE_READ_IOPS_SEC_MAX,
	VIR_DOMAIN_BLOCK_IOTUNE_WRITE_IOPS_SEC_MAX,
	VIR_DOMAIN_BLOCK_IOTUNE_TOTAL_BYTES_SEC_MAX_LENGTH,
	VIR_DOMAIN_BLOCK_IOTUNE_READ_BYTES_SEC_MAX_LENGTH,
	VIR_DOMAIN_BLOCK_IOTUNE_WRITE_BYTES_SEC_MAX_LENGTH,
	VIR_DOMAIN_BLOCK_IOTUNE_TOTAL_IOPS_SEC_MAX_LENGTH,
	VIR_DOMAIN_BLOCK_IOTUNE_READ_IOPS_SEC_MAX_LENGTH,
	VIR_DOMAIN_BLOCK_IOTUNE_WRITE_IOPS_SEC_MAX_LENGTH,
};

/* One disk's limits into b; false when the call failed. */
static bool ask_iotune(virDomainPtr dom, struct hv_blk *b)
{
	virTypedParameter p[32];
	int n = (int)(sizeof(p) / sizeof(*p));
	memset(p, 0, sizeof(p));
	/* libvirt fills at most n parameters, those it knows first. */
	if (virDomainGetBlockIoTune(dom, b->name, p, &n, VIR_DOMAIN_AFFECT_LIVE) < 0)
		return false;
	for (int k = 0; k < HV_IOT_N; k++) {
		unsigned long long v = 0;
		b->iotune[k] = virTypedParamsGetULLong(p, n, lv_iotune_fields[k], &v) == 1 ? v : 0;
	}
	b->have_iotune = true;
	virTypedParamsClear(p, n);
	return true;
}

static int run_iotune(struct call *call)
{
	struct q_iotune *c = CALL_OWNER(struct q_iotune, call);
	for (int i = 0; i < c->ndoms; i++) {
		struct hv_domain *d = &c->out.dom[i];
		for (size_t k = 0; k < d->nblk; k++)
			if (d->blk[k].name)
				ask_iotune(c->doms[i], &d->blk[k]);
	}
	return c->ndoms;
}

static void free_iotune(struct call *call)
{
	struct q_iotune *c = CALL_OWNER(struct q_iotune, call);
	lv_doms_free(c->doms, c->ndoms);
	hv_snapshot_free(&c->out);
	free(c);
}

struct q_iotune *q_iotune_new(struct lv *lv, virDomainPtr *doms, const struct hv_domain *const *ds, int n)
{
	struct q_iotune *c = xcalloc(1, sizeof(*c));
	call_init(&c->c, lv, run_iotune, free_iotune);
	c->ndoms = n;
	c->doms = lv_doms_ref(doms, n);
	for (int i = 0; i < n; i++) {
		struct hv_domain *d = hv_snapshot_add(&c->out);
		memcpy(d->uuid, ds[i]->uuid, sizeof(d->uuid));
		d->nblk = ds[i]->nblk;
		d->blk = d->nblk ? xcalloc(d->nblk, sizeof(*d->blk)) : NULL;
		for (size_t k = 0; k < d->nblk; k++)
			d->blk[k].name = ds[i]->blk[k].name ? xstrdup(ds[i]->blk[k].name) : NULL;
	}
	return c;
}

/* The host's free memory per NUMA node; false when the call failed.  A
 * host that has no cell for the driver (the test driver's own files)
 * refuses even cell 0 as out of range: no cells, not a failure. */
static bool ask_cells(virConnectPtr conn, struct hv_host *h)
{
	unsigned long long v[HV_MAX_NUMA];
	int n = virNodeGetCellsFreeMemory(conn, v, 0, HV_MAX_NUMA);
	if (n < 0 && virGetLastErrorCode() == VIR_ERR_INVALID_ARG)
		n = 0;
	if (n < 0)
		return false;
	h->nnuma = (unsigned)n;
	for (int k = 0; k < n; k++)
		h->numa_free_bytes[k] = v[k];
	return true;
}

/* What virsh numatune calls the modes. */
static const char *numa_mode(int m)
{
	static const char *const names[] = { "strict", "preferred", "interleave", "restrictive" };
	return m >= 0 && (size_t)m < sizeof(names) / sizeof(*names) ? names[m] : "unknown";
}

/* A domain's numatune mode and nodeset into d's info labels. */
static void ask_numatune(virDomainPtr dom, struct hv_domain *d)
{
	virTypedParameterPtr p = NULL;
	int n = 0;
	if (virDomainGetNumaParameters(dom, NULL, &n, 0) < 0 || n <= 0)
		return;
	p = xcalloc((size_t)n, sizeof(*p));
	if (virDomainGetNumaParameters(dom, p, &n, 0) == 0) {
		int mode = 0;
		const char *set = NULL;
		if (virTypedParamsGetInt(p, n, VIR_DOMAIN_NUMA_MODE, &mode) == 1)
			hv_labels_add(&d->info, "numa:mode", numa_mode(mode));
		if (virTypedParamsGetString(p, n, VIR_DOMAIN_NUMA_NODESET, &set) == 1)
			hv_labels_add(&d->info, "numa:nodeset", set ? set : "");
		virTypedParamsClear(p, n);
	}
	free(p);
}

static int run_numa(struct call *call)
{
	struct q_numa *c = CALL_OWNER(struct q_numa, call);
	for (int i = 0; i < c->ndoms; i++) {
		struct hv_domain *d = hv_snapshot_add(&c->out);
		lv_uuid(c->doms[i], d->uuid);
		ask_numatune(c->doms[i], d);
	}
	/* last: its failure is the call's, described by libvirt's last error */
	return ask_cells(c->conn, &c->out.host) ? c->ndoms : -1;
}

static void free_numa(struct call *call)
{
	struct q_numa *c = CALL_OWNER(struct q_numa, call);
	lv_doms_free(c->doms, c->ndoms);
	virConnectClose(c->conn);
	hv_snapshot_free(&c->out);
	free(c);
}

struct q_numa *q_numa_new(struct lv *lv, virDomainPtr *doms, int n)
{
	struct q_numa *c = xcalloc(1, sizeof(*c));
	call_init(&c->c, lv, run_numa, free_numa);
	virConnectRef(lv->conn);
	c->conn = lv->conn;
	c->ndoms = n;
	c->doms = lv_doms_ref(doms, n);
	return c;
}

/* Domain d's IOThread of this id, added when new. */
static struct hv_iothread *iothread_of(struct hv_domain *d, unsigned id)
{
	for (size_t k = 0; k < d->niothread; k++)
		if (d->iothread[k].id == id)
			return &d->iothread[k];
	d->iothread = xrealloc(d->iothread, (d->niothread + 1) * sizeof(*d->iothread));
	struct hv_iothread *t = &d->iothread[d->niothread++];
	memset(t, 0, sizeof(*t));
	t->id = id;
	return t;
}

/* The iothread group's "iothread.<id>.poll-max-ns", -grow, -shrink. */
static void iothread_record(struct hv_domain *d, const virDomainStatsRecord *r)
{
	for (int k = 0; k < r->nparams; k++) {
		const virTypedParameter *p = &r->params[k];
		char *end;
		if (strncmp(p->field, "iothread.", 9) != 0 || p->field[9] < '0' || p->field[9] > '9')
			continue;
		unsigned long id = strtoul(p->field + 9, &end, 10);
		unsigned long long v = p->type == VIR_TYPED_PARAM_ULLONG ? p->value.ul : p->type == VIR_TYPED_PARAM_UINT ? p->value.ui : 0;
		uint64_t *to = NULL;
		struct hv_iothread *t = iothread_of(d, (unsigned)id);
		if (strcmp(end, ".poll-max-ns") == 0)
			to = &t->poll_max_ns;
		else if (strcmp(end, ".poll-grow") == 0)
			to = &t->poll_grow;
		else if (strcmp(end, ".poll-shrink") == 0)
			to = &t->poll_shrink;
		if (to) {
			*to = v;
			t->have_poll = true;
		}
	}
}

/* A CPU map as a list, "0-3,8", into out. */
static void cpulist(const unsigned char *map, int len, char *out, size_t size)
{
	size_t at = 0;
	out[0] = '\0';
	for (int c = 0; c < len * 8; c++) {
		if (!(map[c / 8] & (1u << (c % 8))))
			continue;
		int e = c;
		while (e + 1 < len * 8 && (map[(e + 1) / 8] & (1u << ((e + 1) % 8))))
			e++;
		int w = e > c ? snprintf(out + at, size - at, "%s%d-%d", at ? "," : "", c, e)
			      : snprintf(out + at, size - at, "%s%d", at ? "," : "", c);
		if (w < 0 || (size_t)w >= size - at)
			return; /* cut at the last whole range */
		at += (size_t)w;
		c = e;
	}
}

static void iothread_affinity(virDomainPtr dom, struct hv_domain *d)
{
	virDomainIOThreadInfoPtr *info = NULL;
	int n = virDomainGetIOThreadInfo(dom, &info, VIR_DOMAIN_AFFECT_LIVE);
	for (int k = 0; k < n; k++) {
		struct hv_iothread *t = iothread_of(d, info[k]->iothread_id);
		cpulist(info[k]->cpumap, info[k]->cpumaplen, t->cpus, sizeof(t->cpus));
		virDomainIOThreadInfoFree(info[k]);
	}
	free(info);
}

static void iothread_take(int slot, const virDomainStatsRecord *rec, void *arg)
{
	struct q_iothread *c = arg;
	iothread_record(&c->out.dom[slot], rec);
}

static int run_iothread(struct call *call)
{
	struct q_iothread *c = CALL_OWNER(struct q_iothread, call);
	for (int i = 0; i < c->ndoms; i++)
		lv_uuid(c->doms[i], hv_snapshot_add(&c->out)->uuid);
	if (lv_group_records(c->doms, c->ndoms, VIR_DOMAIN_STATS_IOTHREAD, &c->out, iothread_take, c) < 0)
		return -1;
	for (int i = 0; i < c->ndoms; i++)
		iothread_affinity(c->doms[i], &c->out.dom[i]);
	return c->ndoms;
}

static void free_iothread(struct call *call)
{
	struct q_iothread *c = CALL_OWNER(struct q_iothread, call);
	lv_doms_free(c->doms, c->ndoms);
	hv_snapshot_free(&c->out);
	free(c);
}

struct q_iothread *q_iothread_new(struct lv *lv, virDomainPtr *doms, int n)
{
	struct q_iothread *c = xcalloc(1, sizeof(*c));
	call_init(&c->c, lv, run_iothread, free_iothread);
	c->ndoms = n;
	c->doms = lv_doms_ref(doms, n);
	return c;
}

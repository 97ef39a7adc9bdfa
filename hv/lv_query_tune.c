/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What a call asks of each domain's tuning, on the call's thread: its
 * disks' I/O limits, its NUMA memory placement, and the host's free
 * memory per NUMA node. */
#include <string.h>

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
	for (int i = 0; i < c->ndoms; i++)
		virDomainFree(c->doms[i]);
	free(c->doms);
	hv_snapshot_free(&c->out);
	free(c);
}

/* Referenced copies of n domains. */
static virDomainPtr *ref_doms(virDomainPtr *doms, int n)
{
	virDomainPtr *v = xcalloc((size_t)n + 1, sizeof(*v));
	for (int i = 0; i < n; i++) {
		virDomainRef(doms[i]);
		v[i] = doms[i];
	}
	return v;
}

struct q_iotune *q_iotune_new(struct lv *lv, virDomainPtr *doms, const struct hv_domain *const *ds, int n)
{
	struct q_iotune *c = xcalloc(1, sizeof(*c));
	call_init(&c->c, lv, run_iotune, free_iotune);
	c->ndoms = n;
	c->doms = ref_doms(doms, n);
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
	for (int i = 0; i < c->ndoms; i++)
		virDomainFree(c->doms[i]);
	free(c->doms);
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
	c->doms = ref_doms(doms, n);
	return c;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libvirt's answers mapped onto hv_domain: the bulk records' typed
 * parameters, the per-domain calls' structs, and, for a driver whose bulk
 * answer leaves the device counters out (the test driver), the per-device
 * calls by the device names cached from each domain's XML. */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <string.h>

#include "hv/lv.h"

static enum hv_state map_state(int s)
{
	switch (s) {
	case VIR_DOMAIN_RUNNING: return HV_RUNNING;
	case VIR_DOMAIN_BLOCKED: return HV_BLOCKED;
	case VIR_DOMAIN_PAUSED: return HV_PAUSED;
	case VIR_DOMAIN_PMSUSPENDED: return HV_PAUSED;
	case VIR_DOMAIN_SHUTDOWN: return HV_SHUTDOWN;
	case VIR_DOMAIN_SHUTOFF: return HV_SHUTOFF;
	case VIR_DOMAIN_CRASHED: return HV_CRASHED;
	default: return HV_UNKNOWN;
	}
}

static uint64_t pval(const virTypedParameter *p)
{
	switch (p->type) {
	case VIR_TYPED_PARAM_INT: return p->value.i < 0 ? 0 : (uint64_t)p->value.i;
	case VIR_TYPED_PARAM_UINT: return p->value.ui;
	case VIR_TYPED_PARAM_LLONG: return p->value.l < 0 ? 0 : (uint64_t)p->value.l;
	case VIR_TYPED_PARAM_ULLONG: return p->value.ul;
	case VIR_TYPED_PARAM_DOUBLE: return p->value.d < 0 ? 0 : (uint64_t)p->value.d;
	case VIR_TYPED_PARAM_BOOLEAN: return p->value.b;
	default: return 0;
	}
}

/* "net.3.rx.bytes" -> index 3, rest "rx.bytes"; false if not that shape. */
static bool indexed(const char *field, const char *prefix, size_t *idx, const char **rest)
{
	size_t pl = strlen(prefix);
	if (strncmp(field, prefix, pl) != 0)
		return false;
	char *end;
	unsigned long v = strtoul(field + pl, &end, 10);
	if (end == field + pl || *end != '.' || v > 4096)
		return false;
	*idx = v;
	*rest = end + 1;
	return true;
}

/* arr grown to at least i + 1 elements of size el, the new ones zeroed. */
static void *grow_to(void *arr, size_t *n, size_t i, size_t el)
{
	if (i < *n)
		return arr;
	arr = xrealloc(arr, (i + 1) * el);
	memset((char *)arr + *n * el, 0, (i + 1 - *n) * el);
	*n = i + 1;
	return arr;
}

#define ensure_vcpu(d, i) ((d)->vcpu = grow_to((d)->vcpu, &(d)->nvcpu, (i), sizeof(*(d)->vcpu)))
#define ensure_net(d, i) ((d)->net = grow_to((d)->net, &(d)->nnet, (i), sizeof(*(d)->net)))
#define ensure_blk(d, i) ((d)->blk = grow_to((d)->blk, &(d)->nblk, (i), sizeof(*(d)->blk)))

void lv_fill_record(struct hv_domain *d, const virDomainStatsRecord *rec)
{
	for (int i = 0; i < rec->nparams; i++) {
		const virTypedParameter *p = &rec->params[i];
		const char *f = p->field, *rest;
		size_t idx;
		if (strcmp(f, "state.state") == 0) {
			d->state = map_state((int)pval(p));
		} else if (strcmp(f, "cpu.time") == 0) {
			d->cpu_ns = pval(p);
			d->have |= HV_HAVE_CPU;
		} else if (strcmp(f, "balloon.current") == 0) {
			d->mem_kib = pval(p);
			d->have |= HV_HAVE_MEM;
		} else if (strcmp(f, "balloon.maximum") == 0) {
			d->maxmem_kib = pval(p);
		} else if (strcmp(f, "balloon.rss") == 0) {
			d->rss_kib = pval(p);
		} else if (strcmp(f, "vcpu.current") == 0) {
			d->vcpus_online = (unsigned)pval(p);
			d->have |= HV_HAVE_VCPU;
		} else if (strcmp(f, "vcpu.maximum") == 0) {
			d->vcpus_max = (unsigned)pval(p);
		} else if (indexed(f, "vcpu.", &idx, &rest)) {
			ensure_vcpu(d, idx);
			if (strcmp(rest, "state") == 0) {
				int s = (int)pval(p);
				d->vcpu[idx].state = s == VIR_VCPU_RUNNING ? 1 : s == VIR_VCPU_BLOCKED ? 2 : 0;
				d->vcpu[idx].online = s != VIR_VCPU_OFFLINE;
			} else if (strcmp(rest, "time") == 0) {
				d->vcpu[idx].time_ns = pval(p);
			}
		} else if (strcmp(f, "net.count") == 0) {
			d->have |= HV_HAVE_NET;
		} else if (indexed(f, "net.", &idx, &rest)) {
			ensure_net(d, idx);
			struct hv_net *n = &d->net[idx];
			if (strcmp(rest, "name") == 0 && p->type == VIR_TYPED_PARAM_STRING) {
				free(n->name);
				n->name = xstrdup(p->value.s);
			} else if (strcmp(rest, "rx.bytes") == 0) n->rx_bytes = pval(p);
			else if (strcmp(rest, "rx.pkts") == 0) n->rx_pkts = pval(p);
			else if (strcmp(rest, "rx.errs") == 0) n->rx_errs = pval(p);
			else if (strcmp(rest, "rx.drop") == 0) n->rx_drop = pval(p);
			else if (strcmp(rest, "tx.bytes") == 0) n->tx_bytes = pval(p);
			else if (strcmp(rest, "tx.pkts") == 0) n->tx_pkts = pval(p);
			else if (strcmp(rest, "tx.errs") == 0) n->tx_errs = pval(p);
			else if (strcmp(rest, "tx.drop") == 0) n->tx_drop = pval(p);
		} else if (strcmp(f, "block.count") == 0) {
			d->have |= HV_HAVE_BLK;
		} else if (indexed(f, "block.", &idx, &rest)) {
			ensure_blk(d, idx);
			struct hv_blk *b = &d->blk[idx];
			if (strcmp(rest, "name") == 0 && p->type == VIR_TYPED_PARAM_STRING) {
				free(b->name);
				b->name = xstrdup(p->value.s);
			} else if (strcmp(rest, "rd.reqs") == 0) b->rd_reqs = pval(p);
			else if (strcmp(rest, "rd.bytes") == 0) b->rd_bytes = pval(p);
			else if (strcmp(rest, "wr.reqs") == 0) b->wr_reqs = pval(p);
			else if (strcmp(rest, "wr.bytes") == 0) b->wr_bytes = pval(p);
		}
	}
	if (d->nvcpu && !d->vcpus_max)
		d->vcpus_max = (unsigned)d->nvcpu;
}

/* The per-domain answers of a call; the bulk record's figures stay where
 * it had them (a driver that fills cpu.time keeps its own). */
void lv_fill_per_dom(struct hv_domain *d, const struct per_dom *x)
{
	if (!x || !x->info_ok)
		return;
	if (!(d->have & HV_HAVE_CPU)) {
		d->cpu_ns = x->info.cpuTime;
		d->have |= HV_HAVE_CPU;
	}
	if (!(d->have & HV_HAVE_MEM)) {
		d->mem_kib = x->info.memory;
		d->have |= HV_HAVE_MEM;
	}
	if (!d->maxmem_kib)
		d->maxmem_kib = x->info.maxMem;
	if (d->state == HV_UNKNOWN)
		d->state = map_state(x->info.state);
	if (!(d->have & HV_HAVE_VCPU) && x->nvcpu > 0) {
		ensure_vcpu(d, (size_t)x->nvcpu - 1);
		for (int i = 0; i < x->nvcpu; i++) {
			d->vcpu[i].time_ns = x->vcpu[i].cpuTime;
			d->vcpu[i].state = x->vcpu[i].state == VIR_VCPU_RUNNING ? 1 : x->vcpu[i].state == VIR_VCPU_BLOCKED ? 2 : 0;
			d->vcpu[i].online = x->vcpu[i].state != VIR_VCPU_OFFLINE;
		}
		d->vcpus_online = (unsigned)x->nvcpu;
		d->have |= HV_HAVE_VCPU;
	} else if (!(d->have & HV_HAVE_VCPU) && !d->vcpus_online) {
		d->vcpus_online = x->info.nrVirtCpu; /* no per-vCPU figures to be had */
	}
	if (!d->vcpus_max)
		d->vcpus_max = x->maxvcpus > 0 ? (unsigned)x->maxvcpus : x->info.nrVirtCpu;
	if (d->vcpus_max < d->vcpus_online)
		d->vcpus_max = d->vcpus_online;
}

static int dc_cmp(const char *uuid, int id, const struct devcache *dc)
{
	int c = strcmp(uuid, dc->uuid);
	return c ? c : (id > dc->id) - (id < dc->id);
}

/* The cache is sorted by (uuid, id): every domain is looked up every
 * sample.  The entry of d, or NULL with *at where it would go. */
static struct devcache *dc_find(const struct lv *lv, const struct hv_domain *d, size_t *at)
{
	size_t lo = 0, hi = lv->ndc;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = dc_cmp(d->uuid, d->id, &lv->dc[mid]);
		if (c == 0)
			return &lv->dc[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	if (at)
		*at = lo;
	return NULL;
}

/* The target names of dom's disks and interfaces, from its XML. */
static void read_device_names(virDomainPtr dom, struct devcache *dc)
{
	char *xml = virDomainGetXMLDesc(dom, 0);
	if (!xml)
		return;
	xmlDoc *doc = xmlReadMemory(xml, (int)strlen(xml), "domain.xml", NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	free(xml);
	xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
	for (xmlNode *devs = root ? root->children : NULL; devs; devs = devs->next) {
		if (devs->type != XML_ELEMENT_NODE || strcmp((const char *)devs->name, "devices") != 0)
			continue;
		for (xmlNode *dev = devs->children; dev; dev = dev->next) {
			if (dev->type != XML_ELEMENT_NODE)
				continue;
			bool disk = strcmp((const char *)dev->name, "disk") == 0, nic = strcmp((const char *)dev->name, "interface") == 0;
			if (!disk && !nic)
				continue;
			for (xmlNode *t = dev->children; t; t = t->next) {
				if (t->type != XML_ELEMENT_NODE || strcmp((const char *)t->name, "target") != 0)
					continue;
				xmlChar *tdev = xmlGetProp(t, (const xmlChar *)"dev");
				if (tdev)
					strv_push(disk ? &dc->disks : &dc->nets, (const char *)tdev);
				xmlFree(tdev);
			}
		}
	}
	xmlFreeDoc(doc);
}

/* The entry of d, at position pos of the sample, read from its XML when
 * new (which moves the entries after it). */
static struct devcache *devices_of(struct lv *lv, virDomainPtr dom, const struct hv_domain *d, size_t pos)
{
	if (pos < lv->ndc_at && lv->dc_at[pos] < lv->ndc && dc_cmp(d->uuid, d->id, &lv->dc[lv->dc_at[pos]]) == 0)
		return &lv->dc[lv->dc_at[pos]];
	if (pos >= lv->ndc_at)
		lv->dc_at = grow_to(lv->dc_at, &lv->ndc_at, pos, sizeof(*lv->dc_at));
	size_t lo = 0;
	struct devcache *found = dc_find(lv, d, &lo);
	if (found) {
		lv->dc_at[pos] = (size_t)(found - lv->dc);
		return found;
	}
	lv->dc_at[pos] = lo;
	lv->dc = xrealloc(lv->dc, (lv->ndc + 1) * sizeof(*lv->dc));
	memmove(&lv->dc[lo + 1], &lv->dc[lo], (lv->ndc - lo) * sizeof(*lv->dc));
	lv->ndc++;
	struct devcache *dc = &lv->dc[lo];
	memset(dc, 0, sizeof(*dc));
	snprintf(dc->uuid, sizeof(dc->uuid), "%s", d->uuid);
	dc->id = d->id;
	read_device_names(dom, dc);
	return dc;
}

/* The device counters the call left out, from each device's own call,
 * by the names in dc. */
static void fill_devices(const struct devcache *dc, virDomainPtr dom, struct hv_domain *d)
{
	if (!(d->have & HV_HAVE_NET)) {
		for (size_t i = 0; i < dc->nets.n; i++) {
			virDomainInterfaceStatsStruct st;
			if (virDomainInterfaceStats(dom, dc->nets.v[i], &st, sizeof(st)) < 0)
				continue;
			ensure_net(d, d->nnet);
			struct hv_net *n = &d->net[d->nnet - 1];
			n->name = xstrdup(dc->nets.v[i]);
			n->rx_bytes = st.rx_bytes < 0 ? 0 : (uint64_t)st.rx_bytes;
			n->rx_pkts = st.rx_packets < 0 ? 0 : (uint64_t)st.rx_packets;
			n->rx_errs = st.rx_errs < 0 ? 0 : (uint64_t)st.rx_errs;
			n->rx_drop = st.rx_drop < 0 ? 0 : (uint64_t)st.rx_drop;
			n->tx_bytes = st.tx_bytes < 0 ? 0 : (uint64_t)st.tx_bytes;
			n->tx_pkts = st.tx_packets < 0 ? 0 : (uint64_t)st.tx_packets;
			n->tx_errs = st.tx_errs < 0 ? 0 : (uint64_t)st.tx_errs;
			n->tx_drop = st.tx_drop < 0 ? 0 : (uint64_t)st.tx_drop;
		}
		d->have |= HV_HAVE_NET;
	}
	if (!(d->have & HV_HAVE_BLK)) {
		for (size_t i = 0; i < dc->disks.n; i++) {
			virDomainBlockStatsStruct st;
			if (virDomainBlockStats(dom, dc->disks.v[i], &st, sizeof(st)) < 0)
				continue;
			ensure_blk(d, d->nblk);
			struct hv_blk *b = &d->blk[d->nblk - 1];
			b->name = xstrdup(dc->disks.v[i]);
			b->rd_reqs = st.rd_req < 0 ? 0 : (uint64_t)st.rd_req;
			b->rd_bytes = st.rd_bytes < 0 ? 0 : (uint64_t)st.rd_bytes;
			b->wr_reqs = st.wr_req < 0 ? 0 : (uint64_t)st.wr_req;
			b->wr_bytes = st.wr_bytes < 0 ? 0 : (uint64_t)st.wr_bytes;
		}
		d->have |= HV_HAVE_BLK;
	}
}

/* What the call left out of CPU, memory and vCPUs (its per-domain calls
 * failed), from per-domain calls; and the counters of the devices of a
 * domain whose device counters it left out (a driver without them in its
 * bulk statistics, as the test driver), by the device names read once.
 * pos: d's position in the sample. */
void lv_fill_fallback(struct lv *lv, virDomainPtr dom, struct hv_domain *d, size_t pos)
{
	const unsigned core = HV_HAVE_CPU | HV_HAVE_MEM | HV_HAVE_VCPU;
	if ((d->have & core) != core) {
		struct per_dom x;
		lv_ask_domain(dom, NULL, 0, &x);
		lv_fill_per_dom(d, &x);
		free(x.vcpu);
	}
	if (!(d->have & HV_HAVE_NET && d->have & HV_HAVE_BLK))
		fill_devices(devices_of(lv, dom, d, pos), dom, d);
}

void lv_copy_last(const struct lv *lv, struct hv_domain *d)
{
	for (size_t i = 0; i < lv->last.ndom; i++) {
		const struct hv_domain *p = &lv->last.dom[i];
		if (strcmp(p->uuid, d->uuid) != 0)
			continue;
		struct hv_snapshot tmp = { 0 };
		tmp.dom = (struct hv_domain *)p;
		tmp.ndom = 1;
		struct hv_snapshot one = { 0 };
		hv_snapshot_copy(&one, &tmp);
		char *name = d->name;
		int id = d->id;
		*d = one.dom[0];
		free(one.dom);
		free(d->name);
		d->name = name;
		d->id = id;
		return;
	}
}

/* A field of virNodeGetMemoryStats or virNodeGetCPUStats (two structs of
 * one shape) by name. */
#define NODE_PARAM(v, n, name, out)                                \
	({                                                         \
		bool found_ = false;                               \
		for (int i_ = 0; i_ < (n) && !found_; i_++)        \
			if (strcmp((v)[i_].field, (name)) == 0) {  \
				*(out) = (v)[i_].value;            \
				found_ = true;                     \
			}                                          \
		found_;                                            \
	})

void lv_node_figures(virConnectPtr conn, struct hv_host *h)
{
	/* The node's own meminfo: virNodeGetInfo's memory can differ from it
	 * (it is what libvirt counts for guests, e.g. one NUMA node's or a
	 * container's share). */
	virNodeMemoryStats mem[8];
	int nm = VIR_NODE_MEMORY_STATS_ALL_CELLS, nparams = 0;
	unsigned long long v;
	if (virNodeGetMemoryStats(conn, nm, NULL, &nparams, 0) == 0 && nparams > 0 && nparams <= 8 &&
	    virNodeGetMemoryStats(conn, nm, mem, &nparams, 0) == 0) {
		if (NODE_PARAM(mem, nparams, VIR_NODE_MEMORY_STATS_TOTAL, &v))
			h->mem_total_kib = v;
		if (NODE_PARAM(mem, nparams, VIR_NODE_MEMORY_STATS_FREE, &v))
			h->mem_free_kib = v;
		if (NODE_PARAM(mem, nparams, VIR_NODE_MEMORY_STATS_BUFFERS, &v))
			h->mem_buffers_kib = v;
		if (NODE_PARAM(mem, nparams, VIR_NODE_MEMORY_STATS_CACHED, &v))
			h->mem_cached_kib = v;
	} else {
		/* Drivers without it (the test driver): the free memory alone. */
		h->mem_free_kib = virNodeGetFreeMemory(conn) / 1024;
	}
	virNodeCPUStats cpu[8];
	nparams = 0;
	if (virNodeGetCPUStats(conn, VIR_NODE_CPU_STATS_ALL_CPUS, NULL, &nparams, 0) == 0 && nparams > 0 && nparams <= 8 &&
	    virNodeGetCPUStats(conn, VIR_NODE_CPU_STATS_ALL_CPUS, cpu, &nparams, 0) == 0) {
		bool ok = NODE_PARAM(cpu, nparams, VIR_NODE_CPU_STATS_USER, &v);
		h->cpu_user_ns = ok ? v : 0;
		h->cpu_system_ns = NODE_PARAM(cpu, nparams, VIR_NODE_CPU_STATS_KERNEL, &v) ? v : 0;
		h->cpu_idle_ns = NODE_PARAM(cpu, nparams, VIR_NODE_CPU_STATS_IDLE, &v) ? v : 0;
		h->cpu_iowait_ns = NODE_PARAM(cpu, nparams, VIR_NODE_CPU_STATS_IOWAIT, &v) ? v : 0;
		h->have_cpu_time = ok;
	}
}

void lv_devcache_clear(struct lv *lv)
{
	for (size_t i = 0; i < lv->ndc; i++) {
		strv_free(&lv->dc[i].disks);
		strv_free(&lv->dc[i].nets);
	}
	free(lv->dc);
	lv->dc = NULL;
	lv->ndc = 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libvirt's answers mapped onto hv_domain, with no libvirt calls (so it
 * can be tested on canned records): the bulk records' typed parameters,
 * the per-domain calls' structs, the per-device counters, what a domain's
 * XML says (the device cache's entries), and which domains are defined. */
#include <string.h>

#include "hv/lv_map.h"

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

/* Why a domain is in its state, as virsh domstate --reason words it. */
static const char *reason_name(int state, int reason)
{
	static const char *const running[] = { "unknown", "booted", "migrated", "restored", "from snapshot", "unpaused",
					       "migration canceled", "save canceled", "wakeup", "crashed", "post-copy",
					       "post-copy failed" };
	static const char *const paused[] = { "unknown", "user", "migrating", "saving", "dumping", "I/O error", "watchdog",
					      "from snapshot", "shutting down", "creating snapshot", "crashed", "starting up",
					      "post-copy", "post-copy failed", "api error" };
	static const char *const shutoff[] = { "unknown", "shutdown", "destroyed", "crashed", "migrated", "saved",
					       "failed", "from snapshot", "daemon" };
	static const char *const blocked[] = { "unknown" };
	static const char *const shutdown[] = { "unknown", "user" };
	static const char *const crashed[] = { "unknown", "panicked" };
	static const char *const pmsuspended[] = { "unknown" };
#define PICK(t) (reason >= 0 && (size_t)reason < sizeof(t) / sizeof(*(t)) ? (t)[reason] : "unknown")
	switch (state) {
	case VIR_DOMAIN_RUNNING: return PICK(running);
	case VIR_DOMAIN_BLOCKED: return PICK(blocked);
	case VIR_DOMAIN_PAUSED: return PICK(paused);
	case VIR_DOMAIN_SHUTDOWN: return PICK(shutdown);
	case VIR_DOMAIN_SHUTOFF: return PICK(shutoff);
	case VIR_DOMAIN_CRASHED: return PICK(crashed);
	case VIR_DOMAIN_PMSUSPENDED: return PICK(pmsuspended);
	default: return "unknown";
	}
#undef PICK
}

/* balloon.*: the balloon driver's view of the guest's memory, in KiB. */
static void fill_balloon(struct hv_domain *d, const char *rest, uint64_t v)
{
	struct hv_balloon *b = &d->balloon;
	static const struct {
		const char *field;
		unsigned bit;
		size_t off;
	} map[] = {
		{ "unused", HV_BAL_UNUSED, offsetof(struct hv_balloon, unused_kib) },
		{ "available", HV_BAL_AVAILABLE, offsetof(struct hv_balloon, available_kib) },
		{ "usable", HV_BAL_USABLE, offsetof(struct hv_balloon, usable_kib) },
		{ "disk_caches", HV_BAL_DISK_CACHES, offsetof(struct hv_balloon, disk_caches_kib) },
		{ "swap_in", HV_BAL_SWAP_IN, offsetof(struct hv_balloon, swap_in_kib) },
		{ "swap_out", HV_BAL_SWAP_OUT, offsetof(struct hv_balloon, swap_out_kib) },
		{ "major_fault", HV_BAL_MAJOR, offsetof(struct hv_balloon, major_faults) },
		{ "minor_fault", HV_BAL_MINOR, offsetof(struct hv_balloon, minor_faults) },
		{ "last-update", HV_BAL_LAST_UPDATE, offsetof(struct hv_balloon, last_update) },
	};
	if (strcmp(rest, "current") == 0) {
		d->mem_kib = v;
		d->have |= HV_HAVE_MEM;
	} else if (strcmp(rest, "maximum") == 0) {
		d->maxmem_kib = v;
	} else if (strcmp(rest, "rss") == 0) {
		d->rss_kib = v;
	} else {
		for (size_t i = 0; i < sizeof(map) / sizeof(*map); i++)
			if (strcmp(rest, map[i].field) == 0) {
				*(uint64_t *)((char *)b + map[i].off) = v;
				b->have |= map[i].bit;
			}
	}
}

/* vcpu.N.*: state, time, and (the vcpu group) wait and delay. */
static void fill_vcpu(struct hv_domain *d, size_t idx, const char *rest, const virTypedParameter *p)
{
	ensure_vcpu(d, idx);
	struct hv_vcpu *c = &d->vcpu[idx];
	if (strcmp(rest, "state") == 0) {
		int s = (int)pval(p);
		c->state = s == VIR_VCPU_RUNNING ? 1 : s == VIR_VCPU_BLOCKED ? 2 : 0;
		c->online = s != VIR_VCPU_OFFLINE;
	} else if (strcmp(rest, "time") == 0) {
		c->time_ns = pval(p);
	} else if (strcmp(rest, "wait") == 0) {
		c->wait_ns = pval(p);
		c->have_wait = true;
	} else if (strcmp(rest, "delay") == 0) {
		c->delay_ns = pval(p);
		c->have_wait = true;
	}
}

static void fill_net(struct hv_domain *d, size_t idx, const char *rest, const virTypedParameter *p)
{
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
}

static void fill_blk(struct hv_domain *d, size_t idx, const char *rest, const virTypedParameter *p)
{
	ensure_blk(d, idx);
	struct hv_blk *b = &d->blk[idx];
	uint64_t v = pval(p);
	if (strcmp(rest, "name") == 0 && p->type == VIR_TYPED_PARAM_STRING) {
		free(b->name);
		b->name = xstrdup(p->value.s);
	} else if (strcmp(rest, "rd.reqs") == 0) b->rd_reqs = v;
	else if (strcmp(rest, "rd.bytes") == 0) b->rd_bytes = v;
	else if (strcmp(rest, "wr.reqs") == 0) b->wr_reqs = v;
	else if (strcmp(rest, "wr.bytes") == 0) b->wr_bytes = v;
	else if (strcmp(rest, "rd.times") == 0) b->rd_ns = v, b->have_times = true;
	else if (strcmp(rest, "wr.times") == 0) b->wr_ns = v, b->have_times = true;
	else if (strcmp(rest, "fl.reqs") == 0) b->fl_reqs = v, b->have_times = true;
	else if (strcmp(rest, "fl.times") == 0) b->fl_ns = v, b->have_times = true;
	else if (strcmp(rest, "capacity") == 0) b->capacity = v, b->have_sizes = true;
	else if (strcmp(rest, "allocation") == 0) b->allocation = v, b->have_sizes = true;
	else if (strcmp(rest, "physical") == 0) b->physical = v, b->have_sizes = true;
}

void lv_fill_record(struct hv_domain *d, const virDomainStatsRecord *rec)
{
	int state = -1;
	for (int i = 0; i < rec->nparams; i++) {
		const virTypedParameter *p = &rec->params[i];
		const char *f = p->field, *rest;
		size_t idx;
		if (strcmp(f, "state.state") == 0) {
			state = (int)pval(p);
			d->state = map_state(state);
		} else if (strcmp(f, "state.reason") == 0) {
			d->reason = reason_name(state, (int)pval(p)); /* libvirt gives the state first */
		} else if (strcmp(f, "cpu.time") == 0) {
			d->cpu_ns = pval(p);
			d->have |= HV_HAVE_CPU;
		} else if (str_starts(f, "balloon.")) {
			fill_balloon(d, f + 8, pval(p));
		} else if (strcmp(f, "vcpu.current") == 0) {
			d->vcpus_online = (unsigned)pval(p);
			d->have |= HV_HAVE_VCPU;
		} else if (strcmp(f, "vcpu.maximum") == 0) {
			d->vcpus_max = (unsigned)pval(p);
		} else if (indexed(f, "vcpu.", &idx, &rest)) {
			fill_vcpu(d, idx, rest, p);
		} else if (strcmp(f, "net.count") == 0) {
			d->have |= HV_HAVE_NET;
		} else if (indexed(f, "net.", &idx, &rest)) {
			fill_net(d, idx, rest, p);
		} else if (strcmp(f, "block.count") == 0) {
			d->have |= HV_HAVE_BLK;
		} else if (indexed(f, "block.", &idx, &rest)) {
			fill_blk(d, idx, rest, p);
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
	for (int i = 0; i < x->nvcpu; i++) {
		unsigned n = x->vcpu[i].number;
		if (n < d->nvcpu && x->vcpu[i].cpu >= 0) {
			d->vcpu[n].pcpu = (unsigned)x->vcpu[i].cpu;
			d->vcpu[n].have_pcpu = true;
		}
	}
	if (!d->vcpus_max)
		d->vcpus_max = x->maxvcpus > 0 ? (unsigned)x->maxvcpus : x->info.nrVirtCpu;
	if (d->vcpus_max < d->vcpus_online)
		d->vcpus_max = d->vcpus_online;
}

/* The device counters a driver's records left out, from each device's
 * own call. */
void lv_fill_devices(struct hv_domain *d, const struct dev_stats *s)
{
	if (s->nets_asked && !(d->have & HV_HAVE_NET)) {
		for (size_t i = 0; i < s->nets.n; i++) {
			const virDomainInterfaceStatsStruct *st = &s->net[i];
			if (!s->net_ok[i])
				continue;
			ensure_net(d, d->nnet);
			struct hv_net *n = &d->net[d->nnet - 1];
			n->name = xstrdup(s->nets.v[i]);
			n->rx_bytes = st->rx_bytes < 0 ? 0 : (uint64_t)st->rx_bytes;
			n->rx_pkts = st->rx_packets < 0 ? 0 : (uint64_t)st->rx_packets;
			n->rx_errs = st->rx_errs < 0 ? 0 : (uint64_t)st->rx_errs;
			n->rx_drop = st->rx_drop < 0 ? 0 : (uint64_t)st->rx_drop;
			n->tx_bytes = st->tx_bytes < 0 ? 0 : (uint64_t)st->tx_bytes;
			n->tx_pkts = st->tx_packets < 0 ? 0 : (uint64_t)st->tx_packets;
			n->tx_errs = st->tx_errs < 0 ? 0 : (uint64_t)st->tx_errs;
			n->tx_drop = st->tx_drop < 0 ? 0 : (uint64_t)st->tx_drop;
		}
		d->have |= HV_HAVE_NET;
	}
	if (s->disks_asked && !(d->have & HV_HAVE_BLK)) {
		for (size_t i = 0; i < s->disks.n; i++) {
			const virDomainBlockStatsStruct *st = &s->blk[i];
			if (!s->blk_ok[i])
				continue;
			ensure_blk(d, d->nblk);
			struct hv_blk *b = &d->blk[d->nblk - 1];
			b->name = xstrdup(s->disks.v[i]);
			b->rd_reqs = st->rd_req < 0 ? 0 : (uint64_t)st->rd_req;
			b->rd_bytes = st->rd_bytes < 0 ? 0 : (uint64_t)st->rd_bytes;
			b->wr_reqs = st->wr_req < 0 ? 0 : (uint64_t)st->wr_req;
			b->wr_bytes = st->wr_bytes < 0 ? 0 : (uint64_t)st->wr_bytes;
		}
		d->have |= HV_HAVE_BLK;
	}
}

void lv_copy_last(const struct hv_snapshot *last, struct hv_domain *d)
{
	for (size_t i = 0; i < last->ndom; i++) {
		const struct hv_domain *p = &last->dom[i];
		if (strcmp(p->uuid, d->uuid) != 0)
			continue;
		struct hv_snapshot tmp = { 0 };
		tmp.dom = (struct hv_domain *)p;
		tmp.ndom = 1;
		struct hv_snapshot one = { 0 };
		hv_snapshot_copy(&one, &tmp);
		/* What d had (a record's figures) is dropped, its name kept. */
		struct hv_snapshot was = { .dom = xcalloc(1, sizeof(*d)), .ndom = 1 };
		was.dom[0] = *d;
		was.dom[0].name = NULL;
		char *name = d->name;
		int id = d->id;
		*d = one.dom[0];
		free(one.dom);
		free(d->name);
		d->name = name;
		d->id = id;
		hv_snapshot_free(&was);
		return;
	}
}


static void copy_labels(struct hv_labels *dst, const struct hv_labels *src)
{
	hv_labels_free(dst);
	for (size_t i = 0; i < src->n; i++)
		hv_labels_add(dst, src->v[2 * i], src->v[2 * i + 1]);
}

void lv_fill_info(struct hv_domain *d, const struct lv_dev *dc)
{
	copy_labels(&d->info, &dc->info);
	d->guest_type = hv_guest_type(hv_labels_get(&dc->info, "os_type"));
	for (size_t i = 0; i < d->nnet; i++)
		for (size_t k = 0; d->net[i].name && k < dc->nets.n; k++)
			if (strcmp(d->net[i].name, dc->nets.v[k]) == 0)
				copy_labels(&d->net[i].info, &dc->net_info[k]);
	for (size_t i = 0; i < d->nblk; i++)
		for (size_t k = 0; d->blk[i].name && k < dc->disks.n; k++)
			if (strcmp(d->blk[i].name, dc->disks.v[k]) == 0)
				copy_labels(&d->blk[i].info, &dc->disk_info[k]);
}

void lv_fill_persistence(struct hv_snapshot *snap, const size_t *slot, int n, const struct strv *transient)
{
	for (int i = 0; i < n; i++) {
		struct hv_domain *d = &snap->dom[slot[i]];
		if (!d->uuid[0])
			continue;
		d->persistent = !strv_contains(transient, d->uuid);
		d->have |= HV_HAVE_PERSISTENT;
	}
}

double lv_dirty_age(long long start, double mono, double wall)
{
	return start > 1000000000LL ? wall - (double)start : mono - (double)start;
}

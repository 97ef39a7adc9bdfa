/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The per-device families: each a row saying which device, which figure
 * and when a device has it; one writer for them all. */
#include "exporter/devices.h"

#include <stdint.h>

#include "hv/hv.h"

enum dev_kind { DEV_NET, DEV_BLK };

/* Which devices have the figure.  A family of devices that always have it
 * is written whole; a family of those that may not is left out when none
 * has it, except Xen's out-of-requests, whose family is always there. */
enum dev_when {
	DEV_ALWAYS,
	DEV_OO,    /* the domain has HV_HAVE_OO */
	DEV_TIMES, /* the block device has have_times */
	DEV_SIZES, /* the block device has have_sizes */
};

struct dev_family {
	const char *name, *type, *help;
	enum dev_kind kind;
	size_t off; /* of the uint64_t figure in struct hv_net or struct hv_blk */
	enum dev_when when;
	bool ns; /* nanoseconds, shown as seconds */
};

#define NET(name, member, help) { name, "counter", help, DEV_NET, offsetof(struct hv_net, member), DEV_ALWAYS, false }
#define BLK(name, type, member, help, when, ns) { name, type, help, DEV_BLK, offsetof(struct hv_blk, member), when, ns }

static const struct dev_family dev_families[] = {
	NET("hvscope_domain_network_receive_bytes_total", rx_bytes, "Bytes received by an interface."),
	NET("hvscope_domain_network_receive_packets_total", rx_pkts, "Packets received by an interface."),
	NET("hvscope_domain_network_receive_errors_total", rx_errs, "Receive errors of an interface."),
	NET("hvscope_domain_network_receive_drops_total", rx_drop, "Received packets dropped by an interface."),
	NET("hvscope_domain_network_transmit_bytes_total", tx_bytes, "Bytes sent by an interface."),
	NET("hvscope_domain_network_transmit_packets_total", tx_pkts, "Packets sent by an interface."),
	NET("hvscope_domain_network_transmit_errors_total", tx_errs, "Transmit errors of an interface."),
	NET("hvscope_domain_network_transmit_drops_total", tx_drop, "Packets dropped on transmit by an interface."),
	BLK("hvscope_domain_block_read_requests_total", "counter", rd_reqs, "Read requests of a block device.", DEV_ALWAYS, false),
	BLK("hvscope_domain_block_read_bytes_total", "counter", rd_bytes, "Bytes read from a block device.", DEV_ALWAYS, false),
	BLK("hvscope_domain_block_write_requests_total", "counter", wr_reqs, "Write requests of a block device.", DEV_ALWAYS, false),
	BLK("hvscope_domain_block_write_bytes_total", "counter", wr_bytes, "Bytes written to a block device.", DEV_ALWAYS, false),
	BLK("hvscope_domain_block_oo_requests_total", "counter", oo_reqs, "Requests that found the ring full (Xen's VBD_OO).", DEV_OO,
	    false),
	BLK("hvscope_domain_block_read_seconds_total", "counter", rd_ns, "Time spent reading from a block device.", DEV_TIMES, true),
	BLK("hvscope_domain_block_write_seconds_total", "counter", wr_ns, "Time spent writing to a block device.", DEV_TIMES, true),
	BLK("hvscope_domain_block_flush_requests_total", "counter", fl_reqs, "Flush requests of a block device.", DEV_TIMES, false),
	BLK("hvscope_domain_block_flush_seconds_total", "counter", fl_ns, "Time spent flushing a block device.", DEV_TIMES, true),
	BLK("hvscope_domain_block_capacity_bytes", "gauge", capacity, "Size of a block device as the guest sees it.", DEV_SIZES, false),
	BLK("hvscope_domain_block_allocation_bytes", "gauge", allocation,
	    "Highest offset written in a block device's image (its fill level).", DEV_SIZES, false),
	BLK("hvscope_domain_block_physical_bytes", "gauge", physical, "Size of a block device's image on the host.", DEV_SIZES, false),
};
#define NDEV_FAMILIES (sizeof(dev_families) / sizeof(*dev_families))

size_t devices_families(void)
{
	return NDEV_FAMILIES;
}

static size_t dev_count(const struct hv_domain *d, enum dev_kind kind)
{
	return kind == DEV_NET ? d->nnet : d->nblk;
}

/* Device k of domain d: the start of its struct, and its name. */
static const char *dev_at(const struct hv_domain *d, enum dev_kind kind, size_t k, const char **name)
{
	if (kind == DEV_NET) {
		*name = d->net[k].name;
		return (const char *)&d->net[k];
	}
	*name = d->blk[k].name;
	return (const char *)&d->blk[k];
}

static bool dev_has(const struct dev_family *f, const struct hv_domain *d, size_t k)
{
	switch (f->when) {
	case DEV_OO: return d->have & HV_HAVE_OO;
	case DEV_TIMES: return d->blk[k].have_times;
	case DEV_SIZES: return d->blk[k].have_sizes;
	case DEV_ALWAYS: break;
	}
	return true;
}

/* Whether the family is written: always, but for the figures a device may
 * lack, which need one device with them. */
static bool family_shown(const struct dev_family *f, const struct hv_snapshot *s)
{
	if (f->when != DEV_TIMES && f->when != DEV_SIZES)
		return true;
	for (size_t i = 0; i < s->ndom; i++)
		for (size_t k = 0; k < dev_count(&s->dom[i], f->kind); k++)
			if (dev_has(f, &s->dom[i], k))
				return true;
	return false;
}

void devices_write(const struct series_ctx *c, size_t idx, struct buf *o)
{
	const struct dev_family *f = &dev_families[idx];
	const struct hv_snapshot *s = c->s;
	if (!family_shown(f, s))
		return;
	domain_family(o, c, f->name, f->type, f->help,
		      total(s, f->kind == DEV_NET ? offsetof(struct hv_domain, nnet) : offsetof(struct hv_domain, nblk)));
	for (size_t i = 0; i < s->ndom; i++)
		for (size_t k = 0; k < dev_count(&s->dom[i], f->kind); k++) {
			if (!dev_has(f, &s->dom[i], k))
				continue;
			const char *name;
			uint64_t v = *(const uint64_t *)(dev_at(&s->dom[i], f->kind, k, &name) + f->off);
			if (f->ns)
				series_ns(o, f->name, c->l, i, "device", name ? name : "", v);
			else
				series_u64(o, f->name, c->l, i, "device", name ? name : "", v);
		}
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The families of the tuning collectors: each block device's I/O limits
 * as libvirt's blkdeviotune gives them, the host's free memory per NUMA
 * node, each domain's NUMA memory placement, and its IOThreads.  A family whose figures
 * nothing has is left out whole. */
#include "exporter/fam_tune.h"

#include <stddef.h>

#include "core/escape.h"

/* The six families of hv_blk.iotune, each three series a device. */
static const struct {
	const char *name, *help;
} iot_families[HV_IOT_GROUPS] = {
	{ "hvscope_domain_block_limit_bytes_per_second", "A block device's I/O limit in bytes per second (0: none)." },
	{ "hvscope_domain_block_limit_requests_per_second", "A block device's I/O limit in requests per second (0: none)." },
	{ "hvscope_domain_block_limit_burst_bytes_per_second",
	  "A block device's burst limit in bytes per second, allowed for a while above the limit (0: none)." },
	{ "hvscope_domain_block_limit_burst_requests_per_second",
	  "A block device's burst limit in requests per second, allowed for a while above the limit (0: none)." },
	{ "hvscope_domain_block_limit_burst_bytes_length_seconds", "How long a block device's bytes burst may last (0: not set, QEMU takes 1 s)." },
	{ "hvscope_domain_block_limit_burst_requests_length_seconds",
	  "How long a block device's requests burst may last (0: not set, QEMU takes 1 s)." },
};

/* name{domain,uuid,device,direction} v */
static void dev_series(struct buf *o, const char *name, const struct series_ctx *c, size_t i, const char *dev, const char *dir,
		       uint64_t v)
{
	buf_puts(o, name);
	buf_putc(o, '{');
	dom_labels(o, c->l, i);
	buf_puts(o, ",device=\"");
	esc_prom_label(o, dev ? dev : "");
	buf_puts(o, "\",direction=\"");
	buf_puts(o, dir);
	buf_puts(o, "\"} ");
	buf_put_u64(o, v);
	buf_putc(o, '\n');
}

void families_iotune(const struct series_ctx *c, struct buf *o)
{
	static const char *const dirs[3] = { "total", "read", "write" };
	const struct hv_snapshot *s = c->s;
	size_t n = 0;
	for (size_t i = 0; i < s->ndom; i++)
		for (size_t k = 0; k < s->dom[i].nblk; k++)
			n += s->dom[i].blk[k].have_iotune;
	if (!n)
		return;
	for (size_t f = 0; f < HV_IOT_GROUPS; f++) {
		domain_family(o, c, iot_families[f].name, "gauge", iot_families[f].help, 3 * n);
		for (size_t i = 0; i < s->ndom; i++)
			for (size_t k = 0; k < s->dom[i].nblk; k++) {
				const struct hv_blk *b = &s->dom[i].blk[k];
				if (b->have_iotune)
					for (size_t d = 0; d < 3; d++)
						dev_series(o, iot_families[f].name, c, i, b->name, dirs[d], b->iotune[3 * f + d]);
			}
	}
}

void families_numa(const struct series_ctx *c, struct buf *o)
{
	const struct hv_snapshot *s = c->s;
	if (s->host.nnuma) {
		series_head(o, c->om, "hvscope_host_numa_node_memory_free_bytes", "gauge", "Free memory of a NUMA node of the host.");
		for (unsigned k = 0; k < s->host.nnuma; k++)
			buf_printf(o, "hvscope_host_numa_node_memory_free_bytes{node=\"%u\"} %llu\n", k,
				   (unsigned long long)s->host.numa_free_bytes[k]);
	}
	bool head = false;
	for (size_t i = 0; i < s->ndom; i++) {
		const char *mode = hv_labels_get(&s->dom[i].info, "numa:mode");
		const char *set = hv_labels_get(&s->dom[i].info, "numa:nodeset");
		if (!mode && !set)
			continue;
		if (!head)
			series_head(o, c->om, "hvscope_domain_numa_info", "gauge",
				    "A domain's NUMA memory placement: its numatune mode and the host nodes it may take memory from (\"\": any).");
		head = true;
		const char *kv[4] = { "mode", mode ? mode : "", "nodeset", set ? set : "" };
		series_info(o, "hvscope_domain_numa_info", c->l, i, kv, 2);
	}
}

/* An IOThread's figure: what it is and where in struct hv_iothread. */
static const struct {
	const char *name, *help;
	size_t off;
	bool ns;
} io_figures[] = {
	{ "hvscope_domain_iothread_poll_max_seconds", "Longest an IOThread polls for events before it sleeps (0: it does not poll).",
	  offsetof(struct hv_iothread, poll_max_ns), true },
	{ "hvscope_domain_iothread_poll_grow", "Factor by which an IOThread grows its polling time (0: QEMU's own).",
	  offsetof(struct hv_iothread, poll_grow), false },
	{ "hvscope_domain_iothread_poll_shrink", "Divisor by which an IOThread shrinks its polling time (0: QEMU's own).",
	  offsetof(struct hv_iothread, poll_shrink), false },
};

void families_iothread(const struct series_ctx *c, struct buf *o)
{
	const struct hv_snapshot *s = c->s;
	size_t n = 0, polled = 0;
	for (size_t i = 0; i < s->ndom; i++)
		for (size_t k = 0; k < s->dom[i].niothread; k++)
			n++, polled += s->dom[i].iothread[k].have_poll;
	if (!n)
		return;
	char v[24];
	v[sizeof(v) - 1] = '\0';
	series_head(o, c->om, "hvscope_domain_iothread_info", "gauge", "An IOThread of a domain and the host CPUs it may run on.");
	for (size_t i = 0; i < s->ndom; i++)
		for (size_t k = 0; k < s->dom[i].niothread; k++) {
			const struct hv_iothread *t = &s->dom[i].iothread[k];
			const char *kv[4] = { "iothread", digits(v + sizeof(v) - 1, t->id), "cpus", t->cpus };
			series_info(o, "hvscope_domain_iothread_info", c->l, i, kv, 2);
		}
	for (size_t f = 0; polled && f < sizeof(io_figures) / sizeof(*io_figures); f++) {
		domain_family(o, c, io_figures[f].name, "gauge", io_figures[f].help, polled);
		for (size_t i = 0; i < s->ndom; i++)
			for (size_t k = 0; k < s->dom[i].niothread; k++) {
				const struct hv_iothread *t = &s->dom[i].iothread[k];
				if (!t->have_poll)
					continue;
				uint64_t x = *(const uint64_t *)((const char *)t + io_figures[f].off);
				const char *id = digits(v + sizeof(v) - 1, t->id);
				if (io_figures[f].ns)
					series_ns(o, io_figures[f].name, c->l, i, "iothread", id, x);
				else
					series_u64(o, io_figures[f].name, c->l, i, "iothread", id, x);
			}
	}
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The families of the collectors asked apart from the domains' figures:
 * vCPU wait and steal, the guest's balloon statistics, what the
 * configuration says (info series), background jobs, storage pools; and
 * how each part of the sample went.  A family whose figures no domain has
 * is left out whole: its collector is off, or the source has none. */
#include "exporter/families.h"

#include <stddef.h>
#include <string.h>

#include "core/escape.h"
#include "exporter/fam_jobs.h"
#include "exporter/series.h"

/* Each vCPU's wait and delay (steal) time, and the host CPU it runs on. */
void families_vcpu(const struct series_ctx *c, struct buf *o)
{
	const struct hv_snapshot *s = c->s;
	size_t n = total(s, offsetof(struct hv_domain, nvcpu));
	bool wait = false, pcpu = false;
	for (size_t i = 0; i < s->ndom; i++)
		for (size_t k = 0; k < s->dom[i].nvcpu; k++)
			wait |= s->dom[i].vcpu[k].have_wait, pcpu |= s->dom[i].vcpu[k].have_pcpu;
	char v[24];
	v[sizeof(v) - 1] = '\0';
	if (wait) {
		const char *const names[2] = { "hvscope_domain_vcpu_wait_seconds_total", "hvscope_domain_vcpu_delay_seconds_total" };
		const char *const helps[2] = { "Time a virtual CPU waited for I/O.",
					       "Time a virtual CPU was runnable but not run (steal time, as the guest sees it)." };
		for (int f = 0; f < 2; f++) {
			domain_family(o, c, names[f], "counter", helps[f], n);
			for (size_t i = 0; i < s->ndom; i++)
				for (size_t k = 0; k < s->dom[i].nvcpu; k++)
					if (s->dom[i].vcpu[k].have_wait)
						series_ns(o, names[f], c->l, i, "vcpu", digits(v + sizeof(v) - 1, k),
							  f ? s->dom[i].vcpu[k].delay_ns : s->dom[i].vcpu[k].wait_ns);
		}
	}
	if (pcpu) {
		domain_family(o, c, "hvscope_domain_vcpu_cpu", "gauge", "The host CPU a virtual CPU ran on when sampled.", n);
		for (size_t i = 0; i < s->ndom; i++)
			for (size_t k = 0; k < s->dom[i].nvcpu; k++)
				if (s->dom[i].vcpu[k].have_pcpu)
					series_u64(o, "hvscope_domain_vcpu_cpu", c->l, i, "vcpu", digits(v + sizeof(v) - 1, k),
						   s->dom[i].vcpu[k].pcpu);
	}
}

/* The guest's balloon statistics: KiB figures shown in bytes. */
static const struct {
	const char *name, *type, *help;
	unsigned bit;
	size_t off;
	unsigned scale;
} bal_figures[] = {
	{ "hvscope_domain_memory_unused_bytes", "gauge", "Memory the guest leaves unused (its balloon driver's figure).",
	  HV_BAL_UNUSED, offsetof(struct hv_balloon, unused_kib), 1024 },
	{ "hvscope_domain_memory_available_bytes", "gauge", "Memory the guest's kernel sees.", HV_BAL_AVAILABLE,
	  offsetof(struct hv_balloon, available_kib), 1024 },
	{ "hvscope_domain_memory_usable_bytes", "gauge", "Memory the guest could use without swapping.", HV_BAL_USABLE,
	  offsetof(struct hv_balloon, usable_kib), 1024 },
	{ "hvscope_domain_memory_disk_caches_bytes", "gauge", "Memory the guest uses for disk caches.", HV_BAL_DISK_CACHES,
	  offsetof(struct hv_balloon, disk_caches_kib), 1024 },
	{ "hvscope_domain_memory_swap_in_bytes_total", "counter", "Memory the guest swapped in.", HV_BAL_SWAP_IN,
	  offsetof(struct hv_balloon, swap_in_kib), 1024 },
	{ "hvscope_domain_memory_swap_out_bytes_total", "counter", "Memory the guest swapped out.", HV_BAL_SWAP_OUT,
	  offsetof(struct hv_balloon, swap_out_kib), 1024 },
	{ "hvscope_domain_memory_major_faults_total", "counter", "Page faults in the guest that needed disk I/O.", HV_BAL_MAJOR,
	  offsetof(struct hv_balloon, major_faults), 1 },
	{ "hvscope_domain_memory_minor_faults_total", "counter", "Page faults in the guest served from memory.", HV_BAL_MINOR,
	  offsetof(struct hv_balloon, minor_faults), 1 },
	{ "hvscope_domain_memory_stats_updated_timestamp_seconds", "gauge",
	  "When the guest last updated these statistics (a stale one: its balloon driver has stopped).", HV_BAL_LAST_UPDATE,
	  offsetof(struct hv_balloon, last_update), 1 },
};

void families_balloon(const struct series_ctx *c, struct buf *o)
{
	const struct hv_snapshot *s = c->s;
	for (size_t f = 0; f < sizeof(bal_figures) / sizeof(*bal_figures); f++) {
		size_t n = 0;
		for (size_t i = 0; i < s->ndom; i++)
			n += (s->dom[i].balloon.have & bal_figures[f].bit) != 0;
		if (!n)
			continue;
		domain_family(o, c, bal_figures[f].name, bal_figures[f].type, bal_figures[f].help, n);
		for (size_t i = 0; i < s->ndom; i++)
			if (s->dom[i].balloon.have & bal_figures[f].bit)
				series_u64(o, bal_figures[f].name, c->l, i, NULL, NULL,
					   *(const uint64_t *)((const char *)&s->dom[i].balloon + bal_figures[f].off) * bal_figures[f].scale);
	}
}

/* The pairs of l whose keys start with prefix (prefix dropped), into kv;
 * how many. */
static size_t pick(const struct hv_labels *l, const char *prefix, const char **kv, size_t max)
{
	size_t n = 0, pl = strlen(prefix);
	for (size_t i = 0; i < l->n && n < max; i++) {
		const char *k = l->v[2 * i];
		bool plain = !strchr(k, ':');
		if (pl ? strncmp(k, prefix, pl) == 0 : plain) {
			kv[2 * n] = k + pl;
			kv[2 * n + 1] = l->v[2 * i + 1];
			n++;
		}
	}
	return n;
}

/* One info family over the domains, of the pairs under prefix ("": the
 * plain ones); a domain with none has no series. */
static void write_dom_info(const struct series_ctx *c, struct buf *o, const char *name, const char *help, const char *prefix)
{
	const struct hv_snapshot *s = c->s;
	const char *kv[64];
	bool head = false;
	for (size_t i = 0; i < s->ndom; i++) {
		/* the plain family leads with how the domain is virtualized,
		 * which every backend may know without the configuration */
		size_t n = 0;
		if (!*prefix && s->dom[i].guest_type) {
			kv[0] = "type";
			kv[1] = s->dom[i].guest_type;
			n = 1;
		}
		n += pick(&s->dom[i].info, prefix, kv + 2 * n, 31);
		if (!n)
			continue;
		if (!head)
			series_head(o, c->om, name, "gauge", help);
		head = true;
		series_info(o, name, c->l, i, kv, n);
	}
}

/* The interfaces' or disks' info series: device, then their pairs. */
static void write_dev_info(const struct series_ctx *c, struct buf *o, bool disks)
{
	const struct hv_snapshot *s = c->s;
	const char *name = disks ? "hvscope_domain_block_info" : "hvscope_domain_interface_info";
	bool head = false;
	for (size_t i = 0; i < s->ndom; i++) {
		size_t ndev = disks ? s->dom[i].nblk : s->dom[i].nnet;
		for (size_t k = 0; k < ndev; k++) {
			const struct hv_labels *l = disks ? &s->dom[i].blk[k].info : &s->dom[i].net[k].info;
			const char *dev = disks ? s->dom[i].blk[k].name : s->dom[i].net[k].name;
			if (!l->n)
				continue;
			const char *kv[34] = { "device", dev ? dev : "" };
			size_t n = 1 + pick(l, "", kv + 2, 16);
			if (!head)
				series_head(o, c->om, name, "gauge",
					       disks ? "A block device: its source, bus, driver, cache mode and serial, as configured."
						     : "A network interface: its type, MAC address, source and model, as configured.");
			head = true;
			series_info(o, name, c->l, i, kv, n);
		}
	}
}

void families_info(const struct series_ctx *c, struct buf *o)
{
	write_dom_info(c, o, "hvscope_domain_info", "A domain's guest type (pv, pvh, hvm), OS type, architecture and machine.", "");
	write_dom_info(c, o, "hvscope_domain_openstack_info",
		       "OpenStack nova's metadata of a domain: instance and flavor name, user and project.", "nova:");
	write_dom_info(c, o, "hvscope_domain_metadata_info", "The metadata named by --domain.metadata, of a domain.", "meta:");
	write_dev_info(c, o, false);
	write_dev_info(c, o, true);
}

/* A domain's background job: which, and its progress while it runs. */
void families_jobs(const struct series_ctx *c, struct buf *o)
{
	const struct hv_snapshot *s = c->s;
	size_t n = 0, running = 0;
	for (size_t i = 0; i < s->ndom; i++) {
		n += s->dom[i].job.type != NULL;
		running += s->dom[i].job.type && strcmp(s->dom[i].job.type, "none") != 0;
	}
	if (!n)
		return;
	domain_family(o, c, "hvscope_domain_job_running", "gauge",
		      "1 while a background job (migration, save, dump, ...) runs, with its operation.", n);
	for (size_t i = 0; i < s->ndom; i++)
		if (s->dom[i].job.type)
			series_u64(o, "hvscope_domain_job_running", c->l, i, "operation", s->dom[i].job.type,
				   strcmp(s->dom[i].job.type, "none") != 0);
	if (!running)
		return;
	static const struct {
		const char *name, *help;
		size_t off;
		bool ms;
	} f[] = {
		{ "hvscope_domain_job_elapsed_seconds", "How long the running job has run.", offsetof(struct hv_job, elapsed_ms), true },
		{ "hvscope_domain_job_remaining_seconds", "How long the running job expects to run still.",
		  offsetof(struct hv_job, remaining_ms), true },
		{ "hvscope_domain_job_data_total_bytes", "Data the running job has to move.", offsetof(struct hv_job, data_total), false },
		{ "hvscope_domain_job_data_processed_bytes", "Data the running job has moved.", offsetof(struct hv_job, data_processed),
		  false },
		{ "hvscope_domain_job_data_remaining_bytes", "Data the running job has still to move.",
		  offsetof(struct hv_job, data_remaining), false },
	};
	for (size_t k = 0; k < sizeof(f) / sizeof(*f); k++) {
		domain_family(o, c, f[k].name, "gauge", f[k].help, running);
		for (size_t i = 0; i < s->ndom; i++) {
			const struct hv_job *j = &s->dom[i].job;
			if (!j->type || strcmp(j->type, "none") == 0)
				continue;
			uint64_t v = *(const uint64_t *)((const char *)j + f[k].off);
			if (f[k].ms)
				series_ns(o, f[k].name, c->l, i, NULL, NULL, v * 1000000ULL);
			else
				series_u64(o, f[k].name, c->l, i, NULL, NULL, v);
		}
	}
	families_job_details(c, o);
}

static void pool_series(struct buf *o, const char *name, const struct hv_pool *p, const char *state, uint64_t v)
{
	buf_puts(o, name);
	buf_puts(o, "{pool=\"");
	esc_prom_label(o, p->name ? p->name : "");
	buf_puts(o, "\",uuid=\"");
	esc_prom_label(o, p->uuid);
	if (state)
		buf_printf(o, "\",state=\"%s", state);
	buf_puts(o, "\"} ");
	buf_put_u64(o, v);
	buf_putc(o, '\n');
}

void families_pools(const struct series_ctx *c, struct buf *o)
{
	const struct hv_snapshot *s = c->s;
	if (!s->npool)
		return;
	series_head(o, c->om, "hvscope_storage_pool_state", "gauge", "A storage pool: 1 on the series whose state label holds its state.");
	for (size_t i = 0; i < s->npool; i++)
		pool_series(o, "hvscope_storage_pool_state", &s->pool[i], s->pool[i].state, 1);
	static const struct {
		const char *name, *help;
		size_t off;
	} f[] = {
		{ "hvscope_storage_pool_capacity_bytes", "Size of a storage pool.", offsetof(struct hv_pool, capacity) },
		{ "hvscope_storage_pool_allocation_bytes", "Space allocated in a storage pool.", offsetof(struct hv_pool, allocation) },
		{ "hvscope_storage_pool_available_bytes", "Space left in a storage pool.", offsetof(struct hv_pool, available) },
	};
	for (size_t k = 0; k < sizeof(f) / sizeof(*f); k++) {
		series_head(o, c->om, f[k].name, "gauge", f[k].help);
		for (size_t i = 0; i < s->npool; i++)
			pool_series(o, f[k].name, &s->pool[i], NULL, *(const uint64_t *)((const char *)&s->pool[i] + f[k].off));
	}
}

/* node_exporter's names: each part of the sample is a collector. */
void families_parts(const struct series_ctx *c, struct buf *o)
{
	const struct hv_snapshot *s = c->s;
	if (!s->npart)
		return;
	series_head(o, c->om, "hvscope_scrape_collector_success", "gauge",
		       "1 when a collector's part of the sample came in time and whole.");
	for (size_t i = 0; i < s->npart; i++)
		buf_printf(o, "hvscope_scrape_collector_success{collector=\"%s\"} %d\n", s->part[i].name, s->part[i].ok);
	series_head(o, c->om, "hvscope_scrape_collector_duration_seconds", "gauge", "How long a collector's part of the sample took.");
	for (size_t i = 0; i < s->npart; i++)
		buf_printf(o, "hvscope_scrape_collector_duration_seconds{collector=\"%s\"} %.6f\n", s->part[i].name, s->part[i].seconds);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The exposition text of a snapshot, a family at a time: the host's and
 * each domain's core families (state, CPU, vCPUs, memory), then the
 * per-device ones (exporter/devices.c), each collector's
 * (exporter/collectors.c) and how the parts of the sample went. */
#include "exporter/metrics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/escape.h"
#include "core/util.h"
#include "exporter/collectors.h"
#include "exporter/devices.h"
#include "exporter/families.h"
#include "exporter/series.h"

static void write_host(const struct series_ctx *c, struct buf *o)
{
	const struct hv_snapshot *s = c->s;
	series_head(o, c->om, "hvscope_host_cpus", "gauge", "Physical CPUs of the host.");
	buf_printf(o, "hvscope_host_cpus %u\n", s->host.cpus);
	series_head(o, c->om, "hvscope_host_memory_bytes", "gauge", "Memory of the host.");
	buf_printf(o, "hvscope_host_memory_bytes %llu\n", (unsigned long long)s->host.mem_total_kib * 1024);
	series_head(o, c->om, "hvscope_host_memory_free_bytes", "gauge", "Free memory of the host.");
	buf_printf(o, "hvscope_host_memory_free_bytes %llu\n", (unsigned long long)s->host.mem_free_kib * 1024);
	if (s->host.mem_buffers_kib || s->host.mem_cached_kib) {
		series_head(o, c->om, "hvscope_host_memory_buffers_bytes", "gauge", "Memory of the host in block device buffers.");
		buf_printf(o, "hvscope_host_memory_buffers_bytes %llu\n", (unsigned long long)s->host.mem_buffers_kib * 1024);
		series_head(o, c->om, "hvscope_host_memory_cached_bytes", "gauge", "Memory of the host in the page cache.");
		buf_printf(o, "hvscope_host_memory_cached_bytes %llu\n", (unsigned long long)s->host.mem_cached_kib * 1024);
	}
	if (s->host.npcpu) {
		series_head(o, c->om, "hvscope_host_pcpu_idle_seconds_total", "counter",
			       "Idle time of one physical CPU, by the hypervisor's scheduler (Xen).");
		for (size_t i = 0; i < s->host.npcpu; i++)
			buf_printf(o, "hvscope_host_pcpu_idle_seconds_total{cpu=\"%zu\"} %llu.%09llu\n", i,
				   (unsigned long long)(s->host.pcpu_idle_ns[i] / 1000000000ULL),
				   (unsigned long long)(s->host.pcpu_idle_ns[i] % 1000000000ULL));
	}
	if (s->host.have_cpu_time) {
		series_head(o, c->om, "hvscope_host_cpu_seconds_total", "counter", "CPU time of all the host's CPUs, by mode.");
		const struct {
			const char *mode;
			uint64_t ns;
		} m[] = { { "user", s->host.cpu_user_ns }, { "system", s->host.cpu_system_ns }, { "idle", s->host.cpu_idle_ns },
			  { "iowait", s->host.cpu_iowait_ns } };
		for (size_t i = 0; i < sizeof(m) / sizeof(*m); i++)
			buf_printf(o, "hvscope_host_cpu_seconds_total{mode=\"%s\"} %llu.%09llu\n", m[i].mode,
				   (unsigned long long)(m[i].ns / 1000000000ULL), (unsigned long long)(m[i].ns % 1000000000ULL));
	}
	series_head(o, c->om, "hvscope_host_info", "gauge", "The hypervisor: 1 with its type, version and the source sampled.");
	buf_puts(o, "hvscope_host_info{type=\"");
	esc_prom_label(o, s->host.type ? s->host.type : "");
	buf_puts(o, "\",version=\"");
	esc_prom_label(o, s->host.version ? s->host.version : "");
	buf_puts(o, "\",source=\"");
	esc_prom_label(o, s->host.source ? s->host.source : "");
	buf_puts(o, "\"} 1\n");
	size_t running = 0;
	for (size_t i = 0; i < s->ndom; i++)
		running += s->dom[i].id >= 0;
	series_head(o, c->om, "hvscope_domains", "gauge", "Running domains.");
	buf_printf(o, "hvscope_domains %zu\n", running);
}

static void write_vcpu_seconds(const struct series_ctx *c, struct buf *o)
{
	const struct hv_snapshot *s = c->s;
	const struct labels *l = c->l;
	domain_family(o, c, "hvscope_domain_vcpu_seconds_total", "counter", "CPU time used by one virtual CPU.",
		      total(s, offsetof(struct hv_domain, nvcpu)));
	for (size_t i = 0; i < s->ndom; i++)
		for (size_t k = 0; k < s->dom[i].nvcpu; k++) {
			char v[24];
			v[sizeof(v) - 1] = '\0';
			series_ns(o, "hvscope_domain_vcpu_seconds_total", l, i, "vcpu", digits(v + sizeof(v) - 1, k), s->dom[i].vcpu[k].time_ns);
		}
}

static void write_state(const struct series_ctx *c, struct buf *o)
{
	const struct hv_snapshot *s = c->s;
	domain_family(o, c, "hvscope_domain_state", "gauge", "State of a domain: 1 on the series whose state label holds it.", s->ndom);
	for (size_t i = 0; i < s->ndom; i++) {
		buf_puts(o, "hvscope_domain_state{");
		dom_labels(o, c->l, i);
		long long id = s->dom[i].id;
		buf_puts(o, id < 0 ? ",id=\"-" : ",id=\"");
		buf_put_u64(o, (unsigned long long)(id < 0 ? -id : id));
		buf_puts(o, "\",state=\"");
		buf_puts(o, hv_state_name(s->dom[i].state));
		if (s->dom[i].reason) {
			buf_puts(o, "\",reason=\"");
			buf_puts(o, s->dom[i].reason);
		}
		buf_puts(o, "\"} 1\n");
	}
}

/* One figure of each domain: whether the domain has it, and its value. */
static bool get_stuck(const struct hv_domain *d, uint64_t *v)
{
	*v = d->stuck;
	return true;
}

static bool get_cpu(const struct hv_domain *d, uint64_t *v)
{
	*v = d->cpu_ns;
	return d->have & HV_HAVE_CPU;
}

static bool get_vcpus(const struct hv_domain *d, uint64_t *v)
{
	*v = d->vcpus_online;
	return true;
}

static bool get_vcpus_max(const struct hv_domain *d, uint64_t *v)
{
	*v = d->vcpus_max;
	return true;
}

static bool get_mem(const struct hv_domain *d, uint64_t *v)
{
	*v = d->mem_kib * 1024;
	return d->have & HV_HAVE_MEM;
}

static bool get_maxmem(const struct hv_domain *d, uint64_t *v)
{
	*v = d->maxmem_kib * 1024;
	return d->maxmem_kib != 0;
}

static bool get_rss(const struct hv_domain *d, uint64_t *v)
{
	*v = d->rss_kib * 1024;
	return d->rss_kib != 0;
}

/* A core family: one series a domain of the figure get gives, or a writer
 * of its own (the host's several families, the state's labels, the
 * vCPUs'). */
struct core_family {
	void (*write)(const struct series_ctx *c, struct buf *o);
	const char *name, *type, *help;
	bool (*get)(const struct hv_domain *d, uint64_t *v);
	bool ns; /* nanoseconds, shown as seconds */
};

static const struct core_family core_families[] = {
	{ .write = write_host },
	{ .write = write_state },
	{ NULL, "hvscope_domain_stats_stuck", "gauge",
	  "1 when the domain did not answer within the deadline: its figures are from an earlier sample.", get_stuck, false },
	{ NULL, "hvscope_domain_cpu_seconds_total", "counter", "CPU time used by the domain.", get_cpu, true },
	{ .write = write_vcpu_seconds },
	{ NULL, "hvscope_domain_vcpus", "gauge", "Virtual CPUs online.", get_vcpus, false },
	{ NULL, "hvscope_domain_vcpus_max", "gauge", "Virtual CPUs the domain may have.", get_vcpus_max, false },
	{ NULL, "hvscope_domain_memory_bytes", "gauge", "Memory of the domain now (balloon).", get_mem, false },
	{ NULL, "hvscope_domain_memory_max_bytes", "gauge", "Memory the domain may grow to (absent: no limit).", get_maxmem, false },
	{ NULL, "hvscope_domain_memory_rss_bytes", "gauge",
	  "Resident memory of the domain's emulator process, where the hypervisor reports it.", get_rss, false },
};
#define NCORE (sizeof(core_families) / sizeof(*core_families))

static void write_core(const struct series_ctx *c, const struct core_family *f, struct buf *o)
{
	const struct hv_snapshot *s = c->s;
	if (f->write) {
		f->write(c, o);
		return;
	}
	domain_family(o, c, f->name, f->type, f->help, s->ndom);
	for (size_t i = 0; i < s->ndom; i++) {
		uint64_t v;
		if (!f->get(&s->dom[i], &v))
			continue;
		if (f->ns)
			series_ns(o, f->name, c->l, i, NULL, NULL, v);
		else
			series_u64(o, f->name, c->l, i, NULL, NULL, v);
	}
}

/* Family (or group of small families) number idx of a scrape: the core
 * ones, the per-device ones, each collector's, the parts'; false past the
 * last. */
static bool write_family(const struct series_ctx *c, size_t idx, struct buf *o)
{
	if (idx < NCORE) {
		write_core(c, &core_families[idx], o);
		return true;
	}
	idx -= NCORE;
	if (idx < devices_families()) {
		devices_write(c, idx, o);
		return true;
	}
	idx -= devices_families();
	for (size_t k = 0; k < COLLECTORS; k++)
		if (collectors[k].write && idx-- == 0) {
			collectors[k].write(c, o);
			return true;
		}
	if (idx != 0)
		return false;
	families_parts(c, o);
	return true;
}

void metrics_writer_init(struct metrics_writer *w, const struct hv_snapshot *s, bool om)
{
	memset(w, 0, sizeof(*w));
	w->c.s = s;
	w->c.om = om;
	if (s->up) {
		w->c.l = xcalloc(1, sizeof(*w->c.l));
		labels_make(w->c.l, s);
	}
}

bool metrics_writer_next(struct metrics_writer *w, struct buf *out)
{
	if (!w->c.l)
		return false;
	return write_family(&w->c, w->next++, out);
}

void metrics_writer_free(struct metrics_writer *w)
{
	if (w->c.l) {
		labels_free(w->c.l);
		free(w->c.l);
	}
	memset(w, 0, sizeof(*w));
}

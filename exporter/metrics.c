/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The core families: the host, each domain's state, CPU, vCPUs, memory,
 * interfaces and block devices; families of the parts asked apart are in
 * exporter/families.c.  Written a family at a time (metrics_writer). */
#include "exporter/metrics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/escape.h"
#include "core/util.h"
#include "exporter/series.h"

#define NET_FAMILY(metric, member, help)                                                            \
	do {                                                                                        \
		domain_family(o, w, metric, "counter", help, total(s, offsetof(struct hv_domain, nnet))); \
		for (size_t i = 0; i < s->ndom; i++)                                                \
			for (size_t k = 0; k < s->dom[i].nnet; k++)                                 \
				series_u64(o, metric, l, i, "device",                               \
					   s->dom[i].net[k].name ? s->dom[i].net[k].name : "",      \
					   s->dom[i].net[k].member);                               \
	} while (0)

#define BLK_FAMILY(metric, member, help)                                                            \
	do {                                                                                        \
		domain_family(o, w, metric, "counter", help, total(s, offsetof(struct hv_domain, nblk))); \
		for (size_t i = 0; i < s->ndom; i++)                                                \
			for (size_t k = 0; k < s->dom[i].nblk; k++)                                 \
				series_u64(o, metric, l, i, "device",                               \
					   s->dom[i].blk[k].name ? s->dom[i].blk[k].name : "",      \
					   s->dom[i].blk[k].member);                               \
	} while (0)

static void write_host(const struct metrics_writer *w, struct buf *o)
{
	const struct hv_snapshot *s = w->s;
	metrics_family(o, w->om, "hvscope_host_cpus", "gauge", "Physical CPUs of the host.");
	buf_printf(o, "hvscope_host_cpus %u\n", s->host.cpus);
	metrics_family(o, w->om, "hvscope_host_memory_bytes", "gauge", "Memory of the host.");
	buf_printf(o, "hvscope_host_memory_bytes %llu\n", (unsigned long long)s->host.mem_total_kib * 1024);
	metrics_family(o, w->om, "hvscope_host_memory_free_bytes", "gauge", "Free memory of the host.");
	buf_printf(o, "hvscope_host_memory_free_bytes %llu\n", (unsigned long long)s->host.mem_free_kib * 1024);
	if (s->host.mem_buffers_kib || s->host.mem_cached_kib) {
		metrics_family(o, w->om, "hvscope_host_memory_buffers_bytes", "gauge", "Memory of the host in block device buffers.");
		buf_printf(o, "hvscope_host_memory_buffers_bytes %llu\n", (unsigned long long)s->host.mem_buffers_kib * 1024);
		metrics_family(o, w->om, "hvscope_host_memory_cached_bytes", "gauge", "Memory of the host in the page cache.");
		buf_printf(o, "hvscope_host_memory_cached_bytes %llu\n", (unsigned long long)s->host.mem_cached_kib * 1024);
	}
	if (s->host.npcpu) {
		metrics_family(o, w->om, "hvscope_host_pcpu_idle_seconds_total", "counter",
			       "Idle time of one physical CPU, by the hypervisor's scheduler (Xen).");
		for (size_t i = 0; i < s->host.npcpu; i++)
			buf_printf(o, "hvscope_host_pcpu_idle_seconds_total{cpu=\"%zu\"} %llu.%09llu\n", i,
				   (unsigned long long)(s->host.pcpu_idle_ns[i] / 1000000000ULL),
				   (unsigned long long)(s->host.pcpu_idle_ns[i] % 1000000000ULL));
	}
	if (s->host.have_cpu_time) {
		metrics_family(o, w->om, "hvscope_host_cpu_seconds_total", "counter", "CPU time of all the host's CPUs, by mode.");
		const struct {
			const char *mode;
			uint64_t ns;
		} m[] = { { "user", s->host.cpu_user_ns }, { "system", s->host.cpu_system_ns }, { "idle", s->host.cpu_idle_ns },
			  { "iowait", s->host.cpu_iowait_ns } };
		for (size_t i = 0; i < sizeof(m) / sizeof(*m); i++)
			buf_printf(o, "hvscope_host_cpu_seconds_total{mode=\"%s\"} %llu.%09llu\n", m[i].mode,
				   (unsigned long long)(m[i].ns / 1000000000ULL), (unsigned long long)(m[i].ns % 1000000000ULL));
	}
	metrics_family(o, w->om, "hvscope_host_info", "gauge", "The hypervisor: 1 with its type, version and the source sampled.");
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
	metrics_family(o, w->om, "hvscope_domains", "gauge", "Running domains.");
	buf_printf(o, "hvscope_domains %zu\n", running);
}

static void write_vcpu_seconds(const struct metrics_writer *w, struct buf *o)
{
	const struct hv_snapshot *s = w->s;
	const struct labels *l = w->l;
	domain_family(o, w, "hvscope_domain_vcpu_seconds_total", "counter", "CPU time used by one virtual CPU.",
		      total(s, offsetof(struct hv_domain, nvcpu)));
	for (size_t i = 0; i < s->ndom; i++)
		for (size_t k = 0; k < s->dom[i].nvcpu; k++) {
			char v[24];
			v[sizeof(v) - 1] = '\0';
			series_ns(o, "hvscope_domain_vcpu_seconds_total", l, i, "vcpu", digits(v + sizeof(v) - 1, k), s->dom[i].vcpu[k].time_ns);
		}
}

/* Family (or group of small families) number idx; false past the last. */
static bool write_family(const struct metrics_writer *w, size_t idx, struct buf *o)
{
	const struct hv_snapshot *s = w->s;
	const struct labels *l = w->l;
	switch (idx) {
	case 0: write_host(w, o); break;
	case 1:
		domain_family(o, w, "hvscope_domain_state", "gauge", "State of a domain: 1 on the series whose state label holds it.",
			      s->ndom);
		for (size_t i = 0; i < s->ndom; i++) {
			buf_puts(o, "hvscope_domain_state{");
			dom_labels(o, l, i);
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
		break;
	case 2:
		domain_family(o, w, "hvscope_domain_stats_stuck", "gauge",
			      "1 when the domain did not answer within the deadline: its figures are from an earlier sample.", s->ndom);
		for (size_t i = 0; i < s->ndom; i++)
			series_u64(o, "hvscope_domain_stats_stuck", l, i, NULL, NULL, s->dom[i].stuck);
		break;
	case 3:
		domain_family(o, w, "hvscope_domain_cpu_seconds_total", "counter", "CPU time used by the domain.", s->ndom);
		for (size_t i = 0; i < s->ndom; i++)
			if (s->dom[i].have & HV_HAVE_CPU)
				series_ns(o, "hvscope_domain_cpu_seconds_total", l, i, NULL, NULL, s->dom[i].cpu_ns);
		break;
	case 4: write_vcpu_seconds(w, o); break;
	case 5:
		domain_family(o, w, "hvscope_domain_vcpus", "gauge", "Virtual CPUs online.", s->ndom);
		for (size_t i = 0; i < s->ndom; i++)
			series_u64(o, "hvscope_domain_vcpus", l, i, NULL, NULL, s->dom[i].vcpus_online);
		break;
	case 6:
		domain_family(o, w, "hvscope_domain_vcpus_max", "gauge", "Virtual CPUs the domain may have.", s->ndom);
		for (size_t i = 0; i < s->ndom; i++)
			series_u64(o, "hvscope_domain_vcpus_max", l, i, NULL, NULL, s->dom[i].vcpus_max);
		break;
	case 7:
		domain_family(o, w, "hvscope_domain_memory_bytes", "gauge", "Memory of the domain now (balloon).", s->ndom);
		for (size_t i = 0; i < s->ndom; i++)
			if (s->dom[i].have & HV_HAVE_MEM)
				series_u64(o, "hvscope_domain_memory_bytes", l, i, NULL, NULL, (unsigned long long)s->dom[i].mem_kib * 1024);
		break;
	case 8:
		domain_family(o, w, "hvscope_domain_memory_max_bytes", "gauge", "Memory the domain may grow to (absent: no limit).", s->ndom);
		for (size_t i = 0; i < s->ndom; i++)
			if (s->dom[i].maxmem_kib)
				series_u64(o, "hvscope_domain_memory_max_bytes", l, i, NULL, NULL,
					   (unsigned long long)s->dom[i].maxmem_kib * 1024);
		break;
	case 9:
		metrics_family(o, w->om, "hvscope_domain_memory_rss_bytes", "gauge",
		       "Resident memory of the domain's emulator process, where the hypervisor reports it.");
		for (size_t i = 0; i < s->ndom; i++)
			if (s->dom[i].rss_kib)
				series_u64(o, "hvscope_domain_memory_rss_bytes", l, i, NULL, NULL, (unsigned long long)s->dom[i].rss_kib * 1024);
		break;
	case 10: NET_FAMILY("hvscope_domain_network_receive_bytes_total", rx_bytes, "Bytes received by an interface."); break;
	case 11: NET_FAMILY("hvscope_domain_network_receive_packets_total", rx_pkts, "Packets received by an interface."); break;
	case 12: NET_FAMILY("hvscope_domain_network_receive_errors_total", rx_errs, "Receive errors of an interface."); break;
	case 13: NET_FAMILY("hvscope_domain_network_receive_drops_total", rx_drop, "Received packets dropped by an interface."); break;
	case 14: NET_FAMILY("hvscope_domain_network_transmit_bytes_total", tx_bytes, "Bytes sent by an interface."); break;
	case 15: NET_FAMILY("hvscope_domain_network_transmit_packets_total", tx_pkts, "Packets sent by an interface."); break;
	case 16: NET_FAMILY("hvscope_domain_network_transmit_errors_total", tx_errs, "Transmit errors of an interface."); break;
	case 17: NET_FAMILY("hvscope_domain_network_transmit_drops_total", tx_drop, "Packets dropped on transmit by an interface."); break;
	case 18: BLK_FAMILY("hvscope_domain_block_read_requests_total", rd_reqs, "Read requests of a block device."); break;
	case 19: BLK_FAMILY("hvscope_domain_block_read_bytes_total", rd_bytes, "Bytes read from a block device."); break;
	case 20: BLK_FAMILY("hvscope_domain_block_write_requests_total", wr_reqs, "Write requests of a block device."); break;
	case 21: BLK_FAMILY("hvscope_domain_block_write_bytes_total", wr_bytes, "Bytes written to a block device."); break;
	case 22:
		metrics_family(o, w->om, "hvscope_domain_block_oo_requests_total", "counter", "Requests that found the ring full (Xen's VBD_OO).");
		for (size_t i = 0; i < s->ndom; i++)
			if (s->dom[i].have & HV_HAVE_OO)
				for (size_t k = 0; k < s->dom[i].nblk; k++)
					series_u64(o, "hvscope_domain_block_oo_requests_total", l, i, "device",
						   s->dom[i].blk[k].name ? s->dom[i].blk[k].name : "", s->dom[i].blk[k].oo_reqs);
		break;
	default: return families_write(w, idx - 23, o);
	}
	return true;
}

void metrics_writer_init(struct metrics_writer *w, const struct hv_snapshot *s, bool om)
{
	memset(w, 0, sizeof(*w));
	w->s = s;
	w->om = om;
	if (s->up) {
		w->l = xcalloc(1, sizeof(*w->l));
		labels_make(w->l, s);
	}
}

bool metrics_writer_next(struct metrics_writer *w, struct buf *out)
{
	if (!w->l)
		return false;
	return write_family(w, w->next++, out);
}

void metrics_writer_free(struct metrics_writer *w)
{
	if (w->l) {
		labels_free(w->l);
		free(w->l);
	}
	memset(w, 0, sizeof(*w));
}

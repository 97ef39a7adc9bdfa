/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The perf collector's families: how many domains have perf events on
 * (0 says there is nothing to give, and why), each domain's enabled
 * events, their counts, and Intel RDT's cache occupancy (cmt) and memory
 * bandwidth (mbmt, mbml), which libvirt gives as perf events too. */
#include "exporter/fam_perf.h"

#include <string.h>

/* What an event's figure is: a count, or one of RDT's gauges. */
static const char *gauge_of(const char *event, const char **scope)
{
	*scope = NULL;
	if (strcmp(event, "cmt") == 0)
		return "hvscope_domain_perf_cache_occupancy_bytes";
	if (strcmp(event, "mbmt") == 0 || strcmp(event, "mbml") == 0) {
		*scope = event[3] == 't' ? "total" : "local";
		return "hvscope_domain_perf_memory_bandwidth_bytes_per_second";
	}
	return NULL;
}

static bool asked(const struct hv_snapshot *s)
{
	for (size_t i = 0; i < s->npart; i++)
		if (strcmp(s->part[i].name, "perf") == 0)
			return true;
	return false;
}

/* The series of family name (NULL: the counts) for each event with a
 * figure; how many. */
static size_t figures(const struct series_ctx *c, struct buf *o, const char *name, bool write)
{
	const struct hv_snapshot *s = c->s;
	size_t n = 0;
	for (size_t i = 0; i < s->ndom; i++)
		for (size_t k = 0; k < s->dom[i].nperf; k++) {
			const struct hv_perf *e = &s->dom[i].perf[k];
			const char *scope, *g = gauge_of(e->event, &scope);
			if (!e->have_value || (name ? !g || strcmp(g, name) != 0 : g != NULL))
				continue;
			n++;
			if (write)
				series_u64(o, name ? name : "hvscope_domain_perf_events_total", c->l, i, scope ? "scope" : "event",
					   scope ? scope : e->event, e->value);
		}
	return n;
}

void families_perf(const struct series_ctx *c, struct buf *o)
{
	const struct hv_snapshot *s = c->s;
	if (!asked(s))
		return;
	size_t doms = 0, events = 0;
	for (size_t i = 0; i < s->ndom; i++)
		doms += s->dom[i].nperf > 0, events += s->dom[i].nperf;
	series_head(o, c->om, "hvscope_perf_domains", "gauge",
		    "Domains with a perf event on (<perf> in a domain's XML); 0: none, no perf figure to give. A host without "
		    "hardware performance counters (a VM, KVM's pvm) can turn on the software events only.");
	buf_printf(o, "hvscope_perf_domains %zu\n", doms);
	if (!events)
		return;
	domain_family(o, c, "hvscope_domain_perf_event_enabled", "gauge", "1 for each perf event libvirt counts for a domain.", events);
	for (size_t i = 0; i < s->ndom; i++)
		for (size_t k = 0; k < s->dom[i].nperf; k++)
			series_u64(o, "hvscope_domain_perf_event_enabled", c->l, i, "event", s->dom[i].perf[k].event, 1);
	static const struct {
		const char *name, *type, *help;
	} fams[] = {
		{ NULL, "counter", "Count of a perf event on the domain's QEMU threads (cycles, instructions, faults, ...)." },
		{ "hvscope_domain_perf_cache_occupancy_bytes", "gauge", "Last-level cache the domain occupies (Intel RDT's cmt)." },
		{ "hvscope_domain_perf_memory_bandwidth_bytes_per_second", "gauge",
		  "Memory bandwidth the domain uses, in all (total) or on its own NUMA node (local) (Intel RDT's mbmt, mbml)." },
	};
	for (size_t f = 0; f < sizeof(fams) / sizeof(*fams); f++) {
		size_t n = figures(c, o, fams[f].name, false);
		if (!n)
			continue;
		domain_family(o, c, fams[f].name ? fams[f].name : "hvscope_domain_perf_events_total", fams[f].type, fams[f].help, n);
		figures(c, o, fams[f].name, true);
	}
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The details of a running migration or save, as virsh domjobinfo shows
 * them: a family per detail, written when a running job has it; and the
 * guests' measured memory dirty rate. */
#include "exporter/fam_jobs.h"

#include <stdio.h>
#include <string.h>

enum unit { U_PLAIN, U_MS, U_PERCENT };

static const struct {
	const char *name, *type, *help;
	enum unit unit;
} figs[HV_JOB_FIGS] = {
	[HV_JOB_MEMORY_BPS] = { "hvscope_domain_job_memory_bytes_per_second", "gauge",
				"Rate at which the running migration or save moves the guest's memory.", U_PLAIN },
	[HV_JOB_DISK_BPS] = { "hvscope_domain_job_disk_bytes_per_second", "gauge",
			      "Rate at which the running migration moves the guest's disks (storage migration).", U_PLAIN },
	[HV_JOB_DIRTY_RATE] = { "hvscope_domain_job_memory_dirty_pages_per_second", "gauge",
				"Memory pages the guest dirties per second while the running migration copies them.", U_PLAIN },
	[HV_JOB_PAGE_SIZE] = { "hvscope_domain_job_memory_page_size_bytes", "gauge", "Size of the pages the running job counts.",
			       U_PLAIN },
	[HV_JOB_ITERATION] = { "hvscope_domain_job_memory_iteration", "gauge",
			       "Pass over the guest's memory the running migration is in (1: the first copy).", U_PLAIN },
	[HV_JOB_POSTCOPY_REQS] = { "hvscope_domain_job_memory_postcopy_requests_total", "counter",
				   "Pages the destination asked for after switching to post-copy.", U_PLAIN },
	[HV_JOB_DOWNTIME_MS] = { "hvscope_domain_job_downtime_seconds", "gauge",
				 "Downtime the running migration expects (or had, once the guest paused).", U_MS },
	[HV_JOB_SETUP_MS] = { "hvscope_domain_job_setup_seconds", "gauge", "Time the running job spent setting up.", U_MS },
	[HV_JOB_COMP_CACHE] = { "hvscope_domain_job_compression_cache_bytes", "gauge", "Size of the running migration's XBZRLE cache.",
				U_PLAIN },
	[HV_JOB_COMP_BYTES] = { "hvscope_domain_job_compression_bytes_total", "counter",
				"Bytes the running migration sent compressed.", U_PLAIN },
	[HV_JOB_COMP_PAGES] = { "hvscope_domain_job_compression_pages_total", "counter",
				"Pages the running migration sent compressed.", U_PLAIN },
	[HV_JOB_COMP_MISSES] = { "hvscope_domain_job_compression_cache_misses_total", "counter",
				 "Pages the running migration found outside its compression cache.", U_PLAIN },
	[HV_JOB_COMP_OVERFLOW] = { "hvscope_domain_job_compression_overflows_total", "counter",
				   "Pages the running migration could not compress and sent whole.", U_PLAIN },
	[HV_JOB_THROTTLE] = { "hvscope_domain_job_cpu_throttle_ratio", "gauge",
			      "Share of CPU time auto-convergence takes from the guest's vCPUs so that the migration ends.", U_PERCENT },
};

static bool running_with(const struct hv_domain *d, int k)
{
	return d->job.type && strcmp(d->job.type, "none") != 0 && (d->job.have & (1u << k));
}

void families_job_details(const struct series_ctx *c, struct buf *o)
{
	const struct hv_snapshot *s = c->s;
	for (int k = 0; k < HV_JOB_FIGS; k++) {
		size_t n = 0;
		for (size_t i = 0; i < s->ndom; i++)
			n += running_with(&s->dom[i], k);
		if (!n)
			continue;
		domain_family(o, c, figs[k].name, figs[k].type, figs[k].help, n);
		for (size_t i = 0; i < s->ndom; i++) {
			if (!running_with(&s->dom[i], k))
				continue;
			uint64_t v = s->dom[i].job.fig[k];
			if (figs[k].unit == U_MS) {
				series_ns(o, figs[k].name, c->l, i, NULL, NULL, v * 1000000ULL);
			} else if (figs[k].unit == U_PERCENT) {
				char t[32];
				int len = snprintf(t, sizeof(t), "%llu.%02llu", (unsigned long long)(v / 100), (unsigned long long)(v % 100));
				series(o, figs[k].name, c->l, i, NULL, NULL, t, (size_t)len);
			} else {
				series_u64(o, figs[k].name, c->l, i, NULL, NULL, v);
			}
		}
	}
}

void families_dirtyrate(const struct series_ctx *c, struct buf *o)
{
	const struct hv_snapshot *s = c->s;
	size_t n = 0;
	for (size_t i = 0; i < s->ndom; i++)
		n += s->dom[i].dirty.have;
	if (!n)
		return;
	domain_family(o, c, "hvscope_domain_memory_dirty_rate_bytes_per_second", "gauge",
		      "Memory the guest dirtied per second when last measured (QEMU's page sampling, once a minute).", n);
	for (size_t i = 0; i < s->ndom; i++)
		if (s->dom[i].dirty.have)
			series_u64(o, "hvscope_domain_memory_dirty_rate_bytes_per_second", c->l, i, NULL, NULL,
				   s->dom[i].dirty.mib_per_s * 1048576ULL);
	domain_family(o, c, "hvscope_domain_memory_dirty_rate_timestamp_seconds", "gauge", "When the guest's dirty rate was last measured.",
		      n);
	for (size_t i = 0; i < s->ndom; i++)
		if (s->dom[i].dirty.have)
			series_u64(o, "hvscope_domain_memory_dirty_rate_timestamp_seconds", c->l, i, NULL, NULL,
				   s->dom[i].dirty.start + s->dom[i].dirty.period_s);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A domain job's details by libvirt's names, as virsh domjobinfo shows
 * them. */
#include "hv/lv_job.h"

static const char *const fields[HV_JOB_FIGS] = {
	[HV_JOB_MEMORY_BPS] = VIR_DOMAIN_JOB_MEMORY_BPS,
	[HV_JOB_DISK_BPS] = VIR_DOMAIN_JOB_DISK_BPS,
	[HV_JOB_DIRTY_RATE] = VIR_DOMAIN_JOB_MEMORY_DIRTY_RATE,
	[HV_JOB_PAGE_SIZE] = VIR_DOMAIN_JOB_MEMORY_PAGE_SIZE,
	[HV_JOB_ITERATION] = VIR_DOMAIN_JOB_MEMORY_ITERATION,
	[HV_JOB_POSTCOPY_REQS] = VIR_DOMAIN_JOB_MEMORY_POSTCOPY_REQS,
	[HV_JOB_DOWNTIME_MS] = VIR_DOMAIN_JOB_DOWNTIME,
	[HV_JOB_SETUP_MS] = VIR_DOMAIN_JOB_SETUP_TIME,
	[HV_JOB_COMP_CACHE] = VIR_DOMAIN_JOB_COMPRESSION_CACHE,
	[HV_JOB_COMP_BYTES] = VIR_DOMAIN_JOB_COMPRESSION_BYTES,
	[HV_JOB_COMP_PAGES] = VIR_DOMAIN_JOB_COMPRESSION_PAGES,
	[HV_JOB_COMP_MISSES] = VIR_DOMAIN_JOB_COMPRESSION_CACHE_MISSES,
	[HV_JOB_COMP_OVERFLOW] = VIR_DOMAIN_JOB_COMPRESSION_OVERFLOW,
	[HV_JOB_THROTTLE] = VIR_DOMAIN_JOB_AUTO_CONVERGE_THROTTLE,
};

void lv_job_details(virTypedParameterPtr p, int n, struct hv_job *j)
{
	j->have = 0;
	for (int k = 0; k < HV_JOB_FIGS; k++) {
		unsigned long long v = 0;
		int iv = 0;
		/* the throttle is an int; the rest unsigned long long */
		int got = k == HV_JOB_THROTTLE ? virTypedParamsGetInt(p, n, fields[k], &iv) : virTypedParamsGetULLong(p, n, fields[k], &v);
		j->fig[k] = k == HV_JOB_THROTTLE ? (uint64_t)(iv < 0 ? 0 : iv) : v;
		if (got == 1)
			j->have |= 1u << k;
	}
}

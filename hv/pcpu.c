/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Each physical CPU's use between two samples, from the per-CPU counters
 * a source keeps: libvirt's time by mode, or Xen's idle time alone. */
#include <string.h>

#include "hv/snapshot.h"

bool hv_pcpu_online(const struct hv_host *h, size_t i)
{
	return i < h->npcpu && (!h->pcpu_modes || h->pcpu_modes[i].online);
}

/* cur - prev of a counter that may have wrapped once; false when it moved
 * more than a CPU can count in the interval (reset, or nonsense). */
static bool delta(uint64_t cur, uint64_t prev, uint64_t limit, uint64_t *out)
{
	*out = cur - prev; /* modulo 2^64: one wrap comes out right */
	return *out <= limit;
}

/* libvirt: shares of the time counted in the interval, whatever its length. */
static void rate_modes(const struct hv_host *p, const struct hv_host *c, size_t i, uint64_t limit, struct hv_pcpu_rate *r)
{
	const struct hv_pcpu_modes *pm = &p->pcpu_modes[i], *cm = &c->pcpu_modes[i];
	uint64_t du, ds, di, dw;
	if (!delta(cm->user_ns, pm->user_ns, limit, &du) || !delta(cm->system_ns, pm->system_ns, limit, &ds) ||
	    !delta(c->pcpu_idle_ns[i], p->pcpu_idle_ns[i], limit, &di) || !delta(cm->iowait_ns, pm->iowait_ns, limit, &dw))
		return;
	double total = (double)du + (double)ds + (double)di + (double)dw;
	if (total <= 0)
		return; /* counters that stand still (libvirt's test driver) */
	r->valid = r->have_modes = true;
	r->user_pct = 100.0 * (double)du / total;
	r->system_pct = 100.0 * (double)ds / total;
	r->idle_pct = 100.0 * (double)di / total;
	r->iowait_pct = 100.0 * (double)dw / total;
	r->busy_pct = r->user_pct + r->system_pct;
}

/* Xen: what the CPU did not idle of the wall time between the samples. */
static void rate_idle(const struct hv_host *p, const struct hv_host *c, size_t i, double dt, uint64_t limit, struct hv_pcpu_rate *r)
{
	uint64_t di;
	if (!delta(c->pcpu_idle_ns[i], p->pcpu_idle_ns[i], limit, &di))
		return;
	double busy = 100.0 - 100.0 * (double)di / (dt * 1e9);
	r->valid = true;
	r->busy_pct = busy < 0 ? 0 : busy > 100 ? 100 : busy;
	r->idle_pct = 100.0 - r->busy_pct;
}

void hv_pcpu_rates(const struct hv_snapshot *prev, const struct hv_snapshot *cur, struct hv_pcpu_rate *out)
{
	const struct hv_host *c = &cur->host;
	memset(out, 0, c->npcpu * sizeof(*out));
	double dt = prev ? cur->mono - prev->mono : 0;
	if (!prev || !(dt > 0))
		return;
	const struct hv_host *p = &prev->host;
	/* A mode counts at most the interval; twice it and a second more
	 * for the skew between the samples' clock and the counters'. */
	uint64_t limit = (uint64_t)(2 * dt * 1e9) + 1000000000ULL;
	for (size_t i = 0; i < c->npcpu; i++) {
		if (!hv_pcpu_online(c, i) || !hv_pcpu_online(p, i))
			continue;
		if (c->pcpu_modes && p->pcpu_modes)
			rate_modes(p, c, i, limit, &out[i]);
		else if (!c->pcpu_modes && !p->pcpu_modes)
			rate_idle(p, c, i, dt, limit, &out[i]);
	}
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Snapshots as data: labels, documents, parts, domains freed and copied,
 * state names and rates between two samples. */
#include "hv/snapshot.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"

void hv_docs_add(struct hv_docs *d, char *name, char *text, char *error)
{
	d->v = xrealloc(d->v, (d->n + 1) * sizeof(*d->v));
	d->v[d->n++] = (struct hv_doc){ name, text, error };
}

void hv_docs_free(struct hv_docs *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].name);
		free(d->v[i].text);
		free(d->v[i].error);
	}
	free(d->v);
	d->v = NULL;
	d->n = 0;
}

void hv_labels_add(struct hv_labels *l, const char *key, const char *value)
{
	l->v = xrealloc(l->v, (l->n + 1) * 2 * sizeof(*l->v));
	l->v[2 * l->n] = xstrdup(key);
	l->v[2 * l->n + 1] = xstrdup(value ? value : "");
	l->n++;
}

const char *hv_labels_get(const struct hv_labels *l, const char *key)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[2 * i], key) == 0)
			return l->v[2 * i + 1];
	return NULL;
}

void hv_labels_free(struct hv_labels *l)
{
	for (size_t i = 0; i < 2 * l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static void labels_copy(struct hv_labels *dst, const struct hv_labels *src)
{
	*dst = (struct hv_labels){ 0 };
	for (size_t i = 0; i < src->n; i++)
		hv_labels_add(dst, src->v[2 * i], src->v[2 * i + 1]);
}

struct hv_part *hv_snapshot_part(struct hv_snapshot *snap, const char *name, bool ok, double seconds, const char *error)
{
	if (snap->npart == HV_MAX_PARTS)
		return NULL;
	struct hv_part *p = &snap->part[snap->npart++];
	p->name = name;
	p->ok = ok;
	p->seconds = seconds;
	snprintf(p->error, sizeof(p->error), "%s", error ? error : "");
	return p;
}

static void domain_free(struct hv_domain *d)
{
	free(d->name);
	free(d->vcpu);
	for (size_t i = 0; i < d->nnet; i++) {
		free(d->net[i].name);
		hv_labels_free(&d->net[i].info);
	}
	free(d->net);
	for (size_t i = 0; i < d->nblk; i++) {
		free(d->blk[i].name);
		hv_labels_free(&d->blk[i].info);
	}
	free(d->blk);
	free(d->note);
	hv_labels_free(&d->info);
	free(d->iothread);
	free(d->perf);
}

void hv_snapshot_free(struct hv_snapshot *snap)
{
	for (size_t i = 0; i < snap->ndom; i++)
		domain_free(&snap->dom[i]);
	free(snap->dom);
	for (size_t i = 0; i < snap->npool; i++)
		free(snap->pool[i].name);
	free(snap->pool);
	free(snap->error);
	free(snap->host.hostname);
	free(snap->host.type);
	free(snap->host.version);
	free(snap->host.source);
	free(snap->host.pcpu_idle_ns);
	free(snap->host.pcpu_modes);
	memset(snap, 0, sizeof(*snap));
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static void domain_copy(struct hv_domain *dst, const struct hv_domain *src)
{
	*dst = *src;
	dst->name = dup_or_null(src->name);
	dst->note = dup_or_null(src->note);
	dst->vcpu = src->nvcpu ? xmalloc(src->nvcpu * sizeof(*src->vcpu)) : NULL;
	if (src->nvcpu)
		memcpy(dst->vcpu, src->vcpu, src->nvcpu * sizeof(*src->vcpu));
	dst->net = src->nnet ? xmalloc(src->nnet * sizeof(*src->net)) : NULL;
	for (size_t i = 0; i < src->nnet; i++) {
		dst->net[i] = src->net[i];
		dst->net[i].name = dup_or_null(src->net[i].name);
		labels_copy(&dst->net[i].info, &src->net[i].info);
	}
	dst->blk = src->nblk ? xmalloc(src->nblk * sizeof(*src->blk)) : NULL;
	for (size_t i = 0; i < src->nblk; i++) {
		dst->blk[i] = src->blk[i];
		dst->blk[i].name = dup_or_null(src->blk[i].name);
		labels_copy(&dst->blk[i].info, &src->blk[i].info);
	}
	labels_copy(&dst->info, &src->info);
	dst->iothread = src->niothread ? xmalloc(src->niothread * sizeof(*src->iothread)) : NULL;
	if (src->niothread)
		memcpy(dst->iothread, src->iothread, src->niothread * sizeof(*src->iothread));
	dst->perf = src->nperf ? xmalloc(src->nperf * sizeof(*src->perf)) : NULL;
	if (src->nperf)
		memcpy(dst->perf, src->perf, src->nperf * sizeof(*src->perf));
}

void hv_snapshot_copy(struct hv_snapshot *dst, const struct hv_snapshot *src)
{
	hv_snapshot_free(dst);
	*dst = *src;
	dst->error = dup_or_null(src->error);
	dst->host.hostname = dup_or_null(src->host.hostname);
	dst->host.type = dup_or_null(src->host.type);
	dst->host.version = dup_or_null(src->host.version);
	dst->host.source = dup_or_null(src->host.source);
	dst->host.pcpu_idle_ns = src->host.npcpu ? xmalloc(src->host.npcpu * sizeof(*src->host.pcpu_idle_ns)) : NULL;
	if (src->host.npcpu)
		memcpy(dst->host.pcpu_idle_ns, src->host.pcpu_idle_ns, src->host.npcpu * sizeof(*src->host.pcpu_idle_ns));
	dst->host.pcpu_modes = src->host.npcpu && src->host.pcpu_modes ? xmalloc(src->host.npcpu * sizeof(*src->host.pcpu_modes)) : NULL;
	if (dst->host.pcpu_modes)
		memcpy(dst->host.pcpu_modes, src->host.pcpu_modes, src->host.npcpu * sizeof(*src->host.pcpu_modes));
	dst->dom = src->ndom ? xcalloc(src->ndom, sizeof(*dst->dom)) : NULL;
	for (size_t i = 0; i < src->ndom; i++)
		domain_copy(&dst->dom[i], &src->dom[i]);
	dst->pool = src->npool ? xcalloc(src->npool, sizeof(*dst->pool)) : NULL;
	for (size_t i = 0; i < src->npool; i++) {
		dst->pool[i] = src->pool[i];
		dst->pool[i].name = dup_or_null(src->pool[i].name);
	}
}

struct hv_domain *hv_snapshot_add(struct hv_snapshot *snap)
{
	snap->dom = xrealloc(snap->dom, (snap->ndom + 1) * sizeof(*snap->dom));
	struct hv_domain *d = &snap->dom[snap->ndom++];
	memset(d, 0, sizeof(*d));
	d->id = -1;
	d->state = HV_UNKNOWN;
	return d;
}

const char *hv_guest_type(const char *name)
{
	if (!name)
		return NULL;
	if (!strcmp(name, "pv") || !strcmp(name, "linux") || !strcmp(name, "xen"))
		return "pv";
	if (!strcmp(name, "pvh") || !strcmp(name, "xenpvh"))
		return "pvh";
	if (!strcmp(name, "hvm"))
		return "hvm";
	return NULL;
}

const char *hv_state_name(enum hv_state s)
{
	static const char *const n[] = { "running", "blocked", "paused", "shutdown", "crashed", "dying", "shutoff", "unknown" };
	return s < HV__STATES ? n[s] : "unknown";
}

char hv_state_letter(enum hv_state s)
{
	static const char l[] = "rbpscdo?";
	return s < HV__STATES ? l[s] : '?';
}

static bool same_domain(const struct hv_domain *p, const struct hv_domain *d)
{
	return d->uuid[0] ? p->id == d->id && strcmp(p->uuid, d->uuid) == 0 : p->id == d->id && str_eq(p->name, d->name);
}

static const struct hv_domain *find_prev_at(const struct hv_snapshot *prev, const struct hv_domain *d, size_t hint)
{
	if (!prev)
		return NULL;
	/* Backends list domains in a stable order, so the same position
	 * nearly always holds the same domain: O(1) instead of a scan. */
	if (hint < prev->ndom && same_domain(&prev->dom[hint], d))
		return &prev->dom[hint];
	for (size_t i = 0; i < prev->ndom; i++)
		if (same_domain(&prev->dom[i], d))
			return &prev->dom[i];
	return NULL;
}

const struct hv_domain *hv_find_prev(const struct hv_snapshot *prev, const struct hv_domain *d)
{
	return find_prev_at(prev, d, SIZE_MAX);
}

uint64_t hv_net_tx_bytes(const struct hv_domain *d)
{
	uint64_t s = 0;
	for (size_t i = 0; i < d->nnet; i++)
		s += d->net[i].tx_bytes;
	return s;
}

uint64_t hv_net_rx_bytes(const struct hv_domain *d)
{
	uint64_t s = 0;
	for (size_t i = 0; i < d->nnet; i++)
		s += d->net[i].rx_bytes;
	return s;
}

uint64_t hv_blk_sum(const struct hv_domain *d, size_t off)
{
	uint64_t s = 0;
	for (size_t i = 0; i < d->nblk; i++)
		s += *(const uint64_t *)((const char *)&d->blk[i] + off);
	return s;
}

/* A counter that went backwards was reset (domain rebooted, device
 * replaced): no rate rather than a huge one. */
static double rate(uint64_t now, uint64_t then, double dt)
{
	return now >= then ? (double)(now - then) / dt : 0.0;
}

/* The vCPUs' delay over the interval, of those that have it in both
 * samples; a vCPU whose counter went back (hot-unplugged and plugged)
 * counts nothing. */
static void steal(const struct hv_domain *d, const struct hv_domain *p, double dt, struct hv_rates *out)
{
	uint64_t sum = 0;
	for (size_t i = 0; i < d->nvcpu && i < p->nvcpu; i++) {
		if (!d->vcpu[i].have_wait || !p->vcpu[i].have_wait)
			continue;
		out->have_steal = true;
		if (d->vcpu[i].delay_ns >= p->vcpu[i].delay_ns)
			sum += d->vcpu[i].delay_ns - p->vcpu[i].delay_ns;
	}
	out->steal_pct = out->have_steal ? (double)sum / 10.0 / (dt * 1e6) : 0.0;
}

void hv_rates(const struct hv_snapshot *prev, const struct hv_snapshot *cur, const struct hv_domain *d, struct hv_rates *out)
{
	memset(out, 0, sizeof(*out));
	size_t hint = d >= cur->dom && d < cur->dom + cur->ndom ? (size_t)(d - cur->dom) : SIZE_MAX;
	const struct hv_domain *p = find_prev_at(prev, d, hint);
	double dt = prev ? cur->mono - prev->mono : 0;
	if (!p || dt <= 0 || d->stuck)
		return;
	out->valid = true;
	/* xentop: ((cpu_ns - prev_cpu_ns) / 10.0) / elapsed_us, i.e. the
	 * percentage of one physical CPU. */
	out->cpu_pct = d->cpu_ns >= p->cpu_ns ? (double)(d->cpu_ns - p->cpu_ns) / 10.0 / (dt * 1e6) : 0.0;
	if (d->nvcpu) {
		out->nvcpu = d->nvcpu;
		out->vcpu_pct = xcalloc(d->nvcpu, sizeof(double));
		for (size_t i = 0; i < d->nvcpu && i < p->nvcpu; i++)
			out->vcpu_pct[i] = d->vcpu[i].time_ns >= p->vcpu[i].time_ns
						   ? (double)(d->vcpu[i].time_ns - p->vcpu[i].time_ns) / 10.0 / (dt * 1e6)
						   : 0.0;
	}
	out->net_rx_bps = rate(hv_net_rx_bytes(d), hv_net_rx_bytes(p), dt);
	out->net_tx_bps = rate(hv_net_tx_bytes(d), hv_net_tx_bytes(p), dt);
	out->rd_reqs_ps = rate(HV_BLK_SUM(d, rd_reqs), HV_BLK_SUM(p, rd_reqs), dt);
	out->wr_reqs_ps = rate(HV_BLK_SUM(d, wr_reqs), HV_BLK_SUM(p, wr_reqs), dt);
	out->rd_bps = rate(HV_BLK_SUM(d, rd_bytes), HV_BLK_SUM(p, rd_bytes), dt);
	out->wr_bps = rate(HV_BLK_SUM(d, wr_bytes), HV_BLK_SUM(p, wr_bytes), dt);
	out->oo_ps = rate(HV_BLK_SUM(d, oo_reqs), HV_BLK_SUM(p, oo_reqs), dt);
	steal(d, p, dt, out);
}

void hv_rates_free(struct hv_rates *r)
{
	free(r->vcpu_pct);
	r->vcpu_pct = NULL;
}

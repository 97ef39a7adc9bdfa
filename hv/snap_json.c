/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Snapshots as JSON: what a support bundle records of the hypervisor
 * (hypervisor/samples.json).  hv/snap_load.c reads it back for top
 * --replay; the keys both use are in hv/snap_keys.h. */
#include "hv/snap_keys.h"

#include <stdint.h>
#include <string.h>

#include "core/json.h"
#include "core/util.h"

/* JSON readers (jansson among them) hold integers as int64: the few
 * counters past that are sentinels ("no limit"), kept as the largest. */
static void put_u64(struct json *j, const char *key, uint64_t v)
{
	json_uint(j, key, v > INT64_MAX ? (uint64_t)INT64_MAX : v);
}

#define CFIELD_U64(base, off) (*(const uint64_t *)((const char *)(base) + (off)))

static void write_counters(struct json *j, const void *dev, const struct snap_counter *keys, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put_u64(j, keys[i].key, CFIELD_U64(dev, keys[i].off));
}

static const char *vcpu_state_name(const struct hv_vcpu *v)
{
	if (!v->online)
		return snap_vcpu_state[0];
	return snap_vcpu_state[v->state >= 0 && v->state <= 2 ? v->state + 1 : 1];
}

static void write_vcpus(struct json *j, const struct hv_domain *d)
{
	json_array(j, "vcpu_ns", JSON_INLINE);
	for (size_t k = 0; k < d->nvcpu; k++)
		put_u64(j, NULL, d->vcpu[k].time_ns);
	json_close(j);
	json_array(j, "vcpu_state", JSON_INLINE);
	for (size_t k = 0; k < d->nvcpu; k++)
		json_string(j, NULL, vcpu_state_name(&d->vcpu[k]));
	json_close(j);
	/* the host CPU, -1 unknown */
	json_array(j, "vcpu_pcpu", JSON_INLINE);
	for (size_t k = 0; k < d->nvcpu; k++)
		json_int(j, NULL, d->vcpu[k].have_pcpu ? (long long)d->vcpu[k].pcpu : -1);
	json_close(j);
	/* wait and delay (steal) where the source gave them, null elsewhere */
	bool wait = false;
	for (size_t k = 0; k < d->nvcpu; k++)
		wait |= d->vcpu[k].have_wait;
	for (int f = 0; wait && f < 2; f++) {
		json_array(j, f ? "vcpu_delay_ns" : "vcpu_wait_ns", JSON_INLINE);
		for (size_t k = 0; k < d->nvcpu; k++) {
			if (d->vcpu[k].have_wait)
				put_u64(j, NULL, f ? d->vcpu[k].delay_ns : d->vcpu[k].wait_ns);
			else
				json_null(j, NULL);
		}
		json_close(j);
	}
}

static void write_devices(struct json *j, const struct hv_domain *d)
{
	json_array(j, "net", JSON_INLINE);
	for (size_t k = 0; k < d->nnet; k++) {
		json_object(j, NULL, JSON_INLINE);
		json_string(j, "name", d->net[k].name ? d->net[k].name : "");
		write_counters(j, &d->net[k], snap_net, snap_nnet);
		json_close(j);
	}
	json_close(j);
	json_array(j, "block", JSON_INLINE);
	for (size_t k = 0; k < d->nblk; k++) {
		const struct hv_blk *b = &d->blk[k];
		json_object(j, NULL, JSON_INLINE);
		json_string(j, "name", b->name ? b->name : "");
		write_counters(j, b, snap_blk, snap_nblk);
		if (b->have_sizes) {
			put_u64(j, "capacity", b->capacity);
			put_u64(j, "allocation", b->allocation);
			put_u64(j, "physical", b->physical);
		}
		json_close(j);
	}
	json_close(j);
}

/* The balloon's figures and the job, where the source had them. */
static void write_extras(struct json *j, const struct hv_domain *d)
{
	if (d->balloon.have) {
		json_object(j, "balloon", JSON_INLINE);
		for (size_t i = 0; i < snap_nballoon; i++)
			if (d->balloon.have & snap_balloon[i].bit)
				put_u64(j, snap_balloon[i].key, CFIELD_U64(&d->balloon, snap_balloon[i].off));
		json_close(j);
	}
	if (d->job.type && strcmp(d->job.type, "none") != 0) {
		json_object(j, "job", JSON_INLINE);
		json_string(j, "type", d->job.type);
		put_u64(j, "elapsed_ms", d->job.elapsed_ms);
		put_u64(j, "remaining_ms", d->job.remaining_ms);
		put_u64(j, "data_total", d->job.data_total);
		put_u64(j, "data_processed", d->job.data_processed);
		put_u64(j, "data_remaining", d->job.data_remaining);
		json_close(j);
	}
}

static void write_domain(struct json *j, const struct hv_domain *d)
{
	json_object(j, NULL, JSON_INLINE);
	json_int(j, "id", d->id);
	json_string(j, "name", d->name);
	json_string(j, "uuid", d->uuid);
	json_string(j, "state", hv_state_name(d->state));
	json_string(j, "reason", d->reason);
	json_string(j, "type", d->guest_type);
	if (d->have & HV_HAVE_PERSISTENT)
		json_bool(j, "persistent", d->persistent);
	else
		json_null(j, "persistent");
	json_array(j, "have", JSON_INLINE);
	for (size_t i = 0; i < snap_nhave; i++)
		if (d->have & snap_have[i].bit)
			json_string(j, NULL, snap_have[i].key);
	json_close(j);
	put_u64(j, "cpu_ns", d->cpu_ns);
	put_u64(j, "mem_kib", d->mem_kib);
	put_u64(j, "maxmem_kib", d->maxmem_kib);
	put_u64(j, "rss_kib", d->rss_kib);
	json_uint(j, "vcpus_online", d->vcpus_online);
	json_uint(j, "vcpus_max", d->vcpus_max);
	json_bool(j, "stuck", d->stuck);
	json_string(j, "note", d->note);
	write_vcpus(j, d);
	write_devices(j, d);
	write_extras(j, d);
	json_close(j);
}

/* Each pCPU's counters as arrays by CPU number, null for a CPU offline
 * in this sample; user, system and iowait where the source has them. */
static void write_pcpus(struct json *j, const struct hv_host *h)
{
	static const char *const keys[4] = { "pcpu_idle_ns", "pcpu_user_ns", "pcpu_system_ns", "pcpu_iowait_ns" };
	for (int k = 0; h->npcpu && k < (h->pcpu_modes ? 4 : 1); k++) {
		json_array(j, keys[k], JSON_INLINE);
		for (size_t i = 0; i < h->npcpu; i++) {
			const struct hv_pcpu_modes *m = h->pcpu_modes ? &h->pcpu_modes[i] : NULL;
			if (m && !m->online)
				json_null(j, NULL);
			else
				put_u64(j, NULL, k == 0 ? h->pcpu_idle_ns[i] : k == 1 ? m->user_ns : k == 2 ? m->system_ns : m->iowait_ns);
		}
		json_close(j);
	}
}

static void write_host(struct json *j, const struct hv_host *h)
{
	json_object(j, "host", JSON_INLINE);
	json_uint(j, "cpus", h->cpus);
	put_u64(j, "mem_total_kib", h->mem_total_kib);
	put_u64(j, "mem_free_kib", h->mem_free_kib);
	put_u64(j, "mem_buffers_kib", h->mem_buffers_kib);
	put_u64(j, "mem_cached_kib", h->mem_cached_kib);
	json_string(j, "hostname", h->hostname);
	json_string(j, "type", h->type);
	json_string(j, "version", h->version);
	json_string(j, "source", h->source);
	if (h->have_cpu_time) {
		put_u64(j, "cpu_user_ns", h->cpu_user_ns);
		put_u64(j, "cpu_system_ns", h->cpu_system_ns);
		put_u64(j, "cpu_idle_ns", h->cpu_idle_ns);
		put_u64(j, "cpu_iowait_ns", h->cpu_iowait_ns);
	}
	write_pcpus(j, h);
	json_close(j);
}

static void write_pools_parts(struct json *j, const struct hv_snapshot *snap)
{
	json_array(j, "pools", JSON_LINES);
	for (size_t i = 0; i < snap->npool; i++) {
		const struct hv_pool *p = &snap->pool[i];
		json_object(j, NULL, JSON_INLINE);
		json_string(j, "name", p->name);
		json_string(j, "uuid", p->uuid);
		json_string(j, "state", p->state);
		put_u64(j, "capacity", p->capacity);
		put_u64(j, "allocation", p->allocation);
		put_u64(j, "available", p->available);
		json_close(j);
	}
	json_close(j);
	json_array(j, "parts", JSON_INLINE);
	for (size_t i = 0; i < snap->npart; i++) {
		json_object(j, NULL, JSON_INLINE);
		json_string(j, "name", snap->part[i].name);
		json_bool(j, "ok", snap->part[i].ok);
		json_double(j, "seconds", snap->part[i].seconds, 6);
		if (snap->part[i].error[0])
			json_string(j, "error", snap->part[i].error);
		json_close(j);
	}
	json_close(j);
}

void hv_snapshot_write_json(const struct hv_snapshot *snap, struct buf *out)
{
	struct json j;
	json_init(&j, out, false);
	json_object(&j, NULL, JSON_LINES);
	json_double(&j, "time", snap->wall, 3);
	json_bool(&j, "up", snap->up);
	json_string(&j, "error", snap->error);
	write_host(&j, &snap->host);
	json_array(&j, "domains", JSON_LINES);
	for (size_t i = 0; i < snap->ndom; i++)
		write_domain(&j, &snap->dom[i]);
	json_close(&j);
	write_pools_parts(&j, snap);
	json_close(&j);
}

void hv_history_write_json(const struct hv_snapshot *snaps, size_t n, double interval, struct buf *out)
{
	buf_printf(out, "{\"format\":%d,\"interval\":%.3f,\"samples\":[\n", SNAP_FORMAT, interval);
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_puts(out, ",\n");
		hv_snapshot_write_json(&snaps[i], out);
	}
	buf_puts(out, "\n]}\n");
}


size_t hv_history_write_json_fit(const struct hv_snapshot *snaps, size_t n, double interval, size_t max, struct buf *out)
{
	size_t start = out->len, first = 0;
	hv_history_write_json(snaps, n, interval, out);
	while (out->len - start > max && first + 1 < n) {
		first++;
		out->len = start;
		out->s[start] = '\0';
		hv_history_write_json(snaps + first, n - first, interval, out);
	}
	return first;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A support bundle's samples read back (hypervisor/samples.json, or the
 * single domains.json of format 1), for top --replay: what hv/snap_json.c
 * wrote, with the keys of hv/snap_keys.h, by the format it says. */
#include "hv/snap_keys.h"

#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <string.h>

#include "core/json_in.h"
#include "core/util.h"

#define FIELD_U64(base, off) (*(uint64_t *)((char *)(base) + (off)))

/* The integer at key, 0 when absent; -1 when it is there but not a
 * non-negative integer. */
static int get_u64(json_t *o, const char *key, uint64_t *v)
{
	json_t *x = json_object_get(o, key);
	*v = 0;
	if (!x)
		return 0;
	if (!json_is_integer(x) || json_integer_value(x) < 0)
		return -1;
	*v = (uint64_t)json_integer_value(x);
	return 0;
}

static char *get_str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? xstrdup(s) : NULL;
}

static int read_counters(json_t *o, void *dev, const struct snap_counter *keys, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (get_u64(o, keys[i].key, &FIELD_U64(dev, keys[i].off)) < 0)
			return -1;
	return 0;
}

/* vcpu_wait_ns and vcpu_delay_ns: written where the source gave them
 * (null for a vCPU without), absent from older files. */
static int read_vcpu_waits(json_t *o, struct hv_domain *d)
{
	json_t *w = json_object_get(o, "vcpu_wait_ns"), *dl = json_object_get(o, "vcpu_delay_ns");
	if (!w && !dl)
		return 0;
	if (json_array_size(w) != d->nvcpu || json_array_size(dl) != d->nvcpu)
		return -1;
	for (size_t k = 0; k < d->nvcpu; k++) {
		json_t *a = json_array_get(w, k), *b = json_array_get(dl, k);
		if (json_is_null(a) && json_is_null(b))
			continue;
		if (!json_is_integer(a) || !json_is_integer(b) || json_integer_value(a) < 0 || json_integer_value(b) < 0)
			return -1;
		d->vcpu[k].have_wait = true;
		d->vcpu[k].wait_ns = (uint64_t)json_integer_value(a);
		d->vcpu[k].delay_ns = (uint64_t)json_integer_value(b);
	}
	return 0;
}

static int read_vcpus(json_t *o, struct hv_domain *d, int format)
{
	json_t *ns = json_object_get(o, "vcpu_ns"), *st = json_object_get(o, "vcpu_state"), *pc = json_object_get(o, "vcpu_pcpu");
	if (!json_is_array(ns))
		return ns ? -1 : 0;
	if (format >= 3 && json_array_size(st) != json_array_size(ns))
		return -1;
	d->nvcpu = json_array_size(ns);
	d->vcpu = d->nvcpu ? xcalloc(d->nvcpu, sizeof(*d->vcpu)) : NULL;
	for (size_t k = 0; k < d->nvcpu; k++) {
		json_t *t = json_array_get(ns, k), *s = json_array_get(st, k), *p = json_array_get(pc, k);
		if (!json_is_integer(t) || json_integer_value(t) < 0)
			return -1;
		struct hv_vcpu *v = &d->vcpu[k];
		v->time_ns = (uint64_t)json_integer_value(t);
		/* format 2 may list no state: online */
		int code = 1;
		for (int c = 0; c < 4; c++)
			if (json_is_string(s) && strcmp(json_string_value(s), snap_vcpu_state[c]) == 0)
				code = c;
		v->online = code != 0;
		v->state = code ? code - 1 : 0;
		v->have_pcpu = p && json_integer_value(p) >= 0;
		v->pcpu = v->have_pcpu ? (unsigned)json_integer_value(p) : 0;
	}
	return read_vcpu_waits(o, d);
}

static int read_devices(json_t *o, struct hv_domain *d)
{
	json_t *nets = json_object_get(o, "net"), *blks = json_object_get(o, "block");
	d->nnet = json_array_size(nets);
	d->net = d->nnet ? xcalloc(d->nnet, sizeof(*d->net)) : NULL;
	for (size_t k = 0; k < d->nnet; k++) {
		json_t *x = json_array_get(nets, k);
		d->net[k].name = get_str(x, "name");
		if (!json_is_object(x) || read_counters(x, &d->net[k], snap_net, snap_nnet) < 0)
			return -1;
	}
	d->nblk = json_array_size(blks);
	d->blk = d->nblk ? xcalloc(d->nblk, sizeof(*d->blk)) : NULL;
	for (size_t k = 0; k < d->nblk; k++) {
		json_t *x = json_array_get(blks, k);
		struct hv_blk *b = &d->blk[k];
		b->name = get_str(x, "name");
		if (!json_is_object(x) || read_counters(x, b, snap_blk, snap_nblk) < 0)
			return -1;
		b->have_sizes = json_object_get(x, "capacity") != NULL;
		if (get_u64(x, "capacity", &b->capacity) < 0 || get_u64(x, "allocation", &b->allocation) < 0 ||
		    get_u64(x, "physical", &b->physical) < 0)
			return -1;
	}
	return 0;
}

static int read_balloon(json_t *o, struct hv_balloon *bal)
{
	json_t *b = json_object_get(o, "balloon");
	if (!json_is_object(b))
		return 0;
	for (size_t i = 0; i < snap_nballoon; i++)
		if (json_object_get(b, snap_balloon[i].key)) {
			if (get_u64(b, snap_balloon[i].key, &FIELD_U64(bal, snap_balloon[i].off)) < 0)
				return -1;
			bal->have |= snap_balloon[i].bit;
		}
	return 0;
}

static enum hv_state state_by_name(const char *s)
{
	for (int i = 0; i < HV__STATES; i++)
		if (s && strcmp(s, hv_state_name((enum hv_state)i)) == 0)
			return (enum hv_state)i;
	return HV_UNKNOWN;
}

/* One domain; the reason and the job are left out: their names are the
 * backends' static strings, and nothing that replays shows them. */
static int read_domain(json_t *o, struct hv_domain *d, int format, const char **why)
{
	json_t *id = json_object_get(o, "id"), *have = json_object_get(o, "have");
	const char *name = json_string_value(json_object_get(o, "name"));
	const char *uuid = json_string_value(json_object_get(o, "uuid"));
	if (!json_is_object(o) || !json_is_integer(id) || !name) {
		*why = "a domain needs an integer id and a name";
		return -1;
	}
	d->id = (int)json_integer_value(id);
	d->name = xstrdup(name);
	snprintf(d->uuid, sizeof(d->uuid), "%s", uuid ? uuid : "");
	d->state = state_by_name(json_string_value(json_object_get(o, "state")));
	d->persistent = json_is_true(json_object_get(o, "persistent"));
	d->guest_type = hv_guest_type(json_string_value(json_object_get(o, "type")));
	d->stuck = json_is_true(json_object_get(o, "stuck"));
	d->note = get_str(o, "note");
	if (!json_is_array(have) && format >= 3) {
		*why = "a domain needs the list of what it has (have)";
		return -1;
	}
	if (have) {
		size_t i;
		json_t *h;
		json_array_foreach (have, i, h)
			for (size_t k = 0; k < snap_nhave; k++)
				if (json_is_string(h) && strcmp(json_string_value(h), snap_have[k].key) == 0)
					d->have |= snap_have[k].bit;
	} else {
		/* formats 1 and 2 without "have": what their writers held */
		d->have = HV_HAVE_CPU | HV_HAVE_MEM | HV_HAVE_VCPU | HV_HAVE_NET | HV_HAVE_BLK;
	}
	/* Writers that did not say whether they knew wrote true only for
	 * defined domains they listed, and false as a default. */
	if (d->persistent)
		d->have |= HV_HAVE_PERSISTENT;
	uint64_t on = 0, max = 0;
	if (get_u64(o, "cpu_ns", &d->cpu_ns) < 0 || get_u64(o, "mem_kib", &d->mem_kib) < 0 ||
	    get_u64(o, "maxmem_kib", &d->maxmem_kib) < 0 || get_u64(o, "rss_kib", &d->rss_kib) < 0 ||
	    get_u64(o, "vcpus_online", &on) < 0 || get_u64(o, "vcpus_max", &max) < 0 || on > UINT32_MAX || max > UINT32_MAX) {
		*why = "a domain's counters are non-negative integers";
		return -1;
	}
	d->vcpus_online = (unsigned)on;
	d->vcpus_max = (unsigned)max;
	if (read_vcpus(o, d, format) < 0 || read_devices(o, d) < 0 || read_balloon(o, &d->balloon) < 0) {
		*why = "a domain's vCPUs, devices or balloon are not as the writer writes them";
		return -1;
	}
	d->job.type = "none";
	return 0;
}

/* A pCPU counter: a non-negative integer, or null (offline); false
 * for anything else. */
static bool pcpu_value(json_t *a, size_t i, bool *online, uint64_t *v)
{
	json_t *x = json_array_get(a, i);
	*online = !json_is_null(x);
	*v = *online ? (uint64_t)json_integer_value(x) : 0;
	return json_is_null(x) || (json_is_integer(x) && json_integer_value(x) >= 0);
}

/* pcpu_idle_ns (Xen's, since format 2; libvirt's with the three other
 * modes beside it, null where a CPU was offline, absent from older
 * files). */
static int read_pcpus(json_t *o, struct hv_host *h)
{
	static const char *const keys[3] = { "pcpu_user_ns", "pcpu_system_ns", "pcpu_iowait_ns" };
	json_t *idle = json_object_get(o, "pcpu_idle_ns"), *mode[3];
	if (idle && !json_is_array(idle))
		return -1;
	h->npcpu = json_array_size(idle);
	bool modes = h->npcpu > 0;
	for (int k = 0; k < 3; k++) {
		mode[k] = json_object_get(o, keys[k]);
		if (mode[k] && json_array_size(mode[k]) != h->npcpu)
			return -1;
		modes &= mode[k] != NULL;
	}
	h->pcpu_idle_ns = h->npcpu ? xcalloc(h->npcpu, sizeof(*h->pcpu_idle_ns)) : NULL;
	h->pcpu_modes = modes ? xcalloc(h->npcpu, sizeof(*h->pcpu_modes)) : NULL;
	for (size_t i = 0; i < h->npcpu; i++) {
		bool on, on_k;
		if (!pcpu_value(idle, i, &on, &h->pcpu_idle_ns[i]) || (!modes && !on))
			return -1;
		if (!modes)
			continue;
		struct hv_pcpu_modes *m = &h->pcpu_modes[i];
		uint64_t *out[3] = { &m->user_ns, &m->system_ns, &m->iowait_ns };
		for (int k = 0; k < 3; k++)
			if (!pcpu_value(mode[k], i, &on_k, out[k]) || on_k != on)
				return -1;
		m->online = on;
	}
	return 0;
}

static int read_host(json_t *o, struct hv_host *h)
{
	uint64_t cpus = 0;
	if (!json_is_object(o) || get_u64(o, "cpus", &cpus) < 0 || cpus > UINT32_MAX || get_u64(o, "mem_total_kib", &h->mem_total_kib) < 0 ||
	    get_u64(o, "mem_free_kib", &h->mem_free_kib) < 0 || get_u64(o, "mem_buffers_kib", &h->mem_buffers_kib) < 0 ||
	    get_u64(o, "mem_cached_kib", &h->mem_cached_kib) < 0)
		return -1;
	h->cpus = (unsigned)cpus;
	h->hostname = get_str(o, "hostname");
	h->type = get_str(o, "type");
	h->version = get_str(o, "version");
	h->source = get_str(o, "source");
	h->have_cpu_time = json_object_get(o, "cpu_idle_ns") != NULL;
	if (get_u64(o, "cpu_user_ns", &h->cpu_user_ns) < 0 || get_u64(o, "cpu_system_ns", &h->cpu_system_ns) < 0 ||
	    get_u64(o, "cpu_idle_ns", &h->cpu_idle_ns) < 0 || get_u64(o, "cpu_iowait_ns", &h->cpu_iowait_ns) < 0)
		return -1;
	return read_pcpus(o, h);
}

/* One sample; its time stands for the monotonic clock too (rates between
 * recorded samples). */
static int read_snapshot(json_t *o, struct hv_snapshot *s, int format, const char **why)
{
	json_t *t = json_object_get(o, "time"), *doms = json_object_get(o, "domains");
	if (!json_is_object(o) || !json_is_number(t) || !json_is_array(doms)) {
		*why = "a sample needs a time and a domains array";
		return -1;
	}
	s->wall = s->mono = json_number_value(t);
	s->up = json_is_true(json_object_get(o, "up"));
	s->error = get_str(o, "error");
	if (read_host(json_object_get(o, "host"), &s->host) < 0) {
		*why = "a sample's host is not as the writer writes it";
		return -1;
	}
	size_t i;
	json_t *d;
	json_array_foreach (doms, i, d)
		if (read_domain(d, hv_snapshot_add(s), format, why) < 0)
			return -1;
	return 0;
}

int hv_history_load(const char *top, const char *rel, const char *shown, struct hv_history *h, struct err *e)
{
	*h = (struct hv_history){ 0 };
	json_t *root = json_in_read(top, rel, HV_HISTORY_MAX_BYTES, shown, e);
	if (!root)
		return e->code ? e->code : -EINVAL;
	/* a history ({"format": N, "samples": [...]}) or one sample (format 1) */
	json_t *samples = json_object_get(root, "samples"), *fmt = json_object_get(root, "format");
	bool one = !samples && json_object_get(root, "domains");
	size_t n = one ? 1 : json_array_size(samples);
	int r = 0, format = one ? 1 : 2;
	if (fmt && (!json_is_integer(fmt) || json_integer_value(fmt) < 1))
		r = err_set(e, -EINVAL, "%s: format is not a positive integer", shown);
	else if (fmt && json_integer_value(fmt) > SNAP_FORMAT)
		r = err_set(e, -EINVAL, "%s: format %lld is newer than this hvscope reads (%d): replay it with a newer hvscope", shown,
			    (long long)json_integer_value(fmt), SNAP_FORMAT);
	else if (fmt)
		format = (int)json_integer_value(fmt);
	if (r == 0 && !one && !json_is_array(samples))
		r = err_set(e, -EINVAL, "%s: neither a history of samples nor one sample", shown);
	else if (r == 0 && n == 0)
		r = err_set(e, -EINVAL, "%s: no samples", shown);
	else if (r == 0 && n > HV_HISTORY_MAX_SAMPLES)
		r = err_set(e, -EINVAL, "%s: %zu samples, more than the %d a bundle holds at most", shown, n, HV_HISTORY_MAX_SAMPLES);
	h->snap = r < 0 ? NULL : xcalloc(n, sizeof(*h->snap));
	for (size_t i = 0; r == 0 && i < n; i++) {
		const char *why = NULL;
		h->n = i + 1;
		if (read_snapshot(one ? root : json_array_get(samples, i), &h->snap[i], format, &why) < 0)
			r = err_set(e, -EINVAL, "%s: sample %zu: %s", shown, i + 1, why);
		else if (i && h->snap[i].wall < h->snap[i - 1].wall)
			r = err_set(e, -EINVAL, "%s: sample %zu is older than the one before it", shown, i + 1);
	}
	json_decref(root);
	if (r < 0)
		hv_history_free(h);
	return r;
}

void hv_history_free(struct hv_history *h)
{
	for (size_t i = 0; i < h->n; i++)
		hv_snapshot_free(&h->snap[i]);
	free(h->snap);
	*h = (struct hv_history){ 0 };
}

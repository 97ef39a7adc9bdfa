/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "hv/backend.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/escape.h"

#include "core/root.h"
#include "core/util.h"
#include "probe/probe.h"

/* The hypervisor probe's answer, as hvscope check gives it. */
static bool is_xen_dom0(void)
{
	struct probe_ctx ctx;
	probe_ctx_init(&ctx, "/");
	const struct fact *f = probe_fact(&ctx, "xen.dom0");
	bool yes = f->status == FACT_OK && f->b;
	probe_ctx_free(&ctx);
	return yes;
}

/* Backends live in modules (hv-libvirt.so, hv-xenstat.so) so that only the
 * commands that sample a hypervisor pay for loading libvirt.  Looked for in
 * HVSCOPE_MODULE_PATH, beside the binary (the build tree), in
 * BIN/../lib/hvscope (a relocated install), then the configured directory. */
static const struct hv_backend *load_backend(const char *name, struct err *e)
{
	_cleanup_free_ char *bin = self_dir();
	const char *env = getenv("HVSCOPE_MODULE_PATH");
	char *dirs[4] = {
		env && *env ? xstrdup(env) : NULL,
		bin ? xstrdup(bin) : NULL,
		bin ? xasprintf("%s/../lib/hvscope", bin) : NULL,
		xstrdup(HVSCOPE_MODULE_DIR),
	};
	const struct hv_backend *be = NULL;
	struct buf tried = BUF_INIT;
	for (size_t i = 0; i < 4 && !be; i++) {
		if (!dirs[i])
			continue;
		_cleanup_free_ char *path = xasprintf("%s/hv-%s.so", dirs[i], name);
		if (access(path, R_OK) != 0) {
			buf_printf(&tried, "%s%s", tried.len ? ", " : "", path);
			continue;
		}
		/* Never closed: libvirt keeps an event-loop thread running
		 * in its code.  Kept here so it stays reachable. */
		static void *handles[8];
		static size_t nhandles;
		void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
		if (h && nhandles < ARRAY_SIZE(handles))
			handles[nhandles++] = h;
		if (!h) {
			buf_printf(&tried, "%s%s (%s)", tried.len ? ", " : "", path, dlerror());
			continue;
		}
		_cleanup_free_ char *sym = xasprintf("hv_backend_%s", name);
		be = dlsym(h, sym);
		if (!be)
			buf_printf(&tried, "%s%s (no %s)", tried.len ? ", " : "", path, sym);
	}
	/* Distributions ship the Xen backend apart, so that KVM hosts do not
	 * pull in Xen's libraries. */
	if (!be)
		err_set(e, -ENOENT, "the %s backend module is not installed%s (tried %s)", name,
			strcmp(name, "xenstat") == 0 ? "; the hvscope-xen package has it" : "", buf_str(&tried));
	buf_free(&tried);
	for (size_t i = 0; i < 4; i++)
		free(dirs[i]);
	return be;
}

int hv_open(const char *uri, struct hv **out, struct err *e)
{
	struct hv *hv = xcalloc(1, sizeof(*hv));
	hv->deadline_ms = 2000;
	hv->connections = HV_DEFAULT_CONNECTIONS;
	if (!uri || !*uri || strcmp(uri, "auto") == 0) {
		struct err none = ERR_INIT;
		if (is_xen_dom0() && (hv->be = load_backend("xenstat", &none))) {
			uri = "xen";
		} else if (hv->be == NULL && none.msg) {
			hv->be = load_backend("libvirt", e);
			uri = NULL;
			hv->auto_note = "auto: a Xen dom0, but the xenstat backend (package hvscope-xen) is not installed, so libvirt's default URI";
		} else {
			hv->be = load_backend("libvirt", e);
			uri = NULL; /* libvirt's own default (LIBVIRT_DEFAULT_URI, uri_default, probing) */
			hv->auto_note = "auto: not a Xen dom0 (/proc/xen/capabilities has no control_d), so libvirt's default URI";
		}
		err_clear(&none);
	} else if (strcmp(uri, "xen") == 0) {
		hv->be = load_backend("xenstat", e);
	} else {
		hv->be = load_backend("libvirt", e);
	}
	if (!hv->be) {
		free(hv);
		return -ENOENT;
	}
	hv->uri = uri ? xstrdup(uri) : NULL;
	int r = hv->be->open(hv, uri, e);
	if (r < 0) {
		free(hv->uri);
		free(hv->describe);
		free(hv);
		return r;
	}
	*out = hv;
	return 0;
}

int hv_sample(struct hv *hv, struct hv_snapshot *snap)
{
	hv_snapshot_free(snap);
	struct err e = ERR_INIT;
	snap->mono = clock_mono();
	snap->wall = clock_wall();
	int r = hv->be->sample(hv, snap, &e);
	snap->up = r == 0;
	if (r < 0)
		snap->error = hv->auto_note ? xasprintf("%s; %s", hv->auto_note, err_msg(&e)) : xstrdup(err_msg(&e));
	/* The domains' figures are the first part; a backend with parts of
	 * its own has recorded it, with its own time. */
	if (!snap->npart || strcmp(snap->part[0].name, "domains") != 0) {
		struct hv_part p = { .name = "domains", .ok = r == 0, .seconds = clock_mono() - snap->mono };
		snprintf(p.error, sizeof(p.error), "%s", r < 0 ? err_msg(&e) : "");
		size_t n = snap->npart < HV_MAX_PARTS ? snap->npart : HV_MAX_PARTS - 1;
		memmove(&snap->part[1], &snap->part[0], n * sizeof(*snap->part));
		snap->part[0] = p;
		snap->npart = n + 1;
	}
	err_clear(&e);
	return r;
}

const char *hv_describe(const struct hv *hv)
{
	return hv->describe ? hv->describe : hv->be->name;
}

void hv_set_deadline(struct hv *hv, int ms)
{
	hv->deadline_ms = ms > 0 ? ms : 1;
}

void hv_set_want(struct hv *hv, unsigned want)
{
	hv->want = want;
}

void hv_set_connections(struct hv *hv, int n)
{
	hv->connections = n > 0 ? n : 1;
}

void hv_set_metadata(struct hv *hv, const char *const *name_xpath, size_t n)
{
	strv_free(&hv->metadata);
	for (size_t i = 0; i < 2 * n; i++)
		strv_push(&hv->metadata, name_xpath[i]);
}

void hv_tidy(struct hv *hv)
{
	if (hv && hv->be->tidy)
		hv->be->tidy(hv);
}

void hv_close(struct hv *hv)
{
	if (!hv)
		return;
	hv->be->close(hv);
	strv_free(&hv->metadata);
	free(hv->uri);
	free(hv->describe);
	free(hv);
}

int hv_dump(struct hv *hv, int timeout_ms, struct hv_docs *out, struct err *e)
{
	if (!hv->be->dump)
		return err_set(e, -ENOTSUP, "the %s backend has no configuration API", hv->be->name);
	return hv->be->dump(hv, timeout_ms > 0 ? timeout_ms : 1, out, e);
}

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
	dst->dom = src->ndom ? xcalloc(src->ndom, sizeof(*dst->dom)) : NULL;
	for (size_t i = 0; i < src->ndom; i++)
		domain_copy(&dst->dom[i], &src->dom[i]);
	dst->pool = src->npool ? xcalloc(src->npool, sizeof(*dst->pool)) : NULL;
	for (size_t i = 0; i < src->npool; i++) {
		dst->pool[i] = src->pool[i];
		dst->pool[i].name = dup_or_null(src->pool[i].name);
	}
}

/* What n bytes take in a packed block: kept 8-aligned for the structs
 * that follow them. */
static size_t pack_size(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

static size_t pack_str_size(const char *s)
{
	return s ? pack_size(strlen(s) + 1) : 0;
}

/* The next n bytes of the block at *at. */
static void *pack_take(char **at, size_t n)
{
	void *p = *at;
	*at += pack_size(n);
	return p;
}

static char *pack_str(char **at, const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s) + 1;
	return memcpy(pack_take(at, n), s, n);
}

void hv_snapshot_copy_packed(struct hv_snapshot *dst, const struct hv_snapshot *src)
{
	hv_snapshot_free_packed(dst);
	size_t bytes = src->ndom * sizeof(struct hv_domain);
	for (size_t i = 0; i < src->ndom; i++) {
		const struct hv_domain *d = &src->dom[i];
		bytes += pack_size(d->nvcpu * sizeof(*d->vcpu)) + pack_size(d->nnet * sizeof(*d->net)) +
			 pack_size(d->nblk * sizeof(*d->blk)) + pack_str_size(d->name) + pack_str_size(d->note);
		for (size_t k = 0; k < d->nnet; k++)
			bytes += pack_str_size(d->net[k].name);
		for (size_t k = 0; k < d->nblk; k++)
			bytes += pack_str_size(d->blk[k].name);
	}
	*dst = (struct hv_snapshot){ .mono = src->mono, .wall = src->wall, .up = src->up, .ndom = src->ndom };
	if (!src->ndom)
		return;
	char *at = xmalloc(bytes);
	dst->dom = pack_take(&at, src->ndom * sizeof(struct hv_domain));
	for (size_t i = 0; i < src->ndom; i++) {
		const struct hv_domain *s = &src->dom[i];
		struct hv_domain *d = &dst->dom[i];
		*d = *s;
		d->info = (struct hv_labels){ 0 }; /* descriptive: not kept */
		d->name = pack_str(&at, s->name);
		d->note = pack_str(&at, s->note);
		d->vcpu = s->nvcpu ? memcpy(pack_take(&at, s->nvcpu * sizeof(*s->vcpu)), s->vcpu, s->nvcpu * sizeof(*s->vcpu)) : NULL;
		d->net = s->nnet ? pack_take(&at, s->nnet * sizeof(*s->net)) : NULL;
		for (size_t k = 0; k < s->nnet; k++) {
			d->net[k] = s->net[k];
			d->net[k].name = pack_str(&at, s->net[k].name);
			d->net[k].info = (struct hv_labels){ 0 };
		}
		d->blk = s->nblk ? pack_take(&at, s->nblk * sizeof(*s->blk)) : NULL;
		for (size_t k = 0; k < s->nblk; k++) {
			d->blk[k] = s->blk[k];
			d->blk[k].name = pack_str(&at, s->blk[k].name);
			d->blk[k].info = (struct hv_labels){ 0 };
		}
	}
}

void hv_snapshot_free_packed(struct hv_snapshot *s)
{
	free(s->dom);
	memset(s, 0, sizeof(*s));
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
}

void hv_rates_free(struct hv_rates *r)
{
	free(r->vcpu_pct);
	r->vcpu_pct = NULL;
}

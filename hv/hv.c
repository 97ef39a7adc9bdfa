/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The hypervisor source: the backend picked and loaded as a module, and
 * the calls that go to it (open, sample, dump, close). */
#include "hv/hv.h"

#include "hv/backend.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/escape.h"
#include "core/module.h"
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
 * commands that sample a hypervisor pay for loading libvirt. */
static const struct hv_backend *load_backend(const char *name, struct err *e)
{
	_cleanup_free_ char *mod = xasprintf("hv-%s", name);
	_cleanup_free_ char *sym = xasprintf("hv_backend_%s", name);
	struct err why = ERR_INIT;
	const struct hv_backend *be = module_sym(mod, sym, &why);
	/* Distributions ship the Xen backend apart, so that KVM hosts do not
	 * pull in Xen's libraries. */
	if (!be)
		err_set(e, -ENOENT, "the %s backend: %s%s", name, err_msg(&why),
			strcmp(name, "xenstat") == 0 ? "; the hvscope-xen package has it" : "");
	err_clear(&why);
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

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What guests ask of KVM beyond a CPU: nested virtualization for those
 * whose <cpu> passes vmx/svm through (kvm_intel's or kvm_amd's nested
 * parameter: Y/N, or 1/0 before Linux 4.20), and /dev/vhost-vsock for
 * those with a <vsock> device (libvirt formatdomain, "Vsock"). */
#include <string.h>

#include "core/root.h"
#include "probe/ask.h"

static const char *const patterns[] = { "kvm.nested", "nested.guests", "vsock.guests", NULL };

static void probe_nested_param(struct probe_ctx *ctx)
{
	static const char *const mods[] = { "kvm_intel", "kvm_amd" };
	for (size_t i = 0; i < ARRAY_SIZE(mods); i++) {
		_cleanup_free_ char *p = xasprintf("/sys/module/%s/parameters/nested", mods[i]);
		_cleanup_free_ char *v = NULL;
		if (root_read_line(ctx->root, p, &v, NULL) < 0)
			continue;
		bool on = !strcmp(v, "Y") || !strcmp(v, "1");
		if (on || !strcmp(v, "N") || !strcmp(v, "0"))
			facts_set_bool(&ctx->facts, "kvm.nested", on, "%s = %s", p, v);
		else
			facts_set_status(&ctx->facts, "kvm.nested", FACT_ERROR, "%s: \"%.20s\" is neither Y/N nor 1/0", p, v);
		return;
	}
	const struct fact *mod = probe_fact(ctx, "kvm.module");
	facts_set_status(&ctx->facts, "kvm.nested", FACT_MISSING, "no nested parameter of kvm_intel or kvm_amd (%s)", mod->evidence);
}

/* The guests whose boolean fact guest.NAME.attr is true. */
static void guests_with(struct probe_ctx *ctx, const char *attr, const char *fact, const char *what)
{
	const struct fact *names = probe_fact(ctx, "guest.names");
	struct strv gnames = { 0 }, with = { 0 };
	for (size_t i = 0; names->status == FACT_OK && i < names->list.n; i++)
		strv_push(&gnames, names->list.v[i]);
	for (size_t i = 0; i < gnames.n; i++) {
		_cleanup_free_ char *f = xasprintf("guest.%s.%s", gnames.v[i], attr);
		const struct fact *b = probe_fact(ctx, f);
		if (b->status == FACT_OK && b->b)
			strv_push(&with, gnames.v[i]);
	}
	facts_set_list_take(&ctx->facts, fact, &with, "the guests %s", what);
	strv_free(&gnames);
}

static void resolve(struct probe_ctx *ctx, const char *name)
{
	if (!strcmp(name, "kvm.nested"))
		probe_nested_param(ctx);
	else if (!strcmp(name, "nested.guests"))
		guests_with(ctx, "nested", name, "whose <cpu> passes vmx/svm through (host-passthrough, maximum, host-model, or the feature required)");
	else if (!strcmp(name, "vsock.guests"))
		guests_with(ctx, "vsock", name, "with a <vsock> device");
}

const struct probe probe_nested = {
	.name = "nested",
	.summary = "nested virtualization and vhost-vsock for the guests that need them",
	.patterns = patterns,
	.resolve = resolve,
};

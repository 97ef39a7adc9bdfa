/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "probe/probe.h"

#include <fnmatch.h>
#include <string.h>
#include <unistd.h>

const struct probe *const probe_table[] = {
	&probe_cpu, &probe_hypervisor, &probe_kvm, &probe_host, &probe_packages,
	&probe_services, &probe_selinux, &probe_resources, &probe_guests, &probe_path, &probe_msr,
	NULL,
};

void probe_ctx_init(struct probe_ctx *ctx, const char *root)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->root = root && *root ? root : "/";
	ctx->is_root = geteuid() == 0;
}

void probe_ctx_free(struct probe_ctx *ctx)
{
	for (size_t i = 0; probe_table[i]; i++)
		if (probe_table[i]->cleanup)
			probe_table[i]->cleanup(ctx);
	facts_free(&ctx->facts);
	strv_free(&ctx->done);
}

static bool pattern_match(const char *pat, const char *name)
{
	/* '*' must match dots and slashes too (selinux.type./var/lib/xen). */
	return fnmatch(pat, name, 0) == 0;
}

const struct probe *probe_for(const char *name)
{
	for (size_t i = 0; probe_table[i]; i++)
		for (const char *const *p = probe_table[i]->patterns; *p; p++)
			if (pattern_match(*p, name))
				return probe_table[i];
	return NULL;
}

bool probe_once(struct probe_ctx *ctx, const char *key)
{
	if (strv_contains(&ctx->done, key))
		return false;
	strv_push(&ctx->done, key);
	return true;
}

const struct fact *probe_fact(struct probe_ctx *ctx, const char *name)
{
	struct fact *f = facts_get(&ctx->facts, name);
	if (f)
		return f;
	const struct probe *p = probe_for(name);
	if (p)
		p->resolve(ctx, name);
	f = facts_get(&ctx->facts, name);
	if (!f) {
		if (p)
			facts_set_status(&ctx->facts, name, FACT_ERROR, "probe %s has no fact %s", p->name, name);
		else
			facts_set_status(&ctx->facts, name, FACT_ERROR, "no probe provides %s", name);
		f = facts_get(&ctx->facts, name);
	}
	return f;
}

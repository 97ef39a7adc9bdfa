/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "probe/probe.h"

#include <fnmatch.h>
#include <string.h>
#include <unistd.h>

#include "core/root.h"
#include "probe/offline.h"

const struct probe *const probe_table[] = {
	&probe_cpu, &probe_hypervisor, &probe_kvm, &probe_host, &probe_packages,
	&probe_services, &probe_selinux, &probe_resources, &probe_guests, &probe_path, &probe_msr, &probe_svirt,
	NULL,
};

void probe_ctx_init(struct probe_ctx *ctx, const char *root)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->root = root && *root ? root : "/";
	ctx->is_root = geteuid() == 0;
	ctx->image = -1;
}

void probe_ctx_init_offline(struct probe_ctx *ctx, unsigned kind, struct facts *recorded, const char *files, const char *cpuid_dump)
{
	probe_ctx_init(ctx, files);
	if (recorded) {
		ctx->facts = *recorded;
		memset(recorded, 0, sizeof(*recorded));
	}
	ctx->offline = kind;
	ctx->files = xcalloc(1, sizeof(*ctx->files));
	probe_ctx_init(ctx->files, files);
	ctx->files->cpuid_dump = cpuid_dump;
	ctx->files->sos = kind == OFFLINE_SOS;
}

static const struct fact *set_unknown(struct probe_ctx *ctx, const char *name, const char *inner)
{
	struct buf why = BUF_INIT;
	offline_reason(name, ctx->offline, ctx->files->root, inner, &why);
	facts_set_status(&ctx->facts, name, FACT_UNKNOWN, "%s", buf_str(&why));
	buf_free(&why);
	return facts_get(&ctx->facts, name);
}

/* A fact not recorded, from the copies of the host's files when the table
 * of sources says they answer it; what they do not tell is not the host's
 * failure. */
static const struct fact *fact_from_files(struct probe_ctx *ctx, const char *name)
{
	if (!offline_answers(name, ctx->offline))
		return set_unknown(ctx, name, NULL);
	const struct fact *f = probe_fact(ctx->files, name);
	switch (f->status) {
	case FACT_OK: {
		struct strv list = { 0 };
		if (f->type == FACT_BOOL)
			facts_set_bool(&ctx->facts, name, f->b, "%s", f->evidence);
		else if (f->type == FACT_INT)
			facts_set_int(&ctx->facts, name, f->i, "%s", f->evidence);
		else if (f->type == FACT_STR)
			facts_set_str(&ctx->facts, name, f->s, "%s", f->evidence);
		else {
			for (size_t i = 0; i < f->list.n; i++)
				strv_push(&list, f->list.v[i]);
			facts_set_list_take(&ctx->facts, name, &list, "%s", f->evidence);
		}
		break;
	}
	case FACT_ERROR:
		facts_set_status(&ctx->facts, name, FACT_ERROR, "%s", f->evidence);
		break;
	default:
		return set_unknown(ctx, name, f->evidence);
	}
	return facts_get(&ctx->facts, name);
}

void probe_ctx_free(struct probe_ctx *ctx)
{
	if (ctx->files) {
		probe_ctx_free(ctx->files);
		free(ctx->files);
		ctx->files = NULL;
	}
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

bool probe_is_image(struct probe_ctx *ctx)
{
	return !ctx->offline && offline_is_image(ctx);
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
	if (ctx->files)
		return fact_from_files(ctx, name);
	const struct probe *p = probe_for(name);
	if (p && offline_image_unknown(ctx, name))
		return facts_get(&ctx->facts, name);
	if (p) {
		unsigned long before = ctx->facts.serial;
		p->resolve(ctx, name);
		offline_image_sweep(ctx, before);
	}
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

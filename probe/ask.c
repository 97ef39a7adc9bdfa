/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Asking a context for a fact: what it holds, what a bundle's copies of
 * the host's files tell, or what the probe owning the name finds. */
#include "probe/ask.h"

#include <fnmatch.h>
#include <string.h>

#include "probe/offline.h"

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

const struct probe *probe_in(const struct probe *const *probes, const char *name)
{
	/* '*' must match dots and slashes too (selinux.type./var/lib/xen). */
	for (size_t i = 0; probes && probes[i]; i++)
		for (const char *const *p = probes[i]->patterns; *p; p++)
			if (fnmatch(*p, name, 0) == 0)
				return probes[i];
	return NULL;
}

const struct fact *probe_fact(struct probe_ctx *ctx, const char *name)
{
	struct fact *f = facts_get(&ctx->facts, name);
	if (f)
		return f;
	if (ctx->files)
		return fact_from_files(ctx, name);
	const struct probe *p = probe_in(ctx->probes, name);
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

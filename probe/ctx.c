/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A probe context's life: made, its once-only keys and private state,
 * freed. */
#include "probe/ctx.h"

#include <string.h>
#include <unistd.h>

#include "core/util.h"

void probe_ctx_setup(struct probe_ctx *ctx, const char *root, const struct probe *const *probes)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->root = root && *root ? root : "/";
	ctx->is_root = geteuid() == 0;
	ctx->image = -1;
	ctx->probes = probes;
}

void probe_ctx_free(struct probe_ctx *ctx)
{
	if (ctx->files) {
		probe_ctx_free(ctx->files);
		free(ctx->files);
		ctx->files = NULL;
	}
	for (size_t i = 0; ctx->probes && ctx->probes[i]; i++)
		if (ctx->probes[i]->cleanup)
			ctx->probes[i]->cleanup(ctx);
	facts_free(&ctx->facts);
	strv_free(&ctx->done);
}

bool probe_once(struct probe_ctx *ctx, const char *key)
{
	if (strv_contains(&ctx->done, key))
		return false;
	strv_push(&ctx->done, key);
	return true;
}

void *probe_state(struct probe_ctx *ctx, unsigned slot, size_t size, bool *fresh)
{
	*fresh = !ctx->state[slot];
	if (*fresh)
		ctx->state[slot] = xcalloc(1, size);
	return ctx->state[slot];
}

void *probe_state_take(struct probe_ctx *ctx, unsigned slot)
{
	void *st = ctx->state[slot];
	ctx->state[slot] = NULL;
	return st;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A snapshot's domains copied into one allocation, for a copy kept only
 * to be read. */
#include "hv/snapshot.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"

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
		d->iothread = NULL; /* asked again each sample */
		d->niothread = 0;
		d->perf = NULL;
		d->nperf = 0;
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


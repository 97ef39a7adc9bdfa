/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Writing the series of the exposition format, below every family's
 * writer: a family's HELP and TYPE lines, each domain's labels escaped
 * once, and series of any labels. */
#ifndef HVSCOPE_EXPORTER_SERIES_H
#define HVSCOPE_EXPORTER_SERIES_H

#include <stddef.h>

#include "core/buf.h"
#include "hv/hv.h"

/* Each domain's labels, domain="..",uuid="..", escaped once per scrape and
 * copied into each of its series: every family has a series or more of
 * each domain. */
struct labels {
	struct buf text;
	size_t *off; /* ndom + 1 offsets into text */
};

void labels_make(struct labels *l, const struct hv_snapshot *s);
void labels_free(struct labels *l);

/* What every family's writer reads: the snapshot, its domains' labels,
 * and the format asked for. */
struct series_ctx {
	const struct hv_snapshot *s;
	struct labels *l;
	bool om; /* OpenMetrics */
};
/* A family's HELP and TYPE lines.  OpenMetrics names a counter family
 * without its _total suffix; its samples keep it. */
void series_head(struct buf *o, bool om, const char *name, const char *type, const char *help);
/* A family of n series with the domains' labels: HELP and TYPE, and room
 * for the series. */
void domain_family(struct buf *o, const struct series_ctx *c, const char *name, const char *type, const char *help, size_t n);
/* How many devices or vCPUs the domains have in all (offset: of the count
 * in struct hv_domain). */
size_t total(const struct hv_snapshot *s, size_t offset);
/* Domain i's labels, domain="..",uuid="..". */
void dom_labels(struct buf *o, const struct labels *l, size_t i);
/* name{domain="..",uuid=".."[,k="v"]} value; v escaped here, value the
 * value's text. */
void series(struct buf *o, const char *name, const struct labels *l, size_t i, const char *k, const char *v, const char *value,
	    size_t vlen);
/* The decimal digits of v, ending at end; returns where they start. */
char *digits(char *end, unsigned long long v);
void series_u64(struct buf *o, const char *name, const struct labels *l, size_t i, const char *extra_k, const char *extra_v,
		unsigned long long v);
/* Nanoseconds as seconds with nine decimals, exactly. */
void series_ns(struct buf *o, const char *name, const struct labels *l, size_t i, const char *extra_k, const char *extra_v,
	       unsigned long long ns);
/* name{domain="..",uuid="..",k1="v1",...} 1: an info series of n pairs
 * (label names as given; values escaped). */
void series_info(struct buf *o, const char *name, const struct labels *l, size_t i, const char *const *kv, size_t n);

#endif

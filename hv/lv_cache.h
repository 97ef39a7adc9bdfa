/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The libvirt backend's bottom layer: what a domain's XML says, parsed
 * and cached by (UUID, id).  No libvirt calls: the XML text comes from a
 * query above.  Hidden in the module, as every hv/lv_*.h. */
#ifndef HVSCOPE_HV_LV_CACHE_H
#define HVSCOPE_HV_LV_CACHE_H

#include <libvirt/libvirt.h>
#include <stddef.h>

#include "core/util.h"
#include "hv/hv.h"

#pragma GCC visibility push(hidden)

/* What a domain's XML says; it does not change while a domain runs.  The
 * device names serve a driver's per-device calls; the info pairs, the
 * info series (HV_WANT_INFO). */
struct lv_dev {
	char uuid[VIR_UUID_STRING_BUFLEN];
	int id;
	struct strv disks, nets;                /* target names */
	struct hv_labels *disk_info, *net_info; /* beside them */
	struct hv_labels info;                  /* the domain's, metadata included */
	unsigned long used;                     /* the last sample that looked it up (gen) */
};

/* The entries, sorted by (uuid, id). */
struct lv_devcache {
	struct lv_dev *v;
	size_t n;
	/* at[i]: the index in v of the domain at position i of the last
	 * sample, tried first (checked: entries move as new ones come). */
	size_t *at;
	size_t nat;
	unsigned long gen; /* the sample under way, for lv_dev.used */
};

/* The XML text of one domain parsed into e (uuid and id left as they
 * are); xml NULL leaves e empty.  metadata: name, XPath, ... pairs. */
void lv_dev_parse(struct lv_dev *e, const char *xml, const struct strv *metadata);
void lv_dev_free(struct lv_dev *e);

/* The entry of (uuid, id), at position pos of the sample, marked used;
 * NULL when the cache has none. */
struct lv_dev *lv_devcache_get(struct lv_devcache *dc, const char *uuid, int id, size_t pos);
/* e moved into the cache at its (uuid, id) (e is left empty), for the
 * domain at position pos; the entry, marked used. */
struct lv_dev *lv_devcache_put(struct lv_devcache *dc, size_t pos, struct lv_dev *e);
void lv_devcache_clear(struct lv_devcache *dc);
/* After a sample: forget the domains it did not look up (gone, or
 * restarted under a new id), so that churn does not grow the cache. */
void lv_devcache_prune(struct lv_devcache *dc);
void lv_devcache_free(struct lv_devcache *dc);

#pragma GCC visibility pop

#endif

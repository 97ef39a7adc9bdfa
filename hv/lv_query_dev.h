/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What a driver leaves out of its statistics, asked domain by domain on a
 * call's thread: the per-domain and per-device calls, each domain's XML,
 * which running domains are transient. */
#ifndef HVSCOPE_HV_LV_QUERY_DEV_H
#define HVSCOPE_HV_LV_QUERY_DEV_H

#include "hv/lv_query.h"

#pragma GCC visibility push(hidden)

/* A domain's devices' counters asked by name: the interfaces' when
 * nets_asked, the disks' when disks_asked; *_ok[i]: device i answered. */
struct dev_stats {
	bool nets_asked, disks_asked;
	struct strv nets, disks;
	virDomainInterfaceStatsStruct *net;
	virDomainBlockStatsStruct *blk;
	bool *net_ok, *blk_ok;
};

/* What a sample asks of one domain beside the bulk records. */
struct dev_ask {
	virDomainPtr dom; /* the sample's; referenced (dom_ref) once the call outlives it */
	bool dom_ref;
	char uuid[VIR_UUID_STRING_BUFLEN];
	int id;
	size_t pos;       /* the domain's position in the sample */
	bool want_core;   /* CPU, memory, vCPUs: lv_ask_domain */
	bool want_xml;    /* the XML, not cached yet */
	/* Got: */
	bool asked;       /* the call reached it */
	struct per_dom per;
	struct lv_dev xml;  /* parsed when want_xml */
	struct dev_stats st; /* the names are asked, from the cache or xml */
};

/* The answers that came in time, taken from a call that missed. */
struct dev_taken {
	struct dev_ask *v;
	int n;
};

/* The domains' asks, one domain after another, on lv->conn; with
 * persistence, which running domains are transient too. */
struct q_dev {
	struct call c;
	virConnectPtr conn; /* referenced */
	struct dev_ask *v;  /* room for cap */
	int n;
	int upto;             /* v[0..upto) answered (under lv->mu) */
	struct strv metadata; /* for parsing the XML */
	bool persistence;
	bool transient_ok;
	struct strv transient; /* UUIDs */
	struct dev_taken *taken; /* where v[0..upto) go on a miss */
};
/* A q_dev of lv with room for cap asks, added with q_dev_add. */
struct q_dev *q_dev_new(struct lv *lv, int cap, const struct strv *metadata, bool persistence, struct dev_taken *taken);
/* An ask for dom (d: its identity), the device names to ask from e (NULL:
 * from its XML, asked too) when nets or disks. */
struct dev_ask *q_dev_add(struct q_dev *q, virDomainPtr dom, const struct hv_domain *d, size_t pos, bool core, bool nets, bool disks,
			  const struct lv_dev *e, bool want_xml);
void lv_dev_ask_free(struct dev_ask *a);
void lv_dev_taken_free(struct dev_taken *t);

#pragma GCC visibility pop

#endif

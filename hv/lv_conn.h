/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The libvirt backend's connections: the process-wide set-up, the
 * backend's state (struct lv), connecting and dropping the connection
 * with back-off, the host facts read on connecting, the device-added
 * event sink, and the pool of kept read-only connections.
 *
 * The backend's files, each calling only those before it:
 *  hv/lv_cache.c       what a domain's XML says, cached by (UUID, id);
 *  hv/lv_conn.c        connections (this header);
 *  hv/lv_call.c        a call on a thread of its own under a deadline;
 *  hv/lv_job.c         a domain job's details, from its typed parameters;
 *  hv/lv_query_node.c, lv_query.c, lv_query_dev.c
 *  hv/lv_query_tune.c, lv_query_perf.c, lv_query_dirty.c
 *                      what each call asks libvirt, on the call's thread;
 *  hv/lv_map.c         the answers mapped onto hv_domain (no libvirt calls);
 *  hv/lv_fill.c        what the statistics left out, asked under the deadline;
 *  hv/lv_share.c       a group asked in shares over the pool;
 *  hv/lv_extra.c       the parts of a sample asked apart;
 *  hv/lv_dump.c        the configuration dump for bundles;
 *  hv/libvirt.c        one sample, step by step, and the backend table.
 * Everything is hidden in the module: only hv_backend_libvirt is
 * exported. */
#ifndef HVSCOPE_HV_LV_CONN_H
#define HVSCOPE_HV_LV_CONN_H

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <pthread.h>
#include <stdbool.h>

#include "core/util.h"
#include "hv/backend.h"
#include "hv/lv_cache.h"

#pragma GCC visibility push(hidden)

/* Where the connection's device-added events count (a disk hot-plugged
 * into a guest known to have none).  Shared by lv and the event
 * registrations, each holding a reference: libvirt calls the free
 * function when a connection goes, which may be after lv has. */
struct evsink {
	int refs;
	int gen;
};

struct call;

struct lv {
	virConnectPtr conn;
	char *uri;
	double next_retry, backoff;
	char *down;
	pthread_mutex_t mu;
	pthread_cond_t cv;        /* CLOCK_MONOTONIC: see core/clock.h */
	struct call *outstanding; /* calls that missed their deadline */
	int lingering;            /* calls done, released or not, that have not let go of lv */
	struct call *spent;       /* the last sample's bulk call, lingering until hv_tidy */
	bool retire;              /* a call was left waiting on conn during this sample */
	struct hv_snapshot last;  /* for stuck domains' last figures (packed) */
	struct lv_devcache dc;
	/* host facts that do not change while connected */
	char *hostname, *type, *version;
	unsigned cpus;
	uint64_t mem_total_kib;
	unsigned groups;       /* bulk groups: STATS_BASE, and balloon for HV_WANT_RSS */
	const struct strv *metadata; /* hv->metadata: name, XPath, ... */
	unsigned node_want;    /* HV_WANT_INACTIVE | HV_WANT_POOLS of this sample */
	/* Kept read-only connections the monitor-bound groups are spread
	 * over (hv->connections of them; NULL slots are opened when needed):
	 * libvirtd asks different domains' monitors at once, one bulk call
	 * asks them one after another. */
	virConnectPtr *pool;
	int npool;
	struct evsink *sink;   /* device-added events */
	bool events;           /* registered on this connection */
	bool block_in_bulk;    /* this connection's driver gives the block group */
	int known_gen;         /* the sink's count when the last sample kept in last began; -1: none */
	int sample_gen;        /* the sink's count when this sample began */
	/* The driver has no bulk statistics (libvirt's Xen driver, libxl, has
	 * neither virConnectGetAllDomainStats nor virDomainListGetStats): every
	 * sample lists the domains and asks each through virDomainGetInfo and
	 * virDomainGetVcpus, with the same deadlines. */
	bool no_bulk;
};

/* libvirt's last error message, never NULL. */
const char *lv_errmsg(void);
/* The domain's UUID as text ("" and -1 when not to be had). */
int lv_uuid(virDomainPtr dom, char out[VIR_UUID_STRING_BUFLEN]);

/* A new lv for uri (NULL: libvirt's default), not connected; libvirt set
 * up first, once a process. */
struct lv *lv_new(const char *uri);
/* What lv holds, closed and freed; lv itself too unless a call still out
 * points at it (busy). */
void lv_free(struct lv *lv, bool busy);
int lv_connect(struct lv *lv, struct err *e);
void lv_disconnect(struct lv *lv, const char *why);
/* lv_connect, unless connected or the back-off has not passed. */
int lv_ensure_connected(struct lv *lv, struct err *e);
/* The sink's count of device-added events. */
int lv_sink_gen(const struct lv *lv);

/* Pool connection k of want, opened when missing (NULL when it cannot
 * be). */
virConnectPtr lv_pool_conn(struct lv *lv, int want, int k);
/* Drop pool connection k (its call missed a deadline). */
void lv_pool_drop(struct lv *lv, int k);
/* Close the pool connections (a lost daemon, or the end). */
void lv_pool_close(struct lv *lv);

#pragma GCC visibility pop

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Per-domain statistics from the hypervisor, behind one small interface:
 * hv_open(uri), hv_sample(&snapshot), hv_close().  A snapshot is plain data;
 * rates come from two snapshots through hv_rates().  Callers never see
 * libvirt or libxenstat types (as htop's screens never see the OS). */
#ifndef HVSCOPE_HV_HV_H
#define HVSCOPE_HV_HV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

#include "hv/snapshot.h"

struct hv;

/* uri: NULL or "" or "auto" picks (Xen dom0 -> xenstat, else libvirt's
 * default URI); "xen" the native Xen backend; anything else a libvirt URI.
 * Fails only for an unknown backend; a hypervisor that does not answer yet
 * is reported by hv_sample and retried there with back-off. */
int hv_open(const char *uri, struct hv **out, struct err *e);
/* Fills snap (freeing what it held).  Returns 0, or a negative errno when
 * the source is down (snap->up false, snap->error says why and when the
 * next attempt is). */
int hv_sample(struct hv *hv, struct hv_snapshot *snap);
/* What this source is, for messages: "libvirt qemu:///system". */
const char *hv_describe(const struct hv *hv);
/* Per-sample deadline for one domain's statistics, in milliseconds. */
void hv_set_deadline(struct hv *hv, int ms);
/* Metadata elements exported as info labels: name=XPath pairs evaluated
 * in each domain's <metadata> (hv_set_metadata; OpenStack nova's by
 * default). */
void hv_set_metadata(struct hv *hv, const char *const *name_xpath, size_t n);
void hv_set_want(struct hv *hv, unsigned want);
/* How many read-only connections the monitor-bound groups (block,
 * balloon, vCPU) are spread over, each asking a share of the domains at
 * once (libvirt backend; 1: none, every group on the sample's own
 * connection).  The default is small: a sample waits for its slowest
 * share, which a few shares already bring near one monitor's round trip,
 * while every connection is a client libvirtd keeps open
 * (bench/exporter-collectors.sh compares the counts). */
#define HV_DEFAULT_CONNECTIONS 4
void hv_set_connections(struct hv *hv, int n);
/* Frees what the last sample left to free (libvirt: the bulk call's
 * records, on the thread that got them), for a caller that is done with
 * the sample and has time to spare; otherwise the next sample does it.
 * From the thread that samples. */
void hv_tidy(struct hv *hv);
void hv_close(struct hv *hv);

/* The snapshot's absolute counters as one JSON document (hv/snap_json.c). */
void hv_snapshot_write_json(const struct hv_snapshot *snap, struct buf *out);
/* Samples taken interval seconds apart, as a support bundle records them
 * (hypervisor/samples.json), and read back for top --replay. */
struct hv_history {
	struct hv_snapshot *snap;
	size_t n;
};
void hv_history_write_json(const struct hv_snapshot *snaps, size_t n, double interval, struct buf *out);
/* A samples.json is refused above this size before it is parsed, and above
 * HV_HISTORY_MAX_SAMPLES samples (bundles record at most 600). */
#define HV_HISTORY_MAX_BYTES (16u << 20)
#define HV_HISTORY_MAX_SAMPLES 10000
/* The newest of the n samples whose history fits in max bytes (at least
 * the last one), written; returns how many of the oldest were left out. */
size_t hv_history_write_json_fit(const struct hv_snapshot *snaps, size_t n, double interval, size_t max, struct buf *out);
/* rel under top (a bundle's directory, as a root): a history, or one
 * snapshot (format 1, hv/snap_keys.h); an error names shown:line:column,
 * the sample and what is wrong with it, or a format newer than this
 * reader's. */
int hv_history_load(const char *top, const char *rel, const char *shown, struct hv_history *h, struct err *e);
void hv_history_free(struct hv_history *h);

/* All of it within timeout_ms (what came in time is kept; the rest is
 * reported in *e).  -ENOTSUP when the backend has no such API (xenstat:
 * /etc/xen and xl cover it). */
int hv_dump(struct hv *hv, int timeout_ms, struct hv_docs *out, struct err *e);
#endif

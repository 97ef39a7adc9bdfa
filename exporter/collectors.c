/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The collectors' registry.  On by default those that cost no QEMU monitor
 * round trip or domain job per guest, so that a default scrape's time does
 * not grow with what the guests' monitors take (hvscope-exporter(1),
 * COLLECTORS, has what each costs).  The order is the order of their
 * families in a scrape. */
#include "exporter/collectors.h"

#include "exporter/fam_jobs.h"
#include "exporter/fam_perf.h"
#include "exporter/fam_tune.h"
#include "exporter/families.h"
#include "hv/hv.h"

static const struct collector rows[] = {
	{ .name = "vcpu", .on = false, .want = HV_WANT_VCPU, .help = "vCPU wait and steal time",
	  .cost = "libvirt's vcpu group takes each domain's job", .write = families_vcpu },
	{ .name = "memory", .alias = "rss", .on = false, .want = HV_WANT_BALLOON, .help = "balloon statistics and RSS",
	  .cost = "two QEMU monitor round trips a guest", .write = families_balloon },
	{ .name = "info", .on = true, .want = HV_WANT_INFO, .help = "configuration and metadata",
	  .cost = "each domain's XML, read once while it runs", .write = families_info },
	{ .name = "jobs", .on = false, .want = HV_WANT_JOB, .help = "migrations, saves, dumps",
	  .cost = "a call per domain", .write = families_jobs },
	{ .name = "iotune", .on = false, .want = HV_WANT_IOTUNE, .help = "block devices' I/O limits",
	  .cost = "a QEMU monitor round trip per disk", .write = families_iotune },
	{ .name = "numa", .on = false, .want = HV_WANT_NUMA, .help = "NUMA nodes' free memory, domains' placement",
	  .cost = "a call per domain", .write = families_numa },
	{ .name = "iothread", .on = false, .want = HV_WANT_IOTHREAD, .help = "IOThreads' polling and affinity",
	  .cost = "a QEMU monitor round trip per guest", .write = families_iothread },
	{ .name = "perf", .on = false, .want = HV_WANT_PERF, .help = "perf events, cache occupancy, memory bandwidth",
	  .cost = "a call per domain and one bulk call", .write = families_perf },
	{ .name = "dirtyrate", .on = false, .want = HV_WANT_DIRTYRATE, .help = "guests' memory dirty rate",
	  .cost = "a QEMU monitor round trip per guest, and a calculation a minute", .write = families_dirtyrate },
	{ .name = "inactive", .on = true, .want = HV_WANT_INACTIVE, .help = "defined domains that do not run",
	  .cost = "a list call, none to a guest's QEMU", .write = NULL },
	{ .name = "pools", .on = true, .want = HV_WANT_POOLS, .help = "storage pools",
	  .cost = "a list call and one a pool", .write = families_pools },
};
_Static_assert(sizeof(rows) / sizeof(*rows) == COLLECTORS, "COLLECTORS is how many rows the registry has");
const struct collector *const collectors = rows;

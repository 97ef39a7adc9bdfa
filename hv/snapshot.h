/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A sample as plain data: the host, its domains and their counters, the
 * parts of the sample and how they went; copies, rates between two
 * samples, and the documents a support bundle keeps.  Callers and
 * backends share it; no libvirt or libxenstat type appears here. */
#ifndef HVSCOPE_HV_SNAPSHOT_H
#define HVSCOPE_HV_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

enum hv_state { HV_RUNNING, HV_BLOCKED, HV_PAUSED, HV_SHUTDOWN, HV_CRASHED, HV_DYING, HV_SHUTOFF, HV_UNKNOWN, HV__STATES };

/* What a backend could fill for a domain. */
enum {
	HV_HAVE_CPU = 1 << 0,
	HV_HAVE_MEM = 1 << 1,
	HV_HAVE_VCPU = 1 << 2,
	HV_HAVE_NET = 1 << 3,
	HV_HAVE_BLK = 1 << 4,
	HV_HAVE_OO = 1 << 5, /* Xen's out-of-requests */
	HV_HAVE_PERSISTENT = 1 << 6, /* persistent is known, not a default */
};

struct hv_vcpu {
	bool online;
	int state; /* 0 offline, 1 running, 2 blocked */
	uint64_t time_ns;
	bool have_pcpu;
	unsigned pcpu;               /* the host CPU it runs on */
	bool have_wait;              /* the two below (HV_WANT_VCPU) */
	uint64_t wait_ns, delay_ns;  /* waiting for I/O; runnable but not run (steal) */
};

/* "Key", "value", ... pairs: what the configuration says of a domain or
 * device (its XML), exported as info series.  Kept out of the packed
 * copies (descriptive, read again from a cache). */
struct hv_labels {
	char **v; /* 2n entries */
	size_t n;
};

struct hv_net {
	char *name;
	uint64_t rx_bytes, rx_pkts, rx_errs, rx_drop;
	uint64_t tx_bytes, tx_pkts, tx_errs, tx_drop;
	struct hv_labels info; /* mac, bridge/source, model (HV_WANT_INFO) */
};

struct hv_blk {
	char *name;
	uint64_t rd_reqs, rd_bytes, wr_reqs, wr_bytes, oo_reqs;
	bool have_times;                   /* libvirt's block group: */
	uint64_t rd_ns, wr_ns, fl_reqs, fl_ns;
	bool have_sizes;
	uint64_t capacity, allocation, physical; /* bytes */
	struct hv_labels info; /* source, bus, driver, cache, serial (HV_WANT_INFO) */
	/* Its I/O limits (HV_WANT_IOTUNE), virDomainGetBlockIoTune's figures
	 * in enum hv_iotune's order; 0: no limit. */
	bool have_iotune;
	uint64_t iotune[18];
};

/* The I/O limits of a block device in hv_blk.iotune: six groups of three
 * (total, read, write): bytes and requests per second, their bursts
 * (_max), and how long a burst may last (_max_length, seconds);
 * hv/lv_query_tune.c names libvirt's fields. */
enum { HV_IOT_GROUPS = 6, HV_IOT_N = 18 };

/* The guest's own memory statistics through its balloon driver
 * (HV_WANT_BALLOON); a field is 0 and its bit clear when the guest did
 * not report it. */
enum {
	HV_BAL_UNUSED = 1 << 0, HV_BAL_AVAILABLE = 1 << 1, HV_BAL_USABLE = 1 << 2, HV_BAL_DISK_CACHES = 1 << 3,
	HV_BAL_SWAP_IN = 1 << 4, HV_BAL_SWAP_OUT = 1 << 5, HV_BAL_MAJOR = 1 << 6, HV_BAL_MINOR = 1 << 7,
	HV_BAL_LAST_UPDATE = 1 << 8,
};
struct hv_balloon {
	unsigned have;
	uint64_t unused_kib, available_kib, usable_kib, disk_caches_kib;
	uint64_t swap_in_kib, swap_out_kib, major_faults, minor_faults;
	uint64_t last_update; /* unix seconds */
};

/* A job's details, by index into hv_job.fig: rates in bytes and pages
 * per second, downtime in milliseconds, the throttle in percent. */
enum hv_job_fig {
	HV_JOB_MEMORY_BPS, HV_JOB_DISK_BPS, HV_JOB_DIRTY_RATE, HV_JOB_PAGE_SIZE, HV_JOB_ITERATION, HV_JOB_POSTCOPY_REQS,
	HV_JOB_DOWNTIME_MS, HV_JOB_SETUP_MS, HV_JOB_COMP_CACHE, HV_JOB_COMP_BYTES, HV_JOB_COMP_PAGES, HV_JOB_COMP_MISSES,
	HV_JOB_COMP_OVERFLOW, HV_JOB_THROTTLE, HV_JOB_FIGS
};

/* A background job (migration, save, dump) and its progress
 * (HV_WANT_JOB). */
struct hv_job {
	const char *type; /* "none" when no job runs; else "migration", "save", ... (static) */
	uint64_t elapsed_ms, remaining_ms;
	uint64_t data_total, data_processed, data_remaining; /* bytes */
	/* A migration's (or save's: QEMU saves by migrating to a file)
	 * details, where libvirt gives them: fig[k] with bit 1 << k in have
	 * (hv/lv_job.c names libvirt's fields). */
	unsigned have;
	uint64_t fig[HV_JOB_FIGS];
};

/* An IOThread of a domain (HV_WANT_IOTHREAD): its polling, from
 * libvirt's iothread group, and the host CPUs it may run on. */
struct hv_iothread {
	unsigned id;
	bool have_poll;
	uint64_t poll_max_ns, poll_grow, poll_shrink;
	char cpus[64]; /* "0-3,8": its affinity; "" unknown */
};

/* A perf event libvirt enabled for a domain (HV_WANT_PERF), and its
 * figure from the perf group where the host gave one. */
struct hv_perf {
	char event[80]; /* libvirt's name ("cpu_cycles", "cmt"), a typed parameter's field */
	bool have_value;
	uint64_t value;
};

/* The guest's memory dirty rate (HV_WANT_DIRTYRATE): the last
 * calculation QEMU finished, which hv starts again on its schedule. */
struct hv_dirtyrate {
	bool have;          /* a calculation finished */
	uint64_t mib_per_s; /* MiB dirtied per second */
	uint64_t start;     /* unix seconds it started (older QEMU's monotonic time, converted) */
	uint64_t period_s;  /* how long it measured */
};

struct hv_domain {
	int id;        /* -1 when not running */
	char *name;
	char uuid[37]; /* "" when the backend has none */
	enum hv_state state;
	uint64_t cpu_ns;
	uint64_t mem_kib, maxmem_kib; /* maxmem_kib 0 = no limit */
	uint64_t rss_kib;             /* the QEMU process's resident memory; 0 = unknown */
	unsigned vcpus_online, vcpus_max;
	struct hv_vcpu *vcpu;
	size_t nvcpu;
	struct hv_net *net;
	size_t nnet;
	struct hv_blk *blk;
	size_t nblk;
	unsigned have;
	bool stuck;  /* did not answer in time: figures are from an earlier sample */
	char *note;  /* why stuck, or what is missing */
	const char *reason;      /* why it is in its state ("booted", "user", ...); static, NULL unknown */
	const char *guest_type;  /* how it is virtualized: "pv", "pvh", "hvm"; static, NULL unknown */
	bool persistent;         /* defined, not only running (HV_HAVE_PERSISTENT) */
	struct hv_balloon balloon;
	struct hv_job job;
	struct hv_labels info;   /* os_type, arch, machine, and metadata (HV_WANT_INFO) */
	struct hv_iothread *iothread; /* not in packed copies */
	size_t niothread;
	struct hv_perf *perf; /* enabled events; not in packed copies */
	size_t nperf;
	struct hv_dirtyrate dirty;
};

/* A storage pool (HV_WANT_POOLS). */
struct hv_pool {
	char *name;
	char uuid[37];
	const char *state; /* static */
	uint64_t capacity, allocation, available; /* bytes */
};

/* How one part of a sample went: the domains' figures ("domains"), and
 * each group asked apart from them, which can fail or miss the deadline
 * alone. */
#define HV_MAX_PARTS 16
struct hv_part {
	const char *name; /* static */
	bool ok;
	double seconds;
	char error[160];
};

/* A physical CPU's time by mode (libvirt's per-CPU node statistics:
 * user and nice as user, system with irq and softirq as system); offline:
 * it did not answer in this sample (offline, unplugged), no figures. */
struct hv_pcpu_modes {
	bool online;
	uint64_t user_ns, system_ns, iowait_ns;
};

#define HV_MAX_NUMA 64

struct hv_host {
	char *hostname, *type, *version, *source; /* source: "libvirt test:///default", "xenstat" */
	unsigned cpus;
	/* The host's own accounting (/proc/meminfo through libvirt, Xen's
	 * physinfo through libxenstat); buffers and cached are 0 where the
	 * source has none. */
	uint64_t mem_total_kib, mem_free_kib, mem_buffers_kib, mem_cached_kib;
	/* CPU time of all the host's CPUs by mode (libvirt's node CPU
	 * statistics); have_cpu_time false where the source has none. */
	bool have_cpu_time;
	uint64_t cpu_user_ns, cpu_system_ns, cpu_idle_ns, cpu_iowait_ns;
	/* Each physical CPU's idle time, where the hypervisor keeps it (Xen:
	 * its own scheduler's, which dom0's /proc/stat cannot see; libvirt:
	 * its per-CPU node statistics, HV_WANT_PCPU). */
	uint64_t *pcpu_idle_ns;
	size_t npcpu;
	/* The other modes of each of those CPUs where the source has them
	 * (libvirt); NULL where it has idle time alone (Xen), every CPU then
	 * online. */
	struct hv_pcpu_modes *pcpu_modes;
	/* Free memory of each NUMA node, by node number (HV_WANT_NUMA;
	 * virNodeGetCellsFreeMemory); nnuma 0: not asked or none. */
	unsigned nnuma;
	uint64_t numa_free_bytes[HV_MAX_NUMA];
};

struct hv_snapshot {
	double mono;   /* CLOCK_MONOTONIC seconds when sampled */
	double wall;   /* unix time */
	bool up;       /* the hypervisor answered */
	char *error;   /* why not, and what happens next */
	struct hv_host host;
	struct hv_domain *dom;
	size_t ndom;
	struct hv_pool *pool;
	size_t npool;
	struct hv_part part[HV_MAX_PARTS];
	size_t npart;
};

/* Figures that cost the hypervisor more than the rest, asked for only
 * when a caller wants them (hv_set_want; none by default). */
enum {
	/* The guest's balloon statistics and the QEMU process's RSS
	 * (rss_kib): two QEMU monitor round trips per guest and sample,
	 * several times what everything else asked of a guest costs. */
	HV_WANT_BALLOON = 1u << 0,
	/* Each vCPU's wait and delay (steal) time: libvirt's vcpu group
	 * takes each domain's job. */
	HV_WANT_VCPU = 1u << 1,
	/* What the configuration says: domain, interface and disk info and
	 * metadata (each domain's XML, read once while it runs). */
	HV_WANT_INFO = 1u << 2,
	/* Defined domains that do not run. */
	HV_WANT_INACTIVE = 1u << 3,
	/* Background jobs of each running domain. */
	HV_WANT_JOB = 1u << 4,
	/* Storage pools. */
	HV_WANT_POOLS = 1u << 5,
	/* Each host CPU's time (libvirt: one call per CPU) and, on Xen, the
	 * pCPU each vCPU runs on (a hypercall per vCPU; libvirt tells it
	 * anyway). */
	HV_WANT_PCPU = 1u << 6,
	/* Each block device's I/O limits: a QEMU monitor round trip per
	 * disk. */
	HV_WANT_IOTUNE = 1u << 7,
	/* The host's free memory per NUMA node, and each domain's memory
	 * placement (numatune mode and nodeset, as "numa:mode" and
	 * "numa:nodeset" in its info labels): a call per domain. */
	HV_WANT_NUMA = 1u << 8,
	/* Each domain's IOThreads: their polling (libvirt's iothread group,
	 * a QEMU monitor round trip per guest) and affinity. */
	HV_WANT_IOTHREAD = 1u << 9,
	/* The perf events each domain has enabled and their figures
	 * (libvirt's perf group: counters QEMU's threads keep in the host's
	 * kernel, no monitor). */
	HV_WANT_PERF = 1u << 10,
	/* Each guest's memory dirty rate: libvirt's dirtyrate group (a QEMU
	 * monitor round trip per guest), and a new calculation started
	 * where the last is older than HV_DIRTYRATE_EVERY_S. */
	HV_WANT_DIRTYRATE = 1u << 11,
};
/* How often a guest's dirty rate is measured, and for how long. */
#define HV_DIRTYRATE_EVERY_S 60
#define HV_DIRTYRATE_PERIOD_S 1
/* What a recorded history (a bundle's samples, top -f snapshot) asks
 * for: a few samples, so what each figure costs does not matter. */
#define HV_WANT_RECORD (HV_WANT_INFO | HV_WANT_BALLOON | HV_WANT_INACTIVE | HV_WANT_POOLS | HV_WANT_JOB | HV_WANT_PCPU | HV_WANT_VCPU)
/* What the hypervisor says about its configuration, for support bundles:
 * documents named like files ("capabilities.xml", "domains/web1.xml"), or
 * why one could not be had. */
struct hv_doc {
	char *name;
	char *text;  /* NULL when error says why */
	char *error;
};
struct hv_docs {
	struct hv_doc *v;
	size_t n;
};
void hv_docs_add(struct hv_docs *d, char *name, char *text, char *error);
void hv_docs_free(struct hv_docs *d);
/* Deep copy. */
void hv_snapshot_copy(struct hv_snapshot *dst, const struct hv_snapshot *src);
/* The domains of src (not its host or error) in one allocation, for a
 * copy kept only to be read: one allocation however many domains, not
 * several per domain.
 * Freed with hv_snapshot_free_packed, never hv_snapshot_free. */
void hv_snapshot_copy_packed(struct hv_snapshot *dst, const struct hv_snapshot *src);
void hv_snapshot_free_packed(struct hv_snapshot *s);
const char *hv_state_name(enum hv_state s);
/* One letter per state as xentop shows them: r b p s c d. */
char hv_state_letter(enum hv_state s);

/* Rates between two snapshots of the same domain. */
struct hv_rates {
	bool valid;       /* a previous sample exists */
	double cpu_pct;   /* xentop's CPU(%): 100 * dCPU_ns / d_ns; may exceed 100 */
	double *vcpu_pct; /* nvcpu entries, NULL when none */
	size_t nvcpu;
	double net_rx_bps, net_tx_bps; /* bytes per second, all interfaces */
	double rd_reqs_ps, wr_reqs_ps, rd_bps, wr_bps, oo_ps;
	/* Time its vCPUs were runnable but not run (KVM: libvirt's
	 * vcpu.N.delay; HV_WANT_VCPU), in percent of one CPU as cpu_pct;
	 * have_steal false where the source gives none. */
	bool have_steal;
	double steal_pct;
};

/* The domain in prev matching d (same uuid, else same id and name). */
const struct hv_domain *hv_find_prev(const struct hv_snapshot *prev, const struct hv_domain *d);
void hv_rates(const struct hv_snapshot *prev, const struct hv_snapshot *cur, const struct hv_domain *d, struct hv_rates *out);
void hv_rates_free(struct hv_rates *r);

/* A physical CPU's use over the interval between two samples, in percent
 * of that CPU.  valid false where it cannot be told: the CPU is offline
 * in either sample or absent from prev (hotplug), nothing was counted in
 * the interval (a source whose counters stand still), or a counter came
 * back implausibly far (reset by an unplug and plug). */
struct hv_pcpu_rate {
	bool valid;
	bool have_modes;  /* user/system/iowait below; else busy alone (Xen) */
	double busy_pct;  /* not idle (libvirt: user + system of all counted; Xen: 100 - idle over wall time) */
	double user_pct, system_pct, idle_pct, iowait_pct;
};
/* out: cur->host.npcpu entries. */
void hv_pcpu_rates(const struct hv_snapshot *prev, const struct hv_snapshot *cur, struct hv_pcpu_rate *out);
/* Whether pCPU i answered in the sample. */
bool hv_pcpu_online(const struct hv_host *h, size_t i);

/* Sums over a domain's devices. */
uint64_t hv_net_tx_bytes(const struct hv_domain *d);
uint64_t hv_net_rx_bytes(const struct hv_domain *d);
uint64_t hv_blk_sum(const struct hv_domain *d, size_t field_offset);
#define HV_BLK_SUM(d, field) hv_blk_sum((d), offsetof(struct hv_blk, field))

/* A guest type by name ("pv", "pvh", "hvm"; libvirt's <os><type>:
 * "linux" and "xen" are PV, "xenpvh" PVH), as the static string
 * hv_domain.guest_type holds; NULL for anything else. */
const char *hv_guest_type(const char *name);

/* Info pairs: a copy of key and value appended; the value of key or NULL. */
void hv_labels_add(struct hv_labels *l, const char *key, const char *value);
const char *hv_labels_get(const struct hv_labels *l, const char *key);
void hv_labels_free(struct hv_labels *l);
/* A part of the sample, named, and how it went. */
struct hv_part *hv_snapshot_part(struct hv_snapshot *snap, const char *name, bool ok, double seconds, const char *error);

/* Appends a zeroed domain (backends, and tests building snapshots). */
struct hv_domain *hv_snapshot_add(struct hv_snapshot *snap);

void hv_snapshot_free(struct hv_snapshot *snap);

#endif

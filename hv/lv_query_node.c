/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What a call asks of the node and beside the domains' statistics, on
 * the call's thread: the node's memory and CPU figures, the defined
 * domains that do not run, the storage pools, and each domain's
 * background job. */
#include <string.h>

#include "core/clock.h"
#include "hv/lv_job.h"
#include "hv/lv_query_node.h"

/* A field of virNodeGetMemoryStats or virNodeGetCPUStats (two structs of
 * one shape) by name. */
#define NODE_PARAM(v, n, name, out)                                \
	({                                                         \
		bool found_ = false;                               \
		for (int i_ = 0; i_ < (n) && !found_; i_++)        \
			if (strcmp((v)[i_].field, (name)) == 0) {  \
				*(out) = (v)[i_].value;            \
				found_ = true;                     \
			}                                          \
		found_;                                            \
	})

/* One CPU's time by mode (cpu >= 0) or all CPUs' (VIR_NODE_CPU_STATS_ALL_CPUS);
 * false where the driver has none, or the CPU is offline.  *count is
 * how many figures the driver gives (Linux: exactly that many may be
 * asked for), asked once when 0 and kept by the caller: one round trip
 * per CPU, not two. */
static bool cpu_times(virConnectPtr conn, int cpu, int *count, uint64_t *user, uint64_t *sys, uint64_t *idle, uint64_t *iowait)
{
	virNodeCPUStats st[8];
	unsigned long long v;
	if (*count == 0 && (virNodeGetCPUStats(conn, cpu, NULL, count, 0) < 0 || *count <= 0 || *count > 8)) {
		*count = 0;
		return false;
	}
	int n = *count;
	if (virNodeGetCPUStats(conn, cpu, st, &n, 0) < 0)
		return false;
	bool ok = NODE_PARAM(st, n, VIR_NODE_CPU_STATS_USER, &v);
	*user = ok ? v : 0;
	*sys = NODE_PARAM(st, n, VIR_NODE_CPU_STATS_KERNEL, &v) ? v : 0;
	*idle = NODE_PARAM(st, n, VIR_NODE_CPU_STATS_IDLE, &v) ? v : 0;
	*iowait = NODE_PARAM(st, n, VIR_NODE_CPU_STATS_IOWAIT, &v) ? v : 0;
	return ok;
}

/* Each present CPU's time, a call each (an offline CPU has none: the
 * Linux driver reads its line of /proc/stat, which it then lacks). */
static void per_cpu_times(virConnectPtr conn, struct hv_host *h)
{
	unsigned char *map = NULL;
	unsigned int online = 0;
	int n = virNodeGetCPUMap(conn, &map, &online, 0);
	if (n <= 0) {
		free(map);
		return;
	}
	h->npcpu = (size_t)n;
	h->pcpu_idle_ns = xcalloc(h->npcpu, sizeof(*h->pcpu_idle_ns));
	h->pcpu_modes = xcalloc(h->npcpu, sizeof(*h->pcpu_modes));
	int count = 0;
	for (int i = 0; i < n; i++) {
		struct hv_pcpu_modes *m = &h->pcpu_modes[i];
		if (VIR_CPU_USED(map, i))
			m->online = cpu_times(conn, i, &count, &m->user_ns, &m->system_ns, &h->pcpu_idle_ns[i], &m->iowait_ns);
	}
	free(map);
}

void lv_node_figures(virConnectPtr conn, struct hv_host *h, bool per_cpu)
{
	/* The node's own meminfo: virNodeGetInfo's memory can differ from it
	 * (it is what libvirt counts for guests, e.g. one NUMA node's or a
	 * container's share). */
	virNodeMemoryStats mem[8];
	int nm = VIR_NODE_MEMORY_STATS_ALL_CELLS, nparams = 0;
	unsigned long long v;
	if (virNodeGetMemoryStats(conn, nm, NULL, &nparams, 0) == 0 && nparams > 0 && nparams <= 8 &&
	    virNodeGetMemoryStats(conn, nm, mem, &nparams, 0) == 0) {
		if (NODE_PARAM(mem, nparams, VIR_NODE_MEMORY_STATS_TOTAL, &v))
			h->mem_total_kib = v;
		if (NODE_PARAM(mem, nparams, VIR_NODE_MEMORY_STATS_FREE, &v))
			h->mem_free_kib = v;
		if (NODE_PARAM(mem, nparams, VIR_NODE_MEMORY_STATS_BUFFERS, &v))
			h->mem_buffers_kib = v;
		if (NODE_PARAM(mem, nparams, VIR_NODE_MEMORY_STATS_CACHED, &v))
			h->mem_cached_kib = v;
	} else {
		/* Drivers without it (the test driver): the free memory alone. */
		h->mem_free_kib = virNodeGetFreeMemory(conn) / 1024;
	}
	int count = 0;
	h->have_cpu_time = cpu_times(conn, VIR_NODE_CPU_STATS_ALL_CPUS, &count, &h->cpu_user_ns, &h->cpu_system_ns, &h->cpu_idle_ns, &h->cpu_iowait_ns);
	if (per_cpu)
		per_cpu_times(conn, h);
}

/* What a domain's job does, as virsh domjobinfo words it. */
static const char *job_operation(int op)
{
	static const char *const names[] = { "unknown", "start", "save", "restore", "incoming migration", "outgoing migration",
					      "snapshot", "snapshot revert", "dump", "backup", "snapshot delete" };
	return op >= 0 && (size_t)op < sizeof(names) / sizeof(*names) ? names[op] : "unknown";
}

static uint64_t param_u64(const virTypedParameter *p, int n, const char *field)
{
	unsigned long long v = 0;
	return virTypedParamsGetULLong((virTypedParameterPtr)p, n, field, &v) == 1 ? v : 0;
}

static bool param_has(const virTypedParameter *p, int n, const char *field)
{
	return virTypedParamsGet((virTypedParameterPtr)p, n, field) != NULL;
}

static int run_jobs(struct call *call)
{
	struct q_jobs *c = CALL_OWNER(struct q_jobs, call);
	for (int i = 0; i < c->ndoms; i++) {
		struct hv_domain *d = hv_snapshot_add(&c->out);
		lv_uuid(c->doms[i], d->uuid);
		int type = VIR_DOMAIN_JOB_NONE, n = 0;
		virTypedParameterPtr p = NULL;
		if (virDomainGetJobStats(c->doms[i], &type, &p, &n, 0) < 0) {
			d->job.type = NULL; /* not to be had: no series */
			continue;
		}
		int op = 0;
		if (type == VIR_DOMAIN_JOB_NONE) {
			d->job.type = "none";
		} else {
			virTypedParamsGetInt(p, n, VIR_DOMAIN_JOB_OPERATION, &op);
			d->job.type = job_operation(op);
		}
		d->job.elapsed_ms = param_u64(p, n, VIR_DOMAIN_JOB_TIME_ELAPSED);
		d->job.remaining_ms = param_u64(p, n, VIR_DOMAIN_JOB_TIME_REMAINING);
		/* A memory dump's progress is in the memory fields only; a
		 * migration or save has both, data the larger. */
		bool data = param_has(p, n, VIR_DOMAIN_JOB_DATA_TOTAL);
		d->job.data_total = param_u64(p, n, data ? VIR_DOMAIN_JOB_DATA_TOTAL : VIR_DOMAIN_JOB_MEMORY_TOTAL);
		d->job.data_processed = param_u64(p, n, data ? VIR_DOMAIN_JOB_DATA_PROCESSED : VIR_DOMAIN_JOB_MEMORY_PROCESSED);
		d->job.data_remaining = param_u64(p, n, data ? VIR_DOMAIN_JOB_DATA_REMAINING : VIR_DOMAIN_JOB_MEMORY_REMAINING);
		lv_job_details(p, n, &d->job);
		virTypedParamsFree(p, n);
	}
	return c->ndoms;
}


static void free_jobs(struct call *call)
{
	struct q_jobs *c = CALL_OWNER(struct q_jobs, call);
	lv_doms_free(c->doms, c->ndoms);
	hv_snapshot_free(&c->out);
	free(c);
}

struct q_jobs *q_jobs_new(struct lv *lv, virDomainPtr *doms, int n)
{
	struct q_jobs *c = xcalloc(1, sizeof(*c));
	call_init(&c->c, lv, run_jobs, free_jobs);
	c->ndoms = n;
	c->doms = lv_doms_ref(doms, n);
	return c;
}

static enum hv_state state_of(int s)
{
	return s == VIR_DOMAIN_SHUTOFF ? HV_SHUTOFF : s == VIR_DOMAIN_CRASHED ? HV_CRASHED : HV_UNKNOWN;
}

static int run_inactive(virConnectPtr conn, struct hv_snapshot *out)
{
	virDomainPtr *doms = NULL;
	int n = virConnectListAllDomains(conn, &doms, VIR_CONNECT_LIST_DOMAINS_INACTIVE);
	for (int i = 0; i < n; i++) {
		struct hv_domain *d = hv_snapshot_add(out);
		d->name = xstrdup(virDomainGetName(doms[i]));
		lv_uuid(doms[i], d->uuid);
		d->persistent = true;
		d->have |= HV_HAVE_PERSISTENT;
		virDomainInfo info;
		if (virDomainGetInfo(doms[i], &info) == 0) {
			d->state = state_of(info.state);
			d->maxmem_kib = info.maxMem;
			d->vcpus_max = info.nrVirtCpu;
		}
		int state = 0, reason = 0;
		if (virDomainGetState(doms[i], &state, &reason, 0) == 0)
			d->reason = state == VIR_DOMAIN_SHUTOFF && reason == VIR_DOMAIN_SHUTOFF_SAVED ? "saved" : NULL;
		virDomainFree(doms[i]);
	}
	free(doms);
	return n;
}

static int run_pools(virConnectPtr conn, struct hv_snapshot *out)
{
	static const char *const states[] = { "inactive", "building", "running", "degraded", "inaccessible" };
	virStoragePoolPtr *pools = NULL;
	int n = virConnectListAllStoragePools(conn, &pools, 0);
	if (n > 0)
		out->pool = xcalloc((size_t)n, sizeof(*out->pool));
	for (int i = 0; i < n; i++) {
		struct hv_pool *p = &out->pool[out->npool++];
		p->name = xstrdup(virStoragePoolGetName(pools[i]));
		virStoragePoolGetUUIDString(pools[i], p->uuid);
		virStoragePoolInfo info;
		if (virStoragePoolGetInfo(pools[i], &info) == 0) {
			p->state = info.state >= 0 && (size_t)info.state < sizeof(states) / sizeof(*states) ? states[info.state] : "unknown";
			p->capacity = info.capacity;
			p->allocation = info.allocation;
			p->available = info.available;
		} else {
			p->state = "unknown";
		}
		virStoragePoolFree(pools[i]);
	}
	free(pools);
	return n;
}

void lv_node_extra_run(virConnectPtr conn, struct node_extra *nx)
{
	int (*const run[2])(virConnectPtr, struct hv_snapshot *) = { run_inactive, run_pools };
	const unsigned bit[2] = { HV_WANT_INACTIVE, HV_WANT_POOLS };
	for (int k = 0; k < 2; k++) {
		if (!(nx->asked & bit[k]))
			continue;
		double t0 = clock_mono();
		nx->ok[k] = run[k](conn, &nx->out) >= 0;
		nx->took[k] = clock_mono() - t0;
		if (!nx->ok[k])
			nx->error[k] = xstrdup(lv_errmsg());
	}
}

void lv_node_extra_free(struct node_extra *nx)
{
	hv_snapshot_free(&nx->out);
	free(nx->error[0]);
	free(nx->error[1]);
	memset(nx, 0, sizeof(*nx));
}


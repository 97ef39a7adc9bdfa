/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The libvirt backend: a read-only connection to any URI.
 *
 * One sample:
 *  1. list the running domains (no monitor is asked, so this never hangs
 *     on a busy guest);
 *  2. bulk statistics (virDomainListGetStats, NOWAIT: a domain whose job is
 *     held, as during a migration, gives what it can at once) for every
 *     domain that is not stuck, on a worker thread, within a deadline;
 *  3. if that call misses the deadline, one guest's monitor does not answer
 *     (a stopped QEMU, a slow shutdown): the call is left to finish on its
 *     own and each domain is asked alone, without NOWAIT, up to 16 at once
 *     on threads and connections of their own, within one deadline; a
 *     domain that misses it is marked stuck, shown with its last figures,
 *     and not asked again until its call returns;
 *  4. groups a driver leaves out of the bulk answer (the test driver gives
 *     only the state) are filled by the per-domain calls: virDomainGetInfo,
 *     virDomainGetVcpus, virDomainBlockStats, virDomainInterfaceStats.
 * A connection that has a call left waiting is retired after the sample
 * (the call keeps it alive until it returns) and a fresh one is opened for
 * the next: libvirt's client stalls other calls on a connection whose
 * replies are outstanding when the daemon's keepalive ping arrives (seen
 * here: a listing held for 5 s).
 * A dead daemon closes the connection; a hung one misses the deadline of
 * the listing call.  Either way the connection is dropped, the samples
 * report the source down, and it is opened again with back-off. */
#include <errno.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/util.h"
#include "hv/backend.h"

/* The bulk groups: the cheap ones (state, interface: 0.1 ms a guest),
 * the block counters, which only QEMU's monitor has, and the balloon group
 * when the RSS is wanted.  Measured on QEMU (TCG) through libvirt 9.0:
 * the block group costs 3.5 ms a guest even for a guest without disks
 * (query-blockstats and query-named-block-nodes), so once a connection
 * has seen which guests have none it asks the group of the others only
 * (see split_block); the balloon group costs 3.1 ms (two monitor round
 * trips) for the one figure GetInfo does not give, the RSS.  CPU time,
 * memory and the vCPUs come from virDomainGetInfo and virDomainGetVcpus in
 * the same call thread: the cpu-total and vcpu groups cost about 2 ms a
 * domain each (they take the domain's job), those two calls 0.3 ms
 * together (cgroup and /proc reads, no job). */
#define STATS_BASE (VIR_DOMAIN_STATS_STATE | VIR_DOMAIN_STATS_INTERFACE | VIR_DOMAIN_STATS_BLOCK)

struct call;

/* Where the connection's device-added events count (a disk hot-plugged
 * into a guest known to have none).  Shared by lv and the event
 * registrations, each holding a reference: libvirt calls the free
 * function when a connection goes, which may be after lv has. */
struct evsink {
	int refs;
	int gen;
};

static void sink_put(void *opaque)
{
	struct evsink *k = opaque;
	if (__atomic_sub_fetch(&k->refs, 1, __ATOMIC_ACQ_REL) == 0)
		free(k);
}

static int sink_gen(struct evsink *k)
{
	return __atomic_load_n(&k->gen, __ATOMIC_ACQUIRE);
}

/* Domains asked at once on the slow path, each on a thread of its own. */
#define SOLO_BATCH 16

/* Device names from a domain's XML, cached by UUID: the test driver's
 * fallback needs them and they do not change while a domain runs. */
struct devcache {
	char uuid[VIR_UUID_STRING_BUFLEN];
	int id;
	struct strv disks, nets;
};

struct lv {
	virConnectPtr conn;
	char *uri;
	double next_retry, backoff;
	char *down;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct call *outstanding; /* calls that missed their deadline */
	int lingering;            /* calls done, released or not, that have not let go of lv */
	struct call *spent;       /* the last sample's bulk call, lingering until hv_tidy */
	bool retire;              /* a call was left waiting during this sample */
	struct hv_snapshot last;  /* for stuck domains' last figures (packed) */
	struct devcache *dc;
	size_t ndc;
	/* dc_at[i]: the index in dc of the domain at position i of the last
	 * sample, tried first (checked: entries move as new ones come). */
	size_t *dc_at;
	size_t ndc_at;
	/* host facts that do not change while connected */
	char *hostname, *type, *version;
	unsigned cpus;
	uint64_t mem_total_kib;
	unsigned groups;       /* bulk groups: STATS_BASE, and balloon for HV_WANT_RSS */
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

enum call_kind { CALL_STATS, CALL_LIST, CALL_ALL, CALL_DUMP };

/* What a call asks of each domain it got a record for, beside the bulk
 * groups. */
struct per_dom {
	int id;
	char uuid[VIR_UUID_STRING_BUFLEN]; /* "" when not to be had */
	bool info_ok;
	virDomainInfo info;
	int maxvcpus;     /* <= 0: not known */
	int nvcpu;        /* < 0: not known */
	virVcpuInfoPtr vcpu;
};

/* What an earlier sample knew of a domain: its maximum vCPUs, which cannot
 * change while the domain runs, so a call asks only for new domains; and
 * whether it had no block devices, which holds until a device is added
 * (an event) or the domain restarts (a new id). */
struct known_dom {
	char uuid[VIR_UUID_STRING_BUFLEN];
	int id;
	unsigned max;
	bool diskless;
};

/* The last sample's domains, in its order.  libvirt lists the domains in
 * the same order sample after sample, so a domain is looked for first at
 * its own position; a miss (a domain came or went) searches by (uuid, id)
 * through a copy sorted at the first miss.  With 1,000 domains that is a
 * sort and some 20,000 UUID comparisons fewer a sample (with dc_at below:
 * 2.6 M instructions of 135 M a scrape, under callgrind). */
struct known {
	struct known_dom *v;
	size_t n;
	struct known_dom *sorted; /* NULL until a miss */
};

struct call {
	enum call_kind kind;
	virConnectPtr conn; /* CALL_LIST, referenced */
	virDomainPtr *listed;
	int nlisted;
	unsigned long long freemem;
	struct lv *lv;
	virDomainPtr *doms; /* NULL-terminated, referenced */
	int ndoms;
	unsigned flags;
	bool per_only;      /* CALL_STATS without the bulk call: per[] in doms' order */
	unsigned groups;
	/* CALL_ALL: the block group asked apart, of the domains not known to
	 * have no block devices (brecs, nbrec; bidx[k]: the block record of
	 * recs[k], or -1). */
	bool split_block;
	virDomainStatsRecordPtr *brecs;
	int nbrec;
	int *bidx;
	virDomainStatsRecordPtr *recs;
	int nrec;
	struct per_dom *per; /* nrec entries, beside recs */
	struct known known; /* the call's own copy */
	char *error;
	int errcode; /* virErrorNumber of the failure */
	bool done, abandoned;
	/* CALL_ALL on a thread of its own: when done it waits to be released
	 * and frees what it got itself (1,000 domains' records: 1.3 ms freed
	 * on the sample's thread, about half that on the thread that
	 * allocated them).  Released by hv_tidy, when the caller has done
	 * with the sample (the exporter: once the scrapes are sent; freeing
	 * while they were sent cost them 1 ms on 2 CPUs), or by the next
	 * sample. */
	bool linger, released;
	/* A domain asked alone on the slow path, on a connection of its own
	 * (own_uri, opened and closed by the call).  On the connection it
	 * shared with the calls hung on a stopped guest, a healthy guest's
	 * call was seen out for 5 s and more while a fresh connection got its
	 * figures in 0.36 s (on a loaded CPU; where it waited, in libvirt's
	 * client or in libvirtd's handling of that client, was not found). */
	char *own_uri;
	virConnectPtr own_conn;
	virDomainPtr own_dom;
	struct hv_docs docs;      /* CALL_DUMP: filled under lv->mu */
	struct hv_docs *steal_to; /* CALL_DUMP: where what came in time goes on a miss */
	struct call *next;
};

static pthread_once_t lv_once = PTHREAD_ONCE_INIT;

/* libvirt prints every error to stderr unless told otherwise; callers
 * (a curses screen) must not get that. */
static void lv_silent(void *opaque, virErrorPtr err)
{
	(void)opaque;
	(void)err;
}

static void *lv_event_loop(void *arg)
{
	(void)arg;
	for (;;)
		if (virEventRunDefaultImpl() < 0)
			usleep(100000);
	return NULL;
}

/* Process-wide by libvirt's design: the error handler and the event loop
 * keepalive needs, set up once before the first connection. */
static void lv_global_init(void)
{
	virInitialize();
	virSetErrorFunc(NULL, lv_silent);
	if (virEventRegisterDefaultImpl() == 0) {
		pthread_t t;
		pthread_attr_t a;
		pthread_attr_init(&a);
		pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
		pthread_create(&t, &a, lv_event_loop, NULL);
		pthread_attr_destroy(&a);
	}
}

static const char *lv_errmsg(void)
{
	const char *m = virGetLastErrorMessage();
	return m && *m ? m : "unknown libvirt error";
}

/* virDomainGetUUIDString formats through g_snprintf: twice the cost of
 * the raw bytes, and every domain's UUID is needed once or twice a sample. */
static int uuid_string(virDomainPtr dom, char out[VIR_UUID_STRING_BUFLEN])
{
	unsigned char raw[VIR_UUID_BUFLEN];
	static const char hex[] = "0123456789abcdef";
	if (virDomainGetUUID(dom, raw) < 0) {
		out[0] = '\0';
		return -1;
	}
	char *p = out;
	for (int i = 0; i < VIR_UUID_BUFLEN; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*p++ = '-';
		*p++ = hex[raw[i] >> 4];
		*p++ = hex[raw[i] & 15];
	}
	*p = '\0';
	return 0;
}

static void call_free(struct call *c)
{
	for (int i = 0; i < c->nlisted; i++)
		virDomainFree(c->listed[i]);
	free(c->listed);
	if (c->conn)
		virConnectClose(c->conn);
	for (int i = 0; i < c->ndoms; i++)
		virDomainFree(c->doms[i]);
	free(c->doms);
	if (c->recs)
		virDomainStatsRecordListFree(c->recs);
	if (c->brecs)
		virDomainStatsRecordListFree(c->brecs);
	free(c->bidx);
	for (int i = 0; c->per && i < c->nrec; i++)
		free(c->per[i].vcpu);
	free(c->per);
	free(c->known.v);
	free(c->known.sorted);
	hv_docs_free(&c->docs);
	free(c->error);
	if (c->own_dom)
		virDomainFree(c->own_dom);
	if (c->own_conn)
		virConnectClose(c->own_conn);
	free(c->own_uri);
	free(c);
}

/* One document of a dump; text is libvirt's (freed here). */
static void dump_doc(struct call *c, char *name, char *text)
{
	char *t = text ? xstrdup(text) : NULL;
	char *error = text ? NULL : xstrdup(lv_errmsg());
	free(text);
	pthread_mutex_lock(&c->lv->mu);
	hv_docs_add(&c->docs, name, t, error);
	pthread_mutex_unlock(&c->lv->mu);
}

static const char *const state_names[] = { "no state", "running", "blocked", "paused", "shutdown", "shut off", "crashed", "pmsuspended" };

/* What virsh's capabilities, sysinfo, nodeinfo, freecell,
 * list --all, dumpxml, net-dumpxml, nwfilter-dumpxml and pool-dumpxml
 * print, through the API on the kept read-only connection (domcapabilities
 * needs a read-write one: left out). */
static void dump_run(struct call *c)
{
	virConnectPtr conn = c->conn;
	dump_doc(c, xstrdup("capabilities.xml"), virConnectGetCapabilities(conn));
	dump_doc(c, xstrdup("sysinfo.xml"), virConnectGetSysinfo(conn, 0));

	struct buf b = BUF_INIT;
	virNodeInfo ni;
	unsigned long lib = 0, hvv = 0;
	char *uri = virConnectGetURI(conn), *host = virConnectGetHostname(conn);
	virConnectGetLibVersion(conn, &lib);
	virConnectGetVersion(conn, &hvv);
	buf_printf(&b, "uri: %s\nhostname: %s\ndriver: %s\nhypervisor version: %lu\nlibvirt version: %lu\n", uri ? uri : "?",
		   host ? host : "?", virConnectGetType(conn) ? virConnectGetType(conn) : "?", hvv, lib);
	free(uri);
	free(host);
	if (virNodeGetInfo(conn, &ni) == 0)
		buf_printf(&b, "cpu model: %s\ncpus: %u\nmhz: %u\nnuma nodes: %u\nsockets per node: %u\ncores per socket: %u\n"
			       "threads per core: %u\nmemory: %lu KiB\n",
			   ni.model, ni.cpus, ni.mhz, ni.nodes, ni.sockets, ni.cores, ni.threads, ni.memory);
	unsigned long long cells[64];
	int nc = virNodeGetCellsFreeMemory(conn, cells, 0, 64);
	for (int i = 0; i < nc; i++)
		buf_printf(&b, "free memory, node %d: %llu KiB\n", i, cells[i] / 1024);
	dump_doc(c, xstrdup("nodeinfo.txt"), buf_steal(&b));

	virDomainPtr *doms = NULL;
	int n = virConnectListAllDomains(conn, &doms, 0);
	if (n < 0) {
		dump_doc(c, xstrdup("domains.txt"), NULL);
	} else {
		buf_puts(&b, "id\tname\tuuid\tstate\tpersistent\tautostart\tvcpus\tmemory KiB\tmax memory KiB\tcpu time ns\n");
		for (int i = 0; i < n; i++) {
			char uuid[VIR_UUID_STRING_BUFLEN] = "";
			uuid_string(doms[i], uuid);
			virDomainInfo info = { 0 };
			int autostart = 0;
			virDomainGetInfo(doms[i], &info);
			virDomainGetAutostart(doms[i], &autostart);
			unsigned id = virDomainGetID(doms[i]);
			char idb[16] = "-";
			if (id != (unsigned)-1)
				snprintf(idb, sizeof(idb), "%u", id);
			buf_printf(&b, "%s\t%s\t%s\t%s\t%s\t%s\t%u\t%lu\t%lu\t%llu\n", idb,
				   virDomainGetName(doms[i]), uuid, info.state < 8 ? state_names[info.state] : "?",
				   virDomainIsPersistent(doms[i]) == 1 ? "yes" : "no", autostart ? "yes" : "no", info.nrVirtCpu, info.memory,
				   info.maxMem, info.cpuTime);
		}
		dump_doc(c, xstrdup("domains.txt"), buf_steal(&b));
		for (int i = 0; i < n; i++) {
			dump_doc(c, xasprintf("domains/%s.xml", virDomainGetName(doms[i])), virDomainGetXMLDesc(doms[i], 0));
			virDomainFree(doms[i]);
		}
		free(doms);
	}
	virNetworkPtr *nets = NULL;
	n = virConnectListAllNetworks(conn, &nets, 0);
	for (int i = 0; i < n; i++) {
		dump_doc(c, xasprintf("networks/%s.xml", virNetworkGetName(nets[i])), virNetworkGetXMLDesc(nets[i], 0));
		virNetworkFree(nets[i]);
	}
	free(nets);
	virNWFilterPtr *filters = NULL;
	n = virConnectListAllNWFilters(conn, &filters, 0);
	for (int i = 0; i < n; i++) {
		dump_doc(c, xasprintf("nwfilters/%s.xml", virNWFilterGetName(filters[i])), virNWFilterGetXMLDesc(filters[i], 0));
		virNWFilterFree(filters[i]);
	}
	free(filters);
	virStoragePoolPtr *pools = NULL;
	n = virConnectListAllStoragePools(conn, &pools, 0);
	for (int i = 0; i < n; i++) {
		dump_doc(c, xasprintf("storage/%s.xml", virStoragePoolGetName(pools[i])), virStoragePoolGetXMLDesc(pools[i], 0));
		virStoragePoolFree(pools[i]);
	}
	free(pools);
}

static int known_cmp(const void *a, const void *b)
{
	const struct known_dom *x = a, *y = b;
	int c = strcmp(x->uuid, y->uuid);
	return c ? c : (x->id > y->id) - (x->id < y->id);
}

/* What known has of a domain, looked for at position at first; NULL when
 * nothing. */
static const struct known_dom *known_lookup(struct known *k, size_t at, const char *uuid, int id)
{
	if (!k->n || !uuid[0])
		return NULL;
	if (at < k->n && k->v[at].id == id && strcmp(k->v[at].uuid, uuid) == 0)
		return &k->v[at];
	if (!k->sorted) {
		k->sorted = xcalloc(k->n, sizeof(*k->sorted));
		memcpy(k->sorted, k->v, k->n * sizeof(*k->v));
		qsort(k->sorted, k->n, sizeof(*k->sorted), known_cmp);
	}
	struct known_dom key = { .id = id };
	snprintf(key.uuid, sizeof(key.uuid), "%s", uuid);
	return bsearch(&key, k->sorted, k->n, sizeof(*k->sorted), known_cmp);
}

/* Id, UUID, CPU time, memory, state and vCPUs of one domain (x->vcpu:
 * caller frees); known (NULL: none), the domain's maximum vCPUs if already
 * known, which spares the GetMaxVcpus call; at: where it was. */
static void ask_domain(virDomainPtr dom, struct known *known, size_t at, struct per_dom *x)
{
	memset(x, 0, sizeof(*x));
	x->nvcpu = -1;
	/* Identity first, here in the call thread: the sample needs it too. */
	x->id = (int)virDomainGetID(dom);
	uuid_string(dom, x->uuid);
	if (virDomainGetInfo(dom, &x->info) < 0)
		return;
	x->info_ok = true;
	const struct known_dom *k = known ? known_lookup(known, at, x->uuid, x->id) : NULL;
	x->maxvcpus = k && k->max ? (int)k->max : virDomainGetMaxVcpus(dom);
	unsigned want = x->info.nrVirtCpu ? x->info.nrVirtCpu : 1;
	x->vcpu = xcalloc(want, sizeof(*x->vcpu));
	x->nvcpu = virDomainGetVcpus(dom, x->vcpu, (int)want, NULL, 0);
}

/* The same for each domain a bulk call returned. */
static struct per_dom *ask_per_domain(struct call *c, virDomainStatsRecordPtr *recs, int n)
{
	struct per_dom *per = xcalloc((size_t)n + 1, sizeof(*per));
	for (int k = 0; k < n; k++)
		ask_domain(recs[k]->dom, &c->known, (size_t)k, &per[k]);
	return per;
}

/* The block group of those of recs (per: their identities) not known to
 * have no block devices, in one call. */
static void ask_block(struct call *c, virDomainStatsRecordPtr *recs, const struct per_dom *per, int n)
{
	virDomainPtr *list = xcalloc((size_t)n + 1, sizeof(*list));
	int *from = xcalloc((size_t)n, sizeof(*from));
	int m = 0;
	c->bidx = xcalloc((size_t)n, sizeof(*c->bidx));
	for (int k = 0; k < n; k++) {
		const struct known_dom *kn = known_lookup(&c->known, (size_t)k, per[k].uuid, per[k].id);
		if (kn && kn->diskless) {
			c->bidx[k] = -2; /* not asked */
			continue;
		}
		c->bidx[k] = -1;
		from[m] = k;
		list[m++] = recs[k]->dom;
	}
	if (m) {
		int bn = virDomainListGetStats(list, VIR_DOMAIN_STATS_BLOCK, &c->brecs, VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT);
		c->nbrec = bn > 0 ? bn : 0;
		/* In the order asked, less domains that went away meanwhile. */
		int j = 0;
		for (int b = 0; b < c->nbrec; b++) {
			char u[VIR_UUID_STRING_BUFLEN];
			if (uuid_string(c->brecs[b]->dom, u) < 0)
				continue;
			int at = j;
			while (at < m && strcmp(per[from[at]].uuid, u) != 0)
				at++;
			if (at < m) {
				c->bidx[from[at]] = b;
				j = at + 1;
			}
		}
	}
	free(list);
	free(from);
}

/* What the last sample knew of each domain, for a call. */
static void call_take_known(struct call *c, const struct lv *lv)
{
	if (!lv->last.ndom)
		return;
	c->known.v = xcalloc(lv->last.ndom, sizeof(*c->known.v));
	c->known.n = lv->last.ndom;
	for (size_t i = 0; i < lv->last.ndom; i++) {
		const struct hv_domain *d = &lv->last.dom[i];
		struct known_dom *k = &c->known.v[i];
		memcpy(k->uuid, d->uuid, sizeof(k->uuid));
		k->id = d->id;
		k->max = d->vcpus_max;
		k->diskless = c->split_block && (d->have & HV_HAVE_BLK) && !d->nblk && !d->stuck;
	}
}

/* The connection of a call of its own, and its domain there. */
static bool own_open(struct call *c)
{
	unsigned char raw[VIR_UUID_BUFLEN];
	c->own_conn = virConnectOpenReadOnly(c->own_uri);
	if (!c->own_conn || virDomainGetUUID(c->doms[0], raw) < 0)
		return false;
	c->own_dom = virDomainLookupByUUID(c->own_conn, raw);
	return c->own_dom != NULL;
}

static void *call_run(void *arg)
{
	struct call *c = arg;
	virDomainStatsRecordPtr *recs = NULL;
	struct per_dom *per = NULL;
	int n;
	if (c->kind == CALL_LIST) {
		n = virConnectListAllDomains(c->conn, &c->listed, VIR_CONNECT_LIST_DOMAINS_ACTIVE);
		c->nlisted = n > 0 ? n : 0;
		if (n >= 0)
			c->freemem = virNodeGetFreeMemory(c->conn);
	} else if (c->kind == CALL_DUMP) {
		dump_run(c);
		n = 0;
	} else if (c->kind == CALL_ALL) {
		n = virConnectGetAllDomainStats(c->conn, c->split_block ? c->groups & ~(unsigned)VIR_DOMAIN_STATS_BLOCK : c->groups,
						&recs, VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE | VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT);
		if (n >= 0)
			c->freemem = virNodeGetFreeMemory(c->conn);
	} else if (c->own_uri && !own_open(c)) {
		n = -1;
	} else if (c->per_only) {
		n = c->ndoms;
		per = xcalloc((size_t)n + 1, sizeof(*per));
		for (int k = 0; k < n; k++)
			ask_domain(c->own_dom ? c->own_dom : c->doms[k], &c->known, (size_t)k, &per[k]);
	} else if (c->own_dom) {
		virDomainPtr one[2] = { c->own_dom, NULL };
		n = virDomainListGetStats(one, c->groups, &recs, c->flags);
	} else {
		n = virDomainListGetStats(c->doms, c->groups, &recs, c->flags);
	}
	char *error = n < 0 ? xstrdup(lv_errmsg()) : NULL;
	int errcode = n < 0 ? virGetLastErrorCode() : 0;
	if (n > 0 && !c->per_only && (c->kind == CALL_ALL || c->kind == CALL_STATS))
		per = ask_per_domain(c, recs, n);
	if (n > 0 && c->split_block)
		ask_block(c, recs, per, n);
	struct lv *lv = c->lv;
	pthread_mutex_lock(&lv->mu);
	c->recs = recs;
	c->per = per;
	c->nrec = n;
	c->error = error;
	c->errcode = errcode;
	c->done = true;
	if (c->abandoned) {
		/* Nobody waits for it any more: unlink and free. */
		for (struct call **pp = &lv->outstanding; *pp; pp = &(*pp)->next)
			if (*pp == c) {
				*pp = c->next;
				break;
			}
		pthread_mutex_unlock(&lv->mu);
		call_free(c);
		return NULL;
	}
	pthread_cond_broadcast(&lv->cv);
	if (c->linger) {
		while (!c->released)
			pthread_cond_wait(&lv->cv, &lv->mu);
		lv->lingering--;
		pthread_cond_broadcast(&lv->cv);
		pthread_mutex_unlock(&lv->mu);
		call_free(c);
		return NULL;
	}
	pthread_mutex_unlock(&lv->mu);
	return NULL;
}

/* A call the sample is done with: freed here, or by its own thread. */
static void call_release(struct lv *lv, struct call *c)
{
	if (!c->linger) {
		call_free(c);
		return;
	}
	pthread_mutex_lock(&lv->mu);
	c->released = true;
	pthread_cond_broadcast(&lv->cv);
	pthread_mutex_unlock(&lv->mu);
}

static struct call *call_run_with_deadline(struct lv *lv, struct call *c, int deadline_ms);

/* A statistics call for doms (virDomainListGetStats, or each domain's own
 * calls when the driver has no bulk statistics), not started. */
static struct call *stats_call_new(struct lv *lv, virDomainPtr *doms, int n, unsigned flags)
{
	struct call *c = xcalloc(1, sizeof(*c));
	c->kind = CALL_STATS;
	if (n > 1) /* not each domain's own call on the slow path: n copies */
		call_take_known(c, lv);
	c->lv = lv;
	c->groups = lv->groups;
	c->flags = flags;
	c->per_only = lv->no_bulk;
	c->ndoms = n;
	c->doms = xcalloc((size_t)n + 1, sizeof(*c->doms));
	for (int i = 0; i < n; i++) {
		virDomainRef(doms[i]);
		c->doms[i] = doms[i];
	}
	return c;
}

/* Statistics for doms within deadline_ms: the call when it finished in
 * time (caller frees), NULL when it did not (it goes on alone and is listed
 * as outstanding). */
static struct call *call_with_deadline(struct lv *lv, virDomainPtr *doms, int n, unsigned flags, int deadline_ms)
{
	return call_run_with_deadline(lv, stats_call_new(lv, doms, n, flags), deadline_ms);
}

/* The running domains (kind CALL_LIST), or all their statistics at once
 * (CALL_ALL; split_block: the block group apart, of the domains not known
 * to have no block devices), and the free memory, within the deadline. */
static struct call *conn_call_with_deadline(struct lv *lv, enum call_kind kind, bool split_block, int deadline_ms)
{
	struct call *c = xcalloc(1, sizeof(*c));
	c->kind = kind;
	c->groups = lv->groups;
	if (kind == CALL_ALL) {
		c->split_block = split_block;
		call_take_known(c, lv);
	}
	c->lv = lv;
	virConnectRef(lv->conn);
	c->conn = lv->conn;
	return call_run_with_deadline(lv, c, deadline_ms);
}

/* Start c on a thread of its own; false when no thread was to be had
 * (then it has run inline and is done). */
static bool call_start(struct call *c)
{
	pthread_t t;
	pthread_attr_t a;
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	if (c->kind == CALL_ALL) {
		c->linger = true;
		pthread_mutex_lock(&c->lv->mu);
		c->lv->lingering++;
		pthread_mutex_unlock(&c->lv->mu);
	}
	bool started = pthread_create(&t, &a, call_run, c) == 0;
	pthread_attr_destroy(&a);
	if (!started) {
		if (c->linger) {
			c->linger = false;
			pthread_mutex_lock(&c->lv->mu);
			c->lv->lingering--;
			pthread_mutex_unlock(&c->lv->mu);
		}
		call_run(c); /* no thread to be had: ask inline */
	}
	return started;
}

static struct timespec deadline_from_now(int deadline_ms)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += deadline_ms / 1000;
	until.tv_nsec += (long)(deadline_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	return until;
}

/* Wait for a started call until the absolute time until.  Returns it when
 * it finished in time (caller frees), NULL when it did not: it goes on
 * alone, listed as outstanding, and frees itself when it returns. */
static struct call *call_wait(struct lv *lv, struct call *c, const struct timespec *until)
{
	pthread_mutex_lock(&lv->mu);
	while (!c->done)
		if (pthread_cond_timedwait(&lv->cv, &lv->mu, until) == ETIMEDOUT)
			break;
	if (!c->done) {
		if (c->steal_to) {
			*c->steal_to = c->docs;
			memset(&c->docs, 0, sizeof(c->docs));
		}
		c->abandoned = true;
		if (c->linger) { /* it frees itself when it returns */
			c->linger = false;
			lv->lingering--;
		}
		if (!c->own_uri)
			lv->retire = true;
		c->next = lv->outstanding;
		lv->outstanding = c;
		pthread_mutex_unlock(&lv->mu);
		return NULL;
	}
	pthread_mutex_unlock(&lv->mu);
	return c;
}

static struct call *call_run_with_deadline(struct lv *lv, struct call *c, int deadline_ms)
{
	if (!call_start(c))
		return c;
	struct timespec until = deadline_from_now(deadline_ms);
	return call_wait(lv, c, &until);
}

/* Is a call for this domain (alone) still outstanding? */
static bool is_pending(struct lv *lv, const char *uuid)
{
	bool yes = false;
	pthread_mutex_lock(&lv->mu);
	for (struct call *c = lv->outstanding; c && !yes; c = c->next) {
		if (c->kind != CALL_STATS || c->ndoms != 1)
			continue;
		char u[VIR_UUID_STRING_BUFLEN];
		if (uuid_string(c->doms[0], u) == 0 && strcmp(u, uuid) == 0)
			yes = true;
	}
	pthread_mutex_unlock(&lv->mu);
	return yes;
}

static enum hv_state map_state(int s)
{
	switch (s) {
	case VIR_DOMAIN_RUNNING: return HV_RUNNING;
	case VIR_DOMAIN_BLOCKED: return HV_BLOCKED;
	case VIR_DOMAIN_PAUSED: return HV_PAUSED;
	case VIR_DOMAIN_PMSUSPENDED: return HV_PAUSED;
	case VIR_DOMAIN_SHUTDOWN: return HV_SHUTDOWN;
	case VIR_DOMAIN_SHUTOFF: return HV_SHUTOFF;
	case VIR_DOMAIN_CRASHED: return HV_CRASHED;
	default: return HV_UNKNOWN;
	}
}

static uint64_t pval(const virTypedParameter *p)
{
	switch (p->type) {
	case VIR_TYPED_PARAM_INT: return p->value.i < 0 ? 0 : (uint64_t)p->value.i;
	case VIR_TYPED_PARAM_UINT: return p->value.ui;
	case VIR_TYPED_PARAM_LLONG: return p->value.l < 0 ? 0 : (uint64_t)p->value.l;
	case VIR_TYPED_PARAM_ULLONG: return p->value.ul;
	case VIR_TYPED_PARAM_DOUBLE: return p->value.d < 0 ? 0 : (uint64_t)p->value.d;
	case VIR_TYPED_PARAM_BOOLEAN: return p->value.b;
	default: return 0;
	}
}

/* "net.3.rx.bytes" -> index 3, rest "rx.bytes"; false if not that shape. */
static bool indexed(const char *field, const char *prefix, size_t *idx, const char **rest)
{
	size_t pl = strlen(prefix);
	if (strncmp(field, prefix, pl) != 0)
		return false;
	char *end;
	unsigned long v = strtoul(field + pl, &end, 10);
	if (end == field + pl || *end != '.' || v > 4096)
		return false;
	*idx = v;
	*rest = end + 1;
	return true;
}

/* arr grown to at least i + 1 elements of size el, the new ones zeroed. */
static void *grow_to(void *arr, size_t *n, size_t i, size_t el)
{
	if (i < *n)
		return arr;
	arr = xrealloc(arr, (i + 1) * el);
	memset((char *)arr + *n * el, 0, (i + 1 - *n) * el);
	*n = i + 1;
	return arr;
}

#define ensure_vcpu(d, i) ((d)->vcpu = grow_to((d)->vcpu, &(d)->nvcpu, (i), sizeof(*(d)->vcpu)))
#define ensure_net(d, i) ((d)->net = grow_to((d)->net, &(d)->nnet, (i), sizeof(*(d)->net)))
#define ensure_blk(d, i) ((d)->blk = grow_to((d)->blk, &(d)->nblk, (i), sizeof(*(d)->blk)))

static void fill_from_record(struct hv_domain *d, const virDomainStatsRecord *rec)
{
	for (int i = 0; i < rec->nparams; i++) {
		const virTypedParameter *p = &rec->params[i];
		const char *f = p->field, *rest;
		size_t idx;
		if (strcmp(f, "state.state") == 0) {
			d->state = map_state((int)pval(p));
		} else if (strcmp(f, "cpu.time") == 0) {
			d->cpu_ns = pval(p);
			d->have |= HV_HAVE_CPU;
		} else if (strcmp(f, "balloon.current") == 0) {
			d->mem_kib = pval(p);
			d->have |= HV_HAVE_MEM;
		} else if (strcmp(f, "balloon.maximum") == 0) {
			d->maxmem_kib = pval(p);
		} else if (strcmp(f, "balloon.rss") == 0) {
			d->rss_kib = pval(p);
		} else if (strcmp(f, "vcpu.current") == 0) {
			d->vcpus_online = (unsigned)pval(p);
			d->have |= HV_HAVE_VCPU;
		} else if (strcmp(f, "vcpu.maximum") == 0) {
			d->vcpus_max = (unsigned)pval(p);
		} else if (indexed(f, "vcpu.", &idx, &rest)) {
			ensure_vcpu(d, idx);
			if (strcmp(rest, "state") == 0) {
				int s = (int)pval(p);
				d->vcpu[idx].state = s == VIR_VCPU_RUNNING ? 1 : s == VIR_VCPU_BLOCKED ? 2 : 0;
				d->vcpu[idx].online = s != VIR_VCPU_OFFLINE;
			} else if (strcmp(rest, "time") == 0) {
				d->vcpu[idx].time_ns = pval(p);
			}
		} else if (strcmp(f, "net.count") == 0) {
			d->have |= HV_HAVE_NET;
		} else if (indexed(f, "net.", &idx, &rest)) {
			ensure_net(d, idx);
			struct hv_net *n = &d->net[idx];
			if (strcmp(rest, "name") == 0 && p->type == VIR_TYPED_PARAM_STRING) {
				free(n->name);
				n->name = xstrdup(p->value.s);
			} else if (strcmp(rest, "rx.bytes") == 0) n->rx_bytes = pval(p);
			else if (strcmp(rest, "rx.pkts") == 0) n->rx_pkts = pval(p);
			else if (strcmp(rest, "rx.errs") == 0) n->rx_errs = pval(p);
			else if (strcmp(rest, "rx.drop") == 0) n->rx_drop = pval(p);
			else if (strcmp(rest, "tx.bytes") == 0) n->tx_bytes = pval(p);
			else if (strcmp(rest, "tx.pkts") == 0) n->tx_pkts = pval(p);
			else if (strcmp(rest, "tx.errs") == 0) n->tx_errs = pval(p);
			else if (strcmp(rest, "tx.drop") == 0) n->tx_drop = pval(p);
		} else if (strcmp(f, "block.count") == 0) {
			d->have |= HV_HAVE_BLK;
		} else if (indexed(f, "block.", &idx, &rest)) {
			ensure_blk(d, idx);
			struct hv_blk *b = &d->blk[idx];
			if (strcmp(rest, "name") == 0 && p->type == VIR_TYPED_PARAM_STRING) {
				free(b->name);
				b->name = xstrdup(p->value.s);
			} else if (strcmp(rest, "rd.reqs") == 0) b->rd_reqs = pval(p);
			else if (strcmp(rest, "rd.bytes") == 0) b->rd_bytes = pval(p);
			else if (strcmp(rest, "wr.reqs") == 0) b->wr_reqs = pval(p);
			else if (strcmp(rest, "wr.bytes") == 0) b->wr_bytes = pval(p);
		}
	}
	if (d->nvcpu && !d->vcpus_max)
		d->vcpus_max = (unsigned)d->nvcpu;
}

/* The per-domain answers of a call; the bulk record's figures stay where
 * it had them (a driver that fills cpu.time keeps its own). */
static void fill_from_per_dom(struct hv_domain *d, const struct per_dom *x)
{
	if (!x || !x->info_ok)
		return;
	if (!(d->have & HV_HAVE_CPU)) {
		d->cpu_ns = x->info.cpuTime;
		d->have |= HV_HAVE_CPU;
	}
	if (!(d->have & HV_HAVE_MEM)) {
		d->mem_kib = x->info.memory;
		d->have |= HV_HAVE_MEM;
	}
	if (!d->maxmem_kib)
		d->maxmem_kib = x->info.maxMem;
	if (d->state == HV_UNKNOWN)
		d->state = map_state(x->info.state);
	if (!(d->have & HV_HAVE_VCPU) && x->nvcpu > 0) {
		ensure_vcpu(d, (size_t)x->nvcpu - 1);
		for (int i = 0; i < x->nvcpu; i++) {
			d->vcpu[i].time_ns = x->vcpu[i].cpuTime;
			d->vcpu[i].state = x->vcpu[i].state == VIR_VCPU_RUNNING ? 1 : x->vcpu[i].state == VIR_VCPU_BLOCKED ? 2 : 0;
			d->vcpu[i].online = x->vcpu[i].state != VIR_VCPU_OFFLINE;
		}
		d->vcpus_online = (unsigned)x->nvcpu;
		d->have |= HV_HAVE_VCPU;
	} else if (!(d->have & HV_HAVE_VCPU) && !d->vcpus_online) {
		d->vcpus_online = x->info.nrVirtCpu; /* no per-vCPU figures to be had */
	}
	if (!d->vcpus_max)
		d->vcpus_max = x->maxvcpus > 0 ? (unsigned)x->maxvcpus : x->info.nrVirtCpu;
	if (d->vcpus_max < d->vcpus_online)
		d->vcpus_max = d->vcpus_online;
}

static int dc_cmp(const char *uuid, int id, const struct devcache *dc)
{
	int c = strcmp(uuid, dc->uuid);
	return c ? c : (id > dc->id) - (id < dc->id);
}

/* The cache is sorted by (uuid, id): 1,000 domains are looked up every
 * sample.  The entry of d, or NULL with *at where it would go. */
static struct devcache *dc_find(const struct lv *lv, const struct hv_domain *d, size_t *at)
{
	size_t lo = 0, hi = lv->ndc;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = dc_cmp(d->uuid, d->id, &lv->dc[mid]);
		if (c == 0)
			return &lv->dc[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	if (at)
		*at = lo;
	return NULL;
}

/* The entry of d, at position pos of the sample, read from its XML when
 * new (which moves the entries after it). */
static struct devcache *devices_of(struct lv *lv, virDomainPtr dom, const struct hv_domain *d, size_t pos)
{
	if (pos < lv->ndc_at && lv->dc_at[pos] < lv->ndc && dc_cmp(d->uuid, d->id, &lv->dc[lv->dc_at[pos]]) == 0)
		return &lv->dc[lv->dc_at[pos]];
	if (pos >= lv->ndc_at)
		lv->dc_at = grow_to(lv->dc_at, &lv->ndc_at, pos, sizeof(*lv->dc_at));
	size_t lo = 0;
	struct devcache *found = dc_find(lv, d, &lo);
	if (found) {
		lv->dc_at[pos] = (size_t)(found - lv->dc);
		return found;
	}
	lv->dc_at[pos] = lo;
	lv->dc = xrealloc(lv->dc, (lv->ndc + 1) * sizeof(*lv->dc));
	memmove(&lv->dc[lo + 1], &lv->dc[lo], (lv->ndc - lo) * sizeof(*lv->dc));
	lv->ndc++;
	struct devcache *dc = &lv->dc[lo];
	memset(dc, 0, sizeof(*dc));
	snprintf(dc->uuid, sizeof(dc->uuid), "%s", d->uuid);
	dc->id = d->id;
	char *xml = virDomainGetXMLDesc(dom, 0);
	if (!xml)
		return dc;
	xmlDoc *doc = xmlReadMemory(xml, (int)strlen(xml), "domain.xml", NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	free(xml);
	xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
	for (xmlNode *devs = root ? root->children : NULL; devs; devs = devs->next) {
		if (devs->type != XML_ELEMENT_NODE || strcmp((const char *)devs->name, "devices") != 0)
			continue;
		for (xmlNode *dev = devs->children; dev; dev = dev->next) {
			if (dev->type != XML_ELEMENT_NODE)
				continue;
			bool disk = strcmp((const char *)dev->name, "disk") == 0, nic = strcmp((const char *)dev->name, "interface") == 0;
			if (!disk && !nic)
				continue;
			for (xmlNode *t = dev->children; t; t = t->next) {
				if (t->type != XML_ELEMENT_NODE || strcmp((const char *)t->name, "target") != 0)
					continue;
				xmlChar *tdev = xmlGetProp(t, (const xmlChar *)"dev");
				if (tdev)
					strv_push(disk ? &dc->disks : &dc->nets, (const char *)tdev);
				xmlFree(tdev);
			}
		}
	}
	xmlFreeDoc(doc);
	return dc;
}

/* The device counters the call left out, from each device's own call,
 * by the names in dc. */
static void fill_devices(const struct devcache *dc, virDomainPtr dom, struct hv_domain *d)
{
	if (!(d->have & HV_HAVE_NET)) {
		for (size_t i = 0; i < dc->nets.n; i++) {
			virDomainInterfaceStatsStruct st;
			if (virDomainInterfaceStats(dom, dc->nets.v[i], &st, sizeof(st)) < 0)
				continue;
			ensure_net(d, d->nnet);
			struct hv_net *n = &d->net[d->nnet - 1];
			n->name = xstrdup(dc->nets.v[i]);
			n->rx_bytes = st.rx_bytes < 0 ? 0 : (uint64_t)st.rx_bytes;
			n->rx_pkts = st.rx_packets < 0 ? 0 : (uint64_t)st.rx_packets;
			n->rx_errs = st.rx_errs < 0 ? 0 : (uint64_t)st.rx_errs;
			n->rx_drop = st.rx_drop < 0 ? 0 : (uint64_t)st.rx_drop;
			n->tx_bytes = st.tx_bytes < 0 ? 0 : (uint64_t)st.tx_bytes;
			n->tx_pkts = st.tx_packets < 0 ? 0 : (uint64_t)st.tx_packets;
			n->tx_errs = st.tx_errs < 0 ? 0 : (uint64_t)st.tx_errs;
			n->tx_drop = st.tx_drop < 0 ? 0 : (uint64_t)st.tx_drop;
		}
		d->have |= HV_HAVE_NET;
	}
	if (!(d->have & HV_HAVE_BLK)) {
		for (size_t i = 0; i < dc->disks.n; i++) {
			virDomainBlockStatsStruct st;
			if (virDomainBlockStats(dom, dc->disks.v[i], &st, sizeof(st)) < 0)
				continue;
			ensure_blk(d, d->nblk);
			struct hv_blk *b = &d->blk[d->nblk - 1];
			b->name = xstrdup(dc->disks.v[i]);
			b->rd_reqs = st.rd_req < 0 ? 0 : (uint64_t)st.rd_req;
			b->rd_bytes = st.rd_bytes < 0 ? 0 : (uint64_t)st.rd_bytes;
			b->wr_reqs = st.wr_req < 0 ? 0 : (uint64_t)st.wr_req;
			b->wr_bytes = st.wr_bytes < 0 ? 0 : (uint64_t)st.wr_bytes;
		}
		d->have |= HV_HAVE_BLK;
	}
}

/* What the call left out of CPU, memory and vCPUs (its per-domain calls
 * failed), from per-domain calls; and the counters of the devices of a
 * domain whose device counters it left out (a driver without them in its
 * bulk statistics, as the test driver), by the device names read once.
 * pos: d's position in the sample. */
static void fill_fallback(struct lv *lv, virDomainPtr dom, struct hv_domain *d, size_t pos)
{
	const unsigned core = HV_HAVE_CPU | HV_HAVE_MEM | HV_HAVE_VCPU;
	if ((d->have & core) != core) {
		struct per_dom x;
		ask_domain(dom, NULL, 0, &x);
		fill_from_per_dom(d, &x);
		free(x.vcpu);
	}
	if (!(d->have & HV_HAVE_NET && d->have & HV_HAVE_BLK))
		fill_devices(devices_of(lv, dom, d, pos), dom, d);
}

static void lv_disconnect(struct lv *lv, const char *why)
{
	lv->retire = false;
	if (lv->conn) {
		virConnectClose(lv->conn);
		lv->conn = NULL;
	}
	free(lv->down);
	lv->down = xstrdup(why);
	lv->backoff = lv->backoff ? (lv->backoff * 2 > 30 ? 30 : lv->backoff * 2) : 1;
	lv->next_retry = hv_now_mono() + lv->backoff;
	for (size_t i = 0; i < lv->ndc; i++) {
		strv_free(&lv->dc[i].disks);
		strv_free(&lv->dc[i].nets);
	}
	free(lv->dc);
	lv->dc = NULL;
	lv->ndc = 0;
}

static void on_device_added(virConnectPtr conn, virDomainPtr dom, const char *alias, void *opaque)
{
	(void)conn;
	(void)dom;
	(void)alias;
	struct evsink *k = opaque;
	__atomic_add_fetch(&k->gen, 1, __ATOMIC_ACQ_REL);
}

static int lv_connect(struct lv *lv, struct err *e)
{
	virConnectPtr c = virConnectOpenReadOnly(lv->uri);
	if (!c) {
		_cleanup_free_ char *why = xstrdup(lv_errmsg());
		lv_disconnect(lv, why);
		return err_set(e, -ENOTCONN, "libvirt %s: %s; next attempt in %.0f s", lv->uri ? lv->uri : "(default URI)", why,
			       lv->backoff);
	}
	lv->conn = c;
	lv->no_bulk = false; /* asked again: the daemon may have changed */
	lv->block_in_bulk = false;
	lv->known_gen = -1;
	/* Device-added events tell when a guest known to have no disks gets
	 * one.  Without them every sample asks every guest's block group. */
	__atomic_add_fetch(&lv->sink->refs, 1, __ATOMIC_ACQ_REL);
	lv->events = virConnectDomainEventRegisterAny(c, NULL, VIR_DOMAIN_EVENT_ID_DEVICE_ADDED, VIR_DOMAIN_EVENT_CALLBACK(on_device_added),
						      lv->sink, sink_put) >= 0;
	if (!lv->events)
		sink_put(lv->sink);
	/* No client keepalive: with calls left waiting on a stuck guest it
	 * stalls other calls on the connection until its next ping (seen here:
	 * 5 s).  Every call of a sample has a deadline instead, which also
	 * catches a daemon that hangs. */
	lv->backoff = 0;
	free(lv->down);
	lv->down = NULL;
	virNodeInfo ni;
	if (virNodeGetInfo(c, &ni) == 0) {
		lv->cpus = ni.cpus;
		lv->mem_total_kib = ni.memory;
	}
	free(lv->hostname);
	lv->hostname = virConnectGetHostname(c);
	const char *type = virConnectGetType(c);
	free(lv->type);
	lv->type = xstrdup(type ? type : "?");
	unsigned long v = 0;
	free(lv->version);
	if (virConnectGetVersion(c, &v) == 0 && v)
		lv->version = xasprintf("%lu.%lu.%lu", v / 1000000, v / 1000 % 1000, v % 1000);
	else
		lv->version = xstrdup("?");
	if (!lv->uri) {
		char *u = virConnectGetURI(c);
		lv->uri = u; /* the default the library picked */
	}
	return 0;
}

static int lv_open(struct hv *hv, const char *uri, struct err *e)
{
	(void)e;
	pthread_once(&lv_once, lv_global_init);
	struct lv *lv = xcalloc(1, sizeof(*lv));
	pthread_mutex_init(&lv->mu, NULL);
	pthread_cond_init(&lv->cv, NULL);
	lv->uri = uri ? xstrdup(uri) : NULL;
	lv->sink = xcalloc(1, sizeof(*lv->sink));
	lv->sink->refs = 1;
	hv->priv = lv;
	struct err ignore = ERR_INIT;
	lv_connect(lv, &ignore); /* a failure is reported by the first sample */
	err_clear(&ignore);
	hv->describe = xasprintf("libvirt %s", lv->uri ? lv->uri : "(default URI)");
	return 0;
}

static void copy_last(struct lv *lv, struct hv_domain *d)
{
	for (size_t i = 0; i < lv->last.ndom; i++) {
		const struct hv_domain *p = &lv->last.dom[i];
		if (strcmp(p->uuid, d->uuid) != 0)
			continue;
		struct hv_snapshot tmp = { 0 };
		tmp.dom = (struct hv_domain *)p;
		tmp.ndom = 1;
		struct hv_snapshot one = { 0 };
		hv_snapshot_copy(&one, &tmp);
		char *name = d->name;
		int id = d->id;
		*d = one.dom[0];
		free(one.dom);
		free(d->name);
		d->name = name;
		d->id = id;
		return;
	}
}

static void fill_host(struct lv *lv, struct hv_snapshot *snap, unsigned long long freemem)
{
	snap->host.hostname = lv->hostname ? xstrdup(lv->hostname) : NULL;
	snap->host.type = xstrdup(lv->type ? lv->type : "?");
	snap->host.version = xstrdup(lv->version ? lv->version : "?");
	snap->host.source = xasprintf("libvirt %s", lv->uri ? lv->uri : "");
	snap->host.cpus = lv->cpus;
	snap->host.mem_total_kib = lv->mem_total_kib;
	snap->host.mem_free_kib = freemem / 1024;
}

/* Keep the figures for stuck domains, and what they say of block devices
 * for the next sample; retire a connection with a call left waiting on
 * it. */
static void finish_sample(struct lv *lv, const struct hv_snapshot *snap)
{
	hv_snapshot_copy_packed(&lv->last, snap);
	lv->known_gen = lv->events ? lv->sample_gen : -1;
	if (lv->retire) {
		virConnectClose(lv->conn);
		lv->conn = NULL;
		lv->next_retry = 0;
		lv->retire = false;
	}
}

static int lost(struct lv *lv, const char *what, const char *error, struct err *e)
{
	_cleanup_free_ char *why = xstrdup(error ? error : "no answer");
	if (virConnectIsAlive(lv->conn) != 1) {
		lv_disconnect(lv, why);
		return err_set(e, -ENOTCONN, "libvirt %s: connection lost (%s); next attempt in %.0f s", lv->uri, why, lv->backoff);
	}
	return err_set(e, -EIO, "libvirt %s: %s: %s", lv->uri, what, why);
}

/* Let the last sample's bulk call free what it got, on its own thread. */
static void lv_tidy(struct hv *hv)
{
	struct lv *lv = hv->priv;
	if (lv && lv->spent) {
		call_release(lv, lv->spent);
		lv->spent = NULL;
	}
}

static int lv_sample(struct hv *hv, struct hv_snapshot *snap, struct err *e)
{
	struct lv *lv = hv->priv;
	lv_tidy(hv);
	if (!lv->conn) {
		double now = hv_now_mono();
		if (now < lv->next_retry)
			return err_set(e, -ENOTCONN, "libvirt %s: %s; next attempt in %.0f s", lv->uri ? lv->uri : "(default URI)",
				       lv->down ? lv->down : "not connected", lv->next_retry - now + 0.5);
		int r = lv_connect(lv, e);
		if (r < 0)
			return r;
	}
	lv->groups = STATS_BASE | (hv->want & HV_WANT_RSS ? VIR_DOMAIN_STATS_BALLOON : 0);
	/* What the last sample saw of the guests' block devices holds if no
	 * device was added since it began. */
	int gen = sink_gen(lv->sink);
	bool split_block = lv->events && lv->block_in_bulk && gen == lv->known_gen;
	lv->sample_gen = gen;
	bool all_missed = false;
	if (!lv->outstanding && !lv->no_bulk) {
		/* Nothing is stuck: one call for every running domain. */
		struct call *ac = conn_call_with_deadline(lv, CALL_ALL, split_block, hv->deadline_ms);
		if (ac && ac->nrec >= 0) {
			fill_host(lv, snap, ac->freemem);
			for (int k = 0; k < ac->nrec; k++) {
				virDomainPtr dom = ac->recs[k]->dom;
				struct hv_domain *d = hv_snapshot_add(snap);
				d->name = xstrdup(virDomainGetName(dom));
				const struct per_dom *x = ac->per ? &ac->per[k] : NULL;
				if (x && x->uuid[0]) {
					memcpy(d->uuid, x->uuid, sizeof(x->uuid));
					d->id = x->id;
				} else {
					uuid_string(dom, d->uuid);
					d->id = (int)virDomainGetID(dom);
				}
				fill_from_record(d, ac->recs[k]);
				if (ac->bidx && ac->bidx[k] >= 0)
					fill_from_record(d, ac->brecs[ac->bidx[k]]);
				if (d->have & HV_HAVE_BLK)
					lv->block_in_bulk = true;
				if (ac->bidx && ac->bidx[k] == -2)
					d->have |= HV_HAVE_BLK; /* none, as the last sample saw */
				fill_from_per_dom(d, ac->per ? &ac->per[k] : NULL);
				fill_fallback(lv, dom, d, (size_t)k);
			}
			lv->spent = ac; /* released by lv_tidy */
			finish_sample(lv, snap);
			return 0;
		}
		if (ac && ac->errcode == VIR_ERR_NO_SUPPORT) {
			/* Asked once per connection: from now on, domain by domain. */
			lv->no_bulk = true;
			call_release(lv, ac);
			ac = NULL;
			goto listing;
		}
		if (ac) {
			int r = lost(lv, "domain statistics", ac->error, e);
			call_release(lv, ac);
			return r;
		}
		/* Missed the deadline: some guest does not answer.  Leave the
		 * call to its connection, take a fresh one, and let the slow
		 * path below ask each domain alone to find which. */
		all_missed = true;
		virConnectClose(lv->conn);
		lv->conn = NULL;
		lv->retire = false;
		int r = lv_connect(lv, e);
		if (r < 0)
			return r;
	}
listing:;
	struct call *lc = conn_call_with_deadline(lv, CALL_LIST, false, hv->deadline_ms);
	if (!lc) {
		/* The daemon does not answer even a listing: drop the
		 * connection (the call left waiting holds its own reference). */
		_cleanup_free_ char *why = xasprintf("no answer to a domain listing within %d ms", hv->deadline_ms);
		lv_disconnect(lv, why);
		return err_set(e, -ETIMEDOUT, "libvirt %s: %s; next attempt in %.0f s", lv->uri, why, lv->backoff);
	}
	if (lc->nrec < 0) {
		_cleanup_free_ char *why = xstrdup(lc->error ? lc->error : "listing domains failed");
		call_free(lc);
		if (virConnectIsAlive(lv->conn) != 1) {
			lv_disconnect(lv, why);
			return err_set(e, -ENOTCONN, "libvirt %s: connection lost (%s); next attempt in %.0f s", lv->uri, why, lv->backoff);
		}
		return err_set(e, -EIO, "libvirt %s: listing domains: %s", lv->uri, why);
	}
	virDomainPtr *doms = lc->listed;
	int n = lc->nlisted;
	unsigned long long freemem = lc->freemem;
	lc->listed = NULL;
	lc->nlisted = 0;
	call_free(lc);
	fill_host(lv, snap, freemem);

	/* Domains whose own call is still out are stuck; ask the rest. */
	virDomainPtr *ask = xcalloc((size_t)n + 1, sizeof(*ask));
	size_t *slot = xcalloc((size_t)n + 1, sizeof(*slot));
	int nask = 0;
	for (int i = 0; i < n; i++) {
		struct hv_domain *d = hv_snapshot_add(snap);
		d->name = xstrdup(virDomainGetName(doms[i]));
		uuid_string(doms[i], d->uuid);
		d->id = (int)virDomainGetID(doms[i]);
		if (lv->outstanding && is_pending(lv, d->uuid)) {
			copy_last(lv, d);
			d->stuck = true;
			free(d->note);
			d->note = xasprintf("no answer within %d ms; last figures kept", hv->deadline_ms);
		} else {
			slot[nask] = snap->ndom - 1;
			ask[nask++] = doms[i];
		}
	}
	struct call *bulk = nask && !all_missed ? call_with_deadline(lv, ask, nask, VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT, hv->deadline_ms)
					       : NULL;
	if (bulk && bulk->nrec < 0 && virConnectIsAlive(lv->conn) != 1) {
		_cleanup_free_ char *why = xstrdup(bulk->error ? bulk->error : "connection lost");
		call_free(bulk);
		free(ask);
		free(slot);
		for (int i = 0; i < n; i++)
			virDomainFree(doms[i]);
		free(doms);
		lv_disconnect(lv, why);
		return err_set(e, -ENOTCONN, "libvirt %s: connection lost (%s); next attempt in %.0f s", lv->uri, why, lv->backoff);
	}
	/* The bulk call missed its deadline: ask each domain alone to find
	 * who is stuck, SOLO_BATCH at a time, each batch within one deadline
	 * (one at a time, n stuck guests took n deadlines). */
	struct call **solos = !bulk && nask ? xcalloc((size_t)nask, sizeof(*solos)) : NULL;
	for (int at = 0; solos && at < nask; at += SOLO_BATCH) {
		int end = at + SOLO_BATCH < nask ? at + SOLO_BATCH : nask;
		for (int i = at; i < end; i++) {
			solos[i] = stats_call_new(lv, &ask[i], 1, 0);
			/* The test driver's state is the connection's own (a
			 * node file is read again by each): no monitor to hang
			 * there, so its domains are asked on the shared one. */
			if (lv->uri && !(lv->type && strcmp(lv->type, "TEST") == 0))
				solos[i]->own_uri = xstrdup(lv->uri);
			call_start(solos[i]);
		}
		struct timespec until = deadline_from_now(hv->deadline_ms);
		for (int i = at; i < end; i++)
			solos[i] = call_wait(lv, solos[i], &until);
	}
	int cursor = 0;
	for (int i = 0; i < nask; i++) {
		struct hv_domain *d = &snap->dom[slot[i]];
		const virDomainStatsRecord *rec = NULL;
		const struct per_dom *per = NULL;
		struct call *solo = NULL;
		if (bulk && bulk->per_only) {
			per = &bulk->per[i];
		} else if (bulk && bulk->nrec > 0) {
			/* Records come in the order asked, less domains that went
			 * away meanwhile. */
			char u[VIR_UUID_STRING_BUFLEN];
			for (int k = 0; k < bulk->nrec && !rec; k++) {
				int at = (cursor + k) % bulk->nrec;
				if (uuid_string(bulk->recs[at]->dom, u) == 0 && strcmp(u, d->uuid) == 0) {
					rec = bulk->recs[at];
					per = bulk->per ? &bulk->per[at] : NULL;
					cursor = at + 1;
				}
			}
		} else if (!bulk) {
			solo = solos[i];
			if (!solo) {
				copy_last(lv, d);
				d->stuck = true;
				free(d->note);
				d->note = xasprintf("no answer within %d ms (its monitor is busy or the guest is stopped); last figures kept",
						    hv->deadline_ms);
				continue;
			}
			if (solo->per_only)
				per = solo->per;
			else if (solo->nrec > 0) {
				rec = solo->recs[0];
				per = solo->per;
			}
		}
		if (rec)
			fill_from_record(d, rec);
		if (d->have & HV_HAVE_BLK)
			lv->block_in_bulk = true;
		fill_from_per_dom(d, per);
		fill_fallback(lv, ask[i], d, slot[i]);
		if (solo)
			call_free(solo);
	}
	free(slot);
	free(solos);
	if (bulk)
		call_free(bulk);
	free(ask);
	for (int i = 0; i < n; i++)
		virDomainFree(doms[i]);
	free(doms);
	finish_sample(lv, snap);
	return 0;
}

static void lv_close(struct hv *hv)
{
	struct lv *lv = hv->priv;
	if (!lv)
		return;
	lv_tidy(hv);
	/* Calls still out keep their own references; they free themselves. */
	pthread_mutex_lock(&lv->mu);
	bool busy = lv->outstanding != NULL;
	while (lv->lingering) /* released: they only free what they got */
		pthread_cond_wait(&lv->cv, &lv->mu);
	pthread_mutex_unlock(&lv->mu);
	if (lv->conn)
		virConnectClose(lv->conn);
	for (size_t i = 0; i < lv->ndc; i++) {
		strv_free(&lv->dc[i].disks);
		strv_free(&lv->dc[i].nets);
	}
	free(lv->dc);
	free(lv->dc_at);
	hv_snapshot_free_packed(&lv->last);
	sink_put(lv->sink);
	free(lv->uri);
	free(lv->down);
	free(lv->hostname);
	free(lv->type);
	free(lv->version);
	if (!busy) {
		pthread_mutex_destroy(&lv->mu);
		pthread_cond_destroy(&lv->cv);
		free(lv);
	}
	/* else: a stuck call still points at lv; leaving it is the price of
	 * never blocking on a guest that does not answer. */
	hv->priv = NULL;
}

static int lv_dump(struct hv *hv, int timeout_ms, struct hv_docs *out, struct err *e)
{
	struct lv *lv = hv->priv;
	if (!lv->conn && lv_connect(lv, e) < 0)
		return -ENOTCONN;
	struct call *c = xcalloc(1, sizeof(*c));
	c->kind = CALL_DUMP;
	c->lv = lv;
	virConnectRef(lv->conn);
	c->conn = lv->conn;
	c->steal_to = out;
	c = call_run_with_deadline(lv, c, timeout_ms);
	if (!c) {
		/* The connection is left to the call still out. */
		lv_disconnect(lv, "a configuration dump did not finish");
		return err_set(e, -ETIMEDOUT, "libvirt %s: no complete answer within %d ms (%zu documents came in time)",
			       lv->uri ? lv->uri : "(default URI)", timeout_ms, out->n);
	}
	*out = c->docs;
	memset(&c->docs, 0, sizeof(c->docs));
	call_free(c);
	return 0;
}

const struct hv_backend hv_backend_libvirt = {
	.name = "libvirt",
	.open = lv_open,
	.sample = lv_sample,
	.close = lv_close,
	.dump = lv_dump,
	.tidy = lv_tidy,
};

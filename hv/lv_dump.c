/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The configuration dump for bundles: what virsh's capabilities, sysinfo,
 * nodeinfo, freecell, list --all and the dumpxml commands print, asked
 * through the API on the kept read-only connection, within a deadline;
 * what came in time is kept when the deadline passes. */
#include <errno.h>
#include <string.h>

#include "core/buf.h"
#include "hv/lv_dump.h"

/* The dump as a call: the documents, filled under lv->mu, and where what
 * came in time goes on a miss. */
struct q_dump {
	struct call c;
	virConnectPtr conn; /* referenced */
	struct hv_docs docs;
	struct hv_docs *steal_to;
};

/* One document of a dump; text is libvirt's (freed here). */
static void dump_doc(struct q_dump *c, char *name, char *text)
{
	char *t = text ? xstrdup(text) : NULL;
	char *error = text ? NULL : xstrdup(lv_errmsg());
	free(text);
	pthread_mutex_lock(&c->c.lv->mu);
	hv_docs_add(&c->docs, name, t, error);
	pthread_mutex_unlock(&c->c.lv->mu);
}

static const char *const state_names[] = { "no state", "running", "blocked", "paused", "shutdown", "shut off", "crashed", "pmsuspended" };

/* The connection and the node: virsh's uri, hostname, version, nodeinfo
 * and freecell. */
static void dump_node(struct q_dump *c)
{
	virConnectPtr conn = c->conn;
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
}

/* virsh list --all, with each domain's XML. */
static void dump_domains(struct q_dump *c)
{
	virConnectPtr conn = c->conn;
	struct buf b = BUF_INIT;
	virDomainPtr *doms = NULL;
	int n = virConnectListAllDomains(conn, &doms, 0);
	if (n < 0) {
		dump_doc(c, xstrdup("domains.txt"), NULL);
	} else {
		buf_puts(&b, "id\tname\tuuid\tstate\tpersistent\tautostart\tvcpus\tmemory KiB\tmax memory KiB\tcpu time ns\n");
		for (int i = 0; i < n; i++) {
			char uuid[VIR_UUID_STRING_BUFLEN] = "";
			lv_uuid(doms[i], uuid);
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
}

/* Networks, network filters and storage pools, each one's XML. */
static void dump_others(struct q_dump *c)
{
	virConnectPtr conn = c->conn;
	int n;
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

/* virsh's domcapabilities needs a read-write connection: left out. */
static int run_dump(struct call *call)
{
	struct q_dump *c = CALL_OWNER(struct q_dump, call);
	dump_doc(c, xstrdup("capabilities.xml"), virConnectGetCapabilities(c->conn));
	dump_doc(c, xstrdup("sysinfo.xml"), virConnectGetSysinfo(c->conn, 0));
	dump_node(c);
	dump_domains(c);
	dump_others(c);
	return 0;
}

/* Under lv->mu: what came in time goes to the caller. */
static void steal_docs(struct call *call)
{
	struct q_dump *c = CALL_OWNER(struct q_dump, call);
	*c->steal_to = c->docs;
	memset(&c->docs, 0, sizeof(c->docs));
}

static void free_dump(struct call *call)
{
	struct q_dump *c = CALL_OWNER(struct q_dump, call);
	virConnectClose(c->conn);
	hv_docs_free(&c->docs);
	free(c);
}

int lv_dump(struct hv *hv, int timeout_ms, struct hv_docs *out, struct err *e)
{
	struct lv *lv = hv->priv;
	if (!lv->conn && lv_connect(lv, e) < 0)
		return -ENOTCONN;
	struct q_dump *q = xcalloc(1, sizeof(*q));
	call_init(&q->c, lv, run_dump, free_dump);
	q->c.on_abandon = steal_docs;
	virConnectRef(lv->conn);
	q->conn = lv->conn;
	q->steal_to = out;
	if (!call_run_with_deadline(lv, &q->c, timeout_ms)) {
		/* The connection is left to the call still out. */
		lv_disconnect(lv, "a configuration dump did not finish");
		return err_set(e, -ETIMEDOUT, "libvirt %s: no complete answer within %d ms (%zu documents came in time)",
			       lv->uri ? lv->uri : "(default URI)", timeout_ms, out->n);
	}
	*out = q->docs;
	memset(&q->docs, 0, sizeof(q->docs));
	call_free(&q->c);
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The native Xen backend: libxenstat on a dom0, as xentop uses it. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <xenctrl.h>
#include <xenstat.h>

#include "core/util.h"
#include "hv/backend.h"
#include "hv/xen_dm.h"

struct xs {
	xenstat_handle *h;
	xc_interface *xc; /* the domains' UUIDs, which libxenstat lacks */
	xc_domaininfo_t *info;
	int ninfo;
};

/* Each domain's handle (its UUID, as xl list -v prints it), from the
 * hypervisor's own domain list. */
static void read_handles(struct xs *xs)
{
	if (!xs->xc)
		xs->xc = xc_interface_open(NULL, NULL, 0);
	if (!xs->info)
		xs->info = xcalloc(1024, sizeof(*xs->info));
	xs->ninfo = xs->xc ? xc_domain_getinfolist(xs->xc, 0, 1024, xs->info) : 0;
	if (xs->ninfo < 0)
		xs->ninfo = 0;
}

/* Each physical CPU's idle time, from Xen's scheduler. */
static void read_pcpus(struct xs *xs, unsigned ncpus, struct hv_host *h)
{
	if (!xs->xc || !ncpus)
		return;
	xc_cpuinfo_t *info = xcalloc(ncpus, sizeof(*info));
	int n = 0;
	if (xc_getcpuinfo(xs->xc, (int)ncpus, info, &n) == 0 && n > 0) {
		h->pcpu_idle_ns = xcalloc((size_t)n, sizeof(*h->pcpu_idle_ns));
		for (int i = 0; i < n; i++)
			h->pcpu_idle_ns[i] = info[i].idletime;
		h->npcpu = (size_t)n;
	}
	free(info);
}

/* The pCPU each online vCPU of d last ran on, from the hypervisor's
 * vCPU record (as xl vcpu-list prints it; libxenstat has no such field).
 * Xen keeps no runnable-not-running time a dom0 can read (only a guest's
 * own runstate area or xentrace), so its vCPUs have no delay. */
static void read_placement(struct xs *xs, struct hv_domain *d)
{
	for (size_t k = 0; xs->xc && d->id >= 0 && k < d->nvcpu; k++) {
		xc_vcpuinfo_t vi;
		if (d->vcpu[k].online && xc_vcpu_getinfo(xs->xc, (uint32_t)d->id, (uint32_t)k, &vi) == 0 && vi.online) {
			d->vcpu[k].pcpu = vi.cpu;
			d->vcpu[k].have_pcpu = true;
		}
	}
}

/* The domain's UUID and how it is virtualized, from the hypervisor's own
 * record: not an HVM container is PV; an HVM container without the
 * emulated legacy PIC is PVH (libxl gives a PVH guest the local APIC
 * alone), with it HVM. */
static void domain_identity(const struct xs *xs, struct hv_domain *d)
{
	for (int i = 0; i < xs->ninfo; i++) {
		if ((int)xs->info[i].domain != d->id)
			continue;
		const uint8_t *h = xs->info[i].handle;
		snprintf(d->uuid, sizeof(d->uuid), "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", h[0], h[1], h[2],
			 h[3], h[4], h[5], h[6], h[7], h[8], h[9], h[10], h[11], h[12], h[13], h[14], h[15]);
		if (!(xs->info[i].flags & XEN_DOMINF_hvm_guest))
			d->guest_type = "pv";
		else
			d->guest_type = xs->info[i].arch_config.emulation_flags & XEN_X86_EMU_PIC ? "hvm" : "pvh";
		return;
	}
}

/* Each HVM guest's device model's resident memory as the guest's rss. */
static void attribute_device_models(struct hv_snapshot *snap)
{
	bool any = false;
	for (size_t i = 0; i < snap->ndom && !any; i++)
		any = snap->dom[i].guest_type && !strcmp(snap->dom[i].guest_type, "hvm");
	if (!any)
		return; /* no /proc walk on hosts without HVM guests */
	struct xen_dm *dm;
	size_t n = xen_dm_list(&dm);
	for (size_t k = 0; k < n; k++)
		for (size_t i = 0; i < snap->ndom; i++)
			if (snap->dom[i].id == dm[k].domid)
				snap->dom[i].rss_kib += dm[k].rss_kib;
	free(dm);
}

static int xst_open(struct hv *hv, const char *uri, struct err *e)
{
	(void)uri;
	(void)e;
	hv->priv = xcalloc(1, sizeof(struct xs));
	hv->describe = xstrdup("xenstat (native Xen dom0)");
	return 0;
}

static enum hv_state xst_state(xenstat_domain *d)
{
	/* xentop's order of precedence. */
	if (xenstat_domain_dying(d))
		return HV_DYING;
	if (xenstat_domain_crashed(d))
		return HV_CRASHED;
	if (xenstat_domain_shutdown(d))
		return HV_SHUTDOWN;
	if (xenstat_domain_paused(d))
		return HV_PAUSED;
	if (xenstat_domain_blocked(d))
		return HV_BLOCKED;
	if (xenstat_domain_running(d))
		return HV_RUNNING;
	return HV_UNKNOWN;
}

/* One domain's figures from libxenstat (and its identity from libxc). */
static void fill_domain(const struct xs *xs, xenstat_domain *xd, struct hv_domain *d)
{
	d->id = (int)xenstat_domain_id(xd);
	domain_identity(xs, d);
	const char *name = xenstat_domain_name(xd);
	d->name = xstrdup(name ? name : "?");
	d->state = xst_state(xd);
	d->cpu_ns = xenstat_domain_cpu_ns(xd);
	d->mem_kib = xenstat_domain_cur_mem(xd) / 1024;
	unsigned long long maxm = xenstat_domain_max_mem(xd);
	d->maxmem_kib = maxm == (unsigned long long)-1 ? 0 : maxm / 1024;
	d->have = HV_HAVE_CPU | HV_HAVE_MEM | HV_HAVE_VCPU | HV_HAVE_NET | HV_HAVE_BLK | HV_HAVE_OO;
	unsigned nv = xenstat_domain_num_vcpus(xd);
	d->vcpus_max = nv;
	if (nv) {
		d->vcpu = xcalloc(nv, sizeof(*d->vcpu));
		d->nvcpu = nv;
	}
	for (unsigned k = 0; k < nv; k++) {
		xenstat_vcpu *v = xenstat_domain_vcpu(xd, k);
		if (!v)
			continue;
		d->vcpu[k].online = xenstat_vcpu_online(v);
		d->vcpu[k].state = d->vcpu[k].online ? 1 : 0;
		d->vcpu[k].time_ns = xenstat_vcpu_ns(v);
		d->vcpus_online += d->vcpu[k].online;
	}
	unsigned nn = xenstat_domain_num_networks(xd);
	if (nn)
		d->net = xcalloc(nn, sizeof(*d->net));
	for (unsigned k = 0; k < nn; k++) {
		xenstat_network *n = xenstat_domain_network(xd, k);
		if (!n)
			continue;
		struct hv_net *o = &d->net[d->nnet++];
		o->name = xasprintf("vif%d.%u", d->id, xenstat_network_id(n));
		o->rx_bytes = xenstat_network_rbytes(n);
		o->rx_pkts = xenstat_network_rpackets(n);
		o->rx_errs = xenstat_network_rerrs(n);
		o->rx_drop = xenstat_network_rdrop(n);
		o->tx_bytes = xenstat_network_tbytes(n);
		o->tx_pkts = xenstat_network_tpackets(n);
		o->tx_errs = xenstat_network_terrs(n);
		o->tx_drop = xenstat_network_tdrop(n);
	}
	unsigned nb = xenstat_domain_num_vbds(xd);
	if (nb)
		d->blk = xcalloc(nb, sizeof(*d->blk));
	for (unsigned k = 0; k < nb; k++) {
		xenstat_vbd *b = xenstat_domain_vbd(xd, k);
		if (!b)
			continue;
		struct hv_blk *o = &d->blk[d->nblk++];
		o->name = xasprintf("vbd%u", xenstat_vbd_dev(b));
		o->rd_reqs = xenstat_vbd_rd_reqs(b);
		o->wr_reqs = xenstat_vbd_wr_reqs(b);
		o->rd_bytes = xenstat_vbd_rd_sects(b) * 512;
		o->wr_bytes = xenstat_vbd_wr_sects(b) * 512;
		o->oo_reqs = xenstat_vbd_oo_reqs(b);
	}
}

static int xst_sample(struct hv *hv, struct hv_snapshot *snap, struct err *e)
{
	struct xs *xs = hv->priv;
	if (!xs->h) {
		xs->h = xenstat_init();
		if (!xs->h)
			return err_set(e, -ENOTCONN, "xenstat: cannot reach the hypervisor (xenstat_init failed: %s); is this a Xen dom0 "
						     "with xenstored running, and are you root?", strerror(errno));
	}
	read_handles(xs); /* none to be had: no UUIDs, the rest still */
	xenstat_node *node = xenstat_get_node(xs->h, XENSTAT_ALL);
	if (!node) {
		int saved = errno;
		/* The handle may be stale after xenstored restarted. */
		xenstat_uninit(xs->h);
		xs->h = NULL;
		return err_set(e, -EIO, "xenstat: xenstat_get_node failed: %s", strerror(saved));
	}
	char host[256] = "";
	gethostname(host, sizeof(host) - 1);
	snap->host.hostname = xstrdup(host);
	snap->host.type = xstrdup("Xen");
	const char *ver = xenstat_node_xen_version(node);
	snap->host.version = xstrdup(ver ? ver : "?");
	snap->host.source = xstrdup("xenstat");
	snap->host.cpus = xenstat_node_num_cpus(node);
	snap->host.mem_total_kib = xenstat_node_tot_mem(node) / 1024;
	snap->host.mem_free_kib = xenstat_node_free_mem(node) / 1024;
	read_pcpus(xs, snap->host.cpus, &snap->host);
	unsigned nd = xenstat_node_num_domains(node);
	for (unsigned i = 0; i < nd; i++) {
		xenstat_domain *xd = xenstat_node_domain_by_index(node, i);
		if (!xd)
			continue;
		struct hv_domain *d = hv_snapshot_add(snap);
		fill_domain(xs, xd, d);
		if (hv->want & HV_WANT_PCPU)
			read_placement(xs, d);
	}
	xenstat_free_node(node);
	attribute_device_models(snap);
	return 0;
}

static void xst_close(struct hv *hv)
{
	struct xs *xs = hv->priv;
	if (xs && xs->h)
		xenstat_uninit(xs->h);
	if (xs && xs->xc)
		xc_interface_close(xs->xc);
	if (xs)
		free(xs->info);
	free(xs);
	hv->priv = NULL;
}

const struct hv_backend hv_backend_xenstat = {
	.name = "xenstat",
	.open = xst_open,
	.sample = xst_sample,
	.close = xst_close,
};

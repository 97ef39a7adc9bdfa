/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The native Xen backend: libxenstat on a dom0, as xentop uses it. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <xenstat.h>

#include "core/util.h"
#include "hv/backend.h"

struct xs {
	xenstat_handle *h;
};

static int xs_open(struct hv *hv, const char *uri, struct err *e)
{
	(void)uri;
	(void)e;
	hv->priv = xcalloc(1, sizeof(struct xs));
	hv->describe = xstrdup("xenstat (native Xen dom0)");
	return 0;
}

static enum hv_state xs_state(xenstat_domain *d)
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

static int xs_sample(struct hv *hv, struct hv_snapshot *snap, struct err *e)
{
	struct xs *xs = hv->priv;
	if (!xs->h) {
		xs->h = xenstat_init();
		if (!xs->h)
			return err_set(e, -ENOTCONN, "xenstat: cannot reach the hypervisor (xenstat_init failed: %s); is this a Xen dom0 "
						     "with xenstored running, and are you root?", strerror(errno));
	}
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
	unsigned nd = xenstat_node_num_domains(node);
	for (unsigned i = 0; i < nd; i++) {
		xenstat_domain *xd = xenstat_node_domain_by_index(node, i);
		if (!xd)
			continue;
		struct hv_domain *d = hv_snapshot_add(snap);
		d->id = (int)xenstat_domain_id(xd);
		const char *name = xenstat_domain_name(xd);
		d->name = xstrdup(name ? name : "?");
		d->state = xs_state(xd);
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
	xenstat_free_node(node);
	return 0;
}

static void xs_close(struct hv *hv)
{
	struct xs *xs = hv->priv;
	if (xs && xs->h)
		xenstat_uninit(xs->h);
	free(xs);
	hv->priv = NULL;
}

const struct hv_backend hv_backend_xenstat = {
	.name = "xenstat",
	.open = xs_open,
	.sample = xs_sample,
	.close = xs_close,
};

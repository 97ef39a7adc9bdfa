/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The detail lines under a domain in top (vCPUs, networks, block
 * devices), the same on the screen and in batch mode. */
#include "tui/detail.h"

#include <stdint.h>

static void format_bytes(struct buf *b, uint64_t v)
{
	buf_printf(b, "%llu", (unsigned long long)v);
}

void top_detail_lines(const struct top_row *r, bool vcpus, bool nets, bool vbds, struct buf *out)
{
	const struct hv_domain *d = r->d;
	if (vcpus && d->nvcpu) {
		buf_puts(out, "VCPUs(sec):");
		for (size_t i = 0; i < d->nvcpu; i++) {
			buf_printf(out, " %3zu: %10llus", i, (unsigned long long)(d->vcpu[i].time_ns / 1000000000ULL));
			if (r->r.vcpu_pct && i < r->r.nvcpu)
				buf_printf(out, " %5.1f%%", r->r.vcpu_pct[i]);
			if (!d->vcpu[i].online)
				buf_puts(out, " offline");
		}
		buf_putc(out, '\n');
	}
	if ((nets || vbds) && r->r.valid)
		buf_printf(out, "I/O per second: net RX %.0f B/s TX %.0f B/s, block RD %.1f req/s %.0f B/s WR %.1f req/s %.0f B/s\n",
			   r->r.net_rx_bps, r->r.net_tx_bps, r->r.rd_reqs_ps, r->r.rd_bps, r->r.wr_reqs_ps, r->r.wr_bps);
	if (nets)
		for (size_t i = 0; i < d->nnet; i++) {
			const struct hv_net *n = &d->net[i];
			buf_printf(out, "Net%zu %s RX: ", i, n->name ? n->name : "?");
			format_bytes(out, n->rx_bytes);
			buf_printf(out, "bytes %llupkts %lluerr %lludrop  TX: ", (unsigned long long)n->rx_pkts,
				   (unsigned long long)n->rx_errs, (unsigned long long)n->rx_drop);
			format_bytes(out, n->tx_bytes);
			buf_printf(out, "bytes %llupkts %lluerr %lludrop\n", (unsigned long long)n->tx_pkts,
				   (unsigned long long)n->tx_errs, (unsigned long long)n->tx_drop);
		}
	if (vbds)
		for (size_t i = 0; i < d->nblk; i++) {
			const struct hv_blk *b = &d->blk[i];
			buf_printf(out, "VBD %s  OO: %8llu   RD: %8llu   WR: %8llu  RSECT: %10llu  WSECT: %10llu\n", b->name ? b->name : "?",
				   (unsigned long long)b->oo_reqs, (unsigned long long)b->rd_reqs, (unsigned long long)b->wr_reqs,
				   (unsigned long long)(b->rd_bytes / 512), (unsigned long long)(b->wr_bytes / 512));
		}
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The device specs inside Xen domain configs: disk lines in xm's
 * positional form ("tap:aio:/img,xvda,w", "phy:sda1,sda1,w",
 * ",hdc:cdrom,r") and xl's keyed form (xl-disk-configuration(5):
 * "format=raw, vdev=xvda, target=/img", where target= takes the rest of
 * the line, commas included), and vif lines ("mac=..., bridge=..."). */
#ifndef HVSCOPE_PROBE_XENSPEC_H
#define HVSCOPE_PROBE_XENSPEC_H

#include <stdbool.h>

struct xdisk {
	char *path;   /* a file or device on this host; NULL for none */
	char *remote; /* a network or cluster disk ("rbd:pool/image", "iscsi://host/iqn..."), credentials left out */
	bool cdrom;
};

/* Reads one disk spec; an empty CD-ROM drive has neither path nor remote. */
void xspec_disk(const char *spec, struct xdisk *out);
void xspec_disk_free(struct xdisk *d);
/* The mac= of a vif spec; NULL if none. */
char *xspec_vif_mac(const char *spec);
/* A remote disk's name without what authenticates it: the userinfo of a
 * URL, and option fields (":id=admin:key=...") of rbd-style names. */
char *xspec_remote_name(const char *prefix, const char *rest);

#endif

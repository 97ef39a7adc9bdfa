/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The bridges a root file system's network configuration defines, for an
 * image that is not running (no /sys/class/net to list): ifupdown's
 * /etc/network/interfaces and what it sources, systemd-networkd's .netdev
 * files, NetworkManager's keyfiles, RHEL's and SUSE's ifcfg files,
 * netplan's YAML, and libvirt's autostarted networks. */
#ifndef HVSCOPE_PROBE_NETCFG_H
#define HVSCOPE_PROBE_NETCFG_H

#include <stddef.h>

#include "core/util.h"

struct netcfg_bridge {
	char *name;
	char *where; /* "/etc/network/interfaces:12": the line that defines it */
	const char *how; /* "ifupdown", "systemd-networkd", ... */
};

struct netcfg {
	struct netcfg_bridge *v;
	size_t n;
	struct strv read; /* the configuration files read, in order */
};

/* Read every network configuration style found under root; a file that
 * cannot be read or parsed is passed over (nc->read lists what was). */
void netcfg_read(const char *root, struct netcfg *nc);
/* The first definition of name, or NULL. */
const struct netcfg_bridge *netcfg_find(const struct netcfg *nc, const char *name);
void netcfg_free(struct netcfg *nc);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The bridge a libvirt network's XML defines (probe/netcfg.c's libvirt
 * networks); in the module probe-xml.so. */
#ifndef HVSCOPE_PROBE_NETXML_H
#define HVSCOPE_PROBE_NETXML_H

/* Each <bridge name=...> of the <network> in text (read from path),
 * handed to found with its line; text that does not parse has none. */
void netxml_bridges(const char *text, const char *path,
		    void (*found)(void *arg, const char *bridge, const char *path, unsigned line), void *arg);

#endif

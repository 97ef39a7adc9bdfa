/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A boot loader's configuration read into its entries: grub legacy's
 * grub.conf (default=N, title lines, as on RHEL 5) and GRUB 2's grub.cfg
 * (menuentries, set default=, and the Boot Loader Specification entries
 * its blscfg reads). */
#ifndef HVSCOPE_PROBE_BOOTCFG_H
#define HVSCOPE_PROBE_BOOTCFG_H

#include <stdbool.h>
#include <stddef.h>

#include "probe/ctx.h"

struct boot_entry {
	char *title;
	char *release;     /* of the vmlinuz it starts: "2.6.18-8.el5xen" */
	char *cmdline;     /* the kernel's arguments */
	char *xen_cmdline; /* the hypervisor's, in a Xen entry */
	char *id;          /* GRUB 2's --id (menuentry_id_option), a BLS entry's file */
	char *file;        /* a BLS entry's: where it was read, when not the config */
	bool xen;
};

struct boot_cfg {
	struct boot_entry *e;
	size_t n;
	char *default_spec; /* "0", "saved", a title or an id */
};

/* grub.conf's text (changed in place) into bc. */
void parse_grub_legacy(char *text, struct boot_cfg *bc);
/* grub.cfg's text (at cfg, changed in place) into bc; BLS entries are read
 * under ctx's root. */
void parse_grub2(struct probe_ctx *ctx, const char *cfg, char *text, struct boot_cfg *bc);
void boot_free(struct boot_cfg *bc);

#endif

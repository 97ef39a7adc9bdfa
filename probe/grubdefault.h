/* SPDX-License-Identifier: GPL-2.0-or-later */
/* GRUB 2's settings before grub-mkconfig has made a grub.cfg of them (a
 * golden image whose boot loader is installed on first boot):
 * /etc/default/grub and, as Debian's update-grub reads them after it,
 * /etc/default/grub.d/\*.cfg. */
#ifndef HVSCOPE_PROBE_GRUBDEFAULT_H
#define HVSCOPE_PROBE_GRUBDEFAULT_H

#include <stdbool.h>

#include "core/util.h"

struct grub_default {
	char *def;       /* GRUB_DEFAULT's value; NULL when unset (grub-mkconfig's 0) */
	char *def_where; /* "FILE:LINE" that set it */
	/* Debian's xen-hypervisor-common ships /etc/default/grub.d/xen.cfg,
	 * which sets GRUB_DEFAULT to the "..., with Xen hypervisor" entry
	 * unless XEN_OVERRIDE_GRUB_DEFAULT=0. */
	bool xen_override;
	char *xen_override_where;
	char *cmdline_linux; /* GRUB_CMDLINE_LINUX and _DEFAULT, for a normal entry */
	char *cmdline_xen;   /* GRUB_CMDLINE_XEN and _DEFAULT, Xen's own line */
	struct strv read;    /* the files read */
};

/* 0, or -errno when /etc/default/grub cannot be read. */
int grub_default_read(const char *root, struct grub_default *gd);
void grub_default_free(struct grub_default *gd);

/* What grub-mkconfig makes the first entry of a menu: a Xen entry when a
 * *_linux_xen script runs before *_linux in /etc/grub.d and there is a
 * /boot/xen*.gz for it to boot (Debian's xen-hypervisor-common diverts
 * 20_linux_xen there for that), else the plain Linux one.  1 Xen, 0 not,
 * -1 when there is no /etc/grub.d to tell; why says which. */
int grub_first_entry_xen(const char *root, char **why);

#endif

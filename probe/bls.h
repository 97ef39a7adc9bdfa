/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Boot Loader Specification entries (/boot/loader/entries/ID.conf), which
 * GRUB 2's blscfg command turns into menu entries on Fedora and RHEL 8 on:
 * their grub.cfg holds no menuentry for the kernels. */
#ifndef HVSCOPE_PROBE_BLS_H
#define HVSCOPE_PROBE_BLS_H

#include <stddef.h>

struct bls_entry {
	char *id;      /* the file name without .conf: grubenv's saved_entry */
	char *title;
	char *version; /* the kernel's release */
	char *options; /* $kernelopts expanded from grubenv, as blscfg does */
};

/* The entries in blscfg's order (newest version first); n = 0 when there
 * are none.  grubenv: the path of grubenv, for $kernelopts (NULL: none). */
void bls_read(const char *root, const char *grubenv, struct bls_entry **out, size_t *n);
void bls_free(struct bls_entry *v, size_t n);

#endif

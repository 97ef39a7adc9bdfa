/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Virtualization sources a plain copy would get wrong: the audit log's
 * AVC denials of virt types, and each running QEMU's /proc files. */
#ifndef HVSCOPE_DIAG_COLLECT_VIRT_H
#define HVSCOPE_DIAG_COLLECT_VIRT_H

#include "diag/bundle.h"

/* selinux/avc-virt.log: type=AVC lines of the audit log at path that
 * name a Xen or virt SELinux type; flags: diag/copy.h's. */
void bundle_avc(struct bundle *b, const char *path, unsigned flags);
/* proc/qemu-DOMAIN/...: for each QEMU libvirt started, its command line,
 * environment, limits, cgroups, NUMA placement and status (live only). */
void bundle_qemu(struct bundle *b);

#endif

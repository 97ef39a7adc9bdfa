/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HVSCOPE_HV_XEN_DM_H
#define HVSCOPE_HV_XEN_DM_H

#include <stddef.h>
#include <stdint.h>

struct xen_dm {
	int domid;
	long pid;
	uint64_t rss_kib;
};

/* Every device-model QEMU running in this dom0, with the domain it
 * serves; *out is freed by the caller. */
size_t xen_dm_list(struct xen_dm **out);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The upstream versions of the virtualization stack (probe/versions.c). */
#ifndef HVSCOPE_PROBE_VERSIONS_H
#define HVSCOPE_PROBE_VERSIONS_H

/* The upstream release in a package or kernel version: no epoch ("1:"),
 * only the leading digits and dots ("1:7.2+dfsg-7" -> "7.2",
 * "15:8.2.0-11.el9" -> "8.2.0", "6.1.0-21-amd64" -> "6.1.0"); NULL when
 * it has none.  Caller frees. */
char *version_upstream(const char *v);

#endif

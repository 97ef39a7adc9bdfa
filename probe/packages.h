/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HVSCOPE_PROBE_PACKAGES_H
#define HVSCOPE_PROBE_PACKAGES_H

#include "probe/ctx.h"
#include "probe/dpkgver.h"

/* Compare two [epoch:]version[-release] strings; <0, 0, >0 like strcmp.
 * rpm's rules (librpm's rpmverCmp) and dpkg's (deb-version(7): '~' sorts
 * before everything, even the end; letters before other characters) give
 * different orders for the same strings ("1.0+1" and "1.0.1"). */
int pkg_version_cmp_rpm(const char *a, const char *b);
/* By the rules of the host's package manager (dpkg where its database is,
 * rpm otherwise); *which names them, for evidence. */
int pkg_version_cmp_host(struct probe_ctx *ctx, const char *a, const char *b, const char **which);

#endif

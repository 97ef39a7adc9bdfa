/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HVSCOPE_PROBE_PACKAGES_H
#define HVSCOPE_PROBE_PACKAGES_H

/* Compare two [epoch:]version[-release] strings by rpm's rules (rpmverCmp);
 * <0, 0, >0 like strcmp. */
int pkg_version_cmp(const char *a, const char *b);

#endif

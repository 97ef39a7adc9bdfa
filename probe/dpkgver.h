/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Debian's version order (deb-version(7)). */
#ifndef HVSCOPE_PROBE_DPKGVER_H
#define HVSCOPE_PROBE_DPKGVER_H

/* Compare two [epoch:]upstream[-revision] strings as dpkg does; <0, 0,
 * >0 like strcmp: '~' sorts before everything, even the end; letters
 * before other characters. */
int pkg_version_cmp_dpkg(const char *a, const char *b);

#endif

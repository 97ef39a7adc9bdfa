/* SPDX-License-Identifier: GPL-2.0-or-later */
/* An RPM database asked through librpm (probe/packages.c's RPM hosts);
 * in the module probe-rpm.so. */
#ifndef HVSCOPE_PROBE_RPMDB_H
#define HVSCOPE_PROBE_RPMDB_H

#include <stdbool.h>

#include "core/err.h"

/* librpm's version order: -1, 0 or 1. */
int rpmdb_vercmp(const char *a, const char *b);
/* Reads librpm's configuration, once before the first query. */
int rpmdb_configure(struct err *e);
/* Every installed package named name (a glob when glob) in the database
 * at dbpath inside root, handed to found (which takes the strings). */
int rpmdb_query(const char *root, const char *dbpath, const char *name, bool glob,
		void (*found)(void *arg, char *name, char *version, char *arch), void *arg, struct err *e);
/* Frees librpm's configuration, which it keeps globally. */
void rpmdb_release(void);

#endif

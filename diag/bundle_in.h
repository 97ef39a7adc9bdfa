/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A support bundle opened for reading (hvscope check --bundle). */
#ifndef HVSCOPE_DIAG_BUNDLE_IN_H
#define HVSCOPE_DIAG_BUNDLE_IN_H

#include "core/err.h"

struct bundle_in {
	char *top;   /* the bundle's top directory: check/, files/, ... */
	char *files; /* top/files: its copies of the host's files, as a --root */
	char *cpuid; /* top/check/cpuid.raw, the host's raw CPUID; NULL: not in it */
	char *tmp; /* the private directory an archive went into; NULL for a directory */
};

/* path: a bundle's directory (or the directory holding it), or its archive
 * (any compression libarchive reads), unpacked into a private directory
 * under $TMPDIR.  A hostile or broken archive is an error naming the
 * member, with nothing left behind. */
int bundle_in_open(const char *path, struct bundle_in *in, struct err *e);
/* Removes the private directory. */
void bundle_in_close(struct bundle_in *in);

#endif

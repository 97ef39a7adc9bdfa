/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A hostile archive unpacked into a directory (probe/bundle_in.c's
 * archives); in the module probe-unpack.so. */
#ifndef HVSCOPE_PROBE_UNPACK_H
#define HVSCOPE_PROBE_UNPACK_H

#include "core/err.h"

/* Unpacks the archive at path (any compression libarchive reads; tar or
 * zip) into the existing directory into.  A member refused, or a broken
 * archive, is an error naming the member; what was written stays for the
 * caller to remove. */
int bundle_unpack(const char *path, const char *into, struct err *e);

#endif

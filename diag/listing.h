/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A directory's listing for a bundle, as ls -lZR would print it. */
#ifndef HVSCOPE_DIAG_LISTING_H
#define HVSCOPE_DIAG_LISTING_H

#include "diag/bundle.h"

/* listings/PATH.txt: mode, numeric owner, size, mtime (UTC), SELinux
 * label and name of each entry, recursed; flags: diag/copy.h's. */
void bundle_listing(struct bundle *b, const char *path, unsigned flags);

#endif

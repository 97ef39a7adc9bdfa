/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The check's part of a bundle: reports, facts, package versions, CPUID. */
#ifndef HVSCOPE_DIAG_COLLECT_CHECK_H
#define HVSCOPE_DIAG_COLLECT_CHECK_H

#include "diag/bundle.h"

/* check/: the check's reports (and index.html: its HTML page), every fact the probes gathered (for every
 * profile), the versions of packages (a NULL-ended list of names) and
 * the live CPU's raw CPUID, from one probe context. */
void bundle_check(struct bundle *b, const char *const *packages);

#endif

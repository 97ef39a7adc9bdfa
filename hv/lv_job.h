/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A domain job's details from virDomainGetJobStats' typed parameters:
 * what a migration (or a save, which QEMU does as a migration to a file)
 * reports of its memory and disk transfer, dirty pages, iterations,
 * post-copy, downtime and compression.  No libvirt call of its own. */
#ifndef HVSCOPE_HV_LV_JOB_H
#define HVSCOPE_HV_LV_JOB_H

#include <libvirt/libvirt.h>

#include "hv/snapshot.h"

#pragma GCC visibility push(hidden)

/* The details of p (n parameters) into j->fig and j->have. */
void lv_job_details(virTypedParameterPtr p, int n, struct hv_job *j);

#pragma GCC visibility pop

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The libvirt backend's configuration dump for bundles. */
#ifndef HVSCOPE_HV_LV_DUMP_H
#define HVSCOPE_HV_LV_DUMP_H

#include "hv/lv_call.h"

#pragma GCC visibility push(hidden)

/* The backend's dump: the documents virsh would print, within
 * timeout_ms (what came in time is kept on a miss). */
int lv_dump(struct hv *hv, int timeout_ms, struct hv_docs *out, struct err *e);

#pragma GCC visibility pop

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A running domain added to a hand-made snapshot, for the unit tests of
 * what reads snapshots. */
#ifndef HVSCOPE_TESTS_UNIT_HV_DOM_H
#define HVSCOPE_TESTS_UNIT_HV_DOM_H

#include <stdio.h>

#include "core/util.h"
#include "hv/hv.h"

static inline struct hv_domain *dom(struct hv_snapshot *s, int id, const char *name, const char *uuid)
{
	struct hv_domain *d = hv_snapshot_add(s);
	d->id = id;
	d->name = xstrdup(name);
	snprintf(d->uuid, sizeof(d->uuid), "%s", uuid);
	d->state = HV_RUNNING;
	return d;
}

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Services as the live host's systemd runs them. */
#ifndef HVSCOPE_PROBE_SERVICES_SYSTEMD_H
#define HVSCOPE_PROBE_SERVICES_SYSTEMD_H

#include "probe/svc.h"

/* name.service's state (running, available, enabled) into st. */
void systemd_state(const char *name, struct svc_state *st);

#endif

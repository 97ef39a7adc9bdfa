/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the services probe and its readers (a live host's, an image's, an
 * sosreport's) share: the process table, a service's state, and what
 * counts as enabled. */
#ifndef HVSCOPE_PROBE_SVC_H
#define HVSCOPE_PROBE_SVC_H

#include <stdbool.h>

#include "core/buf.h"

struct proc_entry {
	long pid;
	char *comm, *arg0, *arg1; /* basenames */
};

struct procs {
	struct proc_entry *v;
	size_t n;
	int err;
	const char *source; /* "/proc", or the listing it came from */
};

struct svc_state {
	bool known, running, available, enabled, enabled_known;
	struct buf ev, enabled_ev;
};

/* A unit file state that starts the unit at boot. */
bool svc_file_enabled(const char *state);
/* An argument's basename. */
const char *svc_base(const char *p);

#endif

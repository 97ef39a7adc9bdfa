/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the services probe (probe/services.c) shares with its sosreport
 * reader (probe/services_sos.c): the process table, a service's state,
 * and what counts as enabled. */
#ifndef HVSCOPE_PROBE_SERVICES_H
#define HVSCOPE_PROBE_SERVICES_H

#include <stdbool.h>

#include "core/buf.h"
#include "probe/probe.h"

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

/* probe/services_sos.c: an sosreport's records of the same things. */
/* The process table from sos's ps listing; pt->err when it has none. */
void sos_proc_table(struct probe_ctx *ctx, struct procs *pt);
/* Whether systemd ran the host (sos's systemctl list-units), with the
 * evidence; -1 when the report holds no answer. */
int sos_systemd_runs(struct probe_ctx *ctx, struct buf *ev);
/* A service's state from systemctl list-units and list-unit-files. */
void sos_systemd_state(struct probe_ctx *ctx, const char *name, struct svc_state *st);
/* 1 when name's SysV lock was in /var/lock/subsys (sos's ls of it), 0
 * when not, -1 when the report has no such listing. */
int sos_subsys_lock(struct probe_ctx *ctx, const char *name);
/* chkconfig --list's answer for name in the runlevel the host ran in;
 * false when the report holds no chkconfig listing. */
bool sos_chkconfig(struct probe_ctx *ctx, const char *name, struct svc_state *st);
/* The runlevel sos's runlevel output names, or -1. */
int sos_runlevel(struct probe_ctx *ctx);

/* probe/services_image.c: an image (a root file system not running). */
/* 1 when the image's /sbin/init is systemd, else 0, with the evidence. */
int image_systemd_runs(struct probe_ctx *ctx, struct buf *ev);
/* Enablement from the root's unit files and their symlinks;
 * enabled_known stays false when no unit file is there. */
void image_systemd_state(struct probe_ctx *ctx, const char *name, struct svc_state *st);

#endif

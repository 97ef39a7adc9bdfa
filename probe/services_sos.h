/* SPDX-License-Identifier: GPL-2.0-or-later */
/* An sosreport's records of the processes and services a host ran. */
#ifndef HVSCOPE_PROBE_SERVICES_SOS_H
#define HVSCOPE_PROBE_SERVICES_SOS_H

#include "probe/ctx.h"
#include "probe/svc.h"

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

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Is a service running, available, enabled at boot?  Asked in the order an
 * admin would: systemd where systemd is PID 1; SysV pid and lock files
 * (RHEL 5's "service xend status") and rc.d links ("chkconfig --list");
 * the process table as a last resort.  Facts (NAME may be "a|b": either of
 * them): service.NAME.running; service.NAME.available, running or started
 * on demand by a listening socket unit (libvirtd, virtqemud and virtlogd
 * exit when idle on stock systemd hosts: libvirtd.service runs with
 * --timeout 120 behind libvirtd.socket); service.NAME.enabled, started at
 * boot by itself or through its sockets; init.systemd; init.system, the
 * init that starts the host's daemons (systemd, sysv, openrc), so that a
 * remedy says systemctl, chkconfig or rc-update.  In an sosreport
 * the same questions go to what sos recorded (probe/services_sos.c). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/root.h"
#include "core/spawn.h"
#include "probe/ask.h"
#include "probe/offline.h"
#include "probe/services_image.h"
#include "probe/services_sos.h"
#include "probe/services_systemd.h"
#include "probe/svc.h"

static const char *const patterns[] = { "init.systemd", "init.system", "service.*.running", "service.*.available", "service.*.enabled", NULL };

/* Where each known service leaves its traces; anything else gets the
 * generic /run/NAME.pid, /var/run/NAME.pid and a process named NAME. */
static const struct svc_info {
	const char *name;
	const char *pidfiles[4];
	const char *lockfile; /* SysV subsys lock, for services without a daemon */
	const char *procs[3];
} svc_table[] = {
	{ "xend", { "/var/run/xend.pid" }, "/var/lock/subsys/xend", { "xend" } },
	{ "xendomains", { NULL }, "/var/lock/subsys/xendomains", { NULL } },
	{ "xenstored", { "/run/xen/xenstored.pid", "/var/run/xenstored.pid", "/var/run/xen/xenstored.pid" }, NULL, { "xenstored", "oxenstored" } },
	{ "xenconsoled", { "/run/xen/xenconsoled.pid", "/var/run/xenconsoled.pid", "/var/run/xen/xenconsoled.pid" }, NULL, { "xenconsoled" } },
	{ "xen-init-dom0", { NULL }, NULL, { NULL } },
	{ "libvirtd", { "/run/libvirtd.pid", "/var/run/libvirtd.pid" }, "/var/lock/subsys/libvirtd", { "libvirtd" } },
	{ "virtqemud", { "/run/virtqemud.pid" }, NULL, { "virtqemud" } },
	{ "virtxend", { "/run/virtxend.pid" }, NULL, { "virtxend" } },
	{ "virtlogd", { "/run/virtlogd.pid", "/var/run/virtlogd.pid" }, NULL, { "virtlogd" } },
	{ "virtlockd", { "/run/virtlockd.pid", "/var/run/virtlockd.pid" }, NULL, { "virtlockd" } },
};

static struct procs *proc_table(struct probe_ctx *ctx)
{
	bool fresh;
	struct procs *pt = probe_state(ctx, PROBE_STATE_PROCS, sizeof(*pt), &fresh);
	if (!fresh)
		return pt;
	if (ctx->sos) {
		sos_proc_table(ctx, pt);
		return pt;
	}
	pt->source = "/proc";
	struct strv names = { 0 };
	pt->err = root_list_dir(ctx->root, "/proc", &names);
	for (size_t i = 0; i < names.n; i++) {
		long long pid;
		if (str_to_ll(names.v[i], &pid) < 0)
			continue;
		struct proc_entry pe = { .pid = (long)pid };
		_cleanup_free_ char *pc = xasprintf("/proc/%lld/comm", pid), *pa = xasprintf("/proc/%lld/cmdline", pid);
		root_read_line(ctx->root, pc, &pe.comm, NULL);
		struct buf cl = BUF_INIT;
		if (root_read(ctx->root, pa, 65536, &cl, NULL) == 0 && cl.len) {
			pe.arg0 = xstrdup(svc_base(cl.s));
			size_t l0 = strlen(cl.s);
			if (l0 + 1 < cl.len)
				pe.arg1 = xstrdup(svc_base(cl.s + l0 + 1));
		}
		buf_free(&cl);
		if (!pe.comm && !pe.arg0)
			continue;
		pt->v = xrealloc(pt->v, (pt->n + 1) * sizeof(*pt->v));
		pt->v[pt->n++] = pe;
	}
	strv_free(&names);
	return pt;
}

static void cleanup(struct probe_ctx *ctx)
{
	struct procs *pt = probe_state_take(ctx, PROBE_STATE_PROCS);
	if (!pt)
		return;
	for (size_t i = 0; i < pt->n; i++) {
		free(pt->v[i].comm);
		free(pt->v[i].arg0);
		free(pt->v[i].arg1);
	}
	free(pt->v);
	free(pt);
}

/* A process is "name" when its command name, its program, or (for
 * interpreted daemons like RHEL 5's python xend) its script is. */
static bool proc_is(const struct proc_entry *pe, const char *name)
{
	if (pe->comm && (strcmp(pe->comm, name) == 0 || (strlen(name) > 15 && strncmp(pe->comm, name, 15) == 0)))
		return true;
	if (pe->arg0 && strcmp(pe->arg0, name) == 0)
		return true;
	if (pe->arg0 && pe->arg1 && (str_starts(pe->arg0, "python") || str_starts(pe->arg0, "perl") || strcmp(pe->arg0, "sh") == 0 ||
				     strcmp(pe->arg0, "bash") == 0) && strcmp(pe->arg1, name) == 0)
		return true;
	return false;
}

static const struct proc_entry *proc_find(struct procs *pt, long pid, const char *name)
{
	for (size_t i = 0; i < pt->n; i++)
		if ((pid < 0 || pt->v[i].pid == pid) && proc_is(&pt->v[i], name))
			return &pt->v[i];
	return NULL;
}

static bool systemd_runs(struct probe_ctx *ctx)
{
	const struct fact *f = facts_get(&ctx->facts, "init.systemd");
	if (!f && ctx->sos) {
		struct buf ev = BUF_INIT;
		int r = sos_systemd_runs(ctx, &ev);
		if (r < 0)
			facts_set_status(&ctx->facts, "init.systemd", FACT_MISSING, "the sosreport holds no systemctl list-units");
		else
			facts_set_bool(&ctx->facts, "init.systemd", r == 1, "%s", buf_str(&ev));
		buf_free(&ev);
		f = facts_get(&ctx->facts, "init.systemd");
	} else if (!f && !root_is_live(ctx->root)) {
		/* not a running system: whether the init it boots is systemd */
		const struct fact *is = probe_fact(ctx, "init.system");
		bool sd = is->status == FACT_OK && strcmp(is->s, "systemd") == 0;
		facts_set_bool(&ctx->facts, "init.systemd", sd, "init.system: %s (%s)", is->status == FACT_OK ? is->s : "unknown",
			       is->evidence);
		f = facts_get(&ctx->facts, "init.systemd");
	} else if (!f) {
		/* sd_booted(): the directory exists only when systemd is PID 1. */
		bool sd = root_is_live(ctx->root) && root_is_dir(ctx->root, "/run/systemd/system");
		facts_set_bool(&ctx->facts, "init.systemd", sd, "/run/systemd/system %s%s", sd ? "present" : "absent",
			       root_is_live(ctx->root) ? "" : " (not asked under --root)");
		f = facts_get(&ctx->facts, "init.systemd");
	}
	return f->status == FACT_OK && f->b;
}

/* SysV: the pid file names a live process of the service, its subsys lock
 * is there, or a process of its name runs. */
static bool sysv_running(struct probe_ctx *ctx, const char *name, struct buf *ev, bool *known)
{
	*known = true;
	const struct svc_info *si = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(svc_table); i++)
		if (strcmp(svc_table[i].name, name) == 0)
			si = &svc_table[i];
	_cleanup_free_ char *gen_run = xasprintf("/run/%s.pid", name), *gen_varrun = xasprintf("/var/run/%s.pid", name);
	const char *generic_pidfiles[] = { gen_run, gen_varrun, NULL };
	const char *const *pidfiles = si ? si->pidfiles : generic_pidfiles;
	const char *generic_procs[] = { name, NULL };
	const char *const *procnames = si ? si->procs : generic_procs;

	struct procs *pt = proc_table(ctx);
	for (size_t i = 0; pidfiles[i]; i++) {
		_cleanup_free_ char *pidtxt = NULL;
		if (root_read_line(ctx->root, pidfiles[i], &pidtxt, NULL) < 0)
			continue;
		long long pid;
		if (str_to_ll(pidtxt, &pid) < 0 || pid <= 0) {
			buf_printf(ev, "%s holds no pid (\"%.20s\"); ", pidfiles[i], pidtxt);
			continue;
		}
		for (size_t j = 0; procnames[j]; j++)
			if (proc_find(pt, (long)pid, procnames[j])) {
				buf_printf(ev, "pid %lld from %s is %s", pid, pidfiles[i], procnames[j]);
				return true;
			}
		buf_printf(ev, "%s names pid %lld, which is not running %s (stale pid file); ", pidfiles[i], pid, procnames[0] ? procnames[0] : name);
	}
	int locked = !si || !si->lockfile ? 0 : ctx->sos ? sos_subsys_lock(ctx, name) : root_exists(ctx->root, si->lockfile);
	if (locked == 1) {
		buf_printf(ev, "SysV lock %s present", si->lockfile);
		return true;
	}
	for (size_t j = 0; procnames[j]; j++) {
		const struct proc_entry *pe = proc_find(pt, -1, procnames[j]);
		if (pe) {
			buf_printf(ev, "process %ld (%s) in %s", pe->pid, procnames[j], pt->source);
			return true;
		}
	}
	if (!procnames[0] && !(si && si->lockfile)) {
		*known = false;
		buf_printf(ev, "%s is a one-shot job: without systemd it leaves no pid, lock or process to see", name);
		return false;
	}
	if (pt->err < 0 || (locked < 0 && !procnames[0])) {
		*known = false;
		if (pt->err < 0)
			buf_printf(ev, "the process table (%s) is unreadable: %s", pt->source, strerror(-pt->err));
		else
			buf_printf(ev, "the sosreport does not list /var/lock/subsys");
		return false;
	}
	if (si && si->lockfile && !procnames[0])
		buf_printf(ev, "no SysV lock %s", si->lockfile);
	else
		buf_printf(ev, "no process named %s in %s", procnames[0], pt->source);
	return false;
}

/* The default runlevel: /etc/inittab's initdefault, else 3 (RHEL's). */
static int sysv_runlevel(struct probe_ctx *ctx)
{
	int level = ctx->sos ? sos_runlevel(ctx) : -1;
	if (level >= 0)
		return level; /* the runlevel the host ran in, as sos saw it */
	struct buf t = BUF_INIT;
	level = 3;
	if (root_read(ctx->root, "/etc/inittab", 65536, &t, NULL) == 0 && t.s) {
		const char *p = strstr(t.s, ":initdefault:");
		if (p && p - t.s >= 2 && p[-1] >= '0' && p[-1] <= '6' && p[-2] == ':')
			level = p[-1] - '0';
	}
	buf_free(&t);
	return level;
}

/* OpenRC's answer (rc-update add NAME default): a link in
 * /etc/runlevels/default; false where OpenRC has no runlevels. */
static bool openrc_enabled(struct probe_ctx *ctx, const char *name, struct svc_state *st)
{
	if (!root_is_dir(ctx->root, "/etc/runlevels/default"))
		return false;
	_cleanup_free_ char *link = xasprintf("/etc/runlevels/default/%s", name);
	st->enabled_known = true;
	st->enabled = root_exists(ctx->root, link);
	if (st->enabled)
		buf_printf(&st->enabled_ev, "OpenRC: %s present", link);
	else
		buf_printf(&st->enabled_ev, "OpenRC: no %s (rc-update add %s default makes it)", link, name);
	return true;
}

/* chkconfig's answer: an S link to the script in the default runlevel's
 * rc directory (/etc/rc.d/rcN.d on RHEL, /etc/rcN.d on Debian). */
static void sysv_enabled(struct probe_ctx *ctx, const char *name, struct svc_state *st)
{
	if (ctx->sos && sos_chkconfig(ctx, name, st))
		return;
	if (!ctx->sos && openrc_enabled(ctx, name, st))
		return;
	int level = sysv_runlevel(ctx);
	_cleanup_free_ char *d1 = xasprintf("/etc/rc.d/rc%d.d", level), *d2 = xasprintf("/etc/rc%d.d", level);
	const char *dir = root_is_dir(ctx->root, d1) ? d1 : root_is_dir(ctx->root, d2) ? d2 : NULL;
	if (!dir) {
		buf_printf(&st->enabled_ev, "no %s or %s to tell", d1, d2);
		return;
	}
	struct strv names = { 0 };
	root_list_dir(ctx->root, dir, &names);
	st->enabled_known = true;
	for (size_t i = 0; i < names.n && !st->enabled; i++) {
		const char *n = names.v[i];
		if (n[0] == 'S' && strlen(n) > 3 && !strcmp(n + 3, name)) {
			st->enabled = true;
			buf_printf(&st->enabled_ev, "%s/%s (runlevel %d)", dir, n, level);
		}
	}
	if (!st->enabled)
		buf_printf(&st->enabled_ev, "no S??%s link in %s (runlevel %d)", name, dir, level);
	strv_free(&names);
}

/* Under --root: enabled by the root's units (when it boots systemd), else
 * by its init script's rc links (which systemd's sysv-generator starts
 * too); running from its process table, which an image has none of. */
static void root_service_state(struct probe_ctx *ctx, const char *name, struct svc_state *st, bool systemd)
{
	if (systemd)
		image_systemd_state(ctx, name, st);
	if (!st->enabled_known)
		sysv_enabled(ctx, name, st);
	if (probe_is_image(ctx)) {
		buf_printf(&st->ev, "not in an image: a root file system that is not running runs no %s", name);
		return;
	}
	st->known = true;
	st->running = sysv_running(ctx, name, &st->ev, &st->known);
	st->available = st->running;
}

/* One service name, from systemd, else SysV traces and the process table. */
static void service_state(struct probe_ctx *ctx, const char *name, struct svc_state *st)
{
	bool systemd = systemd_runs(ctx);
	if (!root_is_live(ctx->root) && !ctx->sos) {
		root_service_state(ctx, name, st, systemd);
		return;
	}
	if (systemd) {
		if (ctx->sos)
			sos_systemd_state(ctx, name, st);
		else
			systemd_state(name, st);
		if (st->known)
			return;
	}
	struct buf *ev = &st->ev;
	st->known = true;
	st->running = sysv_running(ctx, name, ev, &st->known);
	st->available = st->running;
	sysv_enabled(ctx, name, st);
}

/* Which init starts the daemons: on the live host the running one; in an
 * image the one it boots (RHEL 5 and 6 name their runlevel in
 * /etc/inittab, which RHEL 7's keeps only as a comment); in an sosreport
 * what sos recorded (systemctl's listings, else chkconfig's). */
static void init_system(struct probe_ctx *ctx)
{
	struct facts *fs = &ctx->facts;
	if (ctx->sos || root_is_live(ctx->root)) {
		const struct fact *sd = probe_fact(ctx, "init.systemd");
		if (sd->status == FACT_OK && sd->b) {
			facts_set_str(fs, "init.system", "systemd", "%s", sd->evidence);
			return;
		}
		if (!ctx->sos && root_is_dir(ctx->root, "/run/openrc")) {
			facts_set_str(fs, "init.system", "openrc", "/run/openrc present");
			return;
		}
		facts_set_str(fs, "init.system", "sysv", "%s: SysV scripts (chkconfig, service)", sd->evidence);
		return;
	}
	struct buf t = BUF_INIT;
	if (image_systemd_runs(ctx, &t) == 1) { /* /sbin/init is systemd: nothing says it better */
		facts_set_str(fs, "init.system", "systemd", "%s", buf_str(&t));
		buf_free(&t);
		return;
	}
	buf_reset(&t);
	bool initdefault = root_read(ctx->root, "/etc/inittab", 65536, &t, NULL) == 0 && t.s && strstr(t.s, ":initdefault:");
	buf_free(&t);
	if (initdefault)
		facts_set_str(fs, "init.system", "sysv", "/etc/inittab names the default runlevel (SysV rc scripts)");
	else if (root_is_dir(ctx->root, "/etc/runlevels/default") || root_exists(ctx->root, "/sbin/openrc-run"))
		facts_set_str(fs, "init.system", "openrc", "/etc/runlevels/default or /sbin/openrc-run present");
	else if (root_exists(ctx->root, "/usr/lib/systemd/systemd") || root_exists(ctx->root, "/lib/systemd/systemd"))
		facts_set_str(fs, "init.system", "systemd", "systemd installed (/usr/lib/systemd/systemd or /lib/systemd/systemd), no SysV initdefault");
	else if (root_is_dir(ctx->root, "/etc/rc.d/init.d") || root_is_dir(ctx->root, "/etc/init.d"))
		facts_set_str(fs, "init.system", "sysv", "init.d scripts and no systemd");
	else
		facts_set_status(fs, "init.system", FACT_MISSING, "no systemd, /etc/inittab, OpenRC runlevels or init.d under %s", ctx->root);
}

/* An image (--root) that boots systemd, or an init it does not show: no
 * SysV or OpenRC links to read, and their absence says nothing. */
static bool image_not_sysv(struct probe_ctx *ctx)
{
	if (ctx->sos || root_is_live(ctx->root))
		return false;
	const struct fact *is = probe_fact(ctx, "init.system");
	return is->status != FACT_OK || (strcmp(is->s, "sysv") != 0 && strcmp(is->s, "openrc") != 0);
}

static void resolve(struct probe_ctx *ctx, const char *name)
{
	if (strcmp(name, "init.system") == 0) {
		init_system(ctx);
		return;
	}
	if (strcmp(name, "init.systemd") == 0) {
		systemd_runs(ctx);
		return;
	}
	const char *rest = name + strlen("service.");
	const char *dot = strrchr(rest, '.');
	_cleanup_free_ char *names = xstrndup(rest, (size_t)(dot - rest));
	_cleanup_free_ char *f_run = xasprintf("service.%s.running", names), *f_avail = xasprintf("service.%s.available", names),
			    *f_en = xasprintf("service.%s.enabled", names);
	/* "a|b": the first that runs (else is available, else is enabled) answers */
	struct svc_state best = { 0 };
	struct buf ev = BUF_INIT, en_ev = BUF_INIT;
	bool any_known = false, any_en_known = false;
	char *save = NULL;
	for (char *n = strtok_r(names, "|", &save); n; n = strtok_r(NULL, "|", &save)) {
		struct svc_state st = { 0 };
		service_state(ctx, n, &st);
		buf_printf(&ev, "%s%s", ev.len ? "; " : "", buf_str(&st.ev));
		buf_printf(&en_ev, "%s%s", en_ev.len ? "; " : "", buf_str(&st.enabled_ev));
		any_known |= st.known;
		any_en_known |= st.enabled_known;
		best.running |= st.running;
		best.available |= st.available;
		best.enabled |= st.enabled;
		buf_free(&st.ev);
		buf_free(&st.enabled_ev);
	}
	if (any_known) {
		facts_set_bool(&ctx->facts, f_run, best.running, "%s", buf_str(&ev));
		facts_set_bool(&ctx->facts, f_avail, best.available, "%s", buf_str(&ev));
	} else {
		enum fact_status why = probe_is_image(ctx) ? FACT_UNKNOWN : FACT_MISSING;
		facts_set_status(&ctx->facts, f_run, why, "%s", buf_str(&ev));
		facts_set_status(&ctx->facts, f_avail, why, "%s", buf_str(&ev));
	}
	if (any_en_known)
		facts_set_bool(&ctx->facts, f_en, best.enabled, "%s", buf_str(&en_ev));
	else if (image_not_sysv(ctx))
		facts_set_status(&ctx->facts, f_en, FACT_UNKNOWN, "not read in an image that boots systemd (or an init it does not show): %s",
				 buf_str(&en_ev));
	else
		facts_set_status(&ctx->facts, f_en, FACT_MISSING, "%s", buf_str(&en_ev));
	buf_free(&ev);
	buf_free(&en_ev);
}

const struct probe probe_services = {
	.name = "services",
	.summary = "service state: systemd units, SysV pid and lock files, the process table",
	.patterns = patterns,
	.resolve = resolve,
	.cleanup = cleanup,
};

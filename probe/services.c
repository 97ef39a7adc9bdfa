/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Is a service running?  Asked in the order an admin would: systemd where
 * systemd is PID 1; SysV pid and lock files (RHEL 5's "service xend
 * status"); the process table as a last resort.  Facts:
 * service.NAME.running (NAME may be "a|b": either of them) and
 * init.systemd. */
#include <ctype.h>
#include <string.h>

#include "core/root.h"
#include "core/spawn.h"
#include "probe/probe.h"

static const char *const patterns[] = { "init.systemd", "service.*.running", NULL };

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
};

struct proc_entry {
	long pid;
	char *comm, *arg0, *arg1; /* basenames */
};

struct procs {
	struct proc_entry *v;
	size_t n;
	int err;
};

static const char *base(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

static struct procs *proc_table(struct probe_ctx *ctx)
{
	struct procs *pt = ctx->state[PROBE_STATE_PROCS];
	if (pt)
		return pt;
	pt = xcalloc(1, sizeof(*pt));
	ctx->state[PROBE_STATE_PROCS] = pt;
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
			pe.arg0 = xstrdup(base(cl.s));
			size_t l0 = strlen(cl.s);
			if (l0 + 1 < cl.len)
				pe.arg1 = xstrdup(base(cl.s + l0 + 1));
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
	struct procs *pt = ctx->state[PROBE_STATE_PROCS];
	if (!pt)
		return;
	for (size_t i = 0; i < pt->n; i++) {
		free(pt->v[i].comm);
		free(pt->v[i].arg0);
		free(pt->v[i].arg1);
	}
	free(pt->v);
	free(pt);
	ctx->state[PROBE_STATE_PROCS] = NULL;
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
	if (!f) {
		/* sd_booted(): the directory exists only when systemd is PID 1. */
		bool sd = root_is_live(ctx->root) && root_is_dir(ctx->root, "/run/systemd/system");
		facts_set_bool(&ctx->facts, "init.systemd", sd, "/run/systemd/system %s%s", sd ? "present" : "absent",
			       root_is_live(ctx->root) ? "" : " (not asked under --root)");
		f = facts_get(&ctx->facts, "init.systemd");
	}
	return f->b;
}

/* One service name: true/false with evidence, or false when nothing can
 * tell (unknown). */
static bool service_state(struct probe_ctx *ctx, const char *name, struct buf *ev, bool *known)
{
	*known = true;
	if (systemd_runs(ctx)) {
		_cleanup_free_ char *unit = xasprintf("%s.service", name);
		char *argv[] = { "systemctl", "show", "-p", "ActiveState", "--value", unit, NULL };
		struct buf out = BUF_INIT;
		int r = spawn_capture(argv, 3000, 4096, &out, NULL);
		if (r == 0) {
			char *st = str_strip(out.s ? out.s : (char *)"");
			bool on = strcmp(st, "active") == 0 || strcmp(st, "reloading") == 0;
			buf_printf(ev, "systemd: %s is %s", unit, *st ? st : "unknown");
			buf_free(&out);
			return on;
		}
		buf_free(&out);
		buf_printf(ev, "systemctl show %s failed; ", unit);
	}
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
	if (si && si->lockfile && root_exists(ctx->root, si->lockfile)) {
		buf_printf(ev, "SysV lock %s present", si->lockfile);
		return true;
	}
	for (size_t j = 0; procnames[j]; j++) {
		const struct proc_entry *pe = proc_find(pt, -1, procnames[j]);
		if (pe) {
			buf_printf(ev, "process %ld (%s) in /proc", pe->pid, procnames[j]);
			return true;
		}
	}
	if (!procnames[0] && !(si && si->lockfile)) {
		*known = false;
		buf_printf(ev, "%s is a one-shot job: without systemd it leaves no pid, lock or process to see", name);
		return false;
	}
	if (pt->err < 0) {
		*known = false;
		buf_printf(ev, "the process table (/proc) is unreadable: %s", strerror(-pt->err));
		return false;
	}
	if (si && si->lockfile && !procnames[0])
		buf_printf(ev, "no SysV lock %s", si->lockfile);
	else
		buf_printf(ev, "no process named %s in /proc", procnames[0]);
	return false;
}

static void resolve(struct probe_ctx *ctx, const char *name)
{
	if (strcmp(name, "init.systemd") == 0) {
		systemd_runs(ctx);
		return;
	}
	const char *rest = name + strlen("service.");
	_cleanup_free_ char *names = xstrndup(rest, (size_t)(strrchr(rest, '.') - rest));
	struct buf ev = BUF_INIT;
	bool any_known = false, on = false;
	char *save = NULL;
	for (char *n = strtok_r(names, "|", &save); n && !on; n = strtok_r(NULL, "|", &save)) {
		bool known;
		if (ev.len)
			buf_puts(&ev, "; ");
		on = service_state(ctx, n, &ev, &known);
		any_known |= known;
	}
	if (on || any_known)
		facts_set_bool(&ctx->facts, name, on, "%s", buf_str(&ev));
	else
		facts_set_status(&ctx->facts, name, FACT_MISSING, "%s", buf_str(&ev));
	buf_free(&ev);
}

const struct probe probe_services = {
	.name = "services",
	.summary = "service state: systemd units, SysV pid and lock files, the process table",
	.patterns = patterns,
	.resolve = resolve,
	.cleanup = cleanup,
};

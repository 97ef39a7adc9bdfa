/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Service state from an sosreport: what sos's process, services, startup
 * and systemd plugins recorded stands for /proc, the SysV lock directory,
 * chkconfig and systemctl.  File names are sos's own for the commands it
 * runs (the program's path dropped, "/" as ".", other runs of non-word
 * characters as "_"), in sos 4's plugin directories and RHEL 5's sos 1.7
 * ones, and its top-level links (ps, chkconfig). */
#include <errno.h>
#include <string.h>

#include "core/root.h"
#include "core/util.h"
#include "probe/services_sos.h"

/* The first of paths the report holds, read whole; NULL when none. */
static const char *read_first(struct probe_ctx *ctx, const char *const *paths, struct buf *out)
{
	for (size_t i = 0; paths[i]; i++) {
		buf_reset(out);
		if (root_read(ctx->root, paths[i], 64u << 20, out, NULL) == 0)
			return paths[i] + 1;
	}
	return NULL;
}

/* ps auxwww: USER PID %CPU %MEM VSZ RSS TTY STAT START TIME COMMAND. */
void sos_proc_table(struct probe_ctx *ctx, struct procs *pt)
{
	static const char *const paths[] = { "/sos_commands/process/ps_auxwww", "/ps", "/sos_commands/process/ps_auxww",
					     "/sos_commands/process/ps_aux", NULL };
	struct buf text = BUF_INIT;
	pt->source = read_first(ctx, paths, &text);
	if (!pt->source || !text.s || !strstr(text.s, "COMMAND")) {
		pt->err = -ENOENT;
		pt->source = "the sosreport's ps listing";
		buf_free(&text);
		return;
	}
	char *save = NULL;
	for (char *l = strtok_r(text.s, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *f[11];
		long long pid;
		if (str_fields(l, f, 11) < 11 || str_to_ll(f[1], &pid) < 0)
			continue; /* the header, or not a process line */
		struct proc_entry pe = { .pid = (long)pid };
		char *args[2] = { NULL, NULL };
		char *cmd = f[10];
		size_t na = str_fields(cmd, args, 2);
		if (na && args[0][0] == '[') {
			/* a kernel thread: [name] */
			pe.comm = xstrndup(args[0] + 1, strcspn(args[0] + 1, "]"));
		} else if (na) {
			/* the second field is the rest: keep its first word */
			if (na == 2)
				args[1][strcspn(args[1], " \t")] = '\0';
			pe.arg0 = xstrdup(svc_base(args[0]));
			pe.comm = xstrndup(pe.arg0, 15);
			pe.arg1 = na == 2 ? xstrdup(svc_base(args[1])) : NULL;
		}
		pt->v = xrealloc(pt->v, (pt->n + 1) * sizeof(*pt->v));
		pt->v[pt->n++] = pe;
	}
	buf_free(&text);
}

int sos_systemd_runs(struct probe_ctx *ctx, struct buf *ev)
{
	static const char *const paths[] = { "/sos_commands/systemd/systemctl_list-units", NULL };
	struct buf text = BUF_INIT;
	const char *src = read_first(ctx, paths, &text);
	int r = -1;
	if (src) {
		/* a unit line says loaded; systemctl without systemd as PID 1
		 * says "System has not been booted with systemd" */
		r = text.s && strstr(text.s, " loaded ") != NULL;
		buf_printf(ev, "%s %s", src, r ? "lists systemd's units" : "lists no units (systemd did not run the host)");
	}
	buf_free(&text);
	return r;
}

/* Finds unit's line in a systemctl listing and its fields (after an
 * optional status mark, "●" or "*"); 0 when not listed. */
static size_t unit_line(char *text, const char *unit, char **f, size_t max)
{
	size_t ul = strlen(unit);
	for (char *l = text, *nl; l && *l; l = nl) {
		nl = strchr(l, '\n');
		if (nl)
			*nl++ = '\0';
		char *p = l + strspn(l, " \t");
		if (!strncmp(p, "\xe2\x97\x8f", 3))
			p += 3;
		else if (*p == '*')
			p++;
		p += strspn(p, " \t");
		if (strncmp(p, unit, ul) == 0 && (p[ul] == ' ' || p[ul] == '\t'))
			return str_fields(p, f, max);
	}
	return 0;
}

void sos_systemd_state(struct probe_ctx *ctx, const char *name, struct svc_state *st)
{
	static const char *const units_paths[] = { "/sos_commands/systemd/systemctl_list-units", NULL };
	static const char *const files_paths[] = { "/sos_commands/systemd/systemctl_list-unit-files", NULL };
	static const char *const suffix[] = { ".service", ".socket", "-ro.socket", "-admin.socket" };
	struct buf units = BUF_INIT, files = BUF_INIT;
	const char *usrc = read_first(ctx, units_paths, &units), *fsrc = read_first(ctx, files_paths, &files);
	st->known = usrc != NULL;
	st->enabled_known = fsrc != NULL;
	const char *listening = NULL, *enabled_by = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(suffix); i++) {
		_cleanup_free_ char *unit = xasprintf("%s%s", name, suffix[i]);
		/* list-units: UNIT LOAD ACTIVE SUB DESCRIPTION */
		struct buf copy = BUF_INIT;
		buf_puts(&copy, buf_str(&units));
		char *f[5];
		bool active = unit_line(copy.s, unit, f, 5) >= 3 && !strcmp(f[2], "active");
		buf_free(&copy);
		if (i == 0) {
			st->running = active;
			buf_printf(&st->ev, "%s: %s.service %s", usrc ? usrc : "no systemctl list-units", name,
				   active ? "active" : "not active");
		} else if (active && !listening) {
			listening = suffix[i];
		}
		/* list-unit-files: UNIT STATE [PRESET] */
		buf_reset(&copy);
		buf_puts(&copy, buf_str(&files));
		bool en = unit_line(copy.s, unit, f, 3) >= 2 && svc_file_enabled(f[1]) && (i == 0 || strcmp(f[1], "static"));
		if (en && !enabled_by)
			enabled_by = suffix[i];
		buf_free(&copy);
	}
	st->available = st->running || listening;
	if (listening)
		buf_printf(&st->ev, "; %s%s listening: started on demand", name, listening);
	st->enabled = enabled_by != NULL;
	if (fsrc)
		buf_printf(&st->enabled_ev, "%s: %s", fsrc,
			   enabled_by ? "" : "neither the service nor a socket of it is enabled");
	if (enabled_by)
		buf_printf(&st->enabled_ev, "%s%s enabled", name, enabled_by);
	buf_free(&units);
	buf_free(&files);
}

int sos_subsys_lock(struct probe_ctx *ctx, const char *name)
{
	static const char *const paths[] = { "/sos_commands/services/ls_.var.lock.subsys",
					     "/sos_commands/startup/ls_.var.lock.subsys", NULL };
	struct buf text = BUF_INIT;
	int r = -1;
	if (read_first(ctx, paths, &text)) {
		r = 0;
		char *save = NULL;
		for (char *l = strtok_r(text.s ? text.s : (char *)"", " \t\n", &save); l && !r; l = strtok_r(NULL, " \t\n", &save))
			r = strcmp(l, name) == 0;
	}
	buf_free(&text);
	return r;
}

int sos_runlevel(struct probe_ctx *ctx)
{
	static const char *const paths[] = { "/sos_commands/services/runlevel", "/sos_commands/startup/runlevel", NULL };
	struct buf text = BUF_INIT;
	int level = -1;
	/* "N 5": the previous runlevel (N: none) and the current */
	if (read_first(ctx, paths, &text) && text.s) {
		char *f[2];
		if (str_fields(text.s, f, 2) == 2 && f[1][0] >= '0' && f[1][0] <= '6' && (!f[1][1] || f[1][1] == '\n'))
			level = f[1][0] - '0';
	}
	buf_free(&text);
	return level;
}

bool sos_chkconfig(struct probe_ctx *ctx, const char *name, struct svc_state *st)
{
	static const char *const paths[] = { "/sos_commands/services/chkconfig_--list", "/sos_commands/startup/chkconfig_--list",
					     "/chkconfig", NULL };
	struct buf text = BUF_INIT;
	const char *src = read_first(ctx, paths, &text);
	if (!src) {
		buf_free(&text);
		return false;
	}
	int level = sos_runlevel(ctx);
	bool from_runlevel = level >= 0;
	if (!from_runlevel)
		level = 3;
	/* "xend  0:off 1:off 2:off 3:on 4:on 5:on 6:off" */
	char *f[8];
	size_t n = unit_line(text.s ? text.s : (char *)"", name, f, 8);
	st->enabled_known = true;
	char want[3] = { (char)('0' + level), ':', '\0' };
	const char *at = NULL;
	for (size_t i = 1; i < n; i++)
		if (!strncmp(f[i], want, 2))
			at = f[i] + 2;
	st->enabled = at && !strncmp(at, "on", 2);
	if (!n)
		buf_printf(&st->enabled_ev, "%s lists no %s", src, name);
	else
		buf_printf(&st->enabled_ev, "%s: %s %s in runlevel %d%s", src, name, at ? at : "?", level,
			   from_runlevel ? "" : " (no runlevel output: RHEL's default)");
	buf_free(&text);
	return true;
}

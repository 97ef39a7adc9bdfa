/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A service's state as the running systemd tells it (systemctl show of
 * the service and its sockets). */
#include "probe/services_systemd.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/spawn.h"
#include "core/util.h"

/* What systemd says of a unit. */
struct unit {
	char load[24], active[24], sub[24], file[24];
};

static void unit_field(char *dst, size_t n, const char *line, const char *key)
{
	size_t kl = strlen(key);
	if (strncmp(line, key, kl) == 0 && line[kl] == '=')
		snprintf(dst, n, "%s", line + kl + 1);
}

/* One "systemctl show" for the service and the sockets that can start it
 * (NAME.socket, and libvirt's NAME-ro.socket and NAME-admin.socket). */
enum { U_SERVICE, U_SOCKET, U_SOCKET_RO, U_SOCKET_ADMIN, U__N };

static int systemd_units(const char *name, struct unit u[U__N])
{
	_cleanup_free_ char *svc = xasprintf("%s.service", name), *sock = xasprintf("%s.socket", name),
			    *ro = xasprintf("%s-ro.socket", name), *admin = xasprintf("%s-admin.socket", name);
	char *argv[] = { "systemctl", "show", "-p", "LoadState", "-p", "ActiveState", "-p", "SubState",
			 "-p", "UnitFileState", svc, sock, ro, admin, NULL };
	struct buf out = BUF_INIT;
	int r = spawn_capture(argv, 3000, 65536, &out, NULL);
	memset(u, 0, sizeof(struct unit) * U__N);
	if (r != 0) {
		buf_free(&out);
		return r < 0 ? r : -EIO;
	}
	/* blocks in the order asked, separated by blank lines */
	int at = 0;
	for (char *line = out.s, *nl; line && *line && at < U__N; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (!*line) {
			at++;
			continue;
		}
		unit_field(u[at].load, sizeof(u[at].load), line, "LoadState");
		unit_field(u[at].active, sizeof(u[at].active), line, "ActiveState");
		unit_field(u[at].sub, sizeof(u[at].sub), line, "SubState");
		unit_field(u[at].file, sizeof(u[at].file), line, "UnitFileState");
	}
	buf_free(&out);
	return 0;
}

void systemd_state(const char *name, struct svc_state *st)
{
	struct unit u[U__N];
	int r = systemd_units(name, u);
	if (r < 0) {
		buf_printf(&st->ev, "systemctl show %s.service failed (%s); ", name, strerror(-r));
		return;
	}
	st->known = st->enabled_known = true;
	const struct unit *svc = &u[U_SERVICE];
	st->running = !strcmp(svc->active, "active") || !strcmp(svc->active, "reloading");
	st->available = st->running;
	st->enabled = svc_file_enabled(svc->file);
	static const char *const sockname[U__N] = { "", ".socket", "-ro.socket", "-admin.socket" };
	const char *listening = NULL, *enabled_sock = NULL;
	for (int i = U_SOCKET; i < U__N; i++) {
		if (strcmp(u[i].load, "loaded"))
			continue;
		if (!listening && !strcmp(u[i].active, "active"))
			listening = sockname[i];
		if (!enabled_sock && svc_file_enabled(u[i].file) && strcmp(u[i].file, "static"))
			enabled_sock = sockname[i];
	}
	if (!strcmp(svc->load, "not-found") && !listening)
		buf_printf(&st->ev, "systemd: no %s.service unit", name);
	else if (st->running)
		buf_printf(&st->ev, "systemd: %s.service is %s (%s)", name, svc->active, *svc->sub ? svc->sub : "?");
	else if (listening)
		buf_printf(&st->ev, "systemd: %s%s listening; %s.service is %s and starts on demand", name, listening, name,
			   *svc->active ? svc->active : "unknown");
	else
		buf_printf(&st->ev, "systemd: %s.service is %s%s", name, *svc->active ? svc->active : "unknown",
			   strcmp(u[U_SOCKET].load, "loaded") ? "" : ", and no socket of it listens");
	st->available |= listening != NULL;
	if (enabled_sock)
		st->enabled = true;
	buf_printf(&st->enabled_ev, "systemd: %s.service %s", name, *svc->file ? svc->file : "(no unit file)");
	if (strcmp(u[U_SOCKET].load, "loaded") == 0)
		buf_printf(&st->enabled_ev, ", %s.socket %s", name, *u[U_SOCKET].file ? u[U_SOCKET].file : "?");
}


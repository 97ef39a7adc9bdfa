/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Services in an image (a root file system that is not running): what its
 * init will start when it boots.  systemd's enablement is the symlinks
 * systemctl enable leaves in a unit directory's NAME.wants/ and
 * NAME.requires/ (the vendor's in /usr/lib count, as systemctl says
 * "enabled" or "static" of them); a unit with no [Install] section is
 * started by what pulls it in ("static"), one linked to /dev/null (or
 * empty) is masked.  Presets are not read: they say what "systemctl
 * preset" would enable, not what is.  A unit none of the directories
 * holds is left to SysV's rc links, which systemd's sysv-generator turns
 * into units at boot (probe/services.c). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/root.h"
#include "probe/services_image.h"

/* systemd's unit search path for the system manager, highest first. */
static const char *const unit_dirs[] = { "/etc/systemd/system", "/run/systemd/system", "/usr/local/lib/systemd/system",
					 "/usr/lib/systemd/system", "/lib/systemd/system" };

/* Whether two paths of the root are the same file (symlinks followed
 * inside it). */
static bool same_file(const char *root, const char *a, const char *b)
{
	struct stat sa, sb;
	int fa = root_open(root, a, O_PATH), fb = root_open(root, b, O_PATH);
	bool same = fa >= 0 && fb >= 0 && fstat(fa, &sa) == 0 && fstat(fb, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
	if (fa >= 0)
		close(fa);
	if (fb >= 0)
		close(fb);
	return same;
}

int image_systemd_runs(struct probe_ctx *ctx, struct buf *ev)
{
	static const char *const inits[] = { "/sbin/init", "/usr/sbin/init" };
	static const char *const systemd[] = { "/lib/systemd/systemd", "/usr/lib/systemd/systemd" };
	for (size_t i = 0; i < ARRAY_SIZE(inits); i++)
		for (size_t j = 0; j < ARRAY_SIZE(systemd); j++)
			if (same_file(ctx->root, inits[i], systemd[j])) {
				buf_printf(ev, "%s is %s: the image boots systemd", inits[i], systemd[j]);
				return 1;
			}
	buf_printf(ev, "%s", root_exists(ctx->root, "/sbin/init") ? "/sbin/init is not systemd" : "no /sbin/init in the root to tell its init by");
	return 0;
}

enum unit_state { UNIT_NONE, UNIT_MASKED, UNIT_DISABLED, UNIT_STATIC, UNIT_ENABLED };
static const char *const state_name[] = { "(no unit file)", "masked", "disabled", "static", "enabled" };

/* A unit file systemd would not load: linked to /dev/null (which an image
 * may lack: the link dangles) or empty. */
static bool masked(const char *root, const char *path)
{
	int fd = root_open(root, path, O_RDONLY);
	struct stat st;
	bool m = fd < 0 || (fstat(fd, &st) == 0 && (S_ISCHR(st.st_mode) || st.st_size == 0));
	if (fd >= 0)
		close(fd);
	return m;
}

/* The symlink that enables unit, in some unit directory's X.wants/ or
 * X.requires/; NULL when none. */
static char *wanted_by(const char *root, const char *unit)
{
	for (size_t d = 0; d < ARRAY_SIZE(unit_dirs); d++) {
		struct strv subs = { 0 };
		root_list_dir(root, unit_dirs[d], &subs);
		for (size_t i = 0; i < subs.n; i++) {
			if (!str_ends(subs.v[i], ".wants") && !str_ends(subs.v[i], ".requires"))
				continue;
			_cleanup_free_ char *p = xasprintf("%s/%s/%s", unit_dirs[d], subs.v[i], unit);
			if (root_exists(root, p)) {
				strv_free(&subs);
				return TAKE_PTR(p);
			}
		}
		strv_free(&subs);
	}
	return NULL;
}

/* An [Install] section that says where to enable the unit. */
static bool installable(const char *root, const char *path)
{
	struct buf b = BUF_INIT;
	bool in = false, has = false;
	if (root_read(root, path, 1u << 20, &b, NULL) == 0 && b.s)
		for (char *l = b.s, *nl; l && !has; l = nl) {
			nl = strchr(l, '\n');
			if (nl)
				*nl++ = '\0';
			l = str_strip(l);
			if (*l == '[')
				in = strcmp(l, "[Install]") == 0;
			else if (in && (str_starts(l, "WantedBy=") || str_starts(l, "RequiredBy=") || str_starts(l, "UpheldBy=") ||
					str_starts(l, "Alias=") || str_starts(l, "Also=")))
				has = true;
		}
	buf_free(&b);
	return has;
}

static enum unit_state unit_state(const char *root, const char *unit, char **where)
{
	const char *dir = NULL;
	for (size_t d = 0; d < ARRAY_SIZE(unit_dirs) && !dir; d++) {
		_cleanup_free_ char *p = xasprintf("%s/%s", unit_dirs[d], unit);
		struct stat st;
		int fd = root_open(root, p, O_PATH | O_NOFOLLOW);
		if (fd >= 0 && fstat(fd, &st) == 0)
			dir = unit_dirs[d];
		if (fd >= 0)
			close(fd);
	}
	if (!dir)
		return UNIT_NONE;
	_cleanup_free_ char *path = xasprintf("%s/%s", dir, unit);
	if (masked(root, path)) {
		*where = TAKE_PTR(path);
		return UNIT_MASKED;
	}
	if ((*where = wanted_by(root, unit)))
		return UNIT_ENABLED;
	*where = TAKE_PTR(path);
	return installable(root, *where) ? UNIT_DISABLED : UNIT_STATIC;
}

void image_systemd_state(struct probe_ctx *ctx, const char *name, struct svc_state *st)
{
	static const char *const suffix[] = { ".service", ".socket", "-ro.socket", "-admin.socket" };
	for (size_t i = 0; i < ARRAY_SIZE(suffix); i++) {
		_cleanup_free_ char *unit = xasprintf("%s%s", name, suffix[i]), *where = NULL;
		enum unit_state s = unit_state(ctx->root, unit, &where);
		if (s == UNIT_NONE)
			continue;
		/* a socket pulled in by its service only does not start it at boot */
		if (s == UNIT_ENABLED || (s == UNIT_STATIC && i == 0))
			st->enabled = true;
		buf_printf(&st->enabled_ev, "%simage's systemd: %s %s (%s)", st->enabled_known ? ", " : "", unit, state_name[s], where);
		st->enabled_known = true;
	}
}

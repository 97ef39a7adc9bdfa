/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What libvirt's dynamic SELinux labelling (sVirt) depends on on a KVM
 * host: the QEMU driver's security driver (security_driver and
 * security_default_confined in /etc/libvirt/qemu.conf), the SELinux
 * booleans that let confined QEMU use network and FUSE file systems (where
 * libvirt cannot relabel images), and which file systems guests' images
 * live on.  Facts:
 *   libvirt.security_driver libvirt.security_default_confined
 *   selinux.boolean.NAME fs.type.PATH storage.image_fstypes
 * Booleans come from the kernel on the live host (libselinux), from a copy
 * of selinuxfs or the store's booleans.local under --root, and from
 * getsebool -a or sestatus -b in an sosreport. */
#include <errno.h>
#include <selinux/selinux.h>
#include <stdlib.h>
#include <string.h>

#include "core/root.h"
#include "probe/ask.h"

static const char *const patterns[] = { "libvirt.security_driver", "libvirt.security_default_confined", "selinux.boolean.*",
					"fs.type./*", "storage.image_fstypes", NULL };

#define QEMU_CONF "/etc/libvirt/qemu.conf"

/* A setting's or boolean's figure ("1 1": current and pending; "0"):
 * on when it starts with a number other than 0, however long. */
static bool figure_on(const char *s)
{
	long long v;
	return str_to_ll_prefix(s, &v, NULL) != -EINVAL && v != 0;
}

/* The stores libvirt and OpenStack Nova keep guests' images in. */
static const char *const stock_stores[] = { "/var/lib/libvirt/images", "/var/lib/nova/instances" };

/* KEY's value in a libvirt .conf file (virConf: KEY = "text" | 'text' |
 * number | [ "a", "b" ], lists across lines, # comments): the strings and
 * numbers, in order; false when the key is not set. */
static bool conf_value(const char *text, const char *key, struct strv *out)
{
	size_t kl = strlen(key);
	bool found = false;
	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		while (*l == ' ' || *l == '\t')
			l++;
		if (strncmp(l, key, kl) != 0 || !strchr(" \t=", l[kl]))
			continue;
		const char *p = l + kl + strspn(l + kl, " \t");
		if (*p != '=')
			continue;
		p++;
		/* a later setting wins, as libvirt reads it */
		strv_free(out);
		found = true;
		bool list = false;
		for (; *p; p++) {
			if (*p == '#' && !list)
				break;
			if (*p == '#')
				p += strcspn(p, "\n") - 1;
			else if (*p == '[')
				list = true;
			else if (*p == ']' || (!list && *p == '\n'))
				break;
			else if (*p == '"' || *p == '\'') {
				const char *end = strchr(p + 1, *p);
				if (!end)
					break;
				strv_push_take(out, xstrndup(p + 1, (size_t)(end - p - 1)));
				p = end;
			} else if ((*p >= '0' && *p <= '9') || *p == '-') {
				size_t n = strspn(p, "-0123456789");
				strv_push_take(out, xstrndup(p, n));
				p += n - 1;
			}
		}
	}
	return found;
}

static void qemu_conf(struct probe_ctx *ctx)
{
	struct facts *fs = &ctx->facts;
	struct buf b = BUF_INIT;
	struct err e = ERR_INIT;
	int r = root_read(ctx->root, QEMU_CONF, 1u << 20, &b, &e);
	if (r < 0 && r != -ENOENT) {
		facts_set_errno(fs, "libvirt.security_driver", r, ctx->is_root, "%s", err_msg(&e));
		facts_set_errno(fs, "libvirt.security_default_confined", r, ctx->is_root, "%s", err_msg(&e));
		err_clear(&e);
		return;
	}
	err_clear(&e);
	buf_grow(&b, 0);
	const char *src = r == 0 ? QEMU_CONF : "no " QEMU_CONF;
	struct strv v = { 0 };
	if (r == 0 && conf_value(b.s, "security_driver", &v)) {
		facts_set_list_take(fs, "libvirt.security_driver", &v, "%s: security_driver", src);
	} else {
		facts_set_list_take(fs, "libvirt.security_driver", &v,
				    "%s: security_driver not set, so libvirt uses the first driver the host enables (selinux where SELinux is)", src);
	}
	strv_free(&v);
	if (r == 0 && conf_value(b.s, "security_default_confined", &v) && v.n)
		facts_set_bool(fs, "libvirt.security_default_confined", figure_on(v.v[0]), "%s: security_default_confined = %s", src, v.v[0]);
	else
		facts_set_bool(fs, "libvirt.security_default_confined", true, "%s: security_default_confined not set (libvirt's default, 1)", src);
	strv_free(&v);
	buf_free(&b);
}

/* NAME's state in an sosreport's listing of booleans: getsebool -a
 * ("virt_use_nfs --> on") or sestatus -b ("virt_use_nfs   on" after
 * "Policy booleans:"), which sos 3 and 4 run; 1 on, 0 off, -1 not listed,
 * -2 no such file. */
static int sos_boolean_in(struct probe_ctx *ctx, const char *file, bool sestatus, const char *name)
{
	struct buf b = BUF_INIT;
	if (root_read(ctx->root, file, 4u << 20, &b, NULL) < 0) {
		buf_free(&b);
		return -2;
	}
	buf_grow(&b, 0);
	const char *l = b.s;
	if (sestatus) {
		l = strstr(b.s, "\nPolicy booleans:");
		l = l ? strchr(l + 1, '\n') : NULL;
	}
	int r = -1;
	size_t nl = strlen(name);
	for (; l && *l && r < 0; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		if (strncmp(l, name, nl) != 0 || (l[nl] != ' ' && l[nl] != '\t'))
			continue;
		const char *v = l + nl + strspn(l + nl, " \t");
		if (!sestatus && strncmp(v, "--> ", 4) == 0)
			v += 4;
		if (strncmp(v, "on", 2) == 0 || strncmp(v, "off", 3) == 0)
			r = v[1] == 'n';
	}
	buf_free(&b);
	return r;
}

static void boolean_sos(struct probe_ctx *ctx, const char *fname, const char *name)
{
	static const struct { const char *file; bool sestatus; } srcs[] = {
		{ "/sos_commands/selinux/getsebool_-a", false },
		{ "/sos_commands/selinux/sestatus_-b", true },
	};
	bool any = false;
	for (size_t i = 0; i < ARRAY_SIZE(srcs); i++) {
		int r = sos_boolean_in(ctx, srcs[i].file, srcs[i].sestatus, name);
		any |= r != -2;
		if (r >= 0) {
			facts_set_bool(&ctx->facts, fname, r == 1, "%s: %s %s", srcs[i].file + 1, name, r ? "on" : "off");
			return;
		}
	}
	if (any)
		facts_set_status(&ctx->facts, fname, FACT_MISSING, "the sosreport's getsebool -a and sestatus -b list no boolean %s", name);
	else
		facts_set_status(&ctx->facts, fname, FACT_UNKNOWN,
				 "not in the sosreport: it holds neither getsebool -a nor sestatus -b (sos_commands/selinux/)");
}

/* Under --root: a copy of selinuxfs (the running values), else what the
 * policy store sets persistently (setsebool -P writes booleans.local). */
static void boolean_root(struct probe_ctx *ctx, const char *fname, const char *name)
{
	static const char *const fsdirs[] = { "/sys/fs/selinux/booleans", "/selinux/booleans" };
	for (size_t i = 0; i < ARRAY_SIZE(fsdirs); i++) {
		_cleanup_free_ char *p = xasprintf("%s/%s", fsdirs[i], name), *line = NULL;
		if (root_read_line(ctx->root, p, &line, NULL) == 0) {
			facts_set_bool(&ctx->facts, fname, figure_on(line), "%s: \"%s\" (current pending)", p, line);
			return;
		}
	}
	const struct fact *pol = probe_fact(ctx, "selinux.policy");
	if (pol->status == FACT_OK) {
		_cleanup_free_ char *l7 = xasprintf("/var/lib/selinux/%s/active/booleans.local", pol->s),
				    *l6 = xasprintf("/etc/selinux/%s/modules/active/booleans.local", pol->s);
		const char *locals[] = { l7, l6 };
		for (size_t i = 0; i < ARRAY_SIZE(locals); i++) {
			struct buf b = BUF_INIT;
			if (root_read(ctx->root, locals[i], 1u << 20, &b, NULL) == 0) {
				buf_grow(&b, 0);
				struct strv v = { 0 };
				if (conf_value(b.s, name, &v) && v.n) {
					facts_set_bool(&ctx->facts, fname, figure_on(v.v[0]), "%s: %s=%s (setsebool -P)", locals[i], name, v.v[0]);
					strv_free(&v);
					buf_free(&b);
					return;
				}
				strv_free(&v);
			}
			buf_free(&b);
		}
	}
	facts_set_status(&ctx->facts, fname, FACT_UNKNOWN,
			 "not in an image: a boolean's running value lives in the kernel (/sys/fs/selinux/booleans), and no booleans.local of the "
			 "policy store sets %s", name);
}

static void boolean_live(struct probe_ctx *ctx, const char *fname, const char *name)
{
	if (is_selinux_enabled() <= 0) {
		facts_set_status(&ctx->facts, fname, FACT_MISSING, "kernel: SELinux not enabled, no booleans");
		return;
	}
	errno = 0;
	int v = security_get_boolean_active(name);
	if (v < 0)
		facts_set_errno(&ctx->facts, fname, errno == ENOENT ? -ENOENT : -(errno ? errno : EIO), ctx->is_root,
				"security_get_boolean_active(%s): %s", name, errno == ENOENT ? "the loaded policy has no such boolean" : strerror(errno));
	else
		facts_set_bool(&ctx->facts, fname, v == 1, "kernel: security_get_boolean_active(%s) = %d", name, v);
}

/* One line of a mount table (/proc/self/mounts, or /etc/fstab: same
 * order of fields); the mount point's octal escapes (\040) decoded. */
static bool mount_line(char *line, char **mp, char **type, char **src)
{
	char *save = NULL;
	*src = strtok_r(line, " \t", &save);
	*mp = strtok_r(NULL, " \t", &save);
	*type = strtok_r(NULL, " \t", &save);
	if (!*src || !*mp || !*type || **src == '#' || **mp != '/')
		return false;
	char *w = *mp;
	for (const char *r = *mp; *r; r++) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' && r[3] >= '0' && r[3] <= '7') {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
			r += 3;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
	return true;
}

static bool under(const char *path, const char *mp)
{
	size_t n = strlen(mp);
	if (strcmp(mp, "/") == 0)
		return true;
	return strncmp(path, mp, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* The file system holding path: the longest mount point above it in the
 * host's mount table (an image's: its fstab, what it mounts at boot). */
static void fs_type(struct probe_ctx *ctx, const char *fname, const char *path)
{
	static const char *const live[] = { "/proc/self/mounts" }, *const sos[] = { "/proc/mounts" },
				 *const image[] = { "/proc/self/mounts", "/proc/mounts", "/etc/fstab" };
	const char *const *tables = ctx->sos ? sos : root_is_live(ctx->root) ? live : image;
	size_t nt = ctx->sos ? ARRAY_SIZE(sos) : root_is_live(ctx->root) ? ARRAY_SIZE(live) : ARRAY_SIZE(image);
	for (size_t t = 0; t < nt; t++) {
		struct buf b = BUF_INIT;
		if (root_read(ctx->root, tables[t], 4u << 20, &b, NULL) < 0) {
			buf_free(&b);
			continue;
		}
		buf_grow(&b, 0);
		_cleanup_free_ char *best_mp = NULL, *best_type = NULL, *best_src = NULL;
		char *save = NULL;
		for (char *l = strtok_r(b.s, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
			char *mp, *type, *src;
			if (!mount_line(l, &mp, &type, &src) || !under(path, mp))
				continue;
			/* the last of equal mount points is the one on top */
			if (!best_mp || strlen(mp) >= strlen(best_mp)) {
				free(best_mp);
				free(best_type);
				free(best_src);
				best_mp = xstrdup(mp);
				best_type = xstrdup(type);
				best_src = xstrdup(src);
			}
		}
		buf_free(&b);
		if (best_mp) {
			facts_set_str(&ctx->facts, fname, best_type, "%s: %s on %s (%s)", tables[t] + (ctx->sos ? 1 : 0), best_src, best_mp, best_type);
			return;
		}
	}
	facts_set_status(&ctx->facts, fname, ctx->sos ? FACT_UNKNOWN : FACT_MISSING, "no mount table (%s) has a file system holding %s",
			 ctx->sos ? "proc/mounts" : root_is_live(ctx->root) ? "/proc/self/mounts" : "/proc/self/mounts, /etc/fstab", path);
}

/* The file system types of the guests' image directories and of the stock
 * stores that exist: where sVirt's relabelling needs a boolean. */
static void image_fstypes(struct probe_ctx *ctx)
{
	struct strv dirs = { 0 }, types = { 0 };
	const struct fact *gd = probe_fact(ctx, "guest.disk_dirs");
	if (gd->status == FACT_OK && gd->type == FACT_LIST)
		for (size_t i = 0; i < gd->list.n; i++)
			strv_push(&dirs, gd->list.v[i]);
	for (size_t i = 0; i < ARRAY_SIZE(stock_stores); i++)
		if (!strv_contains(&dirs, stock_stores[i]) && (ctx->sos || root_exists(ctx->root, stock_stores[i])))
			strv_push(&dirs, stock_stores[i]);
	struct buf ev = BUF_INIT;
	for (size_t i = 0; i < dirs.n; i++) {
		_cleanup_free_ char *name = xasprintf("fs.type.%s", dirs.v[i]);
		const struct fact *f = probe_fact(ctx, name);
		if (f->status != FACT_OK) {
			buf_printf(&ev, "%s%s: unknown (%s)", ev.len ? "; " : "", dirs.v[i], f->evidence);
			continue;
		}
		buf_printf(&ev, "%s%s: %s", ev.len ? "; " : "", dirs.v[i], f->evidence);
		if (!strv_contains(&types, f->s))
			strv_push(&types, f->s);
	}
	if (!dirs.n)
		buf_puts(&ev, "no guest image directories and no stock store");
	facts_set_list_take(&ctx->facts, "storage.image_fstypes", &types, "%s", buf_str(&ev));
	strv_free(&types);
	strv_free(&dirs);
	buf_free(&ev);
}

static void resolve(struct probe_ctx *ctx, const char *name)
{
	if (str_starts(name, "libvirt.")) {
		if (probe_once(ctx, "svirt.qemu_conf"))
			qemu_conf(ctx);
	} else if (str_starts(name, "selinux.boolean.")) {
		const char *b = name + strlen("selinux.boolean.");
		if (ctx->sos)
			boolean_sos(ctx, name, b);
		else if (root_is_live(ctx->root))
			boolean_live(ctx, name, b);
		else
			boolean_root(ctx, name, b);
	} else if (str_starts(name, "fs.type.")) {
		fs_type(ctx, name, name + strlen("fs.type."));
	} else {
		image_fstypes(ctx);
	}
}

const struct probe probe_svirt = {
	.name = "svirt",
	.summary = "what sVirt depends on: qemu.conf's security driver, SELinux booleans, the file systems of guests' images",
	.patterns = patterns,
	.resolve = resolve,
};

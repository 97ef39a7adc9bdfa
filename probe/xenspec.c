/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The device specs inside Xen domain configs: disks and network interfaces. */
#include "probe/xenspec.h"

#include <string.h>

#include "core/buf.h"
#include "core/util.h"

/* Prefixes naming how a disk is reached without a local path: xm's block
 * scripts (drbd:, iscsi:, nbd:, enbd:), QEMU's network protocols. */
static const char *const remote_prefixes[] = { "rbd", "iscsi", "nbd", "enbd", "drbd", "sheepdog", "gluster",
					       "http", "https", "ftp", "ftps", "ssh", "tftp", "vdi", NULL };
/* Prefixes that only say how a local path is used. */
static const char *const local_prefixes[] = { "phy", "file", "tap", "tap2", "tapdisk", "aio", "sync", "vhd", "qcow",
					      "qcow2", "qed", "raw", "ram", "vmdk", NULL };

static bool in(const char *const *list, const char *w, size_t n)
{
	for (size_t i = 0; list[i]; i++)
		if (strlen(list[i]) == n && strncmp(list[i], w, n) == 0)
			return true;
	return false;
}

char *xspec_remote_name(const char *prefix, const char *rest)
{
	struct buf b = BUF_INIT;
	buf_printf(&b, "%s:", prefix);
	const char *p = rest;
	if (strncmp(p, "//", 2) == 0) {
		/* a URL: scheme://[user[:password]@]host/path, no query */
		buf_puts(&b, "//");
		p += 2;
		const char *slash = p + strcspn(p, "/"), *at = memchr(p, '@', (size_t)(slash - p));
		if (at)
			p = at + 1;
		buf_add(&b, p, strcspn(p, "?#"));
		return buf_steal(&b);
	}
	/* pool/image[:opt=value...] or host:port: fields up to the first option */
	bool first = true;
	while (*p) {
		size_t n = strcspn(p, ":");
		if (memchr(p, '=', n) || memchr(p, '@', n))
			break;
		if (!first)
			buf_putc(&b, ':');
		buf_add(&b, p, n);
		first = false;
		p += n;
		if (*p == ':')
			p++;
	}
	return buf_steal(&b);
}

/* Strips the leading "name:" prefixes of an xm target; sets *remote when
 * one of them names a network disk. */
static void target_of(const char *t, struct xdisk *out)
{
	const char *p = t;
	bool phy = false;
	for (;;) {
		size_t n = strcspn(p, ":/");
		if (p[n] != ':' || n == 0)
			break;
		if (in(remote_prefixes, p, n)) {
			_cleanup_free_ char *prefix = xstrndup(p, n);
			out->remote = xspec_remote_name(prefix, p + n + 1);
			return;
		}
		if (!in(local_prefixes, p, n))
			break;
		phy |= n == 3 && strncmp(p, "phy", 3) == 0;
		p += n + 1;
	}
	if (!*p)
		return;
	if (*p == '/')
		out->path = xstrdup(p);
	else if (phy)
		out->path = xasprintf("/dev/%s", p); /* phy:sda1 names /dev/sda1 */
	else
		out->path = xstrdup(p);
}

static char *trimmed(const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return xstrndup(s, n);
}

void xspec_disk(const char *spec, struct xdisk *out)
{
	memset(out, 0, sizeof(*out));
	_cleanup_free_ char *target = NULL, *script = NULL;
	int positional = 0;
	const char *p = spec;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncmp(p, "target=", 7) == 0) {
			free(target);
			target = trimmed(p + 7, strlen(p + 7)); /* the rest, commas included */
			break;
		}
		size_t n = strcspn(p, ",");
		_cleanup_free_ char *field = trimmed(p, n);
		const char *eq = strchr(field, '=');
		if (eq) {
			size_t kl = (size_t)(eq - field);
			if ((kl == 7 && !strncmp(field, "devtype", 7) && !strcmp(eq + 1, "cdrom")) ||
			    (kl == 4 && !strncmp(field, "vdev", 4) && strstr(eq + 1, ":cdrom")))
				out->cdrom = true;
			if (kl == 6 && !strncmp(field, "script", 6)) {
				free(script);
				script = xstrdup(eq + 1);
			}
		} else if (!strcmp(field, "cdrom")) {
			out->cdrom = true;
		} else {
			if (positional == 0 && !target)
				target = xstrdup(field);
			else if (strstr(field, ":cdrom"))
				out->cdrom = true; /* xm's "hdc:cdrom" vdev */
			positional++;
		}
		if (!p[n])
			break;
		p += n + 1;
	}
	if (!target || !*target)
		return;
	/* script=block-drbd and the like: the target is what the script
	 * resolves (a resource, an IQN), not a path. */
	if (script && strncmp(script, "block-", 6) == 0 && target[0] != '/') {
		out->remote = xspec_remote_name(script + 6, target);
		return;
	}
	target_of(target, out);
}

void xspec_disk_free(struct xdisk *d)
{
	free(d->path);
	free(d->remote);
	memset(d, 0, sizeof(*d));
}

char *xspec_vif_mac(const char *spec)
{
	const char *p = spec;
	while (p && *p) {
		while (*p == ' ' || *p == ',')
			p++;
		if (strncmp(p, "mac", 3) == 0) {
			const char *v = p + 3;
			v += strspn(v, " ");
			if (*v == '=') {
				v++;
				return trimmed(v, strcspn(v, ","));
			}
		}
		p = strchr(p, ',');
	}
	return NULL;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Xen's own guest configs: the files in /etc/xen as xm and xl read them,
 * and the domains xend manages (/var/lib/xend/domains/UUID/config.sxp).
 * Most of /etc/xen is not guests: Xen's shipped examples, the toolstacks'
 * own configs, scripts, backups, and sometimes keys.  Those are told apart
 * by name first and by content second, and a key is never read past its
 * first bytes. */
#include <string.h>

#include "core/root.h"
#include "core/secret.h"
#include "probe/guest_xen.h"
#include "probe/sxp.h"
#include "probe/xencfg.h"
#include "probe/xenspec.h"

/* Why a name in /etc/xen is not a guest config, or NULL. */
static const char *not_a_guest_by_name(const char *path)
{
	static const char *const backups[] = { "~", ".bak", ".orig", ".old", ".save", ".swp", ".tmp", ".rpmnew",
					       ".rpmsave", ".rpmorig", ".dpkg-old", ".dpkg-dist", ".dpkg-new",
					       ".dpkg-bak", ".ucf-old", ".ucf-dist", ".ucf-new", NULL };
	static const char *const toolstack[] = { "xl.conf", "xend-config.sxp", "xend-config-xenapi.sxp",
						 "xend-pci-permissive.sxp", "xend-pci-quirks.sxp", "xm-config.xml",
						 "xm-config-xenapi.xml", "oxenstored.conf", "xenstored.conf",
						 "xenapiusers", "cpupool", "xen-config.sxp", NULL };
	static const char *const docs[] = { "README", "README.incompatibilities", "COPYING", NULL };
	const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	if (secret_path(path) || str_ends(name, ".crt") || str_ends(name, ".csr") || str_ends(name, ".cert"))
		return "a key, certificate or secret store by its name (not read)";
	if (name[0] == '.')
		return "a hidden file";
	for (size_t i = 0; backups[i]; i++)
		if (str_ends(name, backups[i]))
			return "a backup or a package manager's copy";
	if (str_starts(name, "xmexample") || str_starts(name, "xlexample") || str_ends(name, ".example"))
		return "an example shipped with Xen";
	for (size_t i = 0; toolstack[i]; i++)
		if (!strcmp(name, toolstack[i]))
			return "the toolstack's own configuration";
	if (str_ends(name, ".sxp") || str_ends(name, ".xml"))
		return "the toolstack's own configuration";
	for (size_t i = 0; docs[i]; i++)
		if (!strcmp(name, docs[i]))
			return "documentation";
	if (!strcmp(name, "qemu-ifup") || str_ends(name, ".sh"))
		return "a script";
	return NULL;
}

static void skip(struct guests *gs, const char *path, const char *why)
{
	strv_push_take(&gs->skipped, xasprintf("%s: %s", path, why));
}

/* Settings that only a domain config has; a file with none of them is
 * some other program's configuration. */
static bool has_domain_setting(const struct xcfg *c)
{
	static const char *const keys[] = { "name", "memory", "kernel", "builder", "type", "disk", "vif", "vcpus",
					    "bootloader", "uuid", "maxmem", "ramdisk", NULL };
	for (size_t i = 0; keys[i]; i++)
		if (xcfg_get(c, keys[i]))
			return true;
	return false;
}

static bool number_of(const struct xcfg_entry *v, long long *out)
{
	if (v->type == XCFG_INT) {
		*out = v->i;
		return true;
	}
	return v->type == XCFG_STR && str_to_ll(v->s, out) == 0;
}

/* A numeric setting (often quoted: memory = "1000", as in the seed). */
static void number(struct guests *gs, const char *path, const struct xcfg *c, const char *key, long long *out)
{
	const struct xcfg_entry *v = xcfg_get(c, key);
	if (v && !number_of(v, out))
		strv_push_take(&gs->errors, xasprintf("%s:%d: %s is not a number", path, v->line, key));
}

static void add_disk(struct guest *g, const char *spec)
{
	struct xdisk d;
	xspec_disk(spec, &d);
	if (d.path)
		strv_push(&g->disks, d.path);
	if (d.remote)
		strv_push(&g->remote_disks, d.remote);
	xspec_disk_free(&d);
}

/* The guest's figures from a parsed file whose name is known. */
static void guest_from_cfg(struct guests *gs, const char *path, const struct xcfg *c, struct guest *g)
{
	const struct xcfg_entry *v;
	g->name = xstrdup(xcfg_get(c, "name")->s);
	if ((v = xcfg_get(c, "uuid")) && v->type == XCFG_STR) {
		g->uuid = guest_uuid_canonical(v->s);
		if (!g->uuid)
			strv_push_take(&gs->errors, xasprintf("%s:%d: uuid is not a UUID (32 hexadecimal digits)", path, v->line));
	}
	long long vcpus = 1, maxvcpus = 0, avail = 0;
	number(gs, path, c, "vcpus", &vcpus);
	number(gs, path, c, "maxvcpus", &maxvcpus);
	number(gs, path, c, "vcpu_avail", &avail);
	g->vcpus = maxvcpus > vcpus ? maxvcpus : vcpus;
	g->vcpus_online = xcfg_get(c, "vcpu_avail") ? __builtin_popcountll((unsigned long long)avail) : vcpus;
	if (g->vcpus_online > g->vcpus)
		g->vcpus_online = g->vcpus;
	number(gs, path, c, "memory", &g->memory_mib);
	g->maxmem_mib = g->memory_mib;
	number(gs, path, c, "maxmem", &g->maxmem_mib);
	if ((v = xcfg_get(c, "vif")) && v->type == XCFG_LIST)
		for (size_t i = 0; i < v->list.n; i++) {
			char *mac = xspec_vif_mac(v->list.v[i]);
			if (mac)
				strv_push_take(&g->macs, mac);
		}
	if ((v = xcfg_get(c, "disk")) && v->type == XCFG_LIST)
		for (size_t i = 0; i < v->list.n; i++)
			add_disk(g, v->list.v[i]);
	/* xm's HVM "cdrom = '/path/to.iso'", from before the disk list had it */
	if ((v = xcfg_get(c, "cdrom")) && v->type == XCFG_STR && *v->s)
		add_disk(g, v->s);
}

/* Settings that make a guest; when one of them is only known by running
 * the file, so is the guest. */
static const struct xcfg_entry *unknown_setting(const struct xcfg *c)
{
	static const char *const keys[] = { "name", "uuid", "vcpus", "maxvcpus", "vcpu_avail", "memory", "maxmem",
					    "vif", "disk", "cdrom", NULL };
	for (size_t i = 0; keys[i]; i++) {
		const struct xcfg_entry *v = xcfg_get(c, keys[i]);
		if (v && v->type == XCFG_UNKNOWN)
			return v;
	}
	return NULL;
}

static void note_script(struct guests *gs, const char *path, const struct xcfg *c, const struct xcfg_entry *why)
{
	struct buf b = BUF_INIT;
	buf_printf(&b, "%s: a Python script evaluated by xm; not checked (", path);
	if (why)
		buf_printf(&b, "%s %s", why->key, why->s);
	for (size_t i = 0; i < c->dynamic.n && i < 3; i++)
		buf_printf(&b, "%s%s", why || i ? "; " : "", c->dynamic.v[i]);
	buf_putc(&b, ')');
	strv_push_take(&gs->scripts, buf_steal(&b));
}

/* Reads the file, unless it is a key or not text. */
static int read_text(struct probe_ctx *ctx, struct guests *gs, const char *path, struct buf *text)
{
	struct err e = ERR_INIT;
	if (root_read(ctx->root, path, 1u << 20, text, &e) < 0) {
		skip(gs, path, err_msg(&e));
		err_clear(&e);
		return -1;
	}
	enum sniff s = sniff_content(text->s ? text->s : "", text->len);
	if (s != SNIFF_TEXT) {
		skip(gs, path, sniff_name(s));
		return -1;
	}
	if (text->len >= 2 && text->s[0] == '#' && text->s[1] == '!') {
		skip(gs, path, "a script");
		return -1;
	}
	return 0;
}

int guest_read_xen(struct probe_ctx *ctx, struct guests *gs, const char *path, struct guest *g)
{
	const char *why = not_a_guest_by_name(path);
	if (why) {
		skip(gs, path, why);
		return 0;
	}
	struct buf text = BUF_INIT;
	if (read_text(ctx, gs, path, &text) < 0) {
		buf_free(&text);
		return 0;
	}
	struct xcfg c;
	xcfg_parse(text.s ? text.s : "", text.len, &c);
	buf_free(&text);
	int found = 0;
	const struct xcfg_entry *name = xcfg_get(&c, "name"), *unknown = unknown_setting(&c);
	if (!has_domain_setting(&c)) {
		/* Nothing of it is quoted: it may be anything, a secret too. */
		skip(gs, path, c.n ? "sets none of a domain's settings (name, memory, disk...)" : "holds no settings");
	} else if (unknown || (c.dynamic.n && !name)) {
		note_script(gs, path, &c, unknown);
	} else if (!name || name->type != XCFG_STR) {
		strv_push(&gs->configs, path);
		strv_push_take(&gs->errors, xasprintf("%s: no name = \"...\" setting", path));
	} else {
		strv_push(&gs->configs, path);
		/* In a file with Python code in it a line this reader cannot
		 * follow is no finding: xm ran the file, not this reader. */
		if (c.dynamic.n && c.errors.n)
			note_script(gs, path, &c, NULL);
		else
			for (size_t i = 0; i < c.errors.n; i++)
				strv_push_take(&gs->errors, xasprintf("%s:%s", path, c.errors.v[i]));
		guest_init(g, path);
		guest_from_cfg(gs, path, &c, g);
		found = 1;
	}
	xcfg_free(&c);
	return found;
}

static long long sxp_number(const struct sxp *s, const char *name, long long dflt)
{
	const char *v = sxp_value(s, name);
	long long n;
	return v && str_to_ll(v, &n) == 0 ? n : dflt;
}

static void xend_devices(const struct sxp *dom, struct guest *g)
{
	for (size_t i = 1; i < dom->n; i++) {
		const struct sxp *d = &dom->kids[i];
		if (!sxp_head(d) || strcmp(sxp_head(d), "device") || d->n < 2)
			continue;
		const struct sxp *dev = &d->kids[1];
		const char *kind = sxp_head(dev);
		if (!kind)
			continue;
		if (!strcmp(kind, "vif") && sxp_value(dev, "mac")) {
			strv_push(&g->macs, sxp_value(dev, "mac"));
		} else if (!strcmp(kind, "vbd") || !strcmp(kind, "tap") || !strcmp(kind, "tap2")) {
			const char *uname = sxp_value(dev, "uname"), *vdev = sxp_value(dev, "dev");
			if (uname && *uname) {
				_cleanup_free_ char *spec = xasprintf("%s,%s", uname, vdev ? vdev : "");
				add_disk(g, spec);
			}
		}
	}
}

int guest_read_xend(struct probe_ctx *ctx, struct guests *gs, const char *path, struct guest *g)
{
	struct buf text = BUF_INIT;
	if (read_text(ctx, gs, path, &text) < 0) {
		buf_free(&text);
		return 0;
	}
	struct sxp dom;
	int line = 0;
	int r = sxp_parse(text.s ? text.s : "", text.len, &dom, &line);
	buf_free(&text);
	strv_push(&gs->configs, path);
	if (r < 0) {
		strv_push_take(&gs->errors, xasprintf("%s:%d: not a balanced S-expression", path, line));
		return 0;
	}
	const char *name = sxp_value(&dom, "name");
	if (!sxp_head(&dom) || strcmp(sxp_head(&dom), "domain") || !name) {
		strv_push_take(&gs->errors, xasprintf("%s: not a (domain (name ...)) record", path));
		sxp_free(&dom);
		return 0;
	}
	guest_init(g, path);
	g->name = xstrdup(name);
	if (sxp_value(&dom, "uuid"))
		g->uuid = guest_uuid_canonical(sxp_value(&dom, "uuid"));
	g->vcpus = sxp_number(&dom, "vcpus", 1);
	long long avail = sxp_number(&dom, "vcpu_avail", 0);
	g->vcpus_online = avail ? __builtin_popcountll((unsigned long long)avail) : g->vcpus;
	if (g->vcpus_online > g->vcpus)
		g->vcpus_online = g->vcpus;
	g->memory_mib = sxp_number(&dom, "memory", 128);
	g->maxmem_mib = sxp_number(&dom, "maxmem", g->memory_mib);
	xend_devices(&dom, g);
	sxp_free(&dom);
	return 1;
}

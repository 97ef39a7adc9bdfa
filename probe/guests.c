/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Guest configurations: Xen's /etc/xen/NAME files (the seed's Figure 7)
 * and libvirt domain XML under /etc/libvirt/qemu and /etc/libvirt/libxl.
 * Facts per guest (guest.NAME.vcpus, .memory_mib, .macs, .disks,
 * .disks_missing, .uuid, .file) and across them (guest.names, guest.count,
 * guest.parse_errors, guest.mac_duplicates, guest.uuid_duplicates,
 * guest.name_duplicates, guest.disk_dirs, guest.memory_total_mib).  A file
 * that does not parse is a finding with file:line, never a crash. */
#include <ctype.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <string.h>
#include <strings.h>

#include "core/root.h"
#include "probe/probe.h"
#include "probe/xencfg.h"

static const char *const patterns[] = { "guest.names", "guest.count", "guest.configs", "guest.parse_errors",
					"guest.mac_duplicates", "guest.uuid_duplicates", "guest.name_duplicates",
					"guest.disk_dirs", "guest.memory_total_mib", "guest.*.vcpus", "guest.*.memory_mib",
					"guest.*.macs", "guest.*.disks", "guest.*.disks_missing", "guest.*.uuid",
					"guest.*.file", NULL };

/* Files in /etc/xen that are not domain configs. */
static bool xen_skip(const char *name)
{
	static const char *const skip[] = { "xend-config.sxp", "xend-pci-permissive.sxp", "xend-pci-quirks.sxp",
					    "xl.conf", "xlexample.hvm", "xlexample.pvlinux", "xlexample.pvhlinux",
					    "cpupool", "README", "README.incompatibilities", "oxenstored.conf",
					    "qemu-ifup", "xm-config.xml" };
	if (name[0] == '.' || str_ends(name, "~") || str_ends(name, ".sxp") || str_ends(name, ".xml") || str_ends(name, ".rpmnew") ||
	    str_ends(name, ".rpmsave") || str_ends(name, ".dpkg-old") || str_ends(name, ".dpkg-dist"))
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(skip); i++)
		if (strcmp(name, skip[i]) == 0)
			return true;
	return false;
}

struct guest {
	char *name, *file, *uuid;
	long long vcpus, memory_mib;
	struct strv macs, disks;
};

struct guests {
	struct guest *v;
	size_t n;
	struct strv configs, errors;
};

static struct guest *guest_new(struct guests *gs, const char *file)
{
	gs->v = xrealloc(gs->v, (gs->n + 1) * sizeof(*gs->v));
	struct guest *g = &gs->v[gs->n++];
	memset(g, 0, sizeof(*g));
	g->file = xstrdup(file);
	g->vcpus = 1;
	return g;
}

static void load_xen(struct probe_ctx *ctx, struct guests *gs, const char *path)
{
	struct buf text = BUF_INIT;
	struct err e = ERR_INIT;
	if (root_read(ctx->root, path, 1u << 20, &text, &e) < 0) {
		strv_push_take(&gs->errors, xasprintf("%s", err_msg(&e)));
		err_clear(&e);
		buf_free(&text);
		return;
	}
	strv_push(&gs->configs, path);
	struct xcfg c;
	xcfg_parse(text.s ? text.s : "", text.len, &c);
	buf_free(&text);
	for (size_t i = 0; i < c.errors.n; i++)
		strv_push_take(&gs->errors, xasprintf("%s:%s", path, c.errors.v[i]));
	const struct xcfg_entry *name = xcfg_get(&c, "name");
	if (!name || name->type == XCFG_LIST) {
		strv_push_take(&gs->errors, xasprintf("%s: no name = \"...\" setting", path));
		xcfg_free(&c);
		return;
	}
	struct guest *g = guest_new(gs, path);
	g->name = xstrdup(name->s);
	const struct xcfg_entry *v;
	if ((v = xcfg_get(&c, "uuid")) && v->type == XCFG_STR)
		g->uuid = xstrdup(v->s);
	if ((v = xcfg_get(&c, "vcpus"))) {
		long long n;
		if (v->type == XCFG_INT)
			g->vcpus = v->i;
		else if (v->type == XCFG_STR && str_to_ll(v->s, &n) == 0)
			g->vcpus = n;
		else
			strv_push_take(&gs->errors, xasprintf("%s:%d: vcpus is not a number", path, v->line));
	}
	/* memory is in MiB, often quoted ("1000") as in the seed. */
	g->memory_mib = 128; /* xm's default */
	if ((v = xcfg_get(&c, "memory"))) {
		long long n;
		if (v->type == XCFG_INT)
			g->memory_mib = v->i;
		else if (v->type == XCFG_STR && str_to_ll(v->s, &n) == 0)
			g->memory_mib = n;
		else
			strv_push_take(&gs->errors, xasprintf("%s:%d: memory is not a number", path, v->line));
	}
	if ((v = xcfg_get(&c, "vif")) && v->type == XCFG_LIST)
		for (size_t i = 0; i < v->list.n; i++) {
			char *mac = xcfg_vif_mac(v->list.v[i]);
			if (mac)
				strv_push_take(&g->macs, mac);
		}
	if ((v = xcfg_get(&c, "disk")) && v->type == XCFG_LIST)
		for (size_t i = 0; i < v->list.n; i++) {
			char *p = xcfg_disk_path(v->list.v[i]);
			if (p)
				strv_push_take(&g->disks, p);
		}
	xcfg_free(&c);
}

static const char *xml_text(xmlNode *n)
{
	return n && n->children && n->children->type == XML_TEXT_NODE ? (const char *)n->children->content : NULL;
}

static xmlNode *xml_child(xmlNode *n, const char *name)
{
	for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
			return c;
	return NULL;
}

static long long mib_from(const char *text, const char *unit)
{
	long long v = atoll(text);
	if (!unit || !strcasecmp(unit, "KiB") || !strcasecmp(unit, "k"))
		return v / 1024;
	if (!strcasecmp(unit, "b") || !strcasecmp(unit, "bytes"))
		return v / (1024 * 1024);
	if (!strcasecmp(unit, "MiB") || !strcasecmp(unit, "M"))
		return v;
	if (!strcasecmp(unit, "GiB") || !strcasecmp(unit, "G"))
		return v * 1024;
	if (!strcasecmp(unit, "KB"))
		return v * 1000 / (1024 * 1024);
	if (!strcasecmp(unit, "MB"))
		return v * 1000 * 1000 / (1024 * 1024);
	if (!strcasecmp(unit, "GB"))
		return v * 1000 * 1000 * 1000 / (1024 * 1024);
	return v / 1024;
}

static void load_libvirt(struct probe_ctx *ctx, struct guests *gs, const char *path)
{
	struct buf text = BUF_INIT;
	struct err e = ERR_INIT;
	if (root_read(ctx->root, path, 4u << 20, &text, &e) < 0) {
		strv_push_take(&gs->errors, xasprintf("%s", err_msg(&e)));
		err_clear(&e);
		buf_free(&text);
		return;
	}
	strv_push(&gs->configs, path);
	xmlResetLastError();
	xmlDoc *doc = xmlReadMemory(text.s ? text.s : "", (int)text.len, path, NULL,
				    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOENT * 0);
	buf_free(&text);
	if (!doc) {
		const xmlError *xe = xmlGetLastError();
		if (xe) {
			_cleanup_free_ char *msg = xstrdup(xe->message ? xe->message : "malformed XML");
			strv_push_take(&gs->errors, xasprintf("%s:%d:%d: %s", path, xe->line, xe->int2, str_strip(msg)));
		} else {
			strv_push_take(&gs->errors, xasprintf("%s: malformed XML", path));
		}
		return;
	}
	xmlNode *root = xmlDocGetRootElement(doc);
	const char *name = xml_text(xml_child(root, "name"));
	if (!root || strcmp((const char *)root->name, "domain") != 0 || !name) {
		strv_push_take(&gs->errors, xasprintf("%s:%d: not a libvirt <domain> with a <name>", path, root ? root->line : 1));
		xmlFreeDoc(doc);
		return;
	}
	struct guest *g = guest_new(gs, path);
	g->name = xstrdup(name);
	const char *uuid = xml_text(xml_child(root, "uuid"));
	if (uuid)
		g->uuid = xstrdup(uuid);
	const char *vcpu = xml_text(xml_child(root, "vcpu"));
	if (vcpu)
		g->vcpus = atoll(vcpu);
	xmlNode *mem = xml_child(root, "memory");
	if (xml_text(mem)) {
		xmlChar *unit = xmlGetProp(mem, (const xmlChar *)"unit");
		g->memory_mib = mib_from(xml_text(mem), (const char *)unit);
		xmlFree(unit);
	}
	xmlNode *devs = xml_child(root, "devices");
	for (xmlNode *d = devs ? devs->children : NULL; d; d = d->next) {
		if (d->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp((const char *)d->name, "disk") == 0) {
			xmlNode *src = xml_child(d, "source");
			xmlChar *f = src ? xmlGetProp(src, (const xmlChar *)"file") : NULL;
			if (!f && src)
				f = xmlGetProp(src, (const xmlChar *)"dev");
			if (f)
				strv_push(&g->disks, (const char *)f);
			xmlFree(f);
		} else if (strcmp((const char *)d->name, "interface") == 0) {
			xmlNode *mac = xml_child(d, "mac");
			xmlChar *a = mac ? xmlGetProp(mac, (const xmlChar *)"address") : NULL;
			if (a)
				strv_push(&g->macs, (const char *)a);
			xmlFree(a);
		}
	}
	xmlFreeDoc(doc);
}

static struct guests *load(struct probe_ctx *ctx)
{
	struct guests *gs = ctx->state[PROBE_STATE_GUESTS];
	if (gs)
		return gs;
	gs = xcalloc(1, sizeof(*gs));
	ctx->state[PROBE_STATE_GUESTS] = gs;
	struct strv names = { 0 };
	if (root_list_dir(ctx->root, "/etc/xen", &names) == 0)
		for (size_t i = 0; i < names.n; i++) {
			_cleanup_free_ char *p = xasprintf("/etc/xen/%s", names.v[i]);
			if (!xen_skip(names.v[i]) && !root_is_dir(ctx->root, p) && root_exists(ctx->root, p))
				load_xen(ctx, gs, p);
		}
	strv_free(&names);
	/* xl's auto-start directory holds links to the same configs. */
	static const char *const xmldirs[] = { "/etc/libvirt/qemu", "/etc/libvirt/libxl" };
	for (size_t d = 0; d < ARRAY_SIZE(xmldirs); d++) {
		if (root_list_dir(ctx->root, xmldirs[d], &names) == 0)
			for (size_t i = 0; i < names.n; i++)
				if (str_ends(names.v[i], ".xml")) {
					_cleanup_free_ char *p = xasprintf("%s/%s", xmldirs[d], names.v[i]);
					load_libvirt(ctx, gs, p);
				}
		strv_free(&names);
	}
	return gs;
}

static void cleanup(struct probe_ctx *ctx)
{
	struct guests *gs = ctx->state[PROBE_STATE_GUESTS];
	if (!gs)
		return;
	for (size_t i = 0; i < gs->n; i++) {
		free(gs->v[i].name);
		free(gs->v[i].file);
		free(gs->v[i].uuid);
		strv_free(&gs->v[i].macs);
		strv_free(&gs->v[i].disks);
	}
	free(gs->v);
	strv_free(&gs->configs);
	strv_free(&gs->errors);
	free(gs);
	ctx->state[PROBE_STATE_GUESTS] = NULL;
}

/* Values that occur in more than one guest: "value: guestA, guestB". */
static void duplicates(struct guests *gs, int what, struct strv *out)
{
	struct strv seen = { 0 };
	for (size_t i = 0; i < gs->n; i++) {
		struct strv vals = { 0 };
		if (what == 0)
			for (size_t k = 0; k < gs->v[i].macs.n; k++)
				strv_push(&vals, gs->v[i].macs.v[k]);
		else if (what == 1 && gs->v[i].uuid)
			strv_push(&vals, gs->v[i].uuid);
		else if (what == 2)
			strv_push(&vals, gs->v[i].name);
		for (size_t k = 0; k < vals.n; k++) {
			_cleanup_free_ char *key = xstrdup(vals.v[k]);
			for (char *c = key; *c; c++)
				*c = (char)tolower((unsigned char)*c);
			if (strv_contains(&seen, key))
				continue;
			struct buf who = BUF_INIT;
			size_t count = 0;
			for (size_t j = 0; j < gs->n; j++) {
				bool has = false;
				if (what == 0)
					for (size_t m = 0; m < gs->v[j].macs.n; m++)
						has |= strcasecmp(gs->v[j].macs.v[m], key) == 0;
				else if (what == 1)
					has = gs->v[j].uuid && strcasecmp(gs->v[j].uuid, key) == 0;
				else
					has = strcasecmp(gs->v[j].name, key) == 0;
				if (has) {
					buf_printf(&who, "%s%s (%s)", count ? ", " : "", gs->v[j].name, gs->v[j].file);
					count++;
				}
			}
			if (count > 1)
				strv_push_take(out, xasprintf("%s: %s", key, buf_str(&who)));
			buf_free(&who);
			strv_push(&seen, key);
		}
		strv_free(&vals);
	}
	strv_free(&seen);
}

static void fill_all(struct probe_ctx *ctx, struct guests *gs)
{
	struct facts *fs = &ctx->facts;
	struct strv names = { 0 }, list = { 0 };
	for (size_t i = 0; i < gs->n; i++)
		if (!strv_contains(&names, gs->v[i].name))
			strv_push(&names, gs->v[i].name);
	size_t nn = names.n;
	facts_set_list_take(fs, "guest.names", &names, "%zu guests in /etc/xen, /etc/libvirt/qemu, /etc/libvirt/libxl", nn);
	facts_set_int(fs, "guest.count", (long long)gs->n, "%zu guest configurations parsed", gs->n);
	struct strv cfgs = { 0 };
	for (size_t i = 0; i < gs->configs.n; i++)
		strv_push(&cfgs, gs->configs.v[i]);
	facts_set_list_take(fs, "guest.configs", &cfgs, "configuration files read");
	for (size_t i = 0; i < gs->errors.n; i++)
		strv_push(&list, gs->errors.v[i]);
	facts_set_list_take(fs, "guest.parse_errors", &list, "%zu problems in %zu files", gs->errors.n, gs->configs.n);
	duplicates(gs, 0, &list);
	facts_set_list_take(fs, "guest.mac_duplicates", &list, "MAC addresses of every vif/interface");
	duplicates(gs, 1, &list);
	facts_set_list_take(fs, "guest.uuid_duplicates", &list, "uuid of every guest");
	duplicates(gs, 2, &list);
	facts_set_list_take(fs, "guest.name_duplicates", &list, "name of every guest");
	long long total = 0;
	for (size_t i = 0; i < gs->n; i++) {
		total += gs->v[i].memory_mib;
		for (size_t k = 0; k < gs->v[i].disks.n; k++) {
			const char *d = gs->v[i].disks.v[k];
			if (str_starts(d, "/dev/"))
				continue; /* block devices carry no image label */
			_cleanup_free_ char *dir = xstrdup(d);
			char *slash = strrchr(dir, '/');
			if (slash == dir)
				slash[1] = '\0';
			else if (slash)
				*slash = '\0';
			if (!strv_contains(&list, dir))
				strv_push(&list, dir);
		}
	}
	facts_set_list_take(fs, "guest.disk_dirs", &list, "directories holding the guests' image files");
	facts_set_int(fs, "guest.memory_total_mib", total, "sum of the memory of %zu guests", gs->n);
}

static void fill_guest(struct probe_ctx *ctx, struct guests *gs, const char *gname, const char *attr, const char *fname)
{
	struct facts *fs = &ctx->facts;
	struct guest *g = NULL;
	for (size_t i = 0; i < gs->n && !g; i++)
		if (strcmp(gs->v[i].name, gname) == 0)
			g = &gs->v[i];
	if (!g) {
		facts_set_status(fs, fname, FACT_MISSING, "no guest named %s", gname);
		return;
	}
	struct strv list = { 0 };
	if (strcmp(attr, "vcpus") == 0) {
		facts_set_int(fs, fname, g->vcpus, "%s", g->file);
	} else if (strcmp(attr, "memory_mib") == 0) {
		facts_set_int(fs, fname, g->memory_mib, "%s", g->file);
	} else if (strcmp(attr, "uuid") == 0) {
		if (g->uuid)
			facts_set_str(fs, fname, g->uuid, "%s", g->file);
		else
			facts_set_status(fs, fname, FACT_MISSING, "%s sets no uuid", g->file);
	} else if (strcmp(attr, "file") == 0) {
		facts_set_str(fs, fname, g->file, "configuration file");
	} else if (strcmp(attr, "macs") == 0) {
		for (size_t i = 0; i < g->macs.n; i++)
			strv_push(&list, g->macs.v[i]);
		facts_set_list_take(fs, fname, &list, "%s", g->file);
	} else if (strcmp(attr, "disks") == 0) {
		for (size_t i = 0; i < g->disks.n; i++)
			strv_push(&list, g->disks.v[i]);
		facts_set_list_take(fs, fname, &list, "%s", g->file);
	} else if (strcmp(attr, "disks_missing") == 0) {
		for (size_t i = 0; i < g->disks.n; i++)
			if (!root_exists(ctx->root, g->disks.v[i]))
				strv_push(&list, g->disks.v[i]);
		facts_set_list_take(fs, fname, &list, "%zu disks of %s checked", g->disks.n, g->file);
	}
}

static void resolve(struct probe_ctx *ctx, const char *name)
{
	struct guests *gs = load(ctx);
	if (probe_once(ctx, "guests.all"))
		fill_all(ctx, gs);
	if (facts_get(&ctx->facts, name))
		return;
	const char *rest = name + strlen("guest.");
	const char *dot = strrchr(rest, '.');
	if (!dot || dot == rest)
		return;
	_cleanup_free_ char *gname = xstrndup(rest, (size_t)(dot - rest));
	fill_guest(ctx, gs, gname, dot + 1, name);
}

const struct probe probe_guests = {
	.name = "guests",
	.summary = "guest configurations: /etc/xen/*, libvirt domain XML",
	.patterns = patterns,
	.resolve = resolve,
	.cleanup = cleanup,
};

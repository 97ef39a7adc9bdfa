/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Guest configurations, from every place a toolstack keeps them: Xen's
 * /etc/xen/NAME files and /etc/xen/auto (what xendomains starts at boot),
 * the domains xend manages (/var/lib/xend/domains), libvirt's domain XML
 * under /etc/libvirt/qemu and /etc/libvirt/libxl (and their autostart/).
 * Facts per guest (guest.NAME.vcpus, .vcpus_online, .memory_mib,
 * .maxmem_mib, .hugepage_kib, .numa_nodeset, .vsock, .nested, .pins, .launch_security, .macs, .disks, .remote_disks, .disks_missing, .uuid, .file,
 * .autostart) and across them (guest.names, guest.count, guest.configs,
 * guest.parse_errors, guest.skipped, guest.copies, guest.scripts, guest.autostart,
 * guest.mac_duplicates, guest.uuid_duplicates, guest.name_duplicates,
 * guest.disk_dirs, guest.memory_total_mib).  A file that does not parse is
 * a finding with file:line, never a crash. */
#include <ctype.h>
#include <limits.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "core/module.h"
#include "core/root.h"
#include "probe/guest_copy.h"
#include "probe/guest.h"
#include "probe/guest_xen.h"
#include "probe/guest_xml.h"
#include "probe/ask.h"

static const char *const patterns[] = { "guest.names", "guest.count", "guest.configs", "guest.parse_errors",
					"guest.skipped", "guest.copies", "guest.scripts", "guest.autostart", "guest.mac_duplicates",
					"guest.uuid_duplicates", "guest.name_duplicates", "guest.disk_dirs",
					"guest.memory_total_mib", "guest.*.vcpus", "guest.*.vcpus_online",
					"guest.*.memory_mib", "guest.*.maxmem_mib", "guest.*.hugepage_kib", "guest.*.numa_nodeset", "guest.*.vsock", "guest.*.nested", "guest.*.pins", "guest.*.launch_security", "guest.*.macs", "guest.*.disks",
					"guest.*.remote_disks", "guest.*.disks_missing", "guest.*.uuid", "guest.*.file",
					"guest.*.autostart", NULL };

static struct guest *by_name(struct guests *gs, const char *name)
{
	for (size_t i = 0; i < gs->n; i++)
		if (strcmp(gs->v[i].name, name) == 0)
			return &gs->v[i];
	return NULL;
}

static void copy_list(const struct strv *from, struct strv *to)
{
	for (size_t i = 0; i < from->n; i++)
		strv_push(to, from->v[i]);
}

static void free_findings(struct guests *one)
{
	strv_free(&one->configs);
	strv_free(&one->errors);
	strv_free(&one->skipped);
	strv_free(&one->scripts);
}

/* One file of /etc/xen, read on its own: whether it is a copy of another
 * is only known once every file of the directory is read. */
struct xen_file {
	struct guests found;
	struct guest g;
	bool is_guest;
};

/* A copy is no guest: its parse errors, disks and MACs are no findings
 * (it is not what runs), and the reason is all that is left of it. */
static void add_xen_file(struct guests *gs, struct xen_file *f, char *copy_of)
{
	if (copy_of) {
		char *line = xasprintf("%s: %s", f->g.file, copy_of);
		strv_push(&gs->copies, line);
		strv_push_take(&gs->skipped, line);
		copy_list(&f->found.skipped, &gs->skipped);
		guest_free(&f->g);
	} else {
		copy_list(&f->found.configs, &gs->configs);
		copy_list(&f->found.errors, &gs->errors);
		copy_list(&f->found.skipped, &gs->skipped);
		copy_list(&f->found.scripts, &gs->scripts);
		if (f->is_guest)
			guests_add(gs, &f->g);
	}
	free_findings(&f->found);
}

static void load_xen_dir(struct probe_ctx *ctx, struct guests *gs)
{
	struct strv names = { 0 };
	if (root_list_dir(ctx->root, "/etc/xen", &names) < 0)
		return;
	struct xen_file *files = xcalloc(names.n + 1, sizeof(*files));
	struct guest **read = xcalloc(names.n + 1, sizeof(*read));
	size_t *at = xcalloc(names.n + 1, sizeof(*at)), n = 0;
	for (size_t i = 0; i < names.n; i++) {
		_cleanup_free_ char *p = xasprintf("/etc/xen/%s", names.v[i]);
		if (root_is_dir(ctx->root, p) || !root_exists(ctx->root, p))
			continue;
		files[i].is_guest = guest_read_xen(ctx, &files[i].found, p, &files[i].g) == 1;
		if (files[i].is_guest) {
			at[n] = i;
			read[n++] = &files[i].g;
		}
	}
	/* Decided on every file before any is added: guests_add moves a guest. */
	char **copy_of = xcalloc(names.n + 1, sizeof(*copy_of));
	for (size_t k = 0; k < n; k++)
		(void)guest_copy_find(read, n, k, &copy_of[at[k]]);
	for (size_t i = 0; i < names.n; i++) {
		add_xen_file(gs, &files[i], copy_of[i]);
		free(copy_of[i]);
	}
	free(copy_of);
	free(at);
	free(read);
	free(files);
	strv_free(&names);
}

/* /etc/xen/auto: links to (or copies of) the configs xendomains starts at
 * boot.  One that names a guest already read marks it; any other is a
 * guest of its own. */
static void load_xen_auto(struct probe_ctx *ctx, struct guests *gs)
{
	struct strv names = { 0 };
	if (root_list_dir(ctx->root, "/etc/xen/auto", &names) == 0)
		for (size_t i = 0; i < names.n; i++) {
			_cleanup_free_ char *p = xasprintf("/etc/xen/auto/%s", names.v[i]);
			struct guests probe = { 0 };
			struct guest g;
			if (root_is_dir(ctx->root, p) || !guest_read_xen(ctx, &probe, p, &g)) {
				for (size_t k = 0; k < probe.skipped.n; k++)
					strv_push(&gs->skipped, probe.skipped.v[k]);
			} else if (by_name(gs, g.name)) {
				by_name(gs, g.name)->autostart = true;
				guest_free(&g);
			} else {
				g.autostart = true;
				for (size_t k = 0; k < probe.errors.n; k++)
					strv_push(&gs->errors, probe.errors.v[k]);
				strv_push(&gs->configs, p);
				guests_add(gs, &g);
			}
			strv_free(&probe.skipped);
			strv_free(&probe.errors);
			strv_free(&probe.configs);
			strv_free(&probe.scripts);
		}
	strv_free(&names);
}

/* What "xm new" handed to xend.  xend keeps the guest of a file in
 * /etc/xen that was imported this way under the same name and UUID: one
 * guest, not two. */
static void load_xend(struct probe_ctx *ctx, struct guests *gs)
{
	struct strv names = { 0 };
	if (root_list_dir(ctx->root, "/var/lib/xend/domains", &names) == 0)
		for (size_t i = 0; i < names.n; i++) {
			_cleanup_free_ char *p = xasprintf("/var/lib/xend/domains/%s/config.sxp", names.v[i]);
			struct guest g;
			if (!root_exists(ctx->root, p) || !guest_read_xend(ctx, gs, p, &g))
				continue;
			struct guest *same = by_name(gs, g.name);
			if (!strcmp(g.name, "Domain-0") ||
			    (same && (!same->uuid || !g.uuid || strcmp(same->uuid, g.uuid) == 0)))
				guest_free(&g);
			else
				guests_add(gs, &g);
		}
	strv_free(&names);
}

static void load_libvirt_dir(struct probe_ctx *ctx, struct guests *gs, const char *dir)
{
	struct strv names = { 0 };
	if (root_list_dir(ctx->root, dir, &names) == 0)
		for (size_t i = 0; i < names.n; i++) {
			_cleanup_free_ char *p = xasprintf("%s/%s", dir, names.v[i]), *a = xasprintf("%s/autostart/%s", dir, names.v[i]);
			/* libvirtd loads every NAME.xml here and nothing else: a
			 * NAME.xml.bak is never a domain, a NAME-old.xml always is. */
			if (!str_ends(names.v[i], ".xml")) {
				if (!root_is_dir(ctx->root, p))
					strv_push_take(&gs->skipped, xasprintf("%s: libvirt loads only *.xml from %s", p, dir));
				continue;
			}
			/* libxml2 only where there is a domain to read. */
			struct err e = ERR_INIT;
			__typeof__(&guest_read_libvirt) read_xml = MODULE_FN("probe-xml", guest_read_libvirt, &e);
			if (!read_xml) {
				strv_push_take(&gs->errors, xasprintf("%s: not read: %s", p, err_msg(&e)));
				err_clear(&e);
				continue;
			}
			struct guest g;
			if (!read_xml(ctx, gs, p, &g))
				continue;
			g.autostart = root_exists(ctx->root, a);
			guests_add(gs, &g);
		}
	strv_free(&names);
}

static struct guests *load(struct probe_ctx *ctx)
{
	bool fresh;
	struct guests *gs = probe_state(ctx, PROBE_STATE_GUESTS, sizeof(*gs), &fresh);
	if (!fresh)
		return gs;
	load_xen_dir(ctx, gs);
	load_xen_auto(ctx, gs);
	load_xend(ctx, gs);
	load_libvirt_dir(ctx, gs, "/etc/libvirt/qemu");
	load_libvirt_dir(ctx, gs, "/etc/libvirt/libxl");
	return gs;
}

static void cleanup(struct probe_ctx *ctx)
{
	struct guests *gs = probe_state_take(ctx, PROBE_STATE_GUESTS);
	if (!gs)
		return;
	for (size_t i = 0; i < gs->n; i++)
		guest_free(&gs->v[i]);
	free(gs->v);
	strv_free(&gs->configs);
	strv_free(&gs->errors);
	strv_free(&gs->skipped);
	strv_free(&gs->copies);
	strv_free(&gs->scripts);
	free(gs);
}

enum dup_what { DUP_MAC, DUP_UUID, DUP_NAME };

static bool guest_has(const struct guest *g, enum dup_what what, const char *key)
{
	if (what == DUP_MAC) {
		for (size_t m = 0; m < g->macs.n; m++)
			if (strcasecmp(g->macs.v[m], key) == 0)
				return true;
		return false;
	}
	if (what == DUP_UUID)
		return g->uuid && strcasecmp(g->uuid, key) == 0;
	return strcasecmp(g->name, key) == 0;
}

/* Values that occur in more than one guest: "value: guestA, guestB". */
static void duplicates(struct guests *gs, enum dup_what what, struct strv *out)
{
	struct strv seen = { 0 };
	for (size_t i = 0; i < gs->n; i++) {
		const struct guest *g = &gs->v[i];
		struct strv vals = { 0 };
		if (what == DUP_MAC)
			for (size_t k = 0; k < g->macs.n; k++)
				strv_push(&vals, g->macs.v[k]);
		else if (what == DUP_UUID && g->uuid)
			strv_push(&vals, g->uuid);
		else if (what == DUP_NAME)
			strv_push(&vals, g->name);
		for (size_t k = 0; k < vals.n; k++) {
			_cleanup_free_ char *key = xstrdup(vals.v[k]);
			for (char *c = key; *c; c++)
				*c = (char)tolower((unsigned char)*c);
			if (strv_contains(&seen, key))
				continue;
			struct buf who = BUF_INIT;
			size_t count = 0;
			for (size_t j = 0; j < gs->n; j++)
				if (guest_has(&gs->v[j], what, key))
					buf_printf(&who, "%s%s (%s)", count++ ? ", " : "", gs->v[j].name, gs->v[j].file);
			if (count > 1)
				strv_push_take(out, xasprintf("%s: %s", key, buf_str(&who)));
			buf_free(&who);
			strv_push(&seen, key);
		}
		strv_free(&vals);
	}
	strv_free(&seen);
}

static void fill_disk_dirs(struct probe_ctx *ctx, struct guests *gs)
{
	struct strv list = { 0 };
	for (size_t i = 0; i < gs->n; i++)
		for (size_t k = 0; k < gs->v[i].disks.n; k++) {
			const char *d = gs->v[i].disks.v[k];
			if (str_starts(d, "/dev/") || d[0] != '/')
				continue; /* block devices carry no image label */
			_cleanup_free_ char *dir = path_dir(d);
			if (!strv_contains(&list, dir))
				strv_push(&list, dir);
		}
	facts_set_list_take(&ctx->facts, "guest.disk_dirs", &list, "directories holding the guests' image files");
}

/* The copies left out of the duplicates, by file name, for the evidence. */
static void copies_said(const struct guests *gs, struct buf *out)
{
	if (!gs->copies.n)
		return;
	buf_printf(out, "; not guests, copies of a config (guest.copies): ");
	for (size_t i = 0; i < gs->copies.n; i++) {
		const char *line = gs->copies.v[i], *end = strstr(line, ": a copy of ");
		buf_printf(out, "%s%.*s", i ? ", " : "", (int)(end ? end - line : (ptrdiff_t)strlen(line)), line);
	}
}

static void fill_all(struct probe_ctx *ctx, struct guests *gs)
{
	struct facts *fs = &ctx->facts;
	struct strv names = { 0 }, list = { 0 }, autostart = { 0 };
	long long total = 0;
	const struct guest *unsized = NULL; /* a size refused (guest.parse_errors) */
	for (size_t i = 0; i < gs->n; i++) {
		if (!strv_contains(&names, gs->v[i].name))
			strv_push(&names, gs->v[i].name);
		if (gs->v[i].autostart && !strv_contains(&autostart, gs->v[i].name))
			strv_push(&autostart, gs->v[i].name);
		if (gs->v[i].memory_mib < 0)
			unsized = &gs->v[i];
		else if (__builtin_add_overflow(total, gs->v[i].memory_mib, &total))
			total = LLONG_MAX;
	}
	size_t nn = names.n;
	facts_set_list_take(fs, "guest.names", &names,
			    "%zu guests in /etc/xen, /var/lib/xend/domains, /etc/libvirt/qemu, /etc/libvirt/libxl%s", nn,
			    gs->copies.n ? "; copies of a config not counted (guest.copies)" : "");
	facts_set_int(fs, "guest.count", (long long)gs->n, "%zu guest configurations read", gs->n);
	facts_set_list_take(fs, "guest.autostart", &autostart, "/etc/xen/auto, libvirt's autostart links");
	copy_list(&gs->configs, &list);
	facts_set_list_take(fs, "guest.configs", &list, "configuration files read");
	copy_list(&gs->skipped, &list);
	facts_set_list_take(fs, "guest.skipped", &list, "files beside the guest configs that are not guests");
	copy_list(&gs->copies, &list);
	facts_set_list_take(fs, "guest.copies", &list, "configs kept beside another under its name plus a copy suffix");
	copy_list(&gs->scripts, &list);
	facts_set_list_take(fs, "guest.scripts", &list, "Python configs whose guest only xm can tell");
	copy_list(&gs->errors, &list);
	struct buf ev = BUF_INIT;
	buf_printf(&ev, "%zu problems in %zu files", gs->errors.n, gs->configs.n);
	if (gs->scripts.n)
		buf_printf(&ev, "; not checked: %zu Python script(s) evaluated by xm (guest.scripts)", gs->scripts.n);
	facts_set_list_take(fs, "guest.parse_errors", &list, "%s", buf_str(&ev));
	buf_free(&ev);
	duplicates(gs, DUP_MAC, &list);
	facts_set_list_take(fs, "guest.mac_duplicates", &list, "MAC addresses of every vif/interface");
	duplicates(gs, DUP_UUID, &list);
	facts_set_list_take(fs, "guest.uuid_duplicates", &list, "uuid of every guest");
	duplicates(gs, DUP_NAME, &list);
	copies_said(gs, &ev);
	facts_set_list_take(fs, "guest.name_duplicates", &list, "name of every guest%s", buf_str(&ev));
	buf_free(&ev);
	fill_disk_dirs(ctx, gs);
	if (unsized)
		facts_set_status(fs, "guest.memory_total_mib", FACT_UNKNOWN, "%s: its memory size was refused (guest-configs-parse)", unsized->file);
	else
		facts_set_int(fs, "guest.memory_total_mib", total, "sum of the boot memory of %zu guests", gs->n);
}

static void fill_disks_missing(struct probe_ctx *ctx, const struct guest *g, const char *fname)
{
	if (ctx->sos && g->disks.n) {
		facts_set_status(&ctx->facts, fname, FACT_UNKNOWN, "an sosreport holds no disk images: %zu disks of %s not checked",
				 g->disks.n, g->file);
		return;
	}
	struct strv list = { 0 };
	for (size_t i = 0; i < g->disks.n; i++)
		if (!root_exists(ctx->root, g->disks.v[i]))
			strv_push(&list, g->disks.v[i]);
	if (g->remote_disks.n)
		facts_set_list_take(&ctx->facts, fname, &list, "%zu local disks of %s checked; %zu network disks not checked from here",
				    g->disks.n, g->file, g->remote_disks.n);
	else
		facts_set_list_take(&ctx->facts, fname, &list, "%zu disks of %s checked", g->disks.n, g->file);
}

static void fill_guest(struct probe_ctx *ctx, struct guests *gs, const char *gname, const char *attr, const char *fname)
{
	struct facts *fs = &ctx->facts;
	struct guest *g = by_name(gs, gname);
	if (!g) {
		facts_set_status(fs, fname, FACT_MISSING, "no guest named %s", gname);
		return;
	}
	struct strv list = { 0 };
	if ((strcmp(attr, "vcpus") == 0 || strcmp(attr, "vcpus_online") == 0) && g->vcpus < 0) {
		facts_set_status(fs, fname, FACT_UNKNOWN, "%s: its vCPU count was refused (guest-configs-parse)", g->file);
	} else if (strcmp(attr, "vcpus") == 0) {
		facts_set_int(fs, fname, g->vcpus, "%s (the most it may have)", g->file);
	} else if (strcmp(attr, "vcpus_online") == 0) {
		facts_set_int(fs, fname, g->vcpus_online, "%s (at boot)", g->file);
	} else if ((strcmp(attr, "memory_mib") == 0 || strcmp(attr, "maxmem_mib") == 0) && g->memory_mib < 0) {
		facts_set_status(fs, fname, FACT_UNKNOWN, "%s: its memory size was refused (guest-configs-parse)", g->file);
	} else if (strcmp(attr, "memory_mib") == 0) {
		facts_set_int(fs, fname, g->memory_mib, "%s (at boot)", g->file);
	} else if (strcmp(attr, "maxmem_mib") == 0) {
		facts_set_int(fs, fname, g->maxmem_mib, "%s (the ceiling)", g->file);
	} else if (strcmp(attr, "hugepage_kib") == 0) {
		if (g->hugepage_kib)
			facts_set_int(fs, fname, g->hugepage_kib, "%s: <memoryBacking><hugepages>%s", g->file,
				      g->hugepage_kib < 0 ? " without a page size: the host's default" : "");
		else
			facts_set_int(fs, fname, 0, "%s: no <memoryBacking><hugepages>", g->file);
	} else if (strcmp(attr, "numa_nodeset") == 0) {
		facts_set_str(fs, fname, g->numa_nodeset ? g->numa_nodeset : "", "%s: %s", g->file,
			      g->numa_nodeset ? "<numatune><memory nodeset>" : "no <numatune> binding (any node)");
	} else if (strcmp(attr, "vsock") == 0) {
		facts_set_bool(fs, fname, g->vsock, "%s: %s", g->file, g->vsock ? "a <vsock> device" : "no <vsock> device");
	} else if (strcmp(attr, "nested") == 0) {
		facts_set_bool(fs, fname, g->nested, "%s: its <cpu> %s vmx/svm", g->file, g->nested ? "passes" : "does not pass");
	} else if (strcmp(attr, "launch_security") == 0) {
		facts_set_str(fs, fname, g->launch_security ? g->launch_security : "none", "%s: %s", g->file,
			      g->launch_security ? "<launchSecurity>" : "no <launchSecurity>");
	} else if (strcmp(attr, "pins") == 0) {
		copy_list(&g->pins, &list);
		facts_set_list_take(fs, fname, &list, "%s: <cputune> <vcpupin>, <emulatorpin>", g->file);
	} else if (strcmp(attr, "uuid") == 0) {
		if (g->uuid)
			facts_set_str(fs, fname, g->uuid, "%s", g->file);
		else
			facts_set_status(fs, fname, FACT_MISSING, "%s sets no uuid", g->file);
	} else if (strcmp(attr, "file") == 0) {
		facts_set_str(fs, fname, g->file, "configuration file");
	} else if (strcmp(attr, "autostart") == 0) {
		facts_set_bool(fs, fname, g->autostart, "/etc/xen/auto, libvirt's autostart links");
	} else if (strcmp(attr, "macs") == 0 || strcmp(attr, "disks") == 0 || strcmp(attr, "remote_disks") == 0) {
		copy_list(attr[0] == 'm' ? &g->macs : attr[0] == 'd' ? &g->disks : &g->remote_disks, &list);
		facts_set_list_take(fs, fname, &list, "%s", g->file);
	} else if (strcmp(attr, "disks_missing") == 0) {
		fill_disks_missing(ctx, g, fname);
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
	.summary = "guest configurations: /etc/xen/* and auto/, xend-managed domains, libvirt domain XML",
	.patterns = patterns,
	.resolve = resolve,
	.cleanup = cleanup,
};

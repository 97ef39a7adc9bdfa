/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The hypervisor, the running kernel and the boot loader's default entry:
 * the files under /sys/hypervisor, /proc/xen/capabilities, the kernel release, and grub
 * (which entry starts by default, from the entries probe/bootcfg.c reads;
 * GRUB 2's grubenv; before a grub.cfg is made, /etc/default/grub:
 * probe/grubdefault.c). */
#include <errno.h>
#include <string.h>

#include "core/root.h"
#include "probe/bootcfg.h"
#include "probe/grubdefault.h"
#include "probe/offline.h"
#include "probe/ask.h"

static const char *const patterns[] = { "xen.type", "xen.capabilities", "xen.hvm", "xen.dom0", "xen.version",
					"kernel.release", "kernel.xen", "kernel.cmdline", "boot.loader",
					"boot.config", "boot.entries", "boot.default.title", "boot.default.xen",
					"boot.default.release", "boot.default.cmdline", "boot.default.xen_cmdline", NULL };

/* A file's first line as a string fact, or the reason it has none. */
static int fact_from_line(struct probe_ctx *ctx, const char *fact, const char *path, char **val)
{
	struct err e = ERR_INIT;
	char *v = NULL;
	int r = root_read_line(ctx->root, path, &v, &e);
	if (r < 0)
		facts_set_errno(&ctx->facts, fact, r, ctx->is_root, "%s", err_msg(&e));
	else
		facts_set_str(&ctx->facts, fact, v, "%s", path);
	err_clear(&e);
	if (val)
		*val = v;
	else
		free(v);
	return r;
}

static void probe_xen(struct probe_ctx *ctx)
{
	struct facts *fs = &ctx->facts;
	fact_from_line(ctx, "xen.type", "/sys/hypervisor/type", NULL);

	_cleanup_free_ char *caps = NULL;
	int r = fact_from_line(ctx, "xen.capabilities", "/sys/hypervisor/properties/capabilities", &caps);
	if (r == 0) {
		/* Entries look like xen-3.0-x86_64 hvm-3.0-x86_32p; HVM guests
		 * need at least one hvm-* entry, which Xen lists only when
		 * VT-x/AMD-V is enabled in the firmware. */
		bool hvm = false;
		for (const char *p = caps; (p = strstr(p, "hvm")); p++)
			if (p == caps || p[-1] == ' ')
				hvm = true;
		facts_set_bool(fs, "xen.hvm", hvm, "/sys/hypervisor/properties/capabilities: \"%s\"", caps);
	} else if (r == -ENOENT) {
		facts_set_status(fs, "xen.hvm", FACT_MISSING,
				 "/sys/hypervisor/properties/capabilities absent (not running on Xen)");
	} else {
		facts_set_errno(fs, "xen.hvm", r, ctx->is_root, "/sys/hypervisor/properties/capabilities unreadable");
	}

	_cleanup_free_ char *pcaps = NULL;
	struct err e = ERR_INIT;
	r = root_read_line(ctx->root, "/proc/xen/capabilities", &pcaps, &e);
	if (r == 0)
		facts_set_bool(fs, "xen.dom0", str_has_word(pcaps, "control_d"), "/proc/xen/capabilities: \"%s\"", pcaps);
	else if (r == -ENOENT)
		facts_set_bool(fs, "xen.dom0", false, "/proc/xen/capabilities absent (xenfs not mounted or not Xen)");
	else
		facts_set_errno(fs, "xen.dom0", r, ctx->is_root, "%s", err_msg(&e));
	err_clear(&e);

	_cleanup_free_ char *maj = NULL, *min = NULL, *extra = NULL;
	if (root_read_line(ctx->root, "/sys/hypervisor/version/major", &maj, NULL) == 0 &&
	    root_read_line(ctx->root, "/sys/hypervisor/version/minor", &min, NULL) == 0) {
		root_read_line(ctx->root, "/sys/hypervisor/version/extra", &extra, NULL);
		_cleanup_free_ char *v = xasprintf("%s.%s%s", maj, min, extra ? extra : "");
		facts_set_str(fs, "xen.version", v, "/sys/hypervisor/version/{major,minor,extra}");
	} else {
		facts_set_status(fs, "xen.version", FACT_MISSING, "/sys/hypervisor/version absent");
	}
}

/* "Linux version 2.6.18-92.el5xen (brewbuilder@...) (gcc ...) #1 SMP ..." */
static char *release_from_version(const char *line)
{
	if (!str_starts(line, "Linux version "))
		return NULL;
	const char *r = line + strlen("Linux version ");
	size_t n = strcspn(r, " ");
	return n ? xstrndup(r, n) : NULL;
}

/* The release in sos's record of the running kernel: uname -a ("Linux
 * HOST RELEASE #1 SMP ..."), a copy of /proc/version ("Linux version
 * RELEASE (...)") or of osrelease (the release alone). */
static char *sos_release(struct probe_ctx *ctx, const char **src)
{
	struct buf b = BUF_INIT;
	char *rel = NULL;
	*src = offline_sos_read(ctx->root, "kernel.release", 65536, &b);
	if (*src) {
		char *line = b.s;
		line[strcspn(line, "\n")] = '\0';
		char *f[3] = { NULL, NULL, NULL };
		char *save = NULL;
		for (int i = 0; i < 3 && (f[i] = strtok_r(i ? NULL : line, " \t", &save)); i++)
			;
		if (f[0] && strcmp(f[0], "Linux"))
			rel = xstrdup(f[0]);
		else if (f[2])
			rel = xstrdup(f[2]);
	}
	buf_free(&b);
	return rel;
}

/* The running kernel's release: /proc/sys/kernel/osrelease, else the
 * banner in /proc/version (an image or a copy of /proc may have only
 * that), else what the boot loader starts by default. */
static void probe_kernel(struct probe_ctx *ctx)
{
	struct facts *fs = &ctx->facts;
	_cleanup_free_ char *rel = NULL, *banner = NULL;
	const char *src = "/proc/sys/kernel/osrelease";
	if (ctx->sos)
		rel = sos_release(ctx, &src);
	else if (root_read_line(ctx->root, src, &rel, NULL) < 0) {
		src = "/proc/version";
		if (root_read_line(ctx->root, src, &banner, NULL) == 0)
			rel = release_from_version(banner);
	}
	if (!rel) {
		const struct fact *b = probe_fact(ctx, "boot.default.release");
		if (b->status == FACT_OK) {
			rel = xstrdup(b->s);
			src = "the boot loader's default entry (no /proc/sys/kernel/osrelease or /proc/version)";
		}
	}
	if (rel) {
		facts_set_str(fs, "kernel.release", rel, "%s", src);
		facts_set_bool(fs, "kernel.xen", strstr(rel, "xen") != NULL, "kernel release \"%s\" (%s)", rel, src);
	} else if (probe_is_image(ctx)) {
		static const char why[] = "not in an image: no kernel runs in it, and no boot loader configuration in it names the one it boots";
		facts_set_status(fs, "kernel.release", FACT_UNKNOWN, why);
		facts_set_status(fs, "kernel.xen", FACT_UNKNOWN, why);
	} else {
		static const char why[] = "kernel release unknown: no /proc/sys/kernel/osrelease, /proc/version or boot loader default entry";
		facts_set_status(fs, "kernel.release", FACT_MISSING, why);
		facts_set_status(fs, "kernel.xen", FACT_MISSING, why);
	}
	/* An image boots with what its boot loader's default entry passes. */
	const struct fact *bc;
	if (!root_is_live(ctx->root) && !root_exists(ctx->root, "/proc/cmdline") &&
	    (bc = probe_fact(ctx, "boot.default.cmdline"))->status == FACT_OK)
		facts_set_str(fs, "kernel.cmdline", bc->s, "no /proc/cmdline (not running): %s", bc->evidence);
	else
		fact_from_line(ctx, "kernel.cmdline", "/proc/cmdline", NULL);
}

static const char *const boot_names[] = { "boot.loader", "boot.config", "boot.entries", "boot.default.title", "boot.default.xen",
					  "boot.default.release", "boot.default.cmdline", "boot.default.xen_cmdline" };

/* GRUB 2 "saved" defaults live in grubenv, grub legacy's in
 * /boot/grub/default: the saved entry, or NULL. */
static char *saved_entry(struct probe_ctx *ctx, const char *env)
{
	struct buf eb = BUF_INIT;
	char *spec = NULL;
	if (root_read(ctx->root, env, 65536, &eb, NULL) == 0 && eb.s) {
		char *s = strstr(eb.s, "saved_entry=");
		if (s) {
			s += strlen("saved_entry=");
			s[strcspn(s, "\n")] = '\0';
			spec = xstrdup(s);
		} else {
			char *l = eb.s;
			l[strcspn(l, "\n")] = '\0';
			spec = xstrdup(str_strip(l));
		}
	}
	buf_free(&eb);
	return spec;
}

static void boot_default_facts(struct probe_ctx *ctx, const struct boot_cfg *bc, const char *path, const char *kind)
{
	struct facts *fs = &ctx->facts;
	_cleanup_free_ char *spec = bc->default_spec ? xstrdup(bc->default_spec) : xstrdup("0");
	const char *spec_src = bc->default_spec ? path : "(no default line: 0)";
	if (strcmp(spec, "saved") == 0 || strcmp(spec, "${saved_entry}") == 0) {
		const char *env = strcmp(kind, "grub2") == 0 ? (str_starts(path, "/boot/grub2") ? "/boot/grub2/grubenv" : "/boot/grub/grubenv")
							      : "/boot/grub/default";
		char *saved = saved_entry(ctx, env);
		if (saved) {
			free(spec);
			spec = saved;
			spec_src = env;
		}
	}
	long long idx;
	const struct boot_entry *def = NULL;
	if (str_to_ll(spec, &idx) == 0) {
		if (idx >= 0 && (size_t)idx < bc->n)
			def = &bc->e[idx];
	} else {
		for (size_t i = 0; i < bc->n && !def; i++)
			if (strcmp(bc->e[i].title, spec) == 0 || (bc->e[i].id && strcmp(bc->e[i].id, spec) == 0))
				def = &bc->e[i];
	}
	if (!def) {
		for (size_t i = 3; i < ARRAY_SIZE(boot_names); i++)
			facts_set_status(fs, boot_names[i], FACT_ERROR, "default \"%s\" (%s) names no entry of %s (%zu entries)", spec,
					 spec_src, path, bc->n);
		return;
	}
	const char *from = def->file ? def->file : path;
	if (def->release)
		facts_set_str(fs, "boot.default.release", def->release, "the vmlinuz of \"%s\" in %s", def->title, from);
	else
		facts_set_status(fs, "boot.default.release", FACT_MISSING, "\"%s\" in %s starts no vmlinuz-RELEASE", def->title, from);
	if (def->cmdline)
		facts_set_str(fs, "boot.default.cmdline", def->cmdline, "the vmlinuz line of \"%s\" in %s", def->title, from);
	else
		facts_set_status(fs, "boot.default.cmdline", FACT_MISSING, "\"%s\" in %s starts no vmlinuz-RELEASE", def->title, from);
	if (def->xen_cmdline)
		facts_set_str(fs, "boot.default.xen_cmdline", def->xen_cmdline, "the hypervisor's line of \"%s\" in %s", def->title, path);
	else
		facts_set_status(fs, "boot.default.xen_cmdline", FACT_MISSING, "\"%s\" in %s boots no Xen hypervisor", def->title, path);
	facts_set_str(fs, "boot.default.title", def->title, "default=%s in %s", spec, spec_src);
	facts_set_bool(fs, "boot.default.xen", def->xen, "default=%s (%s) is \"%s\"%s", spec, spec_src, def->title,
		       def->xen ? ", a Xen entry" : ", not a Xen entry");
}

/* The newest /boot/vmlinuz-RELEASE, which grub-mkconfig lists first. */
static char *newest_kernel(const char *root)
{
	struct strv b = { 0 };
	root_list_dir(root, "/boot", &b);
	const char *best = NULL;
	for (size_t i = 0; i < b.n; i++)
		if (str_starts(b.v[i], "vmlinuz-") && (!best || strverscmp(b.v[i], best) > 0))
			best = b.v[i];
	char *r = best ? xstrdup(best + strlen("vmlinuz-")) : NULL;
	strv_free(&b);
	return r;
}

/* Whether the entry GRUB_DEFAULT names will be a Xen one (1, 0; -1: not
 * to be told before grub-mkconfig makes the menu), why, and its title
 * when GRUB_DEFAULT gives it. */
static int defaults_decide(struct probe_ctx *ctx, const struct grub_default *gd, char **title, char **why)
{
	if (gd->xen_override) {
		*why = xasprintf("%s sets GRUB_DEFAULT to the \"..., with Xen hypervisor\" entry", gd->xen_override_where);
		return 1;
	}
	_cleanup_free_ char *spec = xstrdup(gd->def ? gd->def : "0");
	_cleanup_free_ char *where = xstrdup(gd->def ? gd->def_where : "GRUB_DEFAULT unset, so 0");
	if (strcmp(spec, "saved") == 0) {
		char *saved = saved_entry(ctx, "/boot/grub/grubenv");
		if (!saved)
			saved = saved_entry(ctx, "/boot/grub2/grubenv");
		free(where);
		where = xasprintf("%s, %s", gd->def_where, saved ? "saved_entry in grubenv" : "nothing saved yet: the first entry");
		free(spec);
		spec = saved ? saved : xstrdup("0");
	}
	long long idx;
	if (str_to_ll(spec, &idx) == 0) {
		if (idx != 0) {
			*why = xasprintf("GRUB_DEFAULT=%s (%s): which entry that is depends on the menu grub-mkconfig has not made yet",
					 spec, where);
			return -1;
		}
		_cleanup_free_ char *first = NULL;
		int xen = grub_first_entry_xen(ctx->root, &first);
		*why = xasprintf("GRUB_DEFAULT=0 (%s), the first entry grub-mkconfig will make: %s", where, first);
		return xen;
	}
	/* A title, an id (Debian's Xen ids start xen-), or a submenu path
	 * "Advanced options ...>Debian GNU/Linux, with Xen ..." */
	const char *last = strrchr(spec, '>');
	last = last ? last + 1 : spec;
	*title = xstrdup(last);
	int xen = strcasestr(last, "xen") != NULL;
	*why = xasprintf("GRUB_DEFAULT=\"%s\" (%s) names %s", spec, where, xen ? "a Xen entry" : "an entry that is not Xen's");
	return xen;
}

/* No grub.cfg yet (an image whose boot loader is installed when it first
 * boots): what grub-mkconfig will make of /etc/default/grub.  False when
 * there is none either. */
static bool boot_from_defaults(struct probe_ctx *ctx)
{
	struct facts *fs = &ctx->facts;
	struct grub_default gd;
	if (grub_default_read(ctx->root, &gd) < 0) {
		grub_default_free(&gd);
		return false;
	}
	struct buf files = BUF_INIT;
	for (size_t i = 0; i < gd.read.n; i++)
		buf_printf(&files, "%s%s", i ? ", " : "", gd.read.v[i]);
	const char *rd = buf_str(&files);
	facts_set_str(fs, "boot.loader", "grub2", "/etc/default/grub (no grub.cfg generated from it yet)");
	facts_set_str(fs, "boot.config", "/etc/default/grub", "no grub.cfg or grub.conf in /boot/grub*: GRUB 2's settings in %s", rd);
	facts_set_status(fs, "boot.entries", FACT_MISSING, "no menu yet: grub-mkconfig makes /boot/grub*/grub.cfg from %s", rd);
	_cleanup_free_ char *title = NULL, *why = NULL, *rel = newest_kernel(ctx->root);
	int xen = defaults_decide(ctx, &gd, &title, &why);
	if (xen >= 0)
		facts_set_bool(fs, "boot.default.xen", xen, "%s", why);
	else /* an admin could not tell either before grub-mkconfig runs */
		facts_set_status(fs, "boot.default.xen", FACT_UNKNOWN, "%s", why);
	if (title)
		facts_set_str(fs, "boot.default.title", title, "%s", why);
	else
		facts_set_status(fs, "boot.default.title", FACT_MISSING, "no menu yet to take the title from: %s", why);
	if (rel)
		facts_set_str(fs, "boot.default.release", rel, "the newest /boot/vmlinuz-*, which grub-mkconfig lists first");
	else
		facts_set_status(fs, "boot.default.release", FACT_MISSING, "no /boot/vmlinuz-* for grub-mkconfig to list");
	facts_set_str(fs, "boot.default.cmdline", gd.cmdline_linux, "GRUB_CMDLINE_LINUX and GRUB_CMDLINE_LINUX_DEFAULT in %s", rd);
	if (xen == 1)
		facts_set_str(fs, "boot.default.xen_cmdline", gd.cmdline_xen, "GRUB_CMDLINE_XEN and GRUB_CMDLINE_XEN_DEFAULT in %s", rd);
	else
		facts_set_status(fs, "boot.default.xen_cmdline", FACT_MISSING, "the default entry is %s: %s",
				 xen == 0 ? "not a Xen one" : "not known yet", why);
	buf_free(&files);
	grub_default_free(&gd);
	return true;
}

static void probe_boot(struct probe_ctx *ctx)
{
	struct facts *fs = &ctx->facts;
	static const struct {
		const char *path, *kind;
	} cands[] = {
		{ "/boot/grub/grub.conf", "grub-legacy" }, { "/boot/grub/menu.lst", "grub-legacy" },
		{ "/boot/grub2/grub.cfg", "grub2" },       { "/boot/grub/grub.cfg", "grub2" },
	};
	struct boot_cfg bc = { 0 };
	struct buf text = BUF_INIT;
	const char *path = NULL, *kind = NULL;
	int last_err = -ENOENT;
	for (size_t i = 0; i < ARRAY_SIZE(cands) && !path; i++) {
		int r = root_read(ctx->root, cands[i].path, ROOT_READ_MAX, &text, NULL);
		if (r == 0) {
			path = cands[i].path;
			kind = cands[i].kind;
		} else if (r != -ENOENT && last_err == -ENOENT) {
			last_err = r;
		}
	}
	if (!path) {
		buf_free(&text);
		if (last_err == -ENOENT && boot_from_defaults(ctx))
			return;
		if (last_err == -ENOENT && probe_is_image(ctx)) {
			for (size_t i = 0; i < ARRAY_SIZE(boot_names); i++)
				facts_set_status(fs, boot_names[i], FACT_UNKNOWN,
						 "not in this image: it holds no boot loader configuration (/boot/grub/grub.conf, menu.lst, "
						 "/boot/grub2/grub.cfg, /boot/grub/grub.cfg, /etc/default/grub); what boots it is set up "
						 "outside it or when it is deployed");
			return;
		}
		for (size_t i = 0; i < ARRAY_SIZE(boot_names); i++)
			facts_set_errno(fs, boot_names[i], last_err, ctx->is_root,
					"no readable boot loader configuration (/boot/grub/grub.conf, menu.lst, /boot/grub2/grub.cfg, "
					"/boot/grub/grub.cfg, /etc/default/grub): %s", strerror(-last_err));
		return;
	}
	buf_grow(&text, 0);
	facts_set_str(fs, "boot.loader", kind, "%s", path);
	facts_set_str(fs, "boot.config", path, "first boot loader configuration found");
	if (strcmp(kind, "grub-legacy") == 0)
		parse_grub_legacy(text.s, &bc);
	else
		parse_grub2(ctx, path, text.s, &bc);

	struct strv titles = { 0 };
	for (size_t i = 0; i < bc.n; i++)
		strv_push(&titles, bc.e[i].title);
	facts_set_list_take(fs, "boot.entries", &titles, "%zu entries in %s", bc.n, path);
	boot_default_facts(ctx, &bc, path, kind);
	boot_free(&bc);
	buf_free(&text);
}

static void resolve(struct probe_ctx *ctx, const char *name)
{
	if (str_starts(name, "xen.") && probe_once(ctx, "xen"))
		probe_xen(ctx);
	else if (str_starts(name, "kernel.") && probe_once(ctx, "kernel"))
		probe_kernel(ctx);
	else if (str_starts(name, "boot.") && probe_once(ctx, "boot"))
		probe_boot(ctx);
}

const struct probe probe_hypervisor = {
	.name = "hypervisor",
	.summary = "Xen (/sys/hypervisor, /proc/xen), the running kernel, the boot loader's default entry",
	.patterns = patterns,
	.resolve = resolve,
};

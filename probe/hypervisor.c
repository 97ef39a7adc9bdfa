/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The hypervisor, the running kernel and the boot loader's default entry:
 * the files under /sys/hypervisor, /proc/xen/capabilities, the kernel release, and grub
 * (legacy grub.conf with default=N and title lines, as on RHEL 5; GRUB 2's
 * grubenv and grub.cfg). */
#include <errno.h>
#include <string.h>

#include "core/root.h"
#include "probe/offline.h"
#include "probe/probe.h"

static const char *const patterns[] = { "xen.type", "xen.capabilities", "xen.hvm", "xen.dom0", "xen.version",
					"kernel.release", "kernel.xen", "kernel.cmdline", "boot.loader",
					"boot.config", "boot.entries", "boot.default.title", "boot.default.xen",
					"boot.default.release", NULL };

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
	} else {
		static const char why[] = "kernel release unknown: no /proc/sys/kernel/osrelease, /proc/version or boot loader default entry";
		facts_set_status(fs, "kernel.release", FACT_MISSING, why);
		facts_set_status(fs, "kernel.xen", FACT_MISSING, why);
	}
	fact_from_line(ctx, "kernel.cmdline", "/proc/cmdline", NULL);
}

/* --- boot loader ------------------------------------------------------ */

struct boot_entry {
	char *title;
	char *release; /* of the vmlinuz it starts: "2.6.18-8.el5xen" */
	bool xen;
};

struct boot_cfg {
	struct boot_entry *e;
	size_t n;
	char *default_spec; /* "0", "saved", a title or an id */
};

static void boot_add(struct boot_cfg *bc, const char *title)
{
	bc->e = xrealloc(bc->e, (bc->n + 1) * sizeof(*bc->e));
	bc->e[bc->n].title = xstrdup(title);
	bc->e[bc->n].xen = strcasestr(title, "xen") != NULL;
	bc->e[bc->n].release = NULL;
	bc->n++;
}

static void boot_free(struct boot_cfg *bc)
{
	for (size_t i = 0; i < bc->n; i++) {
		free(bc->e[i].title);
		free(bc->e[i].release);
	}
	free(bc->e);
	free(bc->default_spec);
}

/* The release of a "kernel /vmlinuz-R ...", "module /vmlinuz-R ..." or
 * "linux /boot/vmlinuz-R ..." line, for the last entry. */
static void note_release(struct boot_cfg *bc, const char *line)
{
	const char *v = strstr(line, "vmlinuz-");
	if (!bc->n || !v || bc->e[bc->n - 1].release)
		return;
	v += strlen("vmlinuz-");
	size_t n = strcspn(v, " \t");
	if (n)
		bc->e[bc->n - 1].release = xstrndup(v, n);
}

/* grub legacy: "default=0", "title Red Hat ... (2.6.18-8.el5xen)", and in an
 * entry "kernel /xen.gz-2.6.18-8.el5" marks it as Xen. */
static void parse_grub_legacy(char *text, struct boot_cfg *bc)
{
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *l = str_strip(line);
		if (*l == '#')
			continue;
		if (str_starts(l, "default")) {
			char *v = l + strlen("default");
			v += strspn(v, " \t=");
			free(bc->default_spec);
			bc->default_spec = xstrdup(str_strip(v));
		} else if (str_starts(l, "title") && (l[5] == ' ' || l[5] == '\t')) {
			boot_add(bc, str_strip(l + 5));
		} else if (bc->n && (str_starts(l, "kernel") || str_starts(l, "module"))) {
			note_release(bc, l);
			if (strstr(l, "xen"))
				bc->e[bc->n - 1].xen = true;
		}
	}
}

/* GRUB 2: menuentry 'Debian GNU/Linux, with Xen hypervisor' ... { multiboot2 /boot/xen.gz ... } */
static void parse_grub2(char *text, struct boot_cfg *bc)
{
	char *save = NULL;
	int depth = 0, entry_depth = -1;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *l = str_strip(line);
		if (*l == '#')
			continue;
		if (str_starts(l, "menuentry ")) {
			char *q = l + strlen("menuentry ");
			q += strspn(q, " ");
			char quote = *q;
			if (quote == '\'' || quote == '"') {
				char *end = strchr(q + 1, quote);
				if (end) {
					*end = '\0';
					boot_add(bc, q + 1);
					*end = quote;
					entry_depth = depth;
				}
			}
		} else if (entry_depth >= 0 && bc->n && (str_starts(l, "multiboot") && strstr(l, "xen"))) {
			bc->e[bc->n - 1].xen = true;
		} else if (entry_depth >= 0 && (str_starts(l, "linux") || str_starts(l, "module"))) {
			note_release(bc, l);
		} else if (str_starts(l, "set default=") && !bc->default_spec) {
			char *v = l + strlen("set default=");
			v[strcspn(v, " \t")] = '\0';
			size_t n = strlen(v);
			if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
				v[n - 1] = '\0';
				v++;
			}
			bc->default_spec = xstrdup(v);
		}
		for (char *c = l; *c; c++) {
			if (*c == '{')
				depth++;
			else if (*c == '}' && depth > 0 && --depth == entry_depth)
				entry_depth = -1;
		}
	}
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
	_cleanup_free_ char *spec = NULL;
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
	static const char *const names[] = { "boot.loader", "boot.config", "boot.entries", "boot.default.title", "boot.default.xen",
					     "boot.default.release" };
	if (!path) {
		for (size_t i = 0; i < ARRAY_SIZE(names); i++)
			facts_set_errno(fs, names[i], last_err, ctx->is_root,
					"no readable boot loader configuration (/boot/grub/grub.conf, menu.lst, /boot/grub2/grub.cfg, /boot/grub/grub.cfg): %s",
					strerror(-last_err));
		goto out;
	}
	buf_grow(&text, 0);
	facts_set_str(fs, "boot.loader", kind, "%s", path);
	facts_set_str(fs, "boot.config", path, "first boot loader configuration found");
	if (strcmp(kind, "grub-legacy") == 0)
		parse_grub_legacy(text.s, &bc);
	else
		parse_grub2(text.s, &bc);

	struct strv titles = { 0 };
	for (size_t i = 0; i < bc.n; i++)
		strv_push(&titles, bc.e[i].title);
	facts_set_list_take(fs, "boot.entries", &titles, "%zu entries in %s", bc.n, path);

	/* GRUB 2 "saved" defaults live in grubenv. */
	spec = bc.default_spec ? xstrdup(bc.default_spec) : xstrdup("0");
	const char *spec_src = bc.default_spec ? path : "(no default line: 0)";
	if (strcmp(spec, "saved") == 0 || strcmp(spec, "${saved_entry}") == 0) {
		const char *env = strcmp(kind, "grub2") == 0 ? (str_starts(path, "/boot/grub2") ? "/boot/grub2/grubenv" : "/boot/grub/grubenv")
							      : "/boot/grub/default";
		struct buf eb = BUF_INIT;
		if (root_read(ctx->root, env, 65536, &eb, NULL) == 0) {
			char *s = strstr(eb.s, "saved_entry=");
			free(spec);
			if (s) {
				s += strlen("saved_entry=");
				s[strcspn(s, "\n")] = '\0';
				spec = xstrdup(s);
			} else {
				char *l = eb.s;
				l[strcspn(l, "\n")] = '\0';
				spec = xstrdup(str_strip(l));
			}
			spec_src = env;
		}
		buf_free(&eb);
	}
	long long idx;
	const struct boot_entry *def = NULL;
	if (str_to_ll(spec, &idx) == 0) {
		if (idx >= 0 && (size_t)idx < bc.n)
			def = &bc.e[idx];
	} else {
		for (size_t i = 0; i < bc.n && !def; i++)
			if (strcmp(bc.e[i].title, spec) == 0)
				def = &bc.e[i];
	}
	if (!def) {
		facts_set_status(fs, "boot.default.title", FACT_ERROR, "default \"%s\" (%s) names no entry of %s (%zu entries)",
				 spec, spec_src, path, bc.n);
		facts_set_status(fs, "boot.default.xen", FACT_ERROR, "default \"%s\" (%s) names no entry of %s (%zu entries)",
				 spec, spec_src, path, bc.n);
		facts_set_status(fs, "boot.default.release", FACT_ERROR, "default \"%s\" (%s) names no entry of %s (%zu entries)",
				 spec, spec_src, path, bc.n);
	} else {
		if (def->release)
			facts_set_str(fs, "boot.default.release", def->release, "the vmlinuz of \"%s\" in %s", def->title, path);
		else
			facts_set_status(fs, "boot.default.release", FACT_MISSING, "\"%s\" in %s starts no vmlinuz-RELEASE", def->title, path);
		facts_set_str(fs, "boot.default.title", def->title, "default=%s in %s", spec, spec_src);
		facts_set_bool(fs, "boot.default.xen", def->xen, "default=%s (%s) is \"%s\"%s", spec, spec_src, def->title,
			       def->xen ? ", a Xen entry" : ", not a Xen entry");
	}
out:
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

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading a boot loader's configuration into its entries. */
#include "probe/bootcfg.h"

#include <string.h>

#include "core/root.h"
#include "core/util.h"
#include "probe/bls.h"

static void boot_add(struct boot_cfg *bc, const char *title)
{
	bc->e = xrealloc(bc->e, (bc->n + 1) * sizeof(*bc->e));
	memset(&bc->e[bc->n], 0, sizeof(bc->e[bc->n]));
	bc->e[bc->n].title = xstrdup(title);
	bc->e[bc->n].xen = strcasestr(title, "xen") != NULL;
	bc->n++;
}

void boot_free(struct boot_cfg *bc)
{
	for (size_t i = 0; i < bc->n; i++) {
		free(bc->e[i].title);
		free(bc->e[i].release);
		free(bc->e[i].cmdline);
		free(bc->e[i].xen_cmdline);
		free(bc->e[i].id);
		free(bc->e[i].file);
	}
	free(bc->e);
	free(bc->default_spec);
}

/* The arguments after a boot line's image (GRUB 2's Xen entries put
 * "placeholder" where the image's name goes, and module2 may take
 * --nounzip first). */
static char *line_args(const char *line)
{
	const char *p = line + strcspn(line, " \t");
	p += strspn(p, " \t");
	while (str_starts(p, "--")) {
		p += strcspn(p, " \t");
		p += strspn(p, " \t");
	}
	p += strcspn(p, " \t");
	p += strspn(p, " \t");
	if (str_starts(p, "placeholder") && (!p[11] || p[11] == ' ' || p[11] == '\t'))
		p += 11;
	_cleanup_free_ char *s = xstrdup(p);
	return xstrdup(str_strip(s));
}

/* A "kernel /vmlinuz-R ...", "module /vmlinuz-R ..." or "linux
 * /boot/vmlinuz-R ..." line of the last entry: its release and arguments. */
static void note_kernel(struct boot_cfg *bc, const char *line)
{
	const char *v = strstr(line, "vmlinuz-");
	if (!bc->n || !v || bc->e[bc->n - 1].release)
		return;
	v += strlen("vmlinuz-");
	size_t n = strcspn(v, " \t");
	if (n)
		bc->e[bc->n - 1].release = xstrndup(v, n);
	bc->e[bc->n - 1].cmdline = line_args(line);
}

/* The hypervisor's line (grub legacy's "kernel /xen.gz-...", GRUB 2's
 * "multiboot /boot/xen.gz ..."): the last entry is a Xen entry. */
static void note_xen(struct boot_cfg *bc, const char *line)
{
	struct boot_entry *e = &bc->e[bc->n - 1];
	e->xen = true;
	if (!e->xen_cmdline)
		e->xen_cmdline = line_args(line);
}

/* grub legacy: "default=0", "title Red Hat ... (2.6.18-8.el5xen)", and in an
 * entry "kernel /xen.gz-2.6.18-8.el5" marks it as Xen. */
void parse_grub_legacy(char *text, struct boot_cfg *bc)
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
			note_kernel(bc, l);
			if (strstr(l, "xen") && !strstr(l, "vmlinuz-"))
				note_xen(bc, l);
			else if (strstr(l, "xen"))
				bc->e[bc->n - 1].xen = true;
		}
	}
}

/* GRUB 2's "set default=...": a one-time ${next_entry} (grub-reboot's)
 * is not the default. */
static void grub2_set_default(struct boot_cfg *bc, char *v)
{
	v[strcspn(v, " \t")] = '\0';
	size_t n = strlen(v);
	if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
		v[n - 1] = '\0';
		v++;
	}
	if (!bc->default_spec && strcmp(v, "${next_entry}") != 0)
		bc->default_spec = xstrdup(v);
}

/* Fedora's and RHEL 8's blscfg: the Boot Loader Specification entries
 * become menu entries where it runs. */
static void add_bls(struct probe_ctx *ctx, const char *cfg, struct boot_cfg *bc)
{
	_cleanup_free_ char *dir = path_dir(cfg), *env = xasprintf("%s/grubenv", dir);
	struct bls_entry *v;
	size_t n;
	bls_read(ctx->root, env, &v, &n);
	for (size_t i = 0; i < n; i++) {
		boot_add(bc, v[i].title);
		struct boot_entry *e = &bc->e[bc->n - 1];
		e->id = xstrdup(v[i].id);
		e->file = xasprintf("/boot/loader/entries/%s.conf (blscfg in %s)", v[i].id, cfg);
		e->release = v[i].version ? xstrdup(v[i].version) : NULL;
		e->cmdline = v[i].options ? xstrdup(v[i].options) : NULL;
	}
	bls_free(v, n);
}

/* A menuentry's id: "$menuentry_id_option 'xen-gnulinux-simple-UUID'". */
static char *menuentry_id(const char *l)
{
	const char *p = strstr(l, "$menuentry_id_option ");
	if (!p)
		p = strstr(l, "--id ");
	if (!p)
		return NULL;
	p = strchr(p, ' ') + 1;
	p += strspn(p, " ");
	char q = *p;
	const char *end = (q == '\'' || q == '"') ? strchr(p + 1, q) : NULL;
	return end ? xstrndup(p + 1, (size_t)(end - p - 1)) : NULL;
}

/* GRUB 2: menuentry 'Debian GNU/Linux, with Xen hypervisor' ... { multiboot2 /boot/xen.gz ... } */
void parse_grub2(struct probe_ctx *ctx, const char *cfg, char *text, struct boot_cfg *bc)
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
					bc->e[bc->n - 1].id = menuentry_id(end + 1);
					entry_depth = depth;
				}
			}
		} else if (entry_depth >= 0 && bc->n && (str_starts(l, "multiboot") && strstr(l, "xen"))) {
			note_xen(bc, l);
		} else if (entry_depth >= 0 && (str_starts(l, "linux") || str_starts(l, "module"))) {
			note_kernel(bc, l);
		} else if (str_starts(l, "set default=")) {
			grub2_set_default(bc, l + strlen("set default="));
		} else if (entry_depth < 0 && (strcmp(l, "blscfg") == 0 || str_starts(l, "blscfg "))) {
			add_bls(ctx, cfg, bc);
		}
		for (char *c = l; *c; c++) {
			if (*c == '{')
				depth++;
			else if (*c == '}' && depth > 0 && --depth == entry_depth)
				entry_depth = -1;
		}
	}
}


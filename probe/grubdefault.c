/* SPDX-License-Identifier: GPL-2.0-or-later */
/* /etc/default/grub and /etc/default/grub.d/\*.cfg are shell that
 * grub-mkconfig sources: plain assignments (KEY=VALUE, quoted or not,
 * "export" or not, $KEY and ${KEY} of earlier ones expanded) are read;
 * what a shell alone could tell (command substitutions, assignments under
 * if) is not guessed, except for the one such block every Debian Xen host
 * has, xen.cfg's XEN_OVERRIDE_GRUB_DEFAULT. */
#include <errno.h>
#include <string.h>

#include "core/root.h"
#include "probe/grubdefault.h"

#define GRUB_DEFAULT_MAX (256u << 10)

struct shvars {
	struct strv keys, vals;
};

static const char *shvar_get(const struct shvars *sv, const char *key)
{
	for (size_t i = sv->keys.n; i-- > 0;)
		if (strcmp(sv->keys.v[i], key) == 0)
			return sv->vals.v[i];
	return NULL;
}

/* A value as the shell would assign it: quotes removed, $KEY and ${KEY}
 * expanded outside single quotes. */
static char *shell_word(const char *v, const struct shvars *sv)
{
	struct buf out = BUF_INIT;
	char quote = 0;
	for (const char *p = v; *p; p++) {
		if (quote != '"' && (*p == '\'' || *p == '"') && (!quote || quote == *p)) {
			quote = quote ? 0 : *p;
		} else if (quote == '"' && *p == '"') {
			quote = 0;
		} else if (!quote && (*p == ' ' || *p == '\t' || *p == '#' || *p == ';')) {
			break;
		} else if (quote != '\'' && *p == '$' && (p[1] == '{' || p[1] == '_' || (p[1] >= 'A' && p[1] <= 'Z') ||
							  (p[1] >= 'a' && p[1] <= 'z'))) {
			bool brace = p[1] == '{';
			const char *s = p + 1 + brace;
			size_t n = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");
			_cleanup_free_ char *key = xstrndup(s, n);
			const char *val = shvar_get(sv, key);
			buf_puts(&out, val ? val : "");
			p = s + n - 1 + (brace && s[n] == '}');
		} else {
			buf_putc(&out, *p);
		}
	}
	buf_grow(&out, 0);
	return buf_steal(&out);
}

static bool is_name(const char *s, size_t n)
{
	return n && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") == n && !(s[0] >= '0' && s[0] <= '9');
}

static void note(char **dst, char *val)
{
	free(*dst);
	*dst = val;
}

/* One file's top-level assignments, in order. */
static void read_file(const char *root, const char *path, struct shvars *sv, struct grub_default *gd)
{
	struct buf b = BUF_INIT;
	if (root_read(root, path, GRUB_DEFAULT_MAX, &b, NULL) < 0) {
		buf_free(&b);
		return;
	}
	buf_grow(&b, 0);
	strv_push(&gd->read, path);
	int depth = 0;
	bool override_block = false;
	unsigned no = 0;
	for (char *line = b.s, *nl; line; line = nl) {
		nl = strchr(line, '\n');
		if (nl)
			*nl++ = '\0';
		no++;
		char *l = str_strip(line);
		if (str_starts(l, "if ") || str_starts(l, "case ")) {
			depth++;
			override_block |= strstr(l, "$XEN_OVERRIDE_GRUB_DEFAULT") && strstr(l, "\"1\"");
			continue;
		}
		if (!strcmp(l, "fi") || !strcmp(l, "esac") || str_starts(l, "fi;") || str_starts(l, "fi "))
			depth -= depth > 0;
		if (str_starts(l, "export "))
			l = str_strip(l + strlen("export"));
		size_t n = strcspn(l, "=");
		if (depth || *l == '#' || !l[n] || !is_name(l, n) || l[n + 1] == '(' || l[n + 1] == '`' || str_starts(l + n + 1, "$("))
			continue;
		l[n] = '\0';
		char *val = shell_word(l + n + 1, sv); /* may read the key's old value */
		strv_push(&sv->keys, l);
		strv_push_take(&sv->vals, val);
		if (strcmp(l, "GRUB_DEFAULT") == 0) {
			note(&gd->def, xstrdup(sv->vals.v[sv->vals.n - 1]));
			note(&gd->def_where, xasprintf("%s:%u", path, no));
			gd->xen_override = false;
		}
	}
	const char *ov = shvar_get(sv, "XEN_OVERRIDE_GRUB_DEFAULT");
	if (override_block && (!ov || !*ov || !strcmp(ov, "1"))) {
		gd->xen_override = true;
		note(&gd->xen_override_where, xasprintf("%s (XEN_OVERRIDE_GRUB_DEFAULT=%s)", path, ov && *ov ? ov : "unset, taken as 1"));
	}
	buf_free(&b);
}

/* Two variables as grub-mkconfig joins them for a normal entry. */
static char *join(const struct shvars *sv, const char *a, const char *b)
{
	const char *x = shvar_get(sv, a), *y = shvar_get(sv, b);
	_cleanup_free_ char *s = xasprintf("%s %s", x ? x : "", y ? y : "");
	return xstrdup(str_strip(s));
}

int grub_default_read(const char *root, struct grub_default *gd)
{
	memset(gd, 0, sizeof(*gd));
	struct shvars sv = { 0 };
	struct buf probe = BUF_INIT;
	int r = root_read(root, "/etc/default/grub", GRUB_DEFAULT_MAX, &probe, NULL);
	buf_free(&probe);
	if (r < 0)
		return r;
	read_file(root, "/etc/default/grub", &sv, gd);
	struct strv names = { 0 };
	root_list_dir(root, "/etc/default/grub.d", &names);
	for (size_t i = 0; i < names.n; i++) {
		if (!str_ends(names.v[i], ".cfg"))
			continue;
		_cleanup_free_ char *p = xasprintf("/etc/default/grub.d/%s", names.v[i]);
		read_file(root, p, &sv, gd);
	}
	strv_free(&names);
	gd->cmdline_linux = join(&sv, "GRUB_CMDLINE_LINUX", "GRUB_CMDLINE_LINUX_DEFAULT");
	gd->cmdline_xen = join(&sv, "GRUB_CMDLINE_XEN", "GRUB_CMDLINE_XEN_DEFAULT");
	strv_free(&sv.keys);
	strv_free(&sv.vals);
	return 0;
}

void grub_default_free(struct grub_default *gd)
{
	free(gd->def);
	free(gd->def_where);
	free(gd->xen_override_where);
	free(gd->cmdline_linux);
	free(gd->cmdline_xen);
	strv_free(&gd->read);
	memset(gd, 0, sizeof(*gd));
}

int grub_first_entry_xen(const char *root, char **why)
{
	struct strv scripts = { 0 }, boot = { 0 };
	int r = root_list_dir(root, "/etc/grub.d", &scripts);
	if (r < 0) {
		*why = xasprintf("/etc/grub.d: %s", strerror(-r));
		strv_free(&scripts);
		return -1;
	}
	const char *linux_s = NULL, *xen_s = NULL;
	for (size_t i = 0; i < scripts.n; i++) {
		const char *s = scripts.v[i];
		const char *u = strchr(s, '_');
		if (!u || (u - s) != 2)
			continue;
		if (!xen_s && strcmp(u, "_linux_xen") == 0)
			xen_s = s;
		else if (!linux_s && strcmp(u, "_linux") == 0)
			linux_s = s;
	}
	root_list_dir(root, "/boot", &boot);
	const char *hv = NULL;
	for (size_t i = 0; i < boot.n && !hv; i++)
		if (str_starts(boot.v[i], "xen") && (str_ends(boot.v[i], ".gz") || str_ends(boot.v[i], ".efi")))
			hv = boot.v[i];
	int xen = xen_s && hv && (!linux_s || strcmp(xen_s, linux_s) < 0);
	if (xen)
		*why = xasprintf("/etc/grub.d/%s runs before %s and /boot/%s is there to boot", xen_s, linux_s ? linux_s : "any *_linux", hv);
	else if (xen_s && hv)
		*why = xasprintf("/etc/grub.d/%s runs before %s", linux_s, xen_s);
	else
		*why = xasprintf("%s", xen_s ? "no /boot/xen*.gz for /etc/grub.d's Xen script to boot" : "no *_linux_xen script in /etc/grub.d");
	strv_free(&scripts);
	strv_free(&boot);
	return xen;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Installed packages: librpm on RPM hosts, the dpkg status database on
 * Debian hosts, and in an sosreport (no database there) the listings sos
 * keeps: installed-rpms (rpm -qa) or installed-debs (dpkg -l).  Facts are asked for by name, so nothing is listed in full:
 * package.NAME.installed, package.NAME.version, package.NAME.arch, and
 * package.A|B.installed for "either of these" across distributions.  A name
 * may be a glob (xen-hypervisor-[0-9]*: Debian puts the version in the
 * name); the newest installed match answers.  packages.manager names the
 * tool a remedy should use: yum up to RHEL 7, dnf from RHEL 8 and Fedora
 * 22, apt-get on Debian, zypper on SUSE. */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "core/module.h"
#include "core/root.h"
#include "probe/packages.h"
#include "probe/ask.h"
#include "probe/rpmdb.h"

static const char *const patterns[] = { "packages.backend", "packages.manager", "package.*.installed", "package.*.version", "package.*.arch",
					NULL };

enum backend { PKG_NONE, PKG_RPM, PKG_DPKG, PKG_LIST };

/* One package of a listing. */
struct listed {
	char *name, *version, *arch;
};

struct pkg_state {
	enum backend backend;
	char *dbpath;       /* rpm: inside the root */
	struct buf dpkg;    /* dpkg: the status file */
	struct listed *list; /* PKG_LIST */
	size_t nlist;
	bool list_dpkg;      /* the listing is dpkg's: its version order */
	const char *list_file;
	char *why_none;
	int rpm_configured;
};

/* librpm's order, from the module probe-rpm.so.  Without the module the
 * comparison cannot be made: said once on stderr, and dpkg's order, which
 * agrees on plain versions, stands in. */
int pkg_version_cmp_rpm(const char *a, const char *b)
{
	struct err e = ERR_INIT;
	__typeof__(&rpmdb_vercmp) cmp = MODULE_FN("probe-rpm", rpmdb_vercmp, &e);
	if (cmp)
		return cmp(a, b);
	static bool said;
	if (!said)
		fprintf(stderr, "hvscope: RPM versions compared in dpkg's order: %s\n", err_msg(&e));
	said = true;
	err_clear(&e);
	return pkg_version_cmp_dpkg(a, b);
}

static struct pkg_state *state(struct probe_ctx *ctx);

int pkg_version_cmp_host(struct probe_ctx *ctx, const char *a, const char *b, const char **which)
{
	const struct pkg_state *st = state(ctx);
	bool dpkg = st->backend == PKG_DPKG || (st->backend == PKG_LIST && st->list_dpkg);
	if (which)
		*which = dpkg ? "dpkg's version order" : "rpm's version order";
	return dpkg ? pkg_version_cmp_dpkg(a, b) : pkg_version_cmp_rpm(a, b);
}

/* "name-version-release.arch  date" of installed-rpms: the name ends at
 * the second '-' from the end of name-version-release. */
static bool parse_rpm_line(char *line, struct listed *out)
{
	char *save = NULL;
	char *nvra = strtok_r(line, " \t", &save);
	char *dot = nvra ? strrchr(nvra, '.') : NULL;
	if (!dot)
		return false;
	*dot = '\0';
	char *rel = strrchr(nvra, '-');
	if (!rel)
		return false;
	*rel = '\0';
	char *ver = strrchr(nvra, '-');
	if (!ver || ver == nvra)
		return false;
	*ver = '\0';
	out->name = xstrdup(nvra);
	out->version = xasprintf("%s-%s", ver + 1, rel + 1);
	out->arch = xstrdup(dot + 1);
	return true;
}

/* "ii  name[:arch]  version  arch  description" of dpkg -l: installed
 * ones only (ii, hi). */
static bool parse_dpkg_line(char *line, struct listed *out)
{
	if (!(line[0] == 'i' || line[0] == 'h') || line[1] != 'i' || line[2] != ' ')
		return false;
	char *save = NULL;
	strtok_r(line, " ", &save);
	char *name = strtok_r(NULL, " ", &save), *version = strtok_r(NULL, " ", &save), *arch = strtok_r(NULL, " ", &save);
	if (!name || !version || !arch)
		return false;
	char *colon = strchr(name, ':');
	if (colon)
		*colon = '\0';
	out->name = xstrdup(name);
	out->version = xstrdup(version);
	out->arch = xstrdup(arch);
	return true;
}

/* The package listing an sosreport keeps at its top. */
static void read_listing(struct probe_ctx *ctx, struct pkg_state *st)
{
	static const char *const files[] = { "/installed-debs", "/installed-rpms" };
	for (size_t i = 0; i < ARRAY_SIZE(files) && st->backend == PKG_NONE; i++) {
		struct buf text = BUF_INIT;
		if (root_read(ctx->root, files[i], 64u << 20, &text, NULL) == 0) {
			st->list_dpkg = i == 0;
			st->list_file = files[i] + 1;
			char *save = NULL;
			for (char *l = strtok_r(text.s ? text.s : (char *)"", "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
				struct listed x;
				if (!(st->list_dpkg ? parse_dpkg_line(l, &x) : parse_rpm_line(l, &x)))
					continue;
				st->list = xrealloc(st->list, (st->nlist + 1) * sizeof(*st->list));
				st->list[st->nlist++] = x;
			}
			st->backend = PKG_LIST;
			facts_set_str(&ctx->facts, "packages.backend", st->list_dpkg ? "dpkg" : "rpm", "the sosreport's %s (%zu packages)",
				      st->list_file, st->nlist);
		}
		buf_free(&text);
	}
}

static struct pkg_state *state(struct probe_ctx *ctx)
{
	bool fresh;
	struct pkg_state *st = probe_state(ctx, PROBE_STATE_PACKAGES, sizeof(*st), &fresh);
	if (!fresh)
		return st;

	/* The native database wins: Debian hosts may carry an rpm tool with a
	 * stray database, RHEL hosts never have dpkg's status file. */
	int r = root_read(ctx->root, "/var/lib/dpkg/status", 256u << 20, &st->dpkg, NULL);
	if (r == 0) {
		buf_grow(&st->dpkg, 0);
		st->backend = PKG_DPKG;
		facts_set_str(&ctx->facts, "packages.backend", "dpkg", "/var/lib/dpkg/status");
		return st;
	}
	static const char *const dbpaths[] = { "/var/lib/rpm", "/usr/lib/sysimage/rpm" };
	static const char *const dbfiles[] = { "rpmdb.sqlite", "Packages", "Packages.db" };
	for (size_t i = 0; i < ARRAY_SIZE(dbpaths) && st->backend == PKG_NONE; i++)
		for (size_t j = 0; j < ARRAY_SIZE(dbfiles); j++) {
			_cleanup_free_ char *p = xasprintf("%s/%s", dbpaths[i], dbfiles[j]);
			if (root_exists(ctx->root, p)) {
				st->backend = PKG_RPM;
				st->dbpath = xstrdup(dbpaths[i]);
				facts_set_str(&ctx->facts, "packages.backend", "rpm", "RPM database %s", p);
				break;
			}
		}
	if (st->backend == PKG_NONE)
		read_listing(ctx, st);
	if (st->backend == PKG_NONE) {
		st->why_none = xstrdup("no package database: neither /var/lib/dpkg/status nor an RPM database in /var/lib/rpm or /usr/lib/sysimage/rpm");
		facts_set_status(&ctx->facts, "packages.backend", FACT_MISSING, "%s", st->why_none);
	}
	return st;
}

static void cleanup(struct probe_ctx *ctx)
{
	struct pkg_state *st = probe_state_take(ctx, PROBE_STATE_PACKAGES);
	if (!st)
		return;
	if (st->rpm_configured) {
		/* librpm keeps its configuration (and a Lua state) globally. */
		__typeof__(&rpmdb_release) release = MODULE_FN("probe-rpm", rpmdb_release, NULL);
		if (release)
			release();
	}
	for (size_t i = 0; i < st->nlist; i++) {
		free(st->list[i].name);
		free(st->list[i].version);
		free(st->list[i].arch);
	}
	free(st->list);
	free(st->dbpath);
	free(st->why_none);
	buf_free(&st->dpkg);
	free(st);
}

struct pkg_info {
	bool installed;
	char *name; /* the installed package that matched */
	char *version, *arch;
	char *error;
};

static bool is_glob(const char *name)
{
	return strpbrk(name, "*?[") != NULL;
}

/* Keep the newest of several matches (kernels, versioned names); takes the
 * strings. */
static void take_newer(struct pkg_info *pi, char *name, char *version, char *arch, int (*cmp)(const char *, const char *))
{
	if (!pi->installed || cmp(version ? version : "", pi->version ? pi->version : "") > 0) {
		free(pi->name);
		free(pi->version);
		free(pi->arch);
		pi->name = name;
		pi->version = version;
		pi->arch = arch;
		pi->installed = true;
		return;
	}
	free(name);
	free(version);
	free(arch);
}

static void take_found(void *arg, char *name, char *version, char *arch)
{
	take_newer(arg, name, version, arch, pkg_version_cmp_rpm);
}

/* librpm, and what it brings, only on a host with an RPM database. */
static void rpm_lookup(struct probe_ctx *ctx, struct pkg_state *st, const char *name, struct pkg_info *pi)
{
	struct err e = ERR_INIT;
	__typeof__(&rpmdb_query) query = MODULE_FN("probe-rpm", rpmdb_query, &e);
	if (query && !st->rpm_configured) {
		__typeof__(&rpmdb_configure) configure = MODULE_FN("probe-rpm", rpmdb_configure, &e);
		if (configure && configure(&e) == 0)
			st->rpm_configured = 1;
	}
	if (st->rpm_configured)
		query(ctx->root, st->dbpath, name, is_glob(name), take_found, pi, &e);
	if (e.msg)
		pi->error = xstrdup(err_msg(&e));
	err_clear(&e);
}

/* The value of "Field: value" inside one stanza [s, end). */
static char *stanza_field(const char *s, const char *end, const char *field)
{
	size_t fl = strlen(field);
	for (const char *l = s; l && l < end; ) {
		if ((size_t)(end - l) > fl + 1 && strncmp(l, field, fl) == 0 && l[fl] == ':') {
			const char *v = l + fl + 1;
			while (*v == ' ')
				v++;
			const char *nl = memchr(v, '\n', (size_t)(end - v));
			return xstrndup(v, nl ? (size_t)(nl - v) : (size_t)(end - v));
		}
		const char *nl = memchr(l, '\n', (size_t)(end - l));
		l = nl ? nl + 1 : NULL;
	}
	return NULL;
}

static void dpkg_lookup(struct pkg_state *st, const char *name, struct pkg_info *pi)
{
	const char *text = st->dpkg.s, *end_all = text + st->dpkg.len;
	bool glob = is_glob(name);
	/* A glob looks at every stanza's name; a plain name only at its own. */
	_cleanup_free_ char *needle = glob ? xstrdup("Package: ") : xasprintf("Package: %s\n", name);
	for (const char *p = text; (p = strstr(p, needle)); p++) {
		if (p != text && p[-1] != '\n')
			continue;
		const char *end = strstr(p, "\n\n");
		if (!end)
			end = end_all;
		_cleanup_free_ char *pkg = stanza_field(p, end, "Package");
		if (!pkg || (glob && fnmatch(name, pkg, 0) != 0))
			continue;
		_cleanup_free_ char *status = stanza_field(p, end, "Status");
		if (!status || !str_ends(status, " installed"))
			continue;
		take_newer(pi, pkg, stanza_field(p, end, "Version"), stanza_field(p, end, "Architecture"), pkg_version_cmp_dpkg);
		pkg = NULL;
	}
}

static void list_lookup(const struct pkg_state *st, const char *name, struct pkg_info *pi)
{
	for (size_t i = 0; i < st->nlist; i++) {
		const struct listed *x = &st->list[i];
		if (is_glob(name) ? fnmatch(name, x->name, 0) == 0 : strcmp(name, x->name) == 0)
			take_newer(pi, xstrdup(x->name), xstrdup(x->version), xstrdup(x->arch),
				   st->list_dpkg ? pkg_version_cmp_dpkg : pkg_version_cmp_rpm);
	}
}

/* The package manager of the host's release, read from os-release or
 * redhat-release (the host probe's facts): an sosreport holds those but
 * no binaries; a root without them is asked which tool it carries. */
static void package_manager(struct probe_ctx *ctx, struct pkg_state *st)
{
	const struct fact *id = probe_fact(ctx, "os.id"), *ver = probe_fact(ctx, "os.version_id");
	const struct fact *major = probe_fact(ctx, "os.rhel_major");
	const char *m = NULL;
	if (id->status == FACT_OK) {
		long long v = 0; /* a release past a long long compares as the latest */
		if (ver->status != FACT_OK || str_to_ll_prefix(ver->s, &v, NULL) == -EINVAL)
			v = 0;
		if (major->status == FACT_OK && major->i > 0)
			m = major->i >= 8 ? "dnf" : "yum";
		else if (!strcmp(id->s, "fedora"))
			m = v >= 22 ? "dnf" : "yum";
		else if (!strcmp(id->s, "amzn"))
			m = v >= 2022 ? "dnf" : "yum";
		else if (!strcmp(id->s, "debian") || !strcmp(id->s, "ubuntu") || !strcmp(id->s, "linuxmint") || !strcmp(id->s, "raspbian"))
			m = "apt-get";
		else if (str_starts(id->s, "sles") || str_starts(id->s, "opensuse") || !strcmp(id->s, "suse"))
			m = "zypper";
		if (m) {
			facts_set_str(&ctx->facts, "packages.manager", m, "%s %s (%s)", id->s, ver->status == FACT_OK ? ver->s : "", id->evidence);
			return;
		}
	}
	static const struct { const char *path, *tool; } tools[] = {
		{ "/usr/bin/dnf", "dnf" }, { "/usr/bin/yum", "yum" }, { "/usr/bin/apt-get", "apt-get" }, { "/usr/bin/zypper", "zypper" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(tools); i++)
		if (root_exists(ctx->root, tools[i].path)) {
			facts_set_str(&ctx->facts, "packages.manager", tools[i].tool, "%s present (the release, %s, is not one hvscope knows)",
				      tools[i].path, id->status == FACT_OK ? id->s : "unknown");
			return;
		}
	if (st->backend == PKG_DPKG || (st->backend == PKG_LIST && st->list_dpkg))
		facts_set_str(&ctx->facts, "packages.manager", "apt-get", "the dpkg database");
	else
		facts_set_status(&ctx->facts, "packages.manager", FACT_MISSING, "no release file names the distribution and no dnf, yum, apt-get or zypper under %s",
				 ctx->root);
}

static void resolve(struct probe_ctx *ctx, const char *name)
{
	struct pkg_state *st = state(ctx);
	if (strcmp(name, "packages.manager") == 0) {
		package_manager(ctx, st);
		return;
	}
	if (strcmp(name, "packages.backend") == 0)
		return;
	const char *rest = name + strlen("package.");
	const char *dot = strrchr(rest, '.');
	_cleanup_free_ char *names = xstrndup(rest, (size_t)(dot - rest));
	_cleanup_free_ char *base = xstrndup(name, (size_t)(dot - name));
	_cleanup_free_ char *f_inst = xasprintf("%s.installed", base), *f_ver = xasprintf("%s.version", base),
			   *f_arch = xasprintf("%s.arch", base);

	if (st->backend == PKG_NONE) {
		facts_set_status(&ctx->facts, f_inst, FACT_MISSING, "%s", st->why_none);
		facts_set_status(&ctx->facts, f_ver, FACT_MISSING, "%s", st->why_none);
		facts_set_status(&ctx->facts, f_arch, FACT_MISSING, "%s", st->why_none);
		return;
	}
	const char *db = st->backend == PKG_RPM ? "rpm database" : st->backend == PKG_DPKG ? "dpkg status" : st->list_file;
	char *save = NULL;
	struct pkg_info found = { 0 };
	for (char *n = strtok_r(names, "|", &save); n && !found.installed; n = strtok_r(NULL, "|", &save)) {
		struct pkg_info pi = { 0 };
		if (st->backend == PKG_RPM)
			rpm_lookup(ctx, st, n, &pi);
		else if (st->backend == PKG_DPKG)
			dpkg_lookup(st, n, &pi);
		else
			list_lookup(st, n, &pi);
		if (pi.error) {
			facts_set_status(&ctx->facts, f_inst, FACT_ERROR, "%s", pi.error);
			facts_set_status(&ctx->facts, f_ver, FACT_ERROR, "%s", pi.error);
			facts_set_status(&ctx->facts, f_arch, FACT_ERROR, "%s", pi.error);
			free(pi.error);
			return;
		}
		if (pi.installed)
			found = pi;
	}
	if (found.installed) {
		facts_set_bool(&ctx->facts, f_inst, true, "%s: %s %s.%s installed", db, found.name, found.version ? found.version : "?",
			       found.arch ? found.arch : "?");
		facts_set_str(&ctx->facts, f_ver, found.version ? found.version : "", "%s: %s", db, found.name);
		facts_set_str(&ctx->facts, f_arch, found.arch ? found.arch : "", "%s: %s", db, found.name);
	} else {
		const char *what = rest;
		facts_set_bool(&ctx->facts, f_inst, false, "%s: %.*s not installed", db, (int)(dot - what), what);
		facts_set_status(&ctx->facts, f_ver, FACT_MISSING, "%s: %.*s not installed", db, (int)(dot - what), what);
		facts_set_status(&ctx->facts, f_arch, FACT_MISSING, "%s: %.*s not installed", db, (int)(dot - what), what);
	}
	free(found.name);
	free(found.version);
	free(found.arch);
}

const struct probe probe_packages = {
	.name = "packages",
	.summary = "installed packages through librpm or the dpkg database (an sosreport: its package listing)",
	.patterns = patterns,
	.resolve = resolve,
	.cleanup = cleanup,
};

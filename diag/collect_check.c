/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The check's part of a bundle, from one probe context: what check
 * --bundle needs to run any profile again on the bundle. */
#include "diag/collect_check.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libcpuid.h>

#include "core/root.h"
#include "rules/check.h"
#include "rules/report.h"
#include "rules/report_html.h"

/* The versions of the virtualization packages, readable at a glance, from
 * the check's own probe context. */
static void collect_packages(struct bundle *b, struct probe_ctx *ctx, const char *const *packages)
{
	struct buf out = BUF_INIT;
	const struct fact *be = probe_fact(ctx, "packages.backend");
	buf_printf(&out, "# package database: %s\n", be->status == FACT_OK ? be->s : be->evidence);
	for (size_t i = 0; packages[i]; i++) {
		_cleanup_free_ char *name = xasprintf("package.%s.version", packages[i]);
		const struct fact *f = probe_fact(ctx, name);
		if (f->status == FACT_OK)
			buf_printf(&out, "%-28s %s\n", packages[i], f->s);
	}
	bundle_add(b, "check/packages.txt", out.s, out.len, "package database", time(NULL), 0);
	buf_free(&out);
}

/* The live CPU's raw CPUID in libcpuid's text form: check --bundle's CPU
 * probe runs on it as on the host, for facts the bundle did not record. */
static void collect_cpuid(struct bundle *b)
{
	if (!b->live)
		return;
	struct cpu_raw_data_t raw;
	if (!cpuid_present() || cpuid_get_raw_data(&raw) != 0) {
		bundle_skip(b, "CPUID", "libcpuid: %s", cpuid_error());
		return;
	}
	_cleanup_free_ char *path = xasprintf("%s/hvscope-cpuid-XXXXXX", tmp_dir());
	int fd = mkstemp(path);
	struct buf text = BUF_INIT;
	if (fd < 0 || cpuid_serialize_raw_data(&raw, path) != 0 || root_read("/", path, ROOT_READ_MAX, &text, NULL) < 0)
		bundle_skip(b, "CPUID", "the raw dump could not be written: %s", fd < 0 ? strerror(errno) : cpuid_error());
	else
		bundle_add(b, "check/cpuid.raw", text.s, text.len, "libcpuid cpuid_serialize_raw_data", time(NULL), 0);
	if (fd >= 0) {
		close(fd);
		unlink(path);
	}
	buf_free(&text);
}

void bundle_check(struct bundle *b, const char *const *packages)
{
	struct ruleset set = { 0 };
	struct report rep = { 0 };
	struct err e = ERR_INIT;
	struct probe_ctx ctx;
	probe_ctx_init(&ctx, b->o->root);
	int r = check_load(NULL, &set, &e);
	if (r == 0)
		r = check_run(&ctx, &set, b->o->profile, NULL, &rep, &e);
	if (r < 0) {
		bundle_skip(b, "hvscope check", "%s", err_msg(&e));
	} else {
		struct buf out = BUF_INIT;
		struct report_opts ro = { .color = false, .quiet = false };
		report_write_text(&rep, &ro, &out);
		bundle_add(b, "check/report.txt", out.s, out.len, "hvscope check", time(NULL), 0);
		buf_reset(&out);
		report_write_json(&rep, &out);
		bundle_add(b, "check/report.json", out.s, out.len, "hvscope check --format json", time(NULL), 0);
		buf_reset(&out);
		/* The page a browser opens first, at the bundle's top. */
		report_write_html(&rep, &out);
		bundle_add(b, "index.html", out.s, out.len, "hvscope check --format html", time(NULL), 0);
		bundle_log(b, "check: profile %s, %zu checks", rep.profile, rep.n);
		buf_free(&out);
	}
	collect_packages(b, &ctx, packages);
	collect_cpuid(b);
	struct buf facts = BUF_INIT;
	check_facts_json(&ctx, &set, &facts);
	bundle_add(b, "check/facts.json", facts.s, facts.len, "hvscope probes", time(NULL), 0);
	buf_free(&facts);
	probe_ctx_free(&ctx);
	err_clear(&e);
	report_free(&rep);
	ruleset_free(&set);
}


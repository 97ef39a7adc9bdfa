/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CPU vulnerabilities and SMT: the kernel's own verdict on each
 * speculative-execution issue it knows (/sys/devices/system/cpu/
 * vulnerabilities/, Linux 4.15 on and RHEL 6 and 7's backports) and
 * whether sibling threads run (/sys/devices/system/cpu/smt/, Linux 4.19
 * on).  The strings are the kernel's (Documentation/admin-guide/
 * hw-vuln/); sos's processor plugin copies the whole of
 * /sys/devices/system/cpu, so an sosreport answers them too. */
#include <string.h>

#include "core/root.h"
#include "probe/ask.h"
#include "probe/cpusec.h"

#define VULN_DIR "/sys/devices/system/cpu/vulnerabilities"

static const char *const patterns[] = { "cpu.vuln.*", "cpu.smt.control", "cpu.smt.active", NULL };

enum vuln_state vuln_classify(const char *text)
{
	/* iTLB multihit speaks for KVM: "KVM: Mitigation: Split huge pages",
	 * "KVM: Vulnerable", and "Processor vulnerable" with KVM not loaded */
	if (str_starts(text, "KVM: "))
		text += strlen("KVM: ");
	if (!strcmp(text, "Not affected"))
		return VULN_NOT_AFFECTED;
	if (str_starts(text, "Mitigation: "))
		return VULN_MITIGATED;
	if (str_starts(text, "Vulnerable") || !strcmp(text, "Processor vulnerable"))
		return VULN_VULNERABLE;
	return VULN_UNKNOWN;
}

bool vuln_smt_exposed(const char *text)
{
	return strstr(text, "SMT vulnerable") != NULL;
}

static void probe_vulns(struct probe_ctx *ctx)
{
	struct facts *fs = &ctx->facts;
	struct strv names = { 0 }, seen = { 0 }, vulnerable = { 0 }, smt = { 0 };
	int r = root_list_dir(ctx->root, VULN_DIR, &names);
	if (r < 0) {
		static const char *const lists[] = { "cpu.vuln.names", "cpu.vuln.vulnerable", "cpu.vuln.smt_vulnerable" };
		for (size_t i = 0; i < ARRAY_SIZE(lists); i++)
			facts_set_errno(fs, lists[i], r, ctx->is_root, "%s: %s (the kernel reports no CPU vulnerabilities: before Linux 4.15 and its backports)",
					VULN_DIR, strerror(-r));
		strv_free(&names);
		return;
	}
	size_t bad = 0;
	for (size_t i = 0; i < names.n; i++) {
		_cleanup_free_ char *p = xasprintf(VULN_DIR "/%s", names.v[i]);
		_cleanup_free_ char *fname = xasprintf("cpu.vuln.%s", names.v[i]);
		_cleanup_free_ char *text = NULL;
		int e = root_read_line(ctx->root, p, &text, NULL);
		if (e < 0) {
			facts_set_errno(fs, fname, e, ctx->is_root, "%s: %s", p, strerror(-e));
			bad++;
			continue;
		}
		facts_set_str(fs, fname, text, "%s", p);
		strv_push(&seen, names.v[i]);
		if (vuln_classify(text) == VULN_VULNERABLE)
			strv_push_take(&vulnerable, xasprintf("%s: %s", names.v[i], text));
		if (vuln_smt_exposed(text))
			strv_push_take(&smt, xasprintf("%s: %s", names.v[i], text));
	}
	facts_set_list_take(fs, "cpu.vuln.names", &seen, "%s holds %zu entries%s", VULN_DIR, names.n, bad ? " (some unreadable)" : "");
	facts_set_list_take(fs, "cpu.vuln.vulnerable", &vulnerable, "the entries of %s that begin \"Vulnerable\"", VULN_DIR);
	facts_set_list_take(fs, "cpu.vuln.smt_vulnerable", &smt, "the entries of %s that say \"SMT vulnerable\"", VULN_DIR);
	strv_free(&names);
}

/* control: on, off, forceoff, notsupported, notimplemented; active: 0 or
 * 1 (Documentation/ABI/testing/sysfs-devices-system-cpu). */
static void probe_smt(struct probe_ctx *ctx)
{
	struct facts *fs = &ctx->facts;
	_cleanup_free_ char *control = NULL, *active = NULL;
	int r = root_read_line(ctx->root, "/sys/devices/system/cpu/smt/control", &control, NULL);
	if (r == 0)
		facts_set_str(fs, "cpu.smt.control", control, "/sys/devices/system/cpu/smt/control");
	else
		facts_set_errno(fs, "cpu.smt.control", r, ctx->is_root, "/sys/devices/system/cpu/smt/control: %s (before Linux 4.19)",
				strerror(-r));
	r = root_read_line(ctx->root, "/sys/devices/system/cpu/smt/active", &active, NULL);
	if (r == 0 && (!strcmp(active, "0") || !strcmp(active, "1")))
		facts_set_bool(fs, "cpu.smt.active", active[0] == '1', "/sys/devices/system/cpu/smt/active = %s%s%s", active,
			       control ? ", control = " : "", control ? control : "");
	else if (r == 0)
		facts_set_status(fs, "cpu.smt.active", FACT_ERROR, "/sys/devices/system/cpu/smt/active: \"%.40s\" is neither 0 nor 1", active);
	else
		facts_set_errno(fs, "cpu.smt.active", r, ctx->is_root, "/sys/devices/system/cpu/smt/active: %s (before Linux 4.19)",
				strerror(-r));
}

static void resolve(struct probe_ctx *ctx, const char *name)
{
	if (str_starts(name, "cpu.vuln.") && probe_once(ctx, "cpu.vuln"))
		probe_vulns(ctx);
	else if (str_starts(name, "cpu.smt.") && probe_once(ctx, "cpu.smt"))
		probe_smt(ctx);
}

const struct probe probe_cpusec = {
	.name = "cpusec",
	.summary = "CPU vulnerabilities as the kernel reports them, SMT state",
	.patterns = patterns,
	.resolve = resolve,
};

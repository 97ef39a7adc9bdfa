/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CPU facts: CPUID through libcpuid (the live host's, or the raw dump a
 * bundle recorded: under --root the CPU running hvscope is not the
 * image's), cross-checked with /proc/cpuinfo.  Inside VMs the two can
 * disagree with each other and with reality, so both are kept in the
 * evidence and the fact says which one it used. */
#include <errno.h>
#include <libcpuid.h>
#include <string.h>

#include "core/root.h"
#include "probe/ask.h"

static const char *const patterns[] = { "cpu.vendor", "cpu.model", "cpu.logical", "cpu.flags", "cpu.flag.*",
					"cpu.hwvirt", "cpu.source", NULL };

struct cpuinfo {
	int logical;
	char *vendor, *model, *flags;
};

/* Parse the x86 /proc/cpuinfo text: count processors, take the first CPU's
 * vendor, model and flags. */
static void cpuinfo_parse(char *text, struct cpuinfo *ci)
{
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(line, ':');
		if (!colon)
			continue;
		*colon = '\0';
		char *key = str_strip(line), *val = str_strip(colon + 1);
		if (strcmp(key, "processor") == 0)
			ci->logical++;
		else if (strcmp(key, "vendor_id") == 0 && !ci->vendor)
			ci->vendor = xstrdup(val);
		else if (strcmp(key, "model name") == 0 && !ci->model)
			ci->model = xstrdup(val);
		else if (strcmp(key, "flags") == 0 && !ci->flags)
			ci->flags = xstrdup(val);
	}
}

static const struct {
	const char *flag;
	cpu_feature_t feature;
} cpuid_flags[] = {
	{ "pae", CPU_FEATURE_PAE }, { "vmx", CPU_FEATURE_VMX }, { "svm", CPU_FEATURE_SVM },
	{ "lm", CPU_FEATURE_LM },   { "nx", CPU_FEATURE_NX },   { "hypervisor", CPU_FEATURE_HYPERVISOR },
	{ "sse2", CPU_FEATURE_SSE2 }, { "aes", CPU_FEATURE_AES },
};

/* The raw CPUID of the live host, or of the dump a bundle recorded. */
static bool read_cpuid(const struct probe_ctx *ctx, struct cpu_id_t *id, const char **note)
{
	struct cpu_raw_data_t raw;
	bool ok;
	if (ctx->cpuid_dump) {
		ok = cpuid_deserialize_raw_data(&raw, ctx->cpuid_dump) == 0 && cpu_identify(&raw, id) == 0;
		*note = ok ? "libcpuid on the bundle's CPUID dump" : "the bundle's CPUID dump is unreadable";
	} else if (root_is_live(ctx->root)) {
		ok = cpuid_present() && cpuid_get_raw_data(&raw) == 0 && cpu_identify(&raw, id) == 0;
		*note = ok ? "libcpuid" : "libcpuid failed";
	} else {
		ok = false;
		*note = "libcpuid not used under --root";
	}
	return ok;
}

/* A flag beyond the table: CPUID's answer by libcpuid's name for it when
 * CPUID was read, else /proc/cpuinfo's. */
static void any_flag(struct probe_ctx *ctx, const char *name, const char *cpuinfo_flags)
{
	const char *flag = name + strlen("cpu.flag.");
	const struct cpu_id_t *id = ctx->state[PROBE_STATE_CPU];
	bool in_ci = cpuinfo_flags && str_has_word(cpuinfo_flags, flag);
	for (int f = 0; id && f < NUM_CPU_FEATURES; f++) {
		const char *fname = cpu_feature_str((cpu_feature_t)f);
		if (fname && strcmp(fname, flag) == 0) {
			facts_set_bool(&ctx->facts, name, id->flags[f] != 0, "CPUID (libcpuid): %s; /proc/cpuinfo: %s; used: CPUID",
				       id->flags[f] ? "yes" : "no", cpuinfo_flags ? (in_ci ? "yes" : "no") : "unreadable");
			return;
		}
	}
	if (cpuinfo_flags)
		facts_set_bool(&ctx->facts, name, in_ci, "/proc/cpuinfo flags %s %s", in_ci ? "list" : "lack", flag);
}

/* Vendor, model and logical CPUs: CPUID's (id) where it was read, else
 * /proc/cpuinfo's (ci); either may be NULL, not both. */
static void set_identity(struct facts *fs, const struct cpuinfo *ci, const struct cpu_id_t *id)
{
	if (id) {
		facts_set_str(fs, "cpu.vendor", id->vendor_str, "CPUID leaf 0 (libcpuid)");
		facts_set_str(fs, "cpu.model", id->brand_str, "CPUID brand string (libcpuid)");
	} else {
		facts_set_str(fs, "cpu.vendor", ci->vendor ? ci->vendor : "unknown", "/proc/cpuinfo vendor_id");
		facts_set_str(fs, "cpu.model", ci->model ? ci->model : "unknown", "/proc/cpuinfo model name");
	}
	if (ci)
		facts_set_int(fs, "cpu.logical", ci->logical, "/proc/cpuinfo: %d processor entries", ci->logical);
	else
		facts_set_int(fs, "cpu.logical", cpuid_get_total_cpus(), "libcpuid (online CPUs)");
}

/* The table's flags and cpu.hwvirt: CPUID's answer where it was read
 * (the kernel or an outer hypervisor may mask a flag from /proc/cpuinfo),
 * else /proc/cpuinfo's. */
static void set_flags(struct facts *fs, const struct cpuinfo *ci, const struct cpu_id_t *id, const char *cpuid_note)
{
	for (size_t i = 0; i < ARRAY_SIZE(cpuid_flags); i++) {
		const char *flag = cpuid_flags[i].flag;
		_cleanup_free_ char *fname = xasprintf("cpu.flag.%s", flag);
		bool in_ci = ci && str_has_word(ci->flags, flag);
		if (id) {
			bool in_id = id->flags[cpuid_flags[i].feature] != 0;
			facts_set_bool(fs, fname, in_id, "CPUID (libcpuid): %s; /proc/cpuinfo: %s; used: CPUID%s",
				       in_id ? "yes" : "no", ci ? (in_ci ? "yes" : "no") : "unreadable",
				       ci && in_id != in_ci ? " (the sources disagree: the kernel or an outer hypervisor masks it)" : "");
		} else {
			facts_set_bool(fs, fname, in_ci, "/proc/cpuinfo: %s; %s; used: /proc/cpuinfo", in_ci ? "yes" : "no", cpuid_note);
		}
	}
	const struct fact *vmx = facts_get(fs, "cpu.flag.vmx"), *svm = facts_get(fs, "cpu.flag.svm");
	bool hw = (vmx && vmx->b) || (svm && svm->b);
	facts_set_bool(fs, "cpu.hwvirt", hw, "%s: %s", hw ? (vmx->b ? "vmx" : "svm") : "neither vmx nor svm",
		       id ? "CPUID (libcpuid)" : "/proc/cpuinfo");
}

static void resolve(struct probe_ctx *ctx, const char *name)
{
	struct facts *fs = &ctx->facts;
	if (!probe_once(ctx, "cpu")) {
		/* cpu.flag.<other> after the first run */
		const struct fact *src = facts_get(fs, "cpu.source");
		if (str_starts(name, "cpu.flag.") && src && src->status == FACT_OK) {
			const struct fact *all = facts_get(fs, "cpu.flags");
			any_flag(ctx, name, all && all->status == FACT_OK ? all->s : NULL);
		}
		return;
	}

	struct cpuinfo ci = { 0 };
	struct buf text = BUF_INIT;
	struct err e = ERR_INIT;
	int r = root_read(ctx->root, "/proc/cpuinfo", ROOT_READ_MAX, &text, &e);
	bool have_ci = false;
	if (r == 0) {
		cpuinfo_parse(text.s ? text.s : (char *)"", &ci);
		have_ci = ci.logical > 0 && ci.flags;
	}

	struct cpu_id_t id;
	const char *cpuid_note;
	bool have_cpuid = read_cpuid(ctx, &id, &cpuid_note);
	if (have_cpuid) {
		bool fresh;
		memcpy(probe_state(ctx, PROBE_STATE_CPU, sizeof(id), &fresh), &id, sizeof(id));
	}

	if (!have_ci && !have_cpuid) {
		const char *why = r < 0 ? err_msg(&e) : "/proc/cpuinfo: no processor or flags line (truncated, or not x86)";
		for (const char *const *p = patterns; *p; p++)
			if (!strchr(*p, '*'))
				facts_set_status(fs, *p, r < 0 && e.code == -ENOENT ? FACT_MISSING : FACT_ERROR, "%s; %s", why, cpuid_note);
		facts_set_status(fs, "cpu.flags", FACT_ERROR, "%s", why);
		facts_set_status(fs, name, r < 0 && e.code == -ENOENT ? FACT_MISSING : FACT_ERROR, "%s; %s", why, cpuid_note);
		goto out;
	}
	facts_set_str(fs, "cpu.source", have_cpuid && have_ci ? "cpuid+cpuinfo" : have_cpuid ? "cpuid" : "cpuinfo",
		      "%s; /proc/cpuinfo %s", cpuid_note, have_ci ? "read" : "unusable");
	if (have_ci)
		facts_set_str(fs, "cpu.flags", ci.flags, "/proc/cpuinfo flags of cpu0");
	else
		facts_set_status(fs, "cpu.flags", FACT_ERROR, "/proc/cpuinfo unusable");

	set_identity(fs, have_ci ? &ci : NULL, have_cpuid ? &id : NULL);
	set_flags(fs, have_ci ? &ci : NULL, have_cpuid ? &id : NULL, cpuid_note);
	if (str_starts(name, "cpu.flag.") && !facts_get(fs, name))
		any_flag(ctx, name, have_ci ? ci.flags : NULL);
out:
	free(ci.vendor);
	free(ci.model);
	free(ci.flags);
	buf_free(&text);
	err_clear(&e);
}

static void cleanup(struct probe_ctx *ctx)
{
	free(probe_state_take(ctx, PROBE_STATE_CPU));
}

const struct probe probe_cpu = {
	.name = "cpu",
	.summary = "CPU vendor, model, logical CPUs and flags (libcpuid, /proc/cpuinfo)",
	.patterns = patterns,
	.resolve = resolve,
	.cleanup = cleanup,
};

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Confidential guests: what the CPU offers (AMD's CPUID leaf 0x8000001F:
 * EAX bit 1 SEV, bit 3 SEV-ES, bit 4 SEV-SNP; Intel TDX, which the host
 * does not enumerate in CPUID, by the kernel's tdx_host_platform flag),
 * what KVM enables (kvm_amd's sev, sev_es, sev_snp parameters, kvm_intel's
 * tdx), /dev/sev (QEMU opens it to launch an SEV guest), and the guests
 * whose <launchSecurity> needs one of them.  CPUID is the live CPU's or
 * a bundle's raw dump; under --root and from an sosreport /proc/cpuinfo's
 * flags (sev, sev_es, sev_snp, from the same leaf) stand for it. */
#include <cpuid.h>
#include <libcpuid.h>
#include <string.h>

#include "core/root.h"
#include "probe/ask.h"

static const char *const patterns[] = { "secure_guest.*", NULL };

#define SEV_LEAF 0x8000001Fu

struct secure {
	struct strv cpu;           /* sev, sev_es, sev_snp, tdx */
	bool sev, sev_es, sev_snp, tdx, dev_sev;
};

static void cpu_from_eax(unsigned eax, struct strv *out)
{
	if (eax & (1u << 1))
		strv_push(out, "sev");
	if (eax & (1u << 3))
		strv_push(out, "sev_es");
	if (eax & (1u << 4))
		strv_push(out, "sev_snp");
}

/* The CPU's features and where they were read; false when nothing tells. */
static bool cpu_features(struct probe_ctx *ctx, struct strv *out, struct buf *ev)
{
	unsigned eax = 0, ebx, ecx, edx;
	bool have = false;
	if (ctx->cpuid_dump) {
		struct cpu_raw_data_t raw;
		if (cpuid_deserialize_raw_data(&raw, ctx->cpuid_dump) == 0) {
			have = raw.ext_cpuid[0][0] >= SEV_LEAF;
			eax = have ? raw.ext_cpuid[SEV_LEAF - 0x80000000u][0] : 0;
			buf_printf(ev, "the bundle's CPUID dump: leaf 0x8000001F %s", have ? "" : "absent");
		}
	} else if (root_is_live(ctx->root) && __get_cpuid_max(0x80000000u, NULL) >= SEV_LEAF) {
		have = true;
		__cpuid(SEV_LEAF, eax, ebx, ecx, edx);
		buf_printf(ev, "CPUID leaf 0x8000001F ");
	} else if (root_is_live(ctx->root)) {
		buf_printf(ev, "CPUID: no leaf 0x8000001F (not an AMD CPU with memory encryption)");
	}
	if (have)
		buf_printf(ev, "EAX=0x%08x", eax);
	cpu_from_eax(eax, out);
	struct buf ci = BUF_INIT;
	if (root_read(ctx->root, "/proc/cpuinfo", ROOT_READ_MAX, &ci, NULL) == 0) {
		buf_grow(&ci, 0);
		const char *flags = strstr(ci.s, "\nflags");
		_cleanup_free_ char *line = flags ? xstrndup(flags + 1, strcspn(flags + 1, "\n")) : NULL;
		static const char *const names[] = { "sev", "sev_es", "sev_snp" };
		for (size_t i = 0; line && !have && i < ARRAY_SIZE(names); i++)
			if (str_has_word(strchr(line, ':') ? strchr(line, ':') + 1 : line, names[i]))
				strv_push(out, names[i]);
		if (line && str_has_word(strchr(line, ':') ? strchr(line, ':') + 1 : line, "tdx_host_platform"))
			strv_push(out, "tdx");
		buf_printf(ev, "%s/proc/cpuinfo flags%s", ev->len ? "; " : "", have ? " (tdx_host_platform only)" : "");
		have = have || line;
	}
	buf_free(&ci);
	return have;
}

/* A module parameter Y/N (1/0 on older kernels); false when absent. */
static bool param(struct probe_ctx *ctx, const char *mod, const char *name, struct buf *ev)
{
	_cleanup_free_ char *p = xasprintf("/sys/module/%s/parameters/%s", mod, name), *v = NULL;
	if (root_read_line(ctx->root, p, &v, NULL) < 0)
		return false;
	buf_printf(ev, "%s%s %s", ev->len ? ", " : "", name, v);
	return v[0] == 'Y' || v[0] == '1';
}

/* The strongest kind a guest can be launched with: the CPU has it, KVM
 * enables it, and for AMD's /dev/sev is there. */
static const char *usable_kind(const struct strv *cpu, bool sev, bool sev_es, bool sev_snp, bool tdx, bool dev_sev)
{
	if (strv_contains(cpu, "sev_snp") && sev_snp && dev_sev)
		return "sev-snp";
	if (strv_contains(cpu, "sev_es") && sev_es && dev_sev)
		return "sev-es";
	if (strv_contains(cpu, "sev") && sev && dev_sev)
		return "sev";
	if (strv_contains(cpu, "tdx") && tdx)
		return "tdx";
	return "none";
}

static void probe_host_secure(struct probe_ctx *ctx)
{
	struct facts *fs = &ctx->facts;
	struct strv cpu = { 0 };
	struct buf cev = BUF_INIT, kev = BUF_INIT;
	bool known = cpu_features(ctx, &cpu, &cev);
	bool sev = param(ctx, "kvm_amd", "sev", &kev), sev_es = param(ctx, "kvm_amd", "sev_es", &kev);
	bool sev_snp = param(ctx, "kvm_amd", "sev_snp", &kev), tdx = param(ctx, "kvm_intel", "tdx", &kev);
	/* sos keeps no device nodes; the ccp driver makes /dev/sev when SEV's
	 * firmware starts, without which kvm_amd turns sev off */
	bool dev_sev = ctx->sos ? sev : root_exists(ctx->root, "/dev/sev");
	_cleanup_free_ char *sev_text = NULL;
	if (root_read_line(ctx->root, "/sys/module/kvm_amd/parameters/sev", &sev_text, NULL) == 0)
		facts_set_bool(fs, "secure_guest.sev", sev, "/sys/module/kvm_amd/parameters/sev = %s", sev_text);
	else
		facts_set_status(fs, "secure_guest.sev", FACT_MISSING, "/sys/module/kvm_amd/parameters/sev absent (no AMD SEV, and not s390 PV)");
	facts_set_bool(fs, "secure_guest.sev_es", sev_es, "kvm_amd: %s", kev.len ? buf_str(&kev) : "no parameters");
	facts_set_bool(fs, "secure_guest.sev_snp", sev_snp, "kvm_amd: %s", kev.len ? buf_str(&kev) : "no parameters");
	facts_set_bool(fs, "secure_guest.tdx", tdx, "kvm_intel/kvm_amd parameters: %s", kev.len ? buf_str(&kev) : "none");
	if (ctx->sos)
		facts_set_bool(fs, "secure_guest.dev_sev", dev_sev, "an sosreport keeps no /dev: taken from kvm_amd's sev (%s)", sev ? "Y" : "N or absent");
	else
		facts_set_bool(fs, "secure_guest.dev_sev", dev_sev, "/dev/sev %s", dev_sev ? "present" : "absent");
	const char *kind = usable_kind(&cpu, sev, sev_es, sev_snp, tdx, dev_sev);
	struct buf ev = BUF_INIT;
	buf_printf(&ev, "CPU: ");
	for (size_t i = 0; i < cpu.n; i++)
		buf_printf(&ev, "%s%s", i ? " " : "", cpu.v[i]);
	buf_printf(&ev, "%s (%s); KVM: %s; /dev/sev %s", cpu.n ? "" : "none", cev.len ? buf_str(&cev) : "nothing read",
		   kev.len ? buf_str(&kev) : "no sev/tdx parameters", dev_sev ? "present" : "absent");
	if (known || kev.len)
		facts_set_str(fs, "secure_guest.kind", kind, "%s", buf_str(&ev));
	else
		facts_set_status(fs, "secure_guest.kind", FACT_UNKNOWN, "%s", buf_str(&ev));
	facts_set_list_take(fs, "secure_guest.cpu", &cpu, "%s", cev.len ? buf_str(&cev) : "nothing read");
	buf_free(&ev);
	buf_free(&cev);
	buf_free(&kev);
}

/* Whether a host of kind launches a guest asking for want. */
static bool kind_serves(const char *kind, const char *want)
{
	static const char *const amd[] = { "sev", "sev-es", "sev-snp" }; /* each serves those before it */
	int k = -1, w = -1;
	for (int i = 0; i < 3; i++) {
		if (!strcmp(kind, amd[i]))
			k = i;
		if (!strcmp(want, amd[i]))
			w = i;
	}
	if (w >= 0)
		return k >= w;
	return !strcmp(kind, want);
}

static void probe_guests(struct probe_ctx *ctx)
{
	const struct fact *names = probe_fact(ctx, "guest.names");
	struct strv gnames = { 0 }, asking = { 0 }, unmet = { 0 };
	for (size_t i = 0; names->status == FACT_OK && i < names->list.n; i++)
		strv_push(&gnames, names->list.v[i]);
	for (size_t i = 0; i < gnames.n; i++) {
		_cleanup_free_ char *f = xasprintf("guest.%s.launch_security", gnames.v[i]);
		const struct fact *ls = probe_fact(ctx, f);
		if (ls->status == FACT_OK && strcmp(ls->s, "none"))
			strv_push_take(&asking, xasprintf("%s: %s", gnames.v[i], ls->s));
	}
	facts_set_list_take(&ctx->facts, "secure_guest.guests", &asking, "the guests with <launchSecurity>");
	const struct fact *kind = probe_fact(ctx, "secure_guest.kind");
	const struct fact *g = probe_fact(ctx, "secure_guest.guests");
	if (kind->status != FACT_OK) {
		facts_set_status(&ctx->facts, "secure_guest.unmet", kind->status, "secure_guest.kind: %s", kind->evidence);
	} else {
		for (size_t i = 0; i < g->list.n; i++) {
			/* "NAME: KIND": the guest's name may hold ": " too */
			const char *want = strrchr(g->list.v[i], ' ') + 1;
			if (!kind_serves(kind->s, want))
				strv_push_take(&unmet, xasprintf("%s (this host launches: %s)", g->list.v[i], kind->s));
		}
		facts_set_list_take(&ctx->facts, "secure_guest.unmet", &unmet, "each guest's <launchSecurity> against %s", kind->evidence);
	}
	strv_free(&gnames);
}

static void resolve(struct probe_ctx *ctx, const char *name)
{
	if ((!strcmp(name, "secure_guest.guests") || !strcmp(name, "secure_guest.unmet")) && probe_once(ctx, "secure_guest.guests"))
		probe_guests(ctx);
	else if (probe_once(ctx, "secure_guest"))
		probe_host_secure(ctx);
}

const struct probe probe_secure = {
	.name = "secure",
	.summary = "confidential guests: AMD SEV, SEV-ES, SEV-SNP, Intel TDX, and the guests that ask for them",
	.patterns = patterns,
	.resolve = resolve,
};

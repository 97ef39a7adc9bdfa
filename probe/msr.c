/* SPDX-License-Identifier: GPL-2.0-or-later */
/* VT in the firmware: cpu.vt_firmware from the MSRs (libcpuid's MSR driver,
 * /dev/cpu/N/msr: root and the msr module), and cpu.vt_enabled, the answer
 * rules read, from the best source this host has: the capabilities Xen
 * lists when it runs, /dev/kvm creating a VM, else the MSRs. */
#include "probe/msr.h"

#include <libcpuid.h>
#include <string.h>

#include "core/root.h"
#include "probe/ask.h"

static const char *const patterns[] = { "cpu.vt_firmware", "cpu.vt_enabled", NULL };

enum vt_firmware vt_firmware_decode(bool vmx, uint64_t value, const char **why)
{
	if (vmx) {
		bool lock = value & 1, outside_smx = value & 4;
		if (!lock) {
			*why = "unlocked: the kernel sets VMX on itself";
			return VT_ENABLED;
		}
		*why = outside_smx ? "locked with VMX outside SMX on" : "locked with VMX outside SMX off";
		return outside_smx ? VT_ENABLED : VT_DISABLED_IN_BIOS;
	}
	bool lock = value & 8, svmdis = value & 16;
	if (!svmdis) {
		*why = "SVMDIS clear";
		return VT_ENABLED;
	}
	*why = lock ? "SVMDIS set and locked" : "SVMDIS set";
	return lock ? VT_LOCKED_OFF : VT_DISABLED_IN_BIOS;
}

const char *vt_firmware_name(enum vt_firmware v)
{
	switch (v) {
	case VT_ENABLED: return "enabled";
	case VT_DISABLED_IN_BIOS: return "disabled-in-bios";
	case VT_LOCKED_OFF: return "locked-off";
	}
	return "?";
}

static void probe_firmware(struct probe_ctx *ctx)
{
	struct facts *fs = &ctx->facts;
	const struct fact *vmx = probe_fact(ctx, "cpu.flag.vmx"), *svm = probe_fact(ctx, "cpu.flag.svm");
	bool is_vmx = vmx->status == FACT_OK && vmx->b, is_svm = svm->status == FACT_OK && svm->b;
	if (!is_vmx && !is_svm) {
		facts_set_str(fs, "cpu.vt_firmware", "not-supported", "the CPU lists neither vmx nor svm");
		return;
	}
	if (!root_is_live(ctx->root)) {
		facts_set_status(fs, "cpu.vt_firmware", FACT_UNKNOWN, "MSRs are read on the live host only, not under --root %s", ctx->root);
		return;
	}
	if (!ctx->is_root) {
		facts_set_status(fs, "cpu.vt_firmware", FACT_NEEDS_ROOT, "reading MSRs (/dev/cpu/0/msr) needs root");
		return;
	}
	struct msr_driver_t *drv = cpu_msr_driver_open();
	if (!drv) {
		facts_set_status(fs, "cpu.vt_firmware", FACT_UNKNOWN, "no MSR driver (modprobe msr): %s", cpuid_error());
		return;
	}
	uint32_t index = is_vmx ? MSR_IA32_FEATURE_CONTROL : MSR_VM_CR;
	uint64_t value = 0;
	const char *msr_name = is_vmx ? "IA32_FEATURE_CONTROL (0x3a)" : "VM_CR (0xc0010114)";
	if (cpu_rdmsr(drv, index, &value) != 0) {
		/* An outer hypervisor may refuse the read: the guest's VT is its call. */
		facts_set_status(fs, "cpu.vt_firmware", FACT_UNKNOWN, "reading %s failed: %s", msr_name, cpuid_error());
	} else {
		const char *why;
		enum vt_firmware v = vt_firmware_decode(is_vmx, value, &why);
		facts_set_str(fs, "cpu.vt_firmware", vt_firmware_name(v), "%s = 0x%llx: %s", msr_name, (unsigned long long)value, why);
	}
	cpu_msr_driver_close(drv);
}

static void probe_enabled(struct probe_ctx *ctx)
{
	struct facts *fs = &ctx->facts;
	const struct fact *hvm = probe_fact(ctx, "xen.hvm");
	if (hvm->status == FACT_OK) {
		facts_set_bool(fs, "cpu.vt_enabled", hvm->b, "used: Xen's capabilities (%s)", hvm->evidence);
		return;
	}
	const struct fact *kvm = probe_fact(ctx, "kvm.dev.usable");
	if (kvm->status == FACT_OK && kvm->b) {
		facts_set_bool(fs, "cpu.vt_enabled", true, "used: /dev/kvm (%s)", kvm->evidence);
		return;
	}
	const struct fact *fw = probe_fact(ctx, "cpu.vt_firmware");
	if (fw->status == FACT_OK) {
		facts_set_bool(fs, "cpu.vt_enabled", strcmp(fw->s, "enabled") == 0, "used: the MSRs: %s (%s)", fw->s, fw->evidence);
		return;
	}
	facts_set_status(fs, "cpu.vt_enabled", fw->status == FACT_NEEDS_ROOT ? FACT_NEEDS_ROOT : FACT_UNKNOWN,
			 "no Xen capabilities (%s), no usable /dev/kvm, and the MSRs: %s", hvm->evidence, fw->evidence);
}

static void resolve(struct probe_ctx *ctx, const char *name)
{
	if (strcmp(name, "cpu.vt_firmware") == 0)
		probe_firmware(ctx);
	else
		probe_enabled(ctx);
}

const struct probe probe_msr = {
	.name = "msr",
	.summary = "VT in the firmware: the CPU's MSRs (IA32_FEATURE_CONTROL, VM_CR), Xen's capabilities, /dev/kvm",
	.patterns = patterns,
	.resolve = resolve,
};

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* KVM host facts: /dev/kvm and whether it accepts KVM_GET_API_VERSION and
 * KVM_CREATE_VM, the KVM vendor module, cgroup controllers and IOMMU
 * (secure guests: probe/secure.c): what virt-host-validate's QEMU checks look at. */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "core/root.h"
#include "probe/ask.h"

static const char *const patterns[] = { "kvm.dev.exists", "kvm.dev.usable", "kvm.api_version", "kvm.module",
					"virt.accel", "virt.accel.kind", "cgroup.controller.*", "iommu.hw", "iommu.kernel",
					NULL };

static void probe_kvm_dev(struct probe_ctx *ctx)
{
	struct facts *fs = &ctx->facts;
	bool exists = root_exists(ctx->root, "/dev/kvm");
	facts_set_bool(fs, "kvm.dev.exists", exists, "/dev/kvm %s", exists ? "present" : "absent");

	static const char *const mods[] = { "kvm_intel", "kvm_amd", "kvm_pvm" };
	const char *mod = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(mods) && !mod; i++) {
		_cleanup_free_ char *p = xasprintf("/sys/module/%s", mods[i]);
		if (root_is_dir(ctx->root, p))
			mod = mods[i];
	}
	if (mod)
		facts_set_str(fs, "kvm.module", mod, "/sys/module/%s%s", mod,
			      strcmp(mod, "kvm_pvm") == 0 ? " (PVM: KVM on page tables, without VT-x/AMD-V)" : "");
	else
		facts_set_status(fs, "kvm.module", FACT_MISSING, "none of kvm_intel, kvm_amd, kvm_pvm in /sys/module");

	if (!exists) {
		facts_set_status(fs, "kvm.dev.usable", FACT_MISSING, "/dev/kvm absent%s", mod ? "" : "; no KVM module loaded");
		facts_set_status(fs, "kvm.api_version", FACT_MISSING, "/dev/kvm absent");
		return;
	}
	if (!root_is_live(ctx->root)) {
		facts_set_status(fs, "kvm.dev.usable", FACT_MISSING, "a device inside --root %s cannot be asked", ctx->root);
		facts_set_status(fs, "kvm.api_version", FACT_MISSING, "a device inside --root %s cannot be asked", ctx->root);
		return;
	}
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		int r = -errno;
		facts_set_errno(fs, "kvm.dev.usable", r, ctx->is_root, "open /dev/kvm: %s", strerror(-r));
		facts_set_errno(fs, "kvm.api_version", r, ctx->is_root, "open /dev/kvm: %s", strerror(-r));
		return;
	}
	int api = ioctl(fd, KVM_GET_API_VERSION, 0);
	if (api < 0) {
		facts_set_bool(fs, "kvm.dev.usable", false, "KVM_GET_API_VERSION on /dev/kvm: %s", strerror(errno));
		facts_set_status(fs, "kvm.api_version", FACT_ERROR, "KVM_GET_API_VERSION: %s", strerror(errno));
		close(fd);
		return;
	}
	facts_set_int(fs, "kvm.api_version", api, "ioctl(/dev/kvm, KVM_GET_API_VERSION)");
	/* A VM that is created and closed at once leaves nothing behind; it
	 * proves the module can really run guests, which the flags cannot. */
	int vm = ioctl(fd, KVM_CREATE_VM, 0);
	if (vm >= 0) {
		close(vm);
		facts_set_bool(fs, "kvm.dev.usable", api == KVM_API_VERSION,
			       "/dev/kvm: KVM_GET_API_VERSION=%d%s, KVM_CREATE_VM succeeded", api,
			       api == KVM_API_VERSION ? "" : " (unexpected; QEMU requires 12)");
	} else {
		facts_set_bool(fs, "kvm.dev.usable", false, "/dev/kvm: KVM_GET_API_VERSION=%d, KVM_CREATE_VM failed: %s", api,
			       strerror(errno));
	}
	close(fd);
}

/* How KVM runs a guest: vt-x or amd-v (the CPU's own virtualization, under
 * kvm_intel or kvm_amd: any guest kernel), pvm (kvm_pvm, KVM on page tables
 * without VT-x/AMD-V: only a guest kernel built for PVM, one that finds
 * the PVM signature at CPUID 0x40000002 and runs in the address range PVM
 * gives it; a stock kernel hangs early in boot), or none. */
static void probe_accel_kind(struct probe_ctx *ctx)
{
	const struct fact *accel = probe_fact(ctx, "virt.accel");
	const struct fact *mod = probe_fact(ctx, "kvm.module");
	const struct fact *vmx = probe_fact(ctx, "cpu.flag.vmx");
	const struct fact *svm = probe_fact(ctx, "cpu.flag.svm");
	bool has_vmx = vmx->status == FACT_OK && vmx->b, has_svm = svm->status == FACT_OK && svm->b;
	const char *m = mod->status == FACT_OK ? mod->s : NULL;
	struct facts *fs = &ctx->facts;
	if (accel->status != FACT_OK) {
		facts_set_status(fs, "virt.accel.kind", accel->status, "%s", accel->evidence);
		return;
	}
	const struct fact *usable = probe_fact(ctx, "kvm.dev.usable");
	struct buf ev = BUF_INIT;
	buf_printf(&ev, "module %s; CPUID: %s; %s", m ? m : "none",
		   has_vmx ? "vmx" : has_svm ? "svm" : "neither vmx nor svm",
		   usable->status == FACT_OK ? usable->evidence : accel->evidence);
	const char *kind = "none";
	if (accel->b && m && strcmp(m, "kvm_pvm") == 0)
		kind = "pvm";
	else if (accel->b)
		kind = (m && strcmp(m, "kvm_amd") == 0) || (!m && has_svm) ? "amd-v" : "vt-x";
	facts_set_str(fs, "virt.accel.kind", kind, "%s", buf_str(&ev));
	buf_free(&ev);
}

/* Can guests run accelerated?  /dev/kvm creating a VM is the ground truth;
 * the CPU flags are only a hint (an outer hypervisor may hide vmx/svm while
 * nested KVM or PVM works, or show them while the firmware disabled VT). */
static void probe_accel(struct probe_ctx *ctx)
{
	const struct fact *usable = probe_fact(ctx, "kvm.dev.usable");
	const struct fact *hw = probe_fact(ctx, "cpu.hwvirt");
	const struct fact *src = probe_fact(ctx, "cpu.source");
	const struct fact *mod = probe_fact(ctx, "kvm.module");
	const struct fact *vmx = probe_fact(ctx, "cpu.flag.vmx");
	const struct fact *svm = probe_fact(ctx, "cpu.flag.svm");
	const struct fact *fw;
	struct buf ev = BUF_INIT;
	buf_printf(&ev, "vmx: %s; svm: %s; /dev/kvm: %s", vmx->evidence ? vmx->evidence : "?",
		   svm->evidence ? svm->evidence : "?", usable->evidence ? usable->evidence : "?");
	if (mod->status == FACT_OK)
		buf_printf(&ev, "; module %s", mod->s);
	if (usable->status == FACT_OK) {
		buf_printf(&ev, "; used: /dev/kvm");
		facts_set_bool(&ctx->facts, "virt.accel", usable->b, "%s", buf_str(&ev));
	} else if (usable->status == FACT_NEEDS_ROOT) {
		facts_set_status(&ctx->facts, "virt.accel", FACT_NEEDS_ROOT, "%s", buf_str(&ev));
	} else if (mod->status == FACT_OK && strcmp(mod->s, "kvm_pvm") == 0 && probe_fact(ctx, "kvm.dev.exists")->b) {
		/* PVM needs no CPU flag: its module and device are the proof */
		buf_printf(&ev, "; used: module kvm_pvm with /dev/kvm present (no /dev/kvm to ask)");
		facts_set_bool(&ctx->facts, "virt.accel", true, "%s", buf_str(&ev));
	} else if (hw->status == FACT_OK && hw->b && (fw = probe_fact(ctx, "cpu.vt_firmware"))->status == FACT_OK) {
		/* the flags say VT exists; the MSRs whether the firmware lets it run */
		buf_printf(&ev, "; used: the MSRs, no /dev/kvm to ask (%s)", fw->evidence);
		facts_set_bool(&ctx->facts, "virt.accel", strcmp(fw->s, "enabled") == 0, "%s", buf_str(&ev));
	} else if (hw->status == FACT_OK) {
		buf_printf(&ev, "; used: %s (no /dev/kvm to ask)", src->status == FACT_OK ? src->s : "cpu flags");
		facts_set_bool(&ctx->facts, "virt.accel", hw->b, "%s", buf_str(&ev));
	} else {
		facts_set_status(&ctx->facts, "virt.accel", FACT_ERROR, "%s", buf_str(&ev));
	}
	buf_free(&ev);
	probe_accel_kind(ctx);
}

static void probe_cgroups(struct probe_ctx *ctx)
{
	struct facts *fs = &ctx->facts;
	struct buf cg = BUF_INIT, mounts = BUF_INIT;
	bool have_cg = root_read(ctx->root, "/proc/cgroups", ROOT_READ_MAX, &cg, NULL) == 0;
	/* /proc/mounts links to it; sos copies it (sos 1.7 only it) and this */
	bool have_mounts = root_read(ctx->root, "/proc/self/mounts", ROOT_READ_MAX, &mounts, NULL) == 0 ||
			   root_read(ctx->root, "/proc/mounts", ROOT_READ_MAX, &mounts, NULL) == 0;
	if (!have_mounts)
		buf_reset(&mounts);
	buf_grow(&cg, 0);
	buf_grow(&mounts, 0);

	/* v2: the controllers file of the cgroup2 mount. */
	_cleanup_free_ char *v2_controllers = NULL;
	_cleanup_free_ char *v2_where = NULL;
	struct strv v1_mounted = { 0 };
	char *save = NULL;
	for (char *l = strtok_r(mounts.s, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char dev[256], dir[1024], type[64], opts[1024];
		if (sscanf(l, "%255s %1023s %63s %1023s", dev, dir, type, opts) != 4)
			continue;
		if (strcmp(type, "cgroup2") == 0 && !v2_controllers) {
			_cleanup_free_ char *p = xasprintf("%s/cgroup.controllers", dir);
			if (root_read_line(ctx->root, p, &v2_controllers, NULL) == 0)
				v2_where = xstrdup(p);
		} else if (strcmp(type, "cgroup") == 0) {
			char *s2 = NULL;
			for (char *o = strtok_r(opts, ",", &s2); o; o = strtok_r(NULL, ",", &s2))
				strv_push(&v1_mounted, o);
		}
	}
	static const char *const ctrls[] = { "cpu", "cpuacct", "cpuset", "memory", "devices", "blkio", "pids", "freezer" };
	for (size_t i = 0; i < ARRAY_SIZE(ctrls); i++) {
		const char *c = ctrls[i];
		_cleanup_free_ char *fname = xasprintf("cgroup.controller.%s", c);
		bool v1_enabled = false;
		if (have_cg) {
			_cleanup_free_ char *copy = xstrdup(cg.s);
			char *s3 = NULL;
			for (char *l = strtok_r(copy, "\n", &s3); l; l = strtok_r(NULL, "\n", &s3)) {
				/* subsys_name hierarchy num_cgroups enabled: only the
				 * name and the flag matter, and any figure but 0 is on */
				char *f[4];
				long long en;
				if (str_fields(l, f, 4) == 4 && strcmp(f[0], c) == 0 && str_to_ll_prefix(f[3], &en, NULL) != -EINVAL && en)
					v1_enabled = true;
			}
		}
		if (v1_enabled && strv_contains(&v1_mounted, c)) {
			facts_set_bool(fs, fname, true, "cgroup v1: enabled in /proc/cgroups and mounted");
			continue;
		}
		/* cgroup v2 folds cpuacct into cpu and renames blkio to io. */
		const char *v2name = strcmp(c, "cpuacct") == 0 ? "cpu" : strcmp(c, "blkio") == 0 ? "io" : c;
		if (strcmp(c, "devices") == 0 && v2_controllers) {
			/* v2 has no devices controller: BPF device programs do its job. */
			facts_set_bool(fs, fname, true, "cgroup v2 (%s): devices are controlled by BPF programs", v2_where);
		} else if (v2_controllers && str_has_word(v2_controllers, v2name)) {
			facts_set_bool(fs, fname, true, "cgroup v2: %s lists %s", v2_where, v2name);
		} else if (!have_cg && !v2_controllers) {
			facts_set_status(fs, fname, FACT_MISSING, "neither /proc/cgroups nor a cgroup2 mount is readable");
		} else {
			facts_set_bool(fs, fname, false, "%s%s%s", v1_enabled ? "cgroup v1: enabled but not mounted" : "cgroup v1: not enabled in /proc/cgroups",
				       v2_controllers ? "; cgroup v2 controllers: " : "", v2_controllers ? v2_controllers : "");
		}
	}
	strv_free(&v1_mounted);
	buf_free(&cg);
	buf_free(&mounts);
}

static void probe_iommu(struct probe_ctx *ctx)
{
	struct facts *fs = &ctx->facts;
	bool dmar = root_exists(ctx->root, "/sys/firmware/acpi/tables/DMAR");
	bool ivrs = root_exists(ctx->root, "/sys/firmware/acpi/tables/IVRS");
	if (dmar || ivrs)
		facts_set_bool(fs, "iommu.hw", true, "ACPI %s table present", dmar ? "DMAR (Intel VT-d)" : "IVRS (AMD-Vi)");
	else
		facts_set_bool(fs, "iommu.hw", false, "no ACPI DMAR or IVRS table in /sys/firmware/acpi/tables");
	struct strv groups = { 0 };
	int r = root_list_dir(ctx->root, "/sys/kernel/iommu_groups", &groups);
	if (r < 0)
		facts_set_bool(fs, "iommu.kernel", false, "/sys/kernel/iommu_groups: %s", strerror(-r));
	else
		facts_set_bool(fs, "iommu.kernel", groups.n > 0, "/sys/kernel/iommu_groups holds %zu groups", groups.n);
	strv_free(&groups);
}

static void resolve(struct probe_ctx *ctx, const char *name)
{
	if ((str_starts(name, "kvm.")) && probe_once(ctx, "kvm.dev"))
		probe_kvm_dev(ctx);
	else if (str_starts(name, "virt.accel") && probe_once(ctx, "virt.accel"))
		probe_accel(ctx);
	else if (str_starts(name, "cgroup.") && probe_once(ctx, "cgroup"))
		probe_cgroups(ctx);
	else if (str_starts(name, "iommu.") && probe_once(ctx, "iommu"))
		probe_iommu(ctx);
}

const struct probe probe_kvm = {
	.name = "kvm",
	.summary = "/dev/kvm, KVM acceleration, cgroup controllers, IOMMU",
	.patterns = patterns,
	.resolve = resolve,
};

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The table of where facts come from, and the reasons printed from it.
 * sosreport file names are sos's own for each generation: sos 1.7 (RHEL
 * 5), 2.2 (RHEL 6), 3.x (RHEL 7) and 4.x keep what a plugin copies under
 * its host path and a command's output under sos_commands/PLUGIN/ as the
 * command line with the program's directory dropped, "/" as "." and runs
 * of other characters as "_" (uname -a: sos_commands/kernel/uname_-a);
 * some also as a top-level link (hostname, uname, df, sestatus). */
#include "probe/offline.h"

#include <fnmatch.h>
#include <string.h>

#include "core/root.h"

/* sos 1.7 to 3.5 in general/, 3.6 on in host/ */
static const char *const sos_hostname[] = { "/sos_commands/general/hostname", "/sos_commands/host/hostname", "/hostname",
					    "/etc/hostname", NULL };
static const char *const sos_uname[] = { "/sos_commands/kernel/uname_-a", "/uname", "/proc/sys/kernel/osrelease", "/proc/version",
					 NULL };
/* sestatus (1.7, 2.2, 3.6 on), sestatus -b (3.0 to 3.5 only) */
static const char *const sos_sestatus[] = { "/sos_commands/selinux/sestatus", "/sos_commands/selinux/sestatus_-b",
					    "/sos_commands/selinux/sestatus_-v", "/sestatus", NULL };
/* brctl show: the xen plugin (1.7, 2.2), networking (2.2-el6 to 3.8);
 * ip -d link details (3.5 on: ip -s -d link) */
static const char *const sos_bridges[] = { "/sos_commands/networking/brctl_show", "/sos_commands/xen/brctl_show",
					   "/sos_commands/networking/ip_-s_-d_link", "/sos_commands/networking/ip_-d_link", NULL };
/* df -al (1.7 to 3.4), df -al -x autofs (3.5 on) */
static const char *const sos_df[] = { "/sos_commands/filesys/df_-al_-x_autofs", "/sos_commands/filesys/df_-al", "/df", NULL };
static const char *const sos_cpuinfo[] = { "/proc/cpuinfo", NULL };
/* the processor plugin copies all of /sys/devices/system/cpu */
static const char *const sos_vulns[] = { "/sys/devices/system/cpu/vulnerabilities", NULL };
static const char *const sos_smt[] = { "/sys/devices/system/cpu/smt/control", "/sys/devices/system/cpu/smt/active", NULL };
/* the memory plugin copies /sys/kernel/mm/ksm and hugepages, numa the nodes' */
static const char *const sos_hugepages[] = { "/sys/kernel/mm/hugepages", NULL };
static const char *const sos_ksm[] = { "/sys/kernel/mm/ksm/run", "/sys/kernel/mm/ksm/pages_sharing", NULL };
static const char *const sos_cpu_present[] = { "/sys/devices/system/cpu/present", NULL };
static const char *const sos_isolated[] = { "/sys/devices/system/cpu/isolated", "/proc/cmdline", NULL };
static const char *const sos_meminfo[] = { "/proc/meminfo", NULL };
static const char *const sos_cmdline[] = { "/proc/cmdline", NULL };
static const char *const sos_xen[] = { "/sys/hypervisor/type", "/sys/hypervisor/properties/capabilities", "/proc/xen/capabilities",
				       NULL };
/* the filesys plugin copies /proc/mounts and /proc/self/mounts */
static const char *const sos_cgroups[] = { "/proc/cgroups", "/proc/self/mounts", "/proc/mounts", NULL };
static const char *const sos_modules[] = { "/sys/module/kvm_intel/parameters", "/sys/module/kvm_amd/parameters",
					   "/sys/module/kvm_pvm/parameters", NULL };
static const char *const sos_nested[] = { "/sys/module/kvm_intel/parameters/nested", "/sys/module/kvm_amd/parameters/nested", NULL };
static const char *const sos_sev[] = { "/sys/module/kvm_amd/parameters/sev", "/sys/module/kvm_intel/parameters", "/proc/cpuinfo", NULL };
static const char *const sos_grub[] = { "/boot/grub/grub.conf", "/boot/grub/menu.lst", "/boot/grub2/grub.cfg", "/boot/grub/grub.cfg",
					NULL };
static const char *const sos_release[] = { "/etc/os-release", "/usr/lib/os-release", "/etc/redhat-release", NULL };
static const char *const sos_packages[] = { "/installed-rpms", "/installed-debs", NULL };
static const char *const sos_running[] = { "/sos_commands/process/ps_auxwww", "/ps", "/sos_commands/systemd/systemctl_list-units",
					   "/sos_commands/services/ls_.var.lock.subsys", "/sos_commands/startup/ls_.var.lock.subsys", NULL };
/* chkconfig: startup/ (1.7 to 3.4), services/ (3.5 on) */
static const char *const sos_enabled[] = { "/sos_commands/systemd/systemctl_list-unit-files", "/sos_commands/services/chkconfig_--list",
					   "/sos_commands/startup/chkconfig_--list", "/chkconfig", NULL };
static const char *const sos_systemd[] = { "/sos_commands/systemd/systemctl_list-units", NULL };
/* an answer either way: systemd's unit listing, else SysV's tools */
static const char *const sos_init[] = { "/sos_commands/systemd/systemctl_list-units", "/sos_commands/services/chkconfig_--list",
					"/sos_commands/startup/chkconfig_--list", "/chkconfig", NULL };
/* getsebool -a (sos 3.x, 4.x), sestatus -b's list */
static const char *const sos_booleans[] = { "/sos_commands/selinux/getsebool_-a", "/sos_commands/selinux/sestatus_-b", NULL };
static const char *const sos_mounts[] = { "/proc/mounts", NULL };
static const char *const sos_qemu_conf[] = { "/etc/libvirt/qemu.conf", NULL };
static const char *const sos_selinux_cfg[] = { "/etc/selinux/config", NULL };
static const char *const sos_guests[] = { "/etc/xen", "/etc/libvirt/qemu", NULL };
/* a path the report holds was on the host; one it lacks may have been */
static const char *const sos_any[] = { "(the path, where sos copied it)", NULL };
static const char *const sos_fc[] = { "/etc/selinux", NULL };

#define HP_LIVE "/sys/kernel/mm/hugepages/hugepages-*kB, /sys/devices/system/node/node*/hugepages, /proc/meminfo, the guests' <memoryBacking>"

/* First match wins: the narrower patterns come first. */
static const struct offline_row rows[] = {
	{ "cpu.vt_*", "msr", "running CPU's model-specific registers", "/dev/cpu/0/msr (the msr driver)", NULL, NULL, NULL },
	{ "cpu.vuln.*", "cpusec", "running kernel's report of the CPU's vulnerabilities", "/sys/devices/system/cpu/vulnerabilities/*", NULL,
	  "files/sys/devices/system/cpu/vulnerabilities", sos_vulns },
	{ "cpu.smt.*", "cpusec", "running kernel's SMT state", "/sys/devices/system/cpu/smt/control, active", NULL,
	  "files/sys/devices/system/cpu/smt", sos_smt },
	{ "cpu.present", "pinning", "running kernel's CPUs", "/sys/devices/system/cpu/present", NULL,
	  "files/sys/devices/system/cpu/present", sos_cpu_present },
	{ "cpu.isolated", "pinning", "running kernel's isolated CPUs", "/sys/devices/system/cpu/isolated, else isolcpus= in /proc/cmdline",
	  NULL, "files/sys/devices/system/cpu/isolated, files/proc/cmdline", sos_isolated },
	{ "pinning.guests", "pinning", NULL, "the guests' <cputune>", "the same files", "files/etc/libvirt", sos_guests },
	{ "pinning.*", "pinning", "running kernel's CPUs", "the guests' <cputune> against cpu.present and cpu.isolated", NULL,
	  "files/sys/devices/system/cpu, files/etc/libvirt", sos_cpu_present },
	{ "cpu.*", "cpu", "running CPU", "CPUID (libcpuid) and /proc/cpuinfo", NULL, "check/cpuid.raw, files/proc/cpuinfo", sos_cpuinfo },
	{ "xen.*", "hypervisor", "running hypervisor", "/sys/hypervisor, /proc/xen/capabilities", NULL,
	  "files/sys/hypervisor, files/proc/xen/capabilities", sos_xen },
	{ "kernel.cmdline", "hypervisor", "running kernel's command line", "/proc/cmdline", "the boot loader's default entry's kernel line",
	  "files/proc/cmdline", sos_cmdline },
	{ "kernel.*", "hypervisor", "running kernel", "/proc/sys/kernel/osrelease, /proc/version",
	  "the boot loader's default entry (/boot/grub*/)", "files/proc/version, files/boot/grub*/", sos_uname },
	{ "boot.*", "hypervisor", NULL, "/boot/grub/grub.conf, menu.lst, /boot/grub2/grub.cfg, /boot/grub/grub.cfg", "the same files",
	  "files/boot/grub*/", sos_grub },
	{ "kvm.module", "kvm", "loaded kernel modules", "/sys/module/kvm_intel, kvm_amd, kvm_pvm", NULL, "files/sys/module/kvm_*",
	  sos_modules },
	{ "kvm.nested", "nested", "loaded kernel modules", "/sys/module/kvm_intel/parameters/nested, kvm_amd's", NULL,
	  "files/sys/module/kvm_*/parameters", sos_nested },
	{ "nested.guests", "nested", NULL, "the guests' <cpu>", "the same files", "files/etc/libvirt", sos_guests },
	{ "vsock.guests", "nested", NULL, "the guests' <vsock> devices", "the same files", "files/etc/libvirt", sos_guests },
	{ "kvm.*", "kvm", "device nodes", "/dev/kvm (KVM_GET_API_VERSION, KVM_CREATE_VM)", NULL, NULL, NULL },
	{ "virt.accel*", "kvm", "running CPU and /dev/kvm", "/dev/kvm, CPUID, the VMX/SVM MSRs, the KVM module", NULL, NULL, NULL },
	{ "cgroup.*", "kvm", "mounts and cgroup controllers", "/proc/cgroups, /proc/self/mounts, the cgroup2 mount's cgroup.controllers",
	  NULL, NULL, sos_cgroups },
	{ "iommu.*", "kvm", "firmware tables and IOMMU groups", "/sys/firmware/acpi/tables, /sys/kernel/iommu_groups", NULL, NULL, NULL },
	{ "secure_guest.guests", "secure", NULL, "the guests' <launchSecurity>", "the same files", "files/etc/libvirt", sos_guests },
	{ "secure_guest.*", "secure", "running CPU and loaded kernel modules",
	  "CPUID 0x8000001F, /proc/cpuinfo, kvm_amd's sev, sev_es, sev_snp, kvm_intel's tdx, /dev/sev", NULL,
	  "check/cpuid.raw, files/proc/cpuinfo, files/sys/module/kvm_*/parameters", sos_sev },
	{ "host.name", "host", NULL, "gethostname()", "/etc/hostname, /etc/sysconfig/network HOSTNAME", NULL, sos_hostname },
	{ "os.*", "host", NULL, "/etc/os-release, /etc/redhat-release", "the same files", "files/etc/os-release, files/etc/redhat-release",
	  sos_release },
	{ "version.kernel", "versions", "running kernel", "kernel.release's upstream part", "the boot loader's default entry's kernel",
	  "files/proc/version, files/boot/grub*/", sos_uname },
	{ "version.*", "versions", NULL, "the upstream part of the package's version (rpm or dpkg database)", "the same database", NULL,
	  sos_packages },
	{ "package*", "packages", NULL, "the RPM database (librpm) or dpkg's status", "the same database", NULL, sos_packages },
	{ "init.systemd", "services", NULL, "/run/systemd/system (systemd is PID 1)", "whether the init it boots is systemd (init.system)", NULL,
	  sos_systemd },
	{ "init.system", "services", NULL, "systemd as PID 1, /run/openrc", "/etc/inittab, OpenRC's runlevels, systemd or init.d installed",
	  NULL, sos_init },
	{ "service.*.enabled", "services", NULL, "systemctl show (UnitFileState), SysV rc links",
	  "unit symlinks, SysV rc links (/etc/rc.d/rcN.d, /etc/rcN.d)", NULL, sos_enabled },
	{ "service.*", "services", "running processes", "systemctl show, pid files, /var/lock/subsys, /proc", NULL, NULL, sos_running },
	{ "selinux.boolean.*", "svirt", "running kernel's SELinux booleans", "libselinux (selinuxfs)",
	  "a copy of selinuxfs, the policy store's booleans.local", NULL, sos_booleans },
	{ "selinux.enabled", "selinux", "running kernel's SELinux state", "libselinux (selinuxfs)",
	  "/etc/selinux/config SELINUX= (what it boots with)", "files/etc/selinux/config", sos_sestatus },
	{ "selinux.mode", "selinux", "running kernel's SELinux state", "libselinux (selinuxfs)",
	  "/etc/selinux/config SELINUX= (what it boots with)", "files/etc/selinux/config", sos_sestatus },
	{ "selinux.policy", "selinux", NULL, "/etc/selinux/config SELINUXTYPE=", "the same file", "files/etc/selinux/config",
	  sos_selinux_cfg },
	{ "selinux.expected_type.*", "selinux", NULL, "the policy's file_contexts (selabel_lookup)", "the same", NULL, sos_fc },
	{ "selinux.*", "selinux", NULL, "file labels (getfilecon), the policy store (libsemanage)", "the same", NULL, NULL },
	{ "libvirt.*", "svirt", NULL, "/etc/libvirt/qemu.conf", "the same file", "files/etc/libvirt/qemu.conf", sos_qemu_conf },
	{ "fs.type.*", "svirt", "mounts", "/proc/self/mounts", "/etc/fstab", NULL, sos_mounts },
	{ "storage.image_fstypes", "svirt", "mounts", "/proc/self/mounts and the guests' image directories", "/etc/fstab", NULL,
	  sos_mounts },
	{ "hugepages.*", "mm", "reserved huge pages", HP_LIVE, NULL, "files/sys/kernel/mm/hugepages, files/etc/libvirt", sos_hugepages },
	{ "ksm.*", "mm", "kernel's same-page merging", "/sys/kernel/mm/ksm/run, pages_sharing", NULL, "files/sys/kernel/mm/ksm", sos_ksm },
	{ "mem.*", "resources", "memory", "/proc/meminfo", NULL, "files/proc/meminfo", sos_meminfo },
	/* an image's own file system is not the disk its host will mount there */
	{ "disk.free_mib.*", "resources", "mounted file systems", "statvfs of the nearest existing directory", NULL, NULL, sos_df },
	{ "net.bridge*", "resources", "network interfaces", "/sys/class/net/NAME/bridge", "the bridges its network configuration sets up at boot", NULL,
	  sos_bridges },
	{ "guest.*", "guests", NULL, "/etc/xen, /etc/libvirt/qemu, /etc/libvirt/libxl", "the same files", "files/etc/xen, files/etc/libvirt",
	  sos_guests },
	{ "path.*./dev/*", "path", "device nodes", "the path", NULL, NULL, NULL },
	{ "path.*./proc/*", "path", "running kernel's /proc", "the path", NULL, NULL, NULL },
	{ "path.*./sys/*", "path", "running kernel's /sys", "the path", NULL, NULL, NULL },
	{ "path.*./run/*", "path", "running services' /run", "the path", NULL, NULL, NULL },
	{ "path.*", "path", NULL, "the path", "the same path", NULL, sos_any },
};

const struct offline_row *offline_row(const char *fact)
{
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++)
		if (fnmatch(rows[i].facts, fact, 0) == 0)
			return &rows[i];
	return NULL;
}

bool probe_is_image(struct probe_ctx *ctx)
{
	return !ctx->offline && offline_is_image(ctx);
}

bool offline_is_image(struct probe_ctx *ctx)
{
	if (ctx->image < 0) {
		struct strv names = { 0 };
		ctx->image = !ctx->sos && !root_is_live(ctx->root) && (root_list_dir(ctx->root, "/proc", &names) < 0 || names.n == 0);
		strv_free(&names);
	}
	return ctx->image;
}

static void image_reason(const struct probe_ctx *ctx, const struct offline_row *row, const char *inner, struct buf *out)
{
	buf_printf(out, "not in an image: a root file system holds no %s (%s has an empty /proc; on a live host: %s)", row->runtime,
		   ctx->root, row->live);
	if (inner)
		buf_printf(out, "; %s does not tell: %s", row->image, inner);
}

bool offline_image_unknown(struct probe_ctx *ctx, const char *name)
{
	const struct offline_row *row = offline_row(name);
	if (!row || !row->runtime || row->image || !offline_is_image(ctx))
		return false;
	struct buf why = BUF_INIT;
	image_reason(ctx, row, NULL, &why);
	facts_set_status(&ctx->facts, name, FACT_UNKNOWN, "%s", buf_str(&why));
	buf_free(&why);
	return true;
}

void offline_image_sweep(struct probe_ctx *ctx, unsigned long since)
{
	if (!offline_is_image(ctx))
		return;
	for (size_t i = 0; i < ctx->facts.n; i++) {
		struct fact *f = ctx->facts.v[i];
		const struct offline_row *row = f->set_at > since ? offline_row(f->name) : NULL;
		if (!row || !row->runtime || f->status == FACT_UNKNOWN || (row->image && f->status == FACT_OK))
			continue;
		struct buf why = BUF_INIT;
		image_reason(ctx, row, row->image ? f->evidence : NULL, &why);
		_cleanup_free_ char *name = xstrdup(f->name);
		facts_set_status(&ctx->facts, name, FACT_UNKNOWN, "%s", buf_str(&why));
		buf_free(&why);
	}
}

bool offline_answers(const char *name, unsigned kind)
{
	const struct offline_row *row = offline_row(name);
	return row && (kind == OFFLINE_SOS ? row->sos != NULL : row->bundle != NULL);
}

/* The sos files of row that root holds and those it lacks, as text. */
static void sos_files(const struct offline_row *row, const char *root, struct buf *have, struct buf *lack)
{
	for (size_t i = 0; row->sos[i]; i++) {
		bool there = root && row->sos[i][0] == '/' && root_exists(root, row->sos[i]);
		struct buf *b = there ? have : lack;
		buf_printf(b, "%s%s", b->len ? ", " : "", row->sos[i] + (row->sos[i][0] == '/'));
	}
}

void offline_reason(const char *name, unsigned kind, const char *files, const char *inner, struct buf *out)
{
	const struct offline_row *row = offline_row(name);
	const char *where = kind == OFFLINE_SOS ? "the sosreport" : "the bundle";
	if (!row) {
		buf_printf(out, "not in %s: no probe provides %s", where, name);
	} else if (kind == OFFLINE_BUNDLE && !row->bundle) {
		buf_printf(out, "not in the bundle: %s was not recorded by the host's probes, and a bundle keeps no copy of what the %s probe reads (%s)",
			   name, row->probe, row->live);
	} else if (kind == OFFLINE_BUNDLE) {
		buf_printf(out, "not in the bundle: %s was not recorded, and its copies (%s) do not tell%s%s", name, row->bundle,
			   inner ? ": " : "", inner ? inner : "");
	} else if (!row->sos) {
		buf_printf(out, "not in the sosreport: sos records no %s (what the %s probe reads: %s)",
			   row->runtime ? row->runtime : "copy of what answers it", row->probe, row->live);
	} else if (row->sos[0][0] != '/') {
		buf_printf(out, "not in the sosreport: %s", inner ? inner : name);
	} else {
		struct buf have = BUF_INIT, lack = BUF_INIT;
		sos_files(row, files, &have, &lack);
		if (have.len)
			buf_printf(out, "not in the sosreport: %s does not tell%s%s", buf_str(&have), inner ? ": " : "", inner ? inner : "");
		else
			buf_printf(out, "not in the sosreport: it holds none of %s%s%s", buf_str(&lack), inner ? " (" : "", inner ? inner : "");
		if (!have.len && inner)
			buf_puts(out, ")");
		buf_free(&have);
		buf_free(&lack);
	}
}

const char *const *offline_sos_paths(const char *fact)
{
	const struct offline_row *row = offline_row(fact);
	return row ? row->sos : NULL;
}

const char *offline_sos_read(const char *root, const char *fact, size_t max, struct buf *out)
{
	const struct offline_row *row = offline_row(fact);
	for (size_t i = 0; row && row->sos && row->sos[i]; i++) {
		buf_reset(out);
		if (row->sos[i][0] == '/' && root_read(root, row->sos[i], max, out, NULL) == 0) {
			buf_grow(out, 0);
			return row->sos[i] + 1;
		}
	}
	buf_reset(out);
	return NULL;
}

void offline_table_print(FILE *f, const char *probe)
{
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		const struct offline_row *r = &rows[i];
		if (strcmp(r->probe, probe))
			continue;
		fprintf(f, "    %s%s%s%s\n      live: %s\n      --root image: %s\n      bundle: recorded facts%s%s\n      sosreport: ", r->facts,
			r->runtime ? " (runtime: the " : "", r->runtime ? r->runtime : "", r->runtime ? ")" : "", r->live,
			r->image ? r->image : "nothing (SKIP: not in an image)", r->bundle ? ", else " : "", r->bundle ? r->bundle : "");
		for (size_t k = 0; r->sos && r->sos[k]; k++)
			fprintf(f, "%s%s", k ? ", " : "", r->sos[k] + (r->sos[k][0] == '/'));
		fprintf(f, "%s\n", r->sos ? "" : "nothing (SKIP: not in the sosreport)");
	}
}

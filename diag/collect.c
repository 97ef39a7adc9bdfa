/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What a bundle holds.  The table below is the whole list: each row a
 * file, a tree (with a name pattern), a listing, a command with a timeout,
 * or one of the internal sources (the check, the facts, the hypervisor's
 * API, the AVC denials, running QEMUs).  Collecting one more file, tree
 * or command is adding a row; how each kind is taken lives in its own
 * file (diag/copy.c, listing.c, command.c, collect_virt.c,
 * collect_check.c, collect_hv.c).
 *
 * Files are read through the --root prefix, never following a symlink out
 * of a collected tree; commands and the hypervisor API describe the live
 * host only, so under --root they are skipped (the hypervisor unless
 * --connect names one). */
#include "diag/bundle.h"

#include <stddef.h>

#include "diag/collect_check.h"
#include "diag/collect_virt.h"
#include "diag/command.h"
#include "diag/copy.h"
#include "diag/listing.h"

enum kind {
	K_FILE,     /* one file; in-root symlinks followed (/etc/grub.conf) */
	K_TREE,     /* a directory's entries matching pattern, recursed with R */
	K_LISTING,  /* ls -lZR of a directory */
	K_CMD,      /* a command (live host only), argv with a timeout */
	K_CHECK,    /* hvscope check: report.txt, report.json, facts.json, packages.txt */
	K_HV,       /* the hypervisor: its samples and configuration (diag/collect_hv.c) */
	K_AVC,      /* AVC denials touching Xen/virt types in the audit log */
	K_QEMU,     /* each running QEMU's /proc files, found by libvirt's pid files */
};

/* flags: LOG, R and OPTIONAL of diag/copy.h */
struct item {
	enum kind kind;
	const char *path;    /* file, tree or listing; the command's output name */
	const char *pattern; /* K_TREE: fnmatch on entry names (NULL = all) */
	unsigned flags;
	const char *argv[12]; /* K_CMD */
};


static const struct item items[] = {
	{ K_CHECK, NULL, NULL, 0, { NULL } },
	{ K_HV, NULL, NULL, 0, { NULL } },
	/* the host: CPU, memory, kernel, boot loader, release */
	{ K_FILE, "/proc/cpuinfo", NULL, 0, { NULL } },
	{ K_FILE, "/proc/meminfo", NULL, 0, { NULL } },
	{ K_FILE, "/proc/cmdline", NULL, 0, { NULL } },
	{ K_FILE, "/proc/version", NULL, 0, { NULL } },
	{ K_FILE, "/proc/modules", NULL, 0, { NULL } },
	{ K_TREE, "/sys/devices/system/cpu/vulnerabilities", NULL, OPTIONAL, { NULL } },
	{ K_TREE, "/sys/devices/system/cpu/smt", NULL, OPTIONAL, { NULL } },
	{ K_FILE, "/sys/devices/system/cpu/present", NULL, OPTIONAL, { NULL } },
	{ K_FILE, "/sys/devices/system/cpu/isolated", NULL, OPTIONAL, { NULL } },
	{ K_FILE, "/etc/os-release", NULL, OPTIONAL, { NULL } },
	{ K_FILE, "/etc/redhat-release", NULL, OPTIONAL, { NULL } },
	{ K_FILE, "/etc/debian_version", NULL, OPTIONAL, { NULL } },
	{ K_FILE, "/boot/grub/grub.conf", NULL, OPTIONAL, { NULL } },
	{ K_FILE, "/boot/grub/menu.lst", NULL, OPTIONAL, { NULL } },
	{ K_FILE, "/boot/grub/grub.cfg", NULL, OPTIONAL, { NULL } },
	{ K_FILE, "/boot/grub2/grub.cfg", NULL, OPTIONAL, { NULL } },
	{ K_FILE, "/etc/default/grub", NULL, OPTIONAL, { NULL } },
	{ K_TREE, "/etc/modprobe.d", "*.conf", OPTIONAL, { NULL } },
	/* Xen: the seed's files, then xl's */
	{ K_FILE, "/proc/xen/capabilities", NULL, OPTIONAL, { NULL } },
	{ K_TREE, "/sys/hypervisor", NULL, R | OPTIONAL, { NULL } },
	{ K_TREE, "/etc/xen", NULL, R | OPTIONAL, { NULL } },
	{ K_FILE, "/etc/sysconfig/xend", NULL, OPTIONAL, { NULL } },
	{ K_FILE, "/etc/sysconfig/xendomains", NULL, OPTIONAL, { NULL } },
	{ K_FILE, "/etc/default/xen", NULL, OPTIONAL, { NULL } },
	{ K_FILE, "/etc/default/xendomains", NULL, OPTIONAL, { NULL } },
	{ K_TREE, "/var/log/xen", NULL, R | LOG | OPTIONAL, { NULL } },
	{ K_LISTING, "/var/lib/xen/images", NULL, OPTIONAL, { NULL } },
	{ K_LISTING, "/etc/xen/auto", NULL, OPTIONAL, { NULL } },
	{ K_CMD, "xl-info", NULL, OPTIONAL, { "xl", "info", NULL } },
	{ K_CMD, "xl-list", NULL, OPTIONAL, { "xl", "list", "-v", NULL } },
	{ K_CMD, "xl-list-long", NULL, OPTIONAL, { "xl", "list", "-l", NULL } },
	{ K_CMD, "xl-vcpu-list", NULL, OPTIONAL, { "xl", "vcpu-list", NULL } },
	{ K_CMD, "xl-dmesg", NULL, OPTIONAL, { "xl", "dmesg", NULL } },
	{ K_CMD, "xenstore-ls", NULL, OPTIONAL, { "xenstore-ls", "-f", NULL } },
	{ K_CMD, "xm-info", NULL, OPTIONAL, { "xm", "info", NULL } },
	{ K_CMD, "xm-list-long", NULL, OPTIONAL, { "xm", "list", "--long", NULL } },
	{ K_CMD, "xm-dmesg", NULL, OPTIONAL, { "xm", "dmesg", NULL } },
	{ K_CMD, "xm-log", NULL, OPTIONAL, { "xm", "log", NULL } },
	/* KVM and libvirt (sos' libvirt, virsh and kvm plugins) */
	{ K_TREE, "/sys/module/kvm", "srcversion", OPTIONAL, { NULL } },
	{ K_TREE, "/sys/module/kvm_intel", "srcversion", OPTIONAL, { NULL } },
	{ K_TREE, "/sys/module/kvm_amd", "srcversion", OPTIONAL, { NULL } },
	{ K_TREE, "/sys/module/kvm_intel/parameters", NULL, OPTIONAL, { NULL } },
	{ K_TREE, "/sys/module/kvm_amd/parameters", NULL, OPTIONAL, { NULL } },
	{ K_TREE, "/sys/module/ksm", "srcversion", OPTIONAL, { NULL } },
	{ K_TREE, "/sys/kernel/mm/ksm", NULL, OPTIONAL, { NULL } },
	{ K_TREE, "/sys/kernel/mm/hugepages", NULL, R | OPTIONAL, { NULL } },
	{ K_TREE, "/etc/libvirt", NULL, R | OPTIONAL, { NULL } },
	{ K_FILE, "/etc/default/libvirtd", NULL, OPTIONAL, { NULL } },
	{ K_FILE, "/etc/sysconfig/libvirtd", NULL, OPTIONAL, { NULL } },
	{ K_TREE, "/run/libvirt", NULL, R | OPTIONAL, { NULL } },
	{ K_TREE, "/var/lib/libvirt/dnsmasq", NULL, OPTIONAL, { NULL } },
	{ K_TREE, "/var/lib/libvirt/qemu/snapshot", "*", R | OPTIONAL, { NULL } },
	{ K_TREE, "/var/log/libvirt", NULL, R | LOG | OPTIONAL, { NULL } },
	{ K_TREE, "/var/log/swtpm/libvirt/qemu", "*.log", LOG | OPTIONAL, { NULL } },
	{ K_TREE, "/root/.cache/virt-manager", "*.log", LOG | OPTIONAL, { NULL } },
	{ K_LISTING, "/var/lib/libvirt/qemu", NULL, OPTIONAL, { NULL } },
	{ K_LISTING, "/var/lib/libvirt/images", NULL, OPTIONAL, { NULL } },
	{ K_QEMU, NULL, NULL, 0, { NULL } },
	{ K_CMD, "kvm_stat", NULL, OPTIONAL, { "kvm_stat", "--once", NULL } },
	/* SELinux */
	{ K_FILE, "/etc/selinux/config", NULL, OPTIONAL, { NULL } },
	{ K_AVC, "/var/log/audit/audit.log", NULL, OPTIONAL, { NULL } },
	/* the kernel's log and the network the guests sit on */
	{ K_CMD, "dmesg", NULL, 0, { "dmesg", NULL } },
	{ K_FILE, "/var/log/dmesg", NULL, LOG | OPTIONAL, { NULL } },
	{ K_CMD, "ip-address", NULL, 0, { "ip", "-d", "address", "show", NULL } },
	{ K_CMD, "ip-route", NULL, 0, { "ip", "route", "show", "table", "all", NULL } },
	{ K_CMD, "bridge-link", NULL, OPTIONAL, { "bridge", "-d", "link", "show", NULL } },
	{ K_CMD, "brctl-show", NULL, OPTIONAL, { "brctl", "show", NULL } },
	{ K_CMD, "journalctl-virt", NULL, OPTIONAL,
	  { "journalctl", "--no-pager", "-b", "-u", "libvirtd", "-u", "virtqemud", "-u", "virtlogd", "-u", "xen*", NULL } },
};

/* Versions asked of the package probe beside the profile's own. */
static const char *const packages[] = {
	"xen", "kernel-xen", "xen-libs", "xen-hypervisor-common", "xen-utils-common", "xen-system-amd64", "libvirt",
	"libvirt-daemon", "libvirt-daemon-system", "libvirt-daemon-driver-qemu", "libvirt-clients", "libvirt-client", "qemu-kvm",
	"qemu-system-x86", "qemu-utils", "virt-manager", "python-virtinst", "virtinst", "kmod", "selinux-policy",
	"selinux-policy-targeted", "selinux-policy-default", "libselinux1", "libselinux", NULL,
};

void bundle_collect(struct bundle *b)
{
	/* The hypervisor's samples are taken over the span of the rest. */
	bundle_hv_start(b);
	for (size_t i = 0; i < sizeof(items) / sizeof(*items); i++) {
		const struct item *it = &items[i];
		switch (it->kind) {
		case K_FILE: bundle_copy_file(b, it->path, it->flags); break;
		case K_TREE: bundle_copy_tree(b, it->path, it->pattern, it->flags); break;
		case K_LISTING: bundle_listing(b, it->path, it->flags); break;
		case K_CMD: bundle_command(b, it->path, it->argv, it->flags); break;
		case K_CHECK: bundle_check(b, packages); break;
		case K_HV: bundle_hv_finish(b); break;
		case K_AVC: bundle_avc(b, it->path, it->flags); break;
		case K_QEMU: bundle_qemu(b); break;
		}
	}
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: hvscope check --bundle's sosreport readers over any
 * bytes.  The input is a set of files: a line "@@ PATH" starts one, PATH
 * being one of the files sos writes that the readers read (anything else
 * is skipped, and so is what comes before the first such line); each is
 * written into a private sos tree, which is opened as check --bundle
 * opens one and asked every fact an sosreport answers: ps, systemctl,
 * chkconfig, runlevel, df, brctl, ip link, meminfo, cpuinfo, the kernel
 * line, cgroups, mounts, sestatus, getsebool, the package lists, the
 * host's identity and the boot loader's entries. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"
#include "probe/bundle_in.h"
#include "probe/probe.h"

static const char *const files[] = {
	"ps", "chkconfig", "df", "hostname", "uname", "sestatus", "installed-rpms", "installed-debs",
	"sos_commands/process/ps_auxwww", "sos_commands/process/ps_auxww", "sos_commands/process/ps_aux",
	"sos_commands/systemd/systemctl_list-units", "sos_commands/systemd/systemctl_list-unit-files",
	"sos_commands/services/ls_.var.lock.subsys", "sos_commands/startup/ls_.var.lock.subsys",
	"sos_commands/services/runlevel", "sos_commands/startup/runlevel",
	"sos_commands/services/chkconfig_--list", "sos_commands/startup/chkconfig_--list",
	"sos_commands/filesys/df_-al_-x_autofs", "sos_commands/filesys/df_-al",
	"sos_commands/networking/brctl_show", "sos_commands/xen/brctl_show",
	"sos_commands/networking/ip_-s_-d_link", "sos_commands/networking/ip_-d_link",
	"sos_commands/general/hostname", "sos_commands/host/hostname", "sos_commands/kernel/uname_-a",
	"sos_commands/selinux/sestatus", "sos_commands/selinux/sestatus_-b", "sos_commands/selinux/sestatus_-v",
	"sos_commands/selinux/getsebool_-a",
	"proc/meminfo", "proc/cpuinfo", "proc/cmdline", "proc/cgroups", "proc/mounts", "proc/self/mounts",
	"proc/version", "proc/sys/kernel/osrelease", "proc/xen/capabilities", "sys/hypervisor/type",
	"etc/os-release", "etc/redhat-release", "etc/hostname", "etc/sysconfig/network", "etc/selinux/config",
	"etc/libvirt/qemu.conf", "boot/grub/grub.conf", "boot/grub2/grub.cfg",
};

static const char *const facts[] = {
	"mem.total_mib", "mem.available_mib", "mem.guest_headroom_mib", "mem.dom0_mib",
	"disk.free_mib./var/lib/libvirt/images", "disk.free_mib./var/lib/xen/images", "net.bridges", "net.bridge.virbr0",
	"init.system", "init.systemd", "service.libvirtd.running", "service.libvirtd.available", "service.libvirtd.enabled",
	"service.xend.running", "service.xendomains.running", "service.xendomains.enabled", "service.virtlogd.enabled",
	"host.name", "os.id", "os.rhel_major", "packages.backend", "packages.manager", "package.libvirt-daemon.installed",
	"package.qemu-kvm.version", "kernel.release", "kernel.xen", "kernel.cmdline", "boot.default.xen", "boot.default.release",
	"xen.dom0", "xen.type", "cpu.logical", "cpu.flag.vmx", "cpu.hwvirt", "selinux.enabled", "selinux.mode", "selinux.policy",
	"selinux.boolean.virt_use_nfs", "cgroup.controller.memory", "cgroup.controller.cpu", "fs.type./var/lib/libvirt/images",
	"storage.image_fstypes", "libvirt.security_driver", "path.exists./etc/rc.d",
};

static char dir[] = "/tmp/hvscope-fuzz-sos-XXXXXX";

/* mkdir -p of path's parent directories (they stay between inputs). */
static void parents(const char *path)
{
	char *p = xstrdup(path);
	for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		mkdir(p, 0700);
		*s = '/';
	}
	free(p);
}

static void write_file(const char *name, size_t name_len, const uint8_t *data, size_t size)
{
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		if (strlen(files[i]) != name_len || memcmp(files[i], name, name_len))
			continue;
		char *path = xasprintf("%s/%s", dir, files[i]);
		parents(path);
		FILE *f = fopen(path, "wb");
		if (!f) {
			perror(path);
			abort();
		}
		fwrite(data, 1, size, f);
		fclose(f);
		free(path);
		return;
	}
}

/* Each "@@ PATH" line and what follows it up to the next such line. */
static void split(const uint8_t *data, size_t size)
{
	const uint8_t *end = data + size;
	const uint8_t *at = size >= 3 && !memcmp(data, "@@ ", 3) ? data : memmem(data, size, "\n@@ ", 4);
	if (at && at != data)
		at++;
	while (at) {
		const uint8_t *name = at + 3;
		const uint8_t *nl = memchr(name, '\n', (size_t)(end - name));
		if (!nl)
			return; /* a name with no body, not even its newline */
		const uint8_t *next = memmem(nl, (size_t)(end - nl), "\n@@ ", 4);
		const uint8_t *stop = next ? next + 1 : end;
		write_file((const char *)name, (size_t)(nl - name), nl + 1, (size_t)(stop > nl + 1 ? stop - (nl + 1) : 0));
		at = next ? next + 1 : NULL;
	}
}

static void clear(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		char *path = xasprintf("%s/%s", dir, files[i]);
		unlink(path);
		free(path);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* made once, by a flag: mkdtemp may end the name in an X itself, and
	 * a second mkdtemp of that name fails */
	static bool made;
	if (!made) {
		made = true;
		if (!mkdtemp(dir)) {
			perror(dir);
			abort();
		}
		/* what makes a directory an sosreport (diag/bundle_in.c) */
		char *p = xasprintf("%s/sos_commands", dir);
		mkdir(p, 0700);
		free(p);
		p = xasprintf("%s/sos_logs", dir);
		mkdir(p, 0700);
		free(p);
	}
	split(data, size);
	struct bundle_in in;
	struct err e = ERR_INIT;
	if (bundle_in_open(dir, &in, &e) < 0 || in.kind != BUNDLE_SOS) {
		/* the tree is an sosreport whatever its files say */
		fprintf(stderr, "fuzz_sos: %s is not read as an sosreport: %s\n", dir, err_msg(&e));
		abort();
	}
	struct probe_ctx ctx;
	probe_ctx_init_offline(&ctx, OFFLINE_SOS, NULL, in.files, NULL);
	for (size_t i = 0; i < ARRAY_SIZE(facts); i++)
		probe_fact(&ctx, facts[i]);
	probe_ctx_free(&ctx);
	bundle_in_close(&in);
	err_clear(&e);
	clear();
	return 0;
}

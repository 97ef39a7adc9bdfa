/* SPDX-License-Identifier: GPL-2.0-or-later */
/* probe/: facts read through a root prefix from small host trees written
 * here (cpuinfo, grub, cgroups, dpkg, pid files, os-release). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "probe/msr.h"
#include "probe/probe.h"

static char root[64];

static void put(const char *path, const char *text)
{
	char *full = xasprintf("%s%s", root, path);
	for (char *p = full + strlen(root) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(full, 0755);
		*p = '/';
	}
	FILE *f = fopen(full, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(full);
}

static void put_bytes(const char *path, const char *data, size_t n)
{
	put(path, "");
	char *full = xasprintf("%s%s", root, path);
	FILE *f = fopen(full, "w");
	fwrite(data, 1, n, f);
	fclose(f);
	free(full);
}

static int setup(void **state)
{
	(void)state;
	strcpy(root, "/tmp/hvscope-probe-XXXXXX");
	assert_non_null(mkdtemp(root));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char *cmd = xasprintf("rm -rf '%s'", root);
	int r = system(cmd);
	free(cmd);
	return r == 0 ? 0 : -1;
}

static const struct fact *fact(struct probe_ctx *ctx, const char *name)
{
	return probe_fact(ctx, name);
}

static void test_cpu(void **state)
{
	(void)state;
	put("/proc/cpuinfo", "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Xeon\nflags\t\t: fpu pae vmx lm\n\n"
			     "processor\t: 1\nvendor_id\t: GenuineIntel\nmodel name\t: Xeon\nflags\t\t: fpu pae vmx lm\n\n");
	struct probe_ctx ctx;
	probe_ctx_init(&ctx, root);
	assert_int_equal(fact(&ctx, "cpu.logical")->i, 2);
	assert_string_equal(fact(&ctx, "cpu.vendor")->s, "GenuineIntel");
	assert_true(fact(&ctx, "cpu.flag.pae")->b);
	assert_true(fact(&ctx, "cpu.flag.vmx")->b);
	assert_false(fact(&ctx, "cpu.flag.svm")->b);
	assert_true(fact(&ctx, "cpu.hwvirt")->b);
	assert_false(fact(&ctx, "cpu.flag.fpux")->b); /* any flag, whole words only */
	assert_true(fact(&ctx, "cpu.flag.fpu")->b);
	/* Under --root the machine's own CPUID is never used. */
	assert_non_null(strstr(fact(&ctx, "cpu.flag.pae")->evidence, "libcpuid not used under --root"));
	probe_ctx_free(&ctx);

	put("/proc/cpuinfo", "processor\t: 0\nvendor_id\t: Genu");
	probe_ctx_init(&ctx, root);
	assert_int_equal(fact(&ctx, "cpu.flag.pae")->status, FACT_ERROR);
	assert_non_null(strstr(fact(&ctx, "cpu.flag.pae")->evidence, "/proc/cpuinfo"));
	probe_ctx_free(&ctx);
}

static void test_live_cpu(void **state)
{
	(void)state;
	struct probe_ctx ctx;
	probe_ctx_init(&ctx, "/");
	const struct fact *f = fact(&ctx, "cpu.flag.lm");
	assert_int_equal(f->status, FACT_OK);
	/* Both sources are named in the evidence, and which one decided. */
	assert_non_null(strstr(f->evidence, "CPUID (libcpuid)"));
	assert_non_null(strstr(f->evidence, "/proc/cpuinfo"));
	assert_non_null(strstr(f->evidence, "used: CPUID"));
	assert_true(fact(&ctx, "cpu.logical")->i >= 1);
	probe_ctx_free(&ctx);
}

static void test_grub_legacy(void **state)
{
	(void)state;
	put("/boot/grub/grub.conf", "default=saved\ntitle Plain (2.6.18-8.el5)\n\tkernel /vmlinuz-2.6.18-8.el5\n"
				    "title Xen (2.6.18-8.el5xen)\n\tkernel /xen.gz-2.6.18-8.el5\n\tmodule /vmlinuz\n");
	put("/boot/grub/default", "1\n");
	struct probe_ctx ctx;
	probe_ctx_init(&ctx, root);
	assert_string_equal(fact(&ctx, "boot.loader")->s, "grub-legacy");
	assert_int_equal(fact(&ctx, "boot.entries")->list.n, 2);
	assert_true(fact(&ctx, "boot.default.xen")->b);
	assert_string_equal(fact(&ctx, "boot.default.title")->s, "Xen (2.6.18-8.el5xen)");
	probe_ctx_free(&ctx);

	put("/boot/grub/grub.conf", "default=7\ntitle Only\n\tkernel /vmlinuz\n");
	probe_ctx_init(&ctx, root);
	assert_int_equal(fact(&ctx, "boot.default.xen")->status, FACT_ERROR);
	assert_non_null(strstr(fact(&ctx, "boot.default.xen")->evidence, "names no entry"));
	probe_ctx_free(&ctx);
}

static void test_packages_dpkg(void **state)
{
	(void)state;
	put("/var/lib/dpkg/status", "Package: xen-utils-common\nStatus: install ok installed\nArchitecture: all\nVersion: 4.17.7-1\n\n"
				    "Package: libvirt-daemon-system\nStatus: deinstall ok config-files\nVersion: 9.0.0-4\n\n"
				    "Package: qemu-system-x86\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1:7.2+dfsg-7\n");
	struct probe_ctx ctx;
	probe_ctx_init(&ctx, root);
	assert_string_equal(fact(&ctx, "packages.backend")->s, "dpkg");
	assert_true(fact(&ctx, "package.xen-utils-common.installed")->b);
	assert_string_equal(fact(&ctx, "package.xen-utils-common.version")->s, "4.17.7-1");
	assert_false(fact(&ctx, "package.libvirt-daemon-system.installed")->b);
	assert_false(fact(&ctx, "package.xen.installed")->b);
	assert_int_equal(fact(&ctx, "package.xen.version")->status, FACT_MISSING);
	assert_true(fact(&ctx, "package.qemu-kvm|qemu-system-x86.installed")->b);
	assert_string_equal(fact(&ctx, "package.qemu-system-x86.arch")->s, "amd64");
	probe_ctx_free(&ctx);
}

static void test_services(void **state)
{
	(void)state;
	put("/run/xen/xenstored.pid", "311\n");
	put("/proc/311/comm", "xenstored\n");
	put("/var/run/xend.pid", "77\n");
	put("/proc/77/comm", "bash\n");
	put_bytes("/proc/90/cmdline", "/usr/bin/python\0/usr/sbin/xend", 30);
	put("/proc/90/comm", "python\n");
	struct probe_ctx ctx;
	probe_ctx_init(&ctx, root);
	assert_true(fact(&ctx, "service.xenstored.running")->b);
	/* xend's pid file is stale (pid 77 is bash), but python runs xend. */
	assert_true(fact(&ctx, "service.xend.running")->b);
	assert_non_null(strstr(fact(&ctx, "service.xend.running")->evidence, "stale pid file"));
	assert_non_null(strstr(fact(&ctx, "service.xend.running")->evidence, "process 90"));
	assert_false(fact(&ctx, "service.xenconsoled.running")->b);
	assert_non_null(strstr(fact(&ctx, "service.xenconsoled.running")->evidence, "no process named xenconsoled"));
	probe_ctx_free(&ctx);
}

static void test_os(void **state)
{
	(void)state;
	put("/etc/redhat-release", "CentOS release 5.11 (Final)\n");
	struct probe_ctx ctx;
	probe_ctx_init(&ctx, root);
	/* The os-release of an earlier test is gone: redhat-release decides. */
	assert_string_equal(fact(&ctx, "os.id")->s, "centos");
	assert_int_equal(fact(&ctx, "os.rhel_major")->i, 5);
	probe_ctx_free(&ctx);
}

/* kvm-ok's reading of the MSRs, on values recorded from real machines:
 * Intel IA32_FEATURE_CONTROL 0x5 (a server with VT on), 0x1 (the BIOS set
 * it off and locked), 0x0 (unlocked: the kernel turns VMX on), 0x3 (on only
 * inside SMX); AMD VM_CR 0x0 (SVM on), 0x10 (SVMDIS), 0x18 (SVMDIS locked),
 * 0x8 (locked with SVM on). */
static void test_vt_firmware(void **state)
{
	(void)state;
	static const struct {
		bool vmx;
		uint64_t v;
		enum vt_firmware want;
	} cases[] = {
		{ true, 0x5, VT_ENABLED },   { true, 0x1, VT_DISABLED_IN_BIOS }, { true, 0x0, VT_ENABLED },
		{ true, 0x3, VT_DISABLED_IN_BIOS }, { true, 0xff07, VT_ENABLED },
		{ false, 0x0, VT_ENABLED },  { false, 0x10, VT_DISABLED_IN_BIOS }, { false, 0x18, VT_LOCKED_OFF },
		{ false, 0x8, VT_ENABLED },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *why = NULL;
		assert_int_equal(vt_firmware_decode(cases[i].vmx, cases[i].v, &why), cases[i].want);
		assert_non_null(why);
	}
	assert_string_equal(vt_firmware_name(VT_LOCKED_OFF), "locked-off");
}

/* The svirt probe's readers: libvirt's conf syntax (comments, a list
 * across lines, single quotes, the last setting winning), mount tables
 * (octal escapes, the longest mount point, fstab in an image), booleans
 * from selinuxfs and booleans.local; init.system and packages.manager. */
static void test_svirt(void **state)
{
	(void)state;
	put("/etc/libvirt/qemu.conf", "# security_driver = \"none\"\n#security_driver = [ \"apparmor\" ]\n"
				      "security_driver = 'apparmor'\nmax_files = 1024\n"
				      "  security_driver = [ \"selinux\",   # the first\n     'dac' ]\n"
				      "security_default_confined = 0\n");
	put("/proc/self/mounts", "/dev/sda1 / ext4 rw 0 0\n/dev/sdb1 /srv/vm\\040images xfs rw 0 0\n"
				 "srv:/vm /srv/vm\\040images/nfs nfs4 rw 0 0\n");
	put("/etc/fstab", "# /etc/fstab\n/dev/sda1 / ext4 defaults 1 1\n");
	put("/sys/fs/selinux/booleans/virt_use_nfs", "1 1\n");
	put("/etc/selinux/config", "SELINUX=enforcing\nSELINUXTYPE=targeted\n");
	put("/etc/selinux/targeted/modules/active/booleans.local", "virt_use_samba=1\nvirt_use_fusefs=0\n");
	put("/etc/inittab", "id:5:initdefault:\n");
	put("/etc/os-release", "ID=ubuntu\nVERSION_ID=\"22.04\"\n");
	struct probe_ctx ctx;
	probe_ctx_init(&ctx, root);
	const struct fact *d = fact(&ctx, "libvirt.security_driver");
	assert_int_equal(d->list.n, 2);
	assert_string_equal(d->list.v[0], "selinux");
	assert_string_equal(d->list.v[1], "dac");
	assert_false(fact(&ctx, "libvirt.security_default_confined")->b);
	assert_string_equal(fact(&ctx, "fs.type./srv/vm images/a.qcow2")->s, "xfs");
	assert_string_equal(fact(&ctx, "fs.type./srv/vm images/nfs/b")->s, "nfs4");
	assert_string_equal(fact(&ctx, "fs.type./srv/vm imagesX")->s, "ext4");
	assert_true(fact(&ctx, "selinux.boolean.virt_use_nfs")->b);
	assert_true(fact(&ctx, "selinux.boolean.virt_use_samba")->b);
	assert_false(fact(&ctx, "selinux.boolean.virt_use_fusefs")->b);
	assert_int_equal(fact(&ctx, "selinux.boolean.virt_use_usb")->status, FACT_UNKNOWN);
	assert_string_equal(fact(&ctx, "init.system")->s, "sysv");
	assert_string_equal(fact(&ctx, "packages.manager")->s, "apt-get");
	probe_ctx_free(&ctx);

	/* an image: its fstab; RHEL 7 and Fedora 21 say yum, RHEL 8 dnf */
	char *p = xasprintf("%s/proc/self/mounts", root);
	unlink(p);
	free(p);
	put("/etc/os-release", "ID=\"rhel\"\nVERSION_ID=\"7.9\"\n");
	put("/etc/inittab", "# inittab is no longer used when using systemd.\n");
	put("/usr/lib/systemd/systemd", "");
	probe_ctx_init(&ctx, root);
	assert_string_equal(fact(&ctx, "fs.type./srv/vm images/a")->s, "ext4");
	assert_non_null(strstr(fact(&ctx, "fs.type./srv/vm images/a")->evidence, "/etc/fstab"));
	assert_string_equal(fact(&ctx, "packages.manager")->s, "yum");
	assert_string_equal(fact(&ctx, "init.system")->s, "systemd");
	probe_ctx_free(&ctx);
	put("/etc/os-release", "ID=fedora\nVERSION_ID=21\n");
	probe_ctx_init(&ctx, root);
	assert_string_equal(fact(&ctx, "packages.manager")->s, "yum");
	probe_ctx_free(&ctx);
	put("/etc/os-release", "ID=\"rocky\"\nVERSION_ID=\"8.9\"\n");
	probe_ctx_init(&ctx, root);
	assert_string_equal(fact(&ctx, "packages.manager")->s, "dnf");
	probe_ctx_free(&ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_cpu, setup, teardown),
		cmocka_unit_test(test_live_cpu),
		cmocka_unit_test(test_vt_firmware),
		cmocka_unit_test_setup_teardown(test_grub_legacy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_packages_dpkg, setup, teardown),
		cmocka_unit_test_setup_teardown(test_services, setup, teardown),
		cmocka_unit_test_setup_teardown(test_os, setup, teardown),
		cmocka_unit_test_setup_teardown(test_svirt, setup, teardown),
	};
	return cmocka_run_group_tests_name("probes", tests, NULL, NULL);
}

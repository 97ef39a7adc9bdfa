/* SPDX-License-Identifier: GPL-2.0-or-later */
/* probe/offline.c and its sosreport readers (probe/resources_sos.c): the
 * table of sources, an image's runtime facts, reasons that name only
 * what a source lacks, and sos's df, brctl show and ip -d link outputs
 * in their real shapes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "probe/offline.h"
#include "probe/probe.h"
#include "tmpdir.h"

static void put(const char *rel, const char *text)
{
	_cleanup_free_ char *full = xasprintf("%s%s", dir, rel);
	for (char *p = full + strlen(dir) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(full, 0755);
		*p = '/';
	}
	FILE *f = fopen(full, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int fresh(void **state)
{
	int r = tmpdir_teardown(state);
	strcpy(dir, "/tmp/hvscope-unit-XXXXXX");
	return r ? r : tmpdir_setup(state);
}

static void has(const char *s, const char *part)
{
	if (!s || !strstr(s, part))
		fail_msg("\"%s\" lacks \"%s\"", s ? s : "(null)", part);
}

/* Every fact pattern of every probe has a row, and the row names it. */
static void test_table_covers_every_probe(void **state)
{
	(void)state;
	for (size_t i = 0; probe_table[i]; i++)
		for (const char *const *p = probe_table[i]->patterns; *p; p++) {
			_cleanup_free_ char *name = xstrdup(*p);
			for (char *s = name; *s; s++)
				if (*s == '*')
					*s = 'x';
			const struct offline_row *row = offline_row(name);
			if (!row)
				fail_msg("no row for %s", *p);
			assert_string_equal(row->probe, probe_table[i]->name);
			/* a runtime fact an image cannot answer has a reason to print */
			assert_true(row->image || row->runtime);
		}
	assert_null(offline_row("nosuch.fact"));
	assert_true(offline_row("path.exists./dev/kvm")->runtime != NULL);
	assert_null(offline_row("path.exists./etc/rc.d")->runtime);
}

static void test_image(void **state)
{
	fresh(state);
	put("/etc/hostname", "golden\n");
	_cleanup_free_ char *proc = xasprintf("%s/proc", dir);
	mkdir(proc, 0755);
	struct probe_ctx ctx;
	probe_ctx_init(&ctx, dir);
	const struct fact *f = probe_fact(&ctx, "cpu.flag.lm");
	assert_int_equal(f->status, FACT_UNKNOWN);
	has(f->evidence, "not in an image: a root file system holds no running CPU");
	assert_int_equal(probe_fact(&ctx, "mem.total_mib")->status, FACT_UNKNOWN);
	assert_int_equal(probe_fact(&ctx, "kvm.dev.exists")->status, FACT_UNKNOWN);
	assert_int_equal(probe_fact(&ctx, "path.exists./dev/net/tun")->status, FACT_UNKNOWN);
	/* asked with the kernel: its command line is not left MISSING */
	assert_int_equal(probe_fact(&ctx, "kernel.release")->status, FACT_UNKNOWN);
	assert_int_equal(probe_fact(&ctx, "kernel.cmdline")->status, FACT_UNKNOWN);
	/* configuration is read */
	assert_string_equal(probe_fact(&ctx, "host.name")->s, "golden");
	assert_int_equal(probe_fact(&ctx, "path.exists./etc/hostname")->status, FACT_OK);
	probe_ctx_free(&ctx);

	/* a root carrying /proc is read as the host it was copied from */
	put("/proc/cpuinfo", "processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: fpu pae lm\n\n");
	probe_ctx_init(&ctx, dir);
	assert_true(probe_fact(&ctx, "cpu.flag.lm")->b);
	assert_int_equal(probe_fact(&ctx, "mem.total_mib")->status, FACT_MISSING);
	probe_ctx_free(&ctx);
}

static const struct fact *sos_fact(struct probe_ctx *ctx, const char *name)
{
	probe_ctx_free(ctx);
	probe_ctx_init_offline(ctx, OFFLINE_SOS, NULL, dir, NULL);
	return probe_fact(ctx, name);
}

/* coreutils 8.4 (RHEL 6) wraps a long device name; pseudo file systems
 * show "-"; the nearest mount above the path, the last of equals. */
static void test_df(void **state)
{
	fresh(state);
	put("/sos_commands/filesys/df_-al",
	    "Filesystem           1K-blocks      Used Available Use% Mounted on\n"
	    "/dev/mapper/vg_host-lv_root\n"
	    "                      51606140   6334108  42650592  13% /\n"
	    "proc                         0         0         0   -  /proc\n"
	    "/dev/sdb1            103081248  61440000  36399184  63% /var/lib/libvirt\n"
	    "/dev/sdc1            103081248  10240000  87599184  11% /var/lib/libvirt\n"
	    "/dev/sdd1              1032088     34100    945560   4% /var/lib/libvirt/imagesX\n");
	struct probe_ctx ctx;
	probe_ctx_init(&ctx, "/");
	const struct fact *f = sos_fact(&ctx, "disk.free_mib./var/lib/libvirt/images");
	assert_int_equal(f->status, FACT_OK);
	assert_int_equal(f->i, 87599184 / 1024);
	has(f->evidence, "is on /var/lib/libvirt (/dev/sdc1)");
	f = sos_fact(&ctx, "disk.free_mib./srv");
	assert_int_equal(f->i, 42650592 / 1024);
	has(f->evidence, "/dev/mapper/vg_host-lv_root");
	/* not df's output: an error, naming the file it read */
	put("/sos_commands/filesys/df_-al", "df: cannot read table of mounted file systems\n");
	f = sos_fact(&ctx, "disk.free_mib./srv");
	assert_int_equal(f->status, FACT_ERROR);
	has(f->evidence, "sos_commands/filesys/df_-al: not df's output");
	probe_ctx_free(&ctx);
}

static void test_bridges(void **state)
{
	fresh(state);
	struct probe_ctx ctx;
	probe_ctx_init(&ctx, "/");
	/* no output at all: the reason lists what sos would have written */
	const struct fact *f = sos_fact(&ctx, "net.bridge.virbr0");
	assert_int_equal(f->status, FACT_UNKNOWN);
	has(f->evidence, "it holds none of sos_commands/networking/brctl_show, sos_commands/xen/brctl_show, "
			 "sos_commands/networking/ip_-s_-d_link");
	put("/sos_commands/networking/ip_-s_-d_link",
	    "3: virbr0: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue state DOWN mode DEFAULT group default qlen 1000\n"
	    "    link/ether 52:54:00:8d:43:d6 brd ff:ff:ff:ff:ff:ff promiscuity 0\n"
	    "    bridge forward_delay 200 hello_time 200 max_age 2000 ageing_time 30000 stp_state 1 priority 32768\n"
	    "4: virbr0-nic: <BROADCAST,MULTICAST> mtu 1500 qdisc pfifo_fast master virbr0 state DOWN mode DEFAULT\n"
	    "    link/ether 52:54:00:8d:43:d6 brd ff:ff:ff:ff:ff:ff promiscuity 1\n"
	    "    bridge_slave state disabled priority 32 cost 100 hairpin off\n"
	    "5: eth0.10@eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT\n"
	    "    link/ether 18:66:da:7e:21:0c brd ff:ff:ff:ff:ff:ff promiscuity 0\n"
	    "    vlan protocol 802.1Q id 10 <REORDER_HDR>\n");
	f = sos_fact(&ctx, "net.bridges");
	assert_int_equal(f->list.n, 1);
	assert_string_equal(f->list.v[0], "virbr0");
	assert_false(sos_fact(&ctx, "net.bridge.virbr0-nic")->b);
	/* brctl show comes first; an empty file from a failed run does not tell */
	put("/sos_commands/networking/brctl_show", "");
	put("/sos_commands/xen/brctl_show", "bridge name\tbridge id\t\tSTP enabled\tinterfaces\n"
					    "xenbr0\t\t8000.feffffffffff\tno\t\tvif0.0\n"
					    "\t\t\t\t\t\t\tpeth0\n");
	f = sos_fact(&ctx, "net.bridge.xenbr0");
	assert_true(f->b);
	has(f->evidence, "sos_commands/xen/brctl_show lists 1 bridge: xenbr0");
	assert_false(sos_fact(&ctx, "net.bridge.peth0")->b);
	probe_ctx_free(&ctx);
}

/* Figures past a long long in a report's files: refused with a problem
 * naming the figure, or held at the largest, never wrapped. */
static void test_overflow(void **state)
{
	fresh(state);
	struct probe_ctx ctx;
	probe_ctx_init(&ctx, "/");
	put("/proc/meminfo", "MemTotal:       99999999999999999999 kB\nMemAvailable:   62581424 kB\n");
	const struct fact *f = sos_fact(&ctx, "mem.total_mib");
	assert_int_equal(f->status, FACT_ERROR);
	has(f->evidence, "/proc/meminfo MemTotal: 99999999999999999999 kB: out of range");
	assert_int_equal(sos_fact(&ctx, "mem.guest_headroom_mib")->status, FACT_ERROR);
	put("/proc/meminfo", "MemTotal:       65516344 kB\nMemAvailable:   -5 kB\n");
	f = sos_fact(&ctx, "mem.available_mib");
	assert_int_equal(f->status, FACT_ERROR);
	has(f->evidence, "MemAvailable: -5 kB: out of range");
	assert_int_equal(sos_fact(&ctx, "mem.total_mib")->i, 65516344 / 1024);
	/* a figure of a thousand digits is quoted in part */
	_cleanup_free_ char *long_figure = xmalloc(1001);
	memset(long_figure, '9', 1000);
	long_figure[1000] = '\0';
	_cleanup_free_ char *long_line = xasprintf("MemTotal: %s kB\n", long_figure);
	put("/proc/meminfo", long_line);
	f = sos_fact(&ctx, "mem.total_mib");
	assert_int_equal(f->status, FACT_ERROR);
	long_figure[64] = '\0';
	has(f->evidence, long_figure);
	assert_true(strlen(f->evidence) < 200);
	/* the largest MemTotal a long long holds less a dom0_mem= past it:
	 * the reserve is refused, naming it; a reserve that fits but leaves
	 * less than nothing is held at the least */
	put("/proc/meminfo", "MemTotal: 9223372036854775807 kB\n");
	put("/proc/cmdline", "ro root=/dev/sda1 dom0_mem=99999999999999999999G quiet\n");
	f = sos_fact(&ctx, "mem.dom0_mib");
	assert_int_equal(f->status, FACT_ERROR);
	has(f->evidence, "dom0_mem=99999999999999999999G on the kernel line: out of range");
	has(sos_fact(&ctx, "mem.guest_headroom_mib")->evidence, "dom0_mem=99999999999999999999G");
	put("/proc/cmdline", "ro dom0_mem=9007199254740991G\n");
	f = sos_fact(&ctx, "mem.dom0_mib");
	assert_int_equal(f->status, FACT_OK);
	assert_true(f->i == 9223372036854774784);
	put("/proc/meminfo", "MemTotal: 1024 kB\n");
	put("/proc/cmdline", "ro dom0_mem=9223372036854775807G\n");
	put("/etc/libvirt/qemu/g.xml", "<domain type='kvm'><name>g</name><memory unit='MiB'>4</memory><vcpu>1</vcpu></domain>\n");
	assert_true(sos_fact(&ctx, "mem.dom0_mib")->i == LLONG_MAX);
	f = sos_fact(&ctx, "mem.guest_headroom_mib");
	assert_int_equal(f->status, FACT_OK);
	assert_true(f->i == LLONG_MIN);
	put("/proc/cmdline", "ro dom0_mem=max:4G\n");
	has(sos_fact(&ctx, "mem.dom0_mib")->evidence, "dom0_mem=max:4G on the kernel line: not a size");
	/* df's available 1K-blocks of 2^64 */
	put("/sos_commands/filesys/df_-al_-x_autofs",
	    "Filesystem              1K-blocks     Used            Available Use% Mounted on\n"
	    "/dev/mapper/rhel-root    73364480 10248952             63115528  14% /\n"
	    "/dev/mapper/rhel-images 943218688 51204480 18446744073709551616   6% /var/lib/libvirt/images\n");
	f = sos_fact(&ctx, "disk.free_mib./var/lib/libvirt/images");
	assert_int_equal(f->status, FACT_ERROR);
	has(f->evidence, "sos_commands/filesys/df_-al_-x_autofs: /var/lib/libvirt/images is on /var/lib/libvirt/images "
			 "(/dev/mapper/rhel-images), 18446744073709551616 1K-blocks available: out of range");
	assert_int_equal(sos_fact(&ctx, "disk.free_mib./srv")->i, 63115528 / 1024);
	/* a RHEL VERSION_ID past a long long */
	put("/etc/os-release", "ID=\"rhel\"\nVERSION_ID=\"99999999999999999999.1\"\n");
	f = sos_fact(&ctx, "os.rhel_major");
	assert_int_equal(f->status, FACT_ERROR);
	has(f->evidence, "VERSION_ID 99999999999999999999.1: out of range");
	/* /proc/cgroups' enabled column past an int is on, not wrapped to 0 */
	put("/proc/cgroups", "#subsys_name\thierarchy\tnum_cgroups\tenabled\nmemory\t99999999999\t4294967296\t4294967296\n");
	put("/proc/mounts", "cgroup /sys/fs/cgroup/memory cgroup rw,memory 0 0\n");
	assert_true(sos_fact(&ctx, "cgroup.controller.memory")->b);
	probe_ctx_free(&ctx);
}

/* A file the report holds is never called missing: the reason says it
 * does not tell. */
static void test_reasons(void **state)
{
	fresh(state);
	put("/proc/meminfo", "MemFree: 1000 kB\n");
	struct probe_ctx ctx;
	probe_ctx_init(&ctx, "/");
	const struct fact *f = sos_fact(&ctx, "mem.total_mib");
	assert_int_equal(f->status, FACT_ERROR);
	has(f->evidence, "no MemTotal");
	put("/sos_commands/kernel/uname_-a", "Linux kvm7 3.10.0-862.el7.x86_64 #1 SMP Wed Mar 21 18:14:51 EDT 2018 x86_64 GNU/Linux\n");
	f = sos_fact(&ctx, "kernel.release");
	assert_string_equal(f->s, "3.10.0-862.el7.x86_64");
	f = sos_fact(&ctx, "cgroup.controller.memory");
	assert_int_equal(f->status, FACT_UNKNOWN);
	has(f->evidence, "it holds none of proc/cgroups, proc/self/mounts, proc/mounts");
	put("/proc/mounts", "proc /proc proc rw 0 0\n");
	f = sos_fact(&ctx, "cgroup.controller.memory");
	has(f->evidence, "not in the sosreport: proc/mounts does not tell");
	f = sos_fact(&ctx, "kvm.dev.exists");
	has(f->evidence, "not in the sosreport: sos records no device nodes");
	probe_ctx_free(&ctx);
	tmpdir_teardown(state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_covers_every_probe),
		cmocka_unit_test(test_image),
		cmocka_unit_test(test_df),
		cmocka_unit_test(test_bridges),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_reasons),
	};
	if (tmpdir_setup(NULL) < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}

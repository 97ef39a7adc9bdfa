/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What a bundle holds.  The table below is the whole list: each entry a
 * file, a tree (with a name pattern), a listing, a command with a timeout,
 * or one of the internal sources (the check, the facts, the hypervisor's
 * API, the AVC denials, running QEMUs).  Adding a source is adding a row.
 *
 * Files are read through the --root prefix, never following a symlink out
 * of a collected tree; commands and the hypervisor API describe the live
 * host only, so under --root they are skipped (the hypervisor unless
 * --connect names one). */
#include "diag/bundle.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <libcpuid.h>

#include "core/root.h"
#include "core/secret.h"
#include "core/spawn.h"
#include "core/util.h"
#include "hv/hv.h"
#include "rules/check.h"
#include "rules/report.h"

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

enum {
	LOG = 1 << 0,     /* a log: --since applies; over the cap keeps its tail */
	R = 1 << 1,       /* recurse */
	OPTIONAL = 1 << 2 /* absence is normal: not listed as skipped */
};

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
	"selinux-policy-targeted", "selinux-policy-default", "libselinux1", "libselinux",
};


static const char *errno_reason(int err)
{
	switch (err) {
	case ENOENT: return "missing";
	case EACCES:
	case EPERM: return "permission denied";
	case ELOOP: return "a symlink, not followed";
	default: return strerror(err);
	}
}

/* Reads fd (at most cap bytes; a log over it keeps its end, from a line
 * start).  *cut: bytes left out at the front. */
static int read_capped(int fd, const struct stat *st, uint64_t cap, bool tail, struct buf *out, uint64_t *cut)
{
	*cut = 0;
	if (S_ISREG(st->st_mode) && (uint64_t)st->st_size > cap) {
		if (!tail)
			return -EFBIG;
		off_t from = st->st_size - (off_t)cap;
		if (lseek(fd, from, SEEK_SET) < 0)
			return -errno;
		*cut = (uint64_t)from;
	}
	for (;;) {
		if (out->len >= cap)
			break;
		size_t want = cap - out->len < 65536 ? cap - out->len : 65536;
		buf_grow(out, want);
		ssize_t n = read(fd, out->s + out->len, want);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		out->len += (size_t)n;
		out->s[out->len] = '\0';
	}
	if (*cut) {
		char *nl = memchr(out->s, '\n', out->len);
		size_t skip = nl ? (size_t)(nl - out->s) + 1 : 0;
		memmove(out->s, out->s + skip, out->len - skip + 1);
		out->len -= skip;
		*cut += skip;
	}
	return 0;
}

/* One file already opened; rel names it inside files/. */
static void add_fd(struct bundle *b, int fd, const char *host_path, unsigned flags)
{
	struct stat st;
	if (fstat(fd, &st) < 0) {
		bundle_skip(b, host_path, "%s", errno_reason(errno));
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		bundle_skip(b, host_path, "not a regular file");
		return;
	}
	if ((flags & LOG) && b->o->since > 0 && (double)st.st_mtime < b->o->since) {
		bundle_skip(b, host_path, "not changed since --since");
		return;
	}
	struct buf data = BUF_INIT;
	uint64_t cut = 0;
	int r = read_capped(fd, &st, b->o->max_file_size, true, &data, &cut);
	if (r < 0) {
		bundle_skip(b, host_path, "%s", r == -EFBIG ? "over the per-file size cap" : errno_reason(-r));
	} else {
		if (cut) {
			/* Say so at the top: the reader must not think the log
			 * starts there. */
			struct buf marked = BUF_INIT;
			buf_printf(&marked, "[hvscope: the first %llu bytes of this file were left out (per-file cap %llu bytes)]\n",
				   (unsigned long long)cut, (unsigned long long)b->o->max_file_size);
			buf_add(&marked, data.s, data.len);
			buf_free(&data);
			data = marked;
		}
		_cleanup_free_ char *rel = xasprintf("files%s", host_path);
		bundle_add(b, rel, data.s ? data.s : "", data.len, host_path, st.st_mtime, cut);
	}
	buf_free(&data);
}

static void collect_file(struct bundle *b, const struct item *it)
{
	int fd = root_open(b->o->root, it->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		if (!(it->flags & OPTIONAL) || fd != -ENOENT)
			bundle_skip(b, it->path, "%s", errno_reason(-fd));
		return;
	}
	add_fd(b, fd, it->path, it->flags);
	close(fd);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names of an open directory (no . and ..); consumes dfd. */
static void list_names(int dfd, struct strv *out)
{
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return;
	}
	struct dirent *de;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			strv_push(out, de->d_name);
	closedir(d);
	if (out->n)
		qsort(out->v, out->n, sizeof(*out->v), cmp_str);
}

static void walk(struct bundle *b, int dfd, const char *host_dir, const struct item *it, int depth)
{
	struct strv names = { 0 };
	int lfd = dup(dfd);
	if (lfd >= 0)
		list_names(lfd, &names);
	for (size_t i = 0; i < names.n; i++) {
		const char *name = names.v[i];
		_cleanup_free_ char *path = xasprintf("%s/%s", strcmp(host_dir, "/") ? host_dir : "", name);
		if (secret_path(path)) {
			bundle_skip(b, path, "left out on purpose: a secret store or a private key's file is never collected");
			continue;
		}
		struct stat st;
		if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISLNK(st.st_mode)) {
			char target[PATH_MAX];
			ssize_t n = readlinkat(dfd, name, target, sizeof(target) - 1);
			target[n > 0 ? n : 0] = '\0';
			bundle_skip(b, path, "a symlink (to %s), not followed", target);
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			if (!(it->flags & R))
				continue;
			if (depth >= 8) {
				bundle_skip(b, path, "deeper than 8 directories");
				continue;
			}
			int sub = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub < 0) {
				bundle_skip(b, path, "%s", errno_reason(errno));
				continue;
			}
			walk(b, sub, path, it, depth + 1);
			close(sub);
			continue;
		}
		if (it->pattern && fnmatch(it->pattern, name, 0) != 0)
			continue;
		if (S_ISSOCK(st.st_mode) || S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
			continue; /* sockets and pipes of /run: nothing to read */
		int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
		if (fd < 0) {
			bundle_skip(b, path, "%s", errno_reason(errno));
			continue;
		}
		add_fd(b, fd, path, it->flags);
		close(fd);
	}
	strv_free(&names);
}

static void collect_tree(struct bundle *b, const struct item *it)
{
	int dfd = root_open(b->o->root, it->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		if (!(it->flags & OPTIONAL) || dfd != -ENOENT)
			bundle_skip(b, it->path, "%s", errno_reason(-dfd));
		return;
	}
	walk(b, dfd, it->path, it, 0);
	close(dfd);
}

static void list_dir(struct bundle *b, int dfd, const char *host_dir, struct buf *out, int depth)
{
	struct strv names = { 0 };
	int lfd = dup(dfd);
	if (lfd >= 0)
		list_names(lfd, &names);
	buf_printf(out, "%s:\n", host_dir);
	struct strv subdirs = { 0 };
	for (size_t i = 0; i < names.n; i++) {
		struct stat st;
		if (fstatat(dfd, names.v[i], &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		char label[256] = "?";
		char proc[PATH_MAX];
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d/%s", dfd, names.v[i]);
		ssize_t n = lgetxattr(proc, "security.selinux", label, sizeof(label) - 1);
		label[n > 0 ? n : 1] = '\0';
		if (n > 0 && label[n - 1] == '\0')
			n--;
		char when[32];
		struct tm tm;
		gmtime_r(&st.st_mtime, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M", &tm);
		char mode[11];
		const char *t = S_ISDIR(st.st_mode) ? "d" : S_ISLNK(st.st_mode) ? "l" : S_ISSOCK(st.st_mode) ? "s" : "-";
		snprintf(mode, sizeof(mode), "%s%c%c%c%c%c%c%c%c%c", t, st.st_mode & 0400 ? 'r' : '-', st.st_mode & 0200 ? 'w' : '-',
			 st.st_mode & 0100 ? 'x' : '-', st.st_mode & 040 ? 'r' : '-', st.st_mode & 020 ? 'w' : '-',
			 st.st_mode & 010 ? 'x' : '-', st.st_mode & 04 ? 'r' : '-', st.st_mode & 02 ? 'w' : '-',
			 st.st_mode & 01 ? 'x' : '-');
		/* uid/gid as numbers: names would come from this host's
		 * passwd, not the root's */
		buf_printf(out, "%s %5u %5u %12lld %s %s %s", mode, (unsigned)st.st_uid, (unsigned)st.st_gid, (long long)st.st_size,
			   when, n > 0 ? label : "-", names.v[i]);
		if (S_ISLNK(st.st_mode)) {
			char target[PATH_MAX];
			ssize_t tn = readlinkat(dfd, names.v[i], target, sizeof(target) - 1);
			target[tn > 0 ? tn : 0] = '\0';
			buf_printf(out, " -> %s", target);
		}
		buf_putc(out, '\n');
		if (S_ISDIR(st.st_mode))
			strv_push(&subdirs, names.v[i]);
	}
	buf_putc(out, '\n');
	for (size_t i = 0; i < subdirs.n && depth < 8; i++) {
		int sub = openat(dfd, subdirs.v[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		int err = errno; /* before the allocation below */
		_cleanup_free_ char *path = xasprintf("%s/%s", host_dir, subdirs.v[i]);
		if (sub < 0) {
			buf_printf(out, "%s: %s\n\n", path, errno_reason(err));
			continue;
		}
		list_dir(b, sub, path, out, depth + 1);
		close(sub);
	}
	strv_free(&subdirs);
	strv_free(&names);
}

static char *flat_name(const char *path)
{
	char *s = xstrdup(path[0] == '/' ? path + 1 : path);
	for (char *p = s; *p; p++)
		if (*p == '/')
			*p = '_';
	return s;
}

static void collect_listing(struct bundle *b, const struct item *it)
{
	int dfd = root_open(b->o->root, it->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		if (!(it->flags & OPTIONAL) || dfd != -ENOENT)
			bundle_skip(b, it->path, "%s", errno_reason(-dfd));
		return;
	}
	struct buf out = BUF_INIT;
	buf_puts(&out, "# mode uid gid size mtime(UTC) selinux-label name\n");
	list_dir(b, dfd, it->path, &out, 0);
	close(dfd);
	_cleanup_free_ char *flat = flat_name(it->path);
	_cleanup_free_ char *rel = xasprintf("listings/%s.txt", flat);
	_cleanup_free_ char *src = xasprintf("listing of %s", it->path);
	bundle_add(b, rel, out.s, out.len, src, time(NULL), 0);
	buf_free(&out);
}

static void collect_cmd(struct bundle *b, const struct item *it)
{
	struct buf cmdline = BUF_INIT;
	for (int i = 0; it->argv[i]; i++)
		buf_printf(&cmdline, "%s%s", i ? " " : "", it->argv[i]);
	if (!b->live) {
		bundle_skip(b, buf_str(&cmdline), "a command describes the live host, not --root %s", b->o->root);
		buf_free(&cmdline);
		return;
	}
	struct buf out = BUF_INIT;
	struct err e = ERR_INIT;
	char *argv[12] = { 0 };
	for (int i = 0; it->argv[i] && i < 11; i++)
		argv[i] = (char *)it->argv[i];
	int st = spawn_capture(argv, b->o->cmd_timeout_ms, b->o->max_file_size, &out, &e);
	if (st == -ENOENT) {
		if (!(it->flags & OPTIONAL))
			bundle_skip(b, buf_str(&cmdline), "not installed");
	} else if (st == -ETIMEDOUT) {
		bundle_skip(b, buf_str(&cmdline), "timed out after %d ms (killed)", b->o->cmd_timeout_ms);
	} else if (st < 0) {
		bundle_skip(b, buf_str(&cmdline), "%s", err_msg(&e));
	} else if (st != 0 && out.len == 0) {
		bundle_skip(b, buf_str(&cmdline), "exited with status %d and printed nothing", st);
	} else {
		if (st != 0)
			bundle_log(b, "%s exited with status %d", buf_str(&cmdline), st);
		_cleanup_free_ char *rel = xasprintf("commands/%s.txt", it->path);
		bundle_add(b, rel, out.s ? out.s : "", out.len, buf_str(&cmdline), time(NULL), 0);
	}
	err_clear(&e);
	buf_free(&out);
	buf_free(&cmdline);
}

/* type=AVC lines of the audit log that name a Xen or virt SELinux type. */
static void collect_avc(struct bundle *b, const struct item *it)
{
	int fd = root_open(b->o->root, it->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		if (fd != -ENOENT || !(it->flags & OPTIONAL))
			bundle_skip(b, it->path, "%s", errno_reason(-fd));
		return;
	}
	struct stat st;
	struct buf data = BUF_INIT, out = BUF_INIT;
	uint64_t cut = 0;
	int r = fstat(fd, &st) < 0 ? -errno : !S_ISREG(st.st_mode) ? -EINVAL : read_capped(fd, &st, 4 * b->o->max_file_size, true, &data, &cut);
	if (r == 0) {
		static const char *const types[] = { "xen", "virt", "svirt", "qemu", "libvirt" };
		size_t lines = 0;
		for (char *line = data.s, *next; line && *line; line = next) {
			char *nl = strchr(line, '\n');
			next = nl ? nl + 1 : NULL;
			size_t len = nl ? (size_t)(nl - line) : strlen(line);
			if (!memmem(line, len, "avc:", 4))
				continue;
			/* msg=audit(1700000000.123:45): --since by the event's time */
			const char *m = memmem(line, len, "audit(", 6);
			if (m && b->o->since > 0 && strtod(m + 6, NULL) < b->o->since)
				continue;
			for (size_t k = 0; k < sizeof(types) / sizeof(*types); k++)
				if (memmem(line, len, types[k], strlen(types[k]))) {
					buf_add(&out, line, len);
					buf_putc(&out, '\n');
					lines++;
					break;
				}
		}
		if (!lines)
			buf_puts(&out, "# no AVC denial naming a Xen or virt type\n");
		bundle_add(b, "selinux/avc-virt.log", out.s, out.len, it->path, st.st_mtime, cut);
	} else {
		bundle_skip(b, it->path, "%s", r == -EINVAL ? "not a regular file" : errno_reason(-r));
	}
	close(fd);
	buf_free(&data);
	buf_free(&out);
}

/* For each QEMU libvirt started (its pid file under /run/libvirt/qemu):
 * the command line, limits, cgroups, NUMA placement and status, as sos'
 * libvirt plugin takes them.  Live host only. */
static void collect_qemu(struct bundle *b)
{
	if (!b->live)
		return;
	struct strv names = { 0 };
	if (root_list_dir("/", "/run/libvirt/qemu", &names) < 0)
		return;
	static const char *const files[] = { "cmdline", "environ", "limits", "cgroup", "numa_maps", "status" };
	for (size_t i = 0; i < names.n; i++) {
		/* driver.pid is libvirtd's own */
		if (!str_ends(names.v[i], ".pid") || !strcmp(names.v[i], "driver.pid"))
			continue;
		_cleanup_free_ char *pidfile = xasprintf("/run/libvirt/qemu/%s", names.v[i]);
		_cleanup_free_ char *pid = NULL;
		long long p;
		if (root_read_line("/", pidfile, &pid, NULL) < 0 || str_to_ll(pid, &p) < 0 || p <= 0)
			continue;
		_cleanup_free_ char *dom = xstrndup(names.v[i], strlen(names.v[i]) - 4);
		_cleanup_free_ char *safe = bundle_safe_name(dom);
		for (size_t k = 0; k < sizeof(files) / sizeof(*files); k++) {
			_cleanup_free_ char *src = xasprintf("/proc/%lld/%s", p, files[k]);
			struct buf data = BUF_INIT;
			struct err e = ERR_INIT;
			int r = root_read("/", src, b->o->max_file_size, &data, &e);
			if (r < 0) {
				bundle_skip(b, src, "%s", errno_reason(-r));
			} else {
				/* NUL-separated: arguments on one line, variables
				 * one per line (so a secret's value ends at its
				 * line's end) */
				for (size_t j = 0; j < data.len; j++)
					if (data.s[j] == '\0')
						data.s[j] = k == 1 ? '\n' : ' ';
				_cleanup_free_ char *rel = xasprintf("proc/qemu-%s/%s", safe, files[k]);
				bundle_add(b, rel, data.s ? data.s : "", data.len, src, time(NULL), 0);
			}
			err_clear(&e);
			buf_free(&data);
		}
	}
	strv_free(&names);
}


/* The versions of the virtualization packages, readable at a glance, from
 * the check's own probe context. */
static void collect_packages(struct bundle *b, struct probe_ctx *ctx)
{
	struct buf out = BUF_INIT;
	const struct fact *be = probe_fact(ctx, "packages.backend");
	buf_printf(&out, "# package database: %s\n", be->status == FACT_OK ? be->s : be->evidence);
	for (size_t i = 0; i < sizeof(packages) / sizeof(*packages); i++) {
		_cleanup_free_ char *name = xasprintf("package.%s.version", packages[i]);
		const struct fact *f = probe_fact(ctx, name);
		if (f->status == FACT_OK)
			buf_printf(&out, "%-28s %s\n", packages[i], f->s);
	}
	bundle_add(b, "check/packages.txt", out.s, out.len, "package database", time(NULL), 0);
	buf_free(&out);
}

/* The live CPU's raw CPUID in libcpuid's text form: check --bundle's CPU
 * probe runs on it as on the host, for facts the bundle did not record. */
static void collect_cpuid(struct bundle *b)
{
	if (!b->live)
		return;
	struct cpu_raw_data_t raw;
	if (!cpuid_present() || cpuid_get_raw_data(&raw) != 0) {
		bundle_skip(b, "CPUID", "libcpuid: %s", cpuid_error());
		return;
	}
	_cleanup_free_ char *path = xasprintf("%s/hvscope-cpuid-XXXXXX", tmp_dir());
	int fd = mkstemp(path);
	struct buf text = BUF_INIT;
	if (fd < 0 || cpuid_serialize_raw_data(&raw, path) != 0 || root_read("/", path, ROOT_READ_MAX, &text, NULL) < 0)
		bundle_skip(b, "CPUID", "the raw dump could not be written: %s", fd < 0 ? strerror(errno) : cpuid_error());
	else
		bundle_add(b, "check/cpuid.raw", text.s, text.len, "libcpuid cpuid_serialize_raw_data", time(NULL), 0);
	if (fd >= 0) {
		close(fd);
		unlink(path);
	}
	buf_free(&text);
}

/* Every fact each profile reads, into ctx: hvscope check --bundle runs
 * any profile on the bundle with the facts its host's probes saw. */
static void record_every_profile(struct probe_ctx *ctx, struct ruleset *set)
{
	for (size_t i = 0; i < set->n; i++) {
		struct report rep = { 0 };
		struct err e = ERR_INIT;
		check_run(ctx, set, set->v[i].name, NULL, &rep, &e);
		report_free(&rep);
		err_clear(&e);
	}
}

/* The check's reports, every fact the probes gathered (for every
 * profile), and the package versions, from one probe context. */
static void collect_check(struct bundle *b)
{
	struct ruleset set = { 0 };
	struct report rep = { 0 };
	struct err e = ERR_INIT;
	struct probe_ctx ctx;
	probe_ctx_init(&ctx, b->o->root);
	int r = check_load(NULL, &set, &e);
	if (r == 0)
		r = check_run(&ctx, &set, b->o->profile, NULL, &rep, &e);
	if (r < 0) {
		bundle_skip(b, "hvscope check", "%s", err_msg(&e));
	} else {
		struct buf out = BUF_INIT;
		struct report_opts ro = { .color = false, .quiet = false };
		report_write_text(&rep, &ro, &out);
		bundle_add(b, "check/report.txt", out.s, out.len, "hvscope check", time(NULL), 0);
		buf_reset(&out);
		report_write_json(&rep, &out);
		bundle_add(b, "check/report.json", out.s, out.len, "hvscope check --format json", time(NULL), 0);
		bundle_log(b, "check: profile %s, %zu checks", rep.profile, rep.n);
		buf_free(&out);
	}
	collect_packages(b, &ctx);
	record_every_profile(&ctx, &set);
	collect_cpuid(b);
	probe_fact(&ctx, "selinux.mode");
	probe_fact(&ctx, "selinux.policy");
	struct buf facts = BUF_INIT;
	facts_write_json(&ctx.facts, &facts);
	bundle_add(b, "check/facts.json", facts.s, facts.len, "hvscope probes", time(NULL), 0);
	buf_free(&facts);
	probe_ctx_free(&ctx);
	err_clear(&e);
	report_free(&rep);
	ruleset_free(&set);
}

void bundle_collect(struct bundle *b)
{
	/* The hypervisor's samples are taken over the span of the rest. */
	bundle_hv_start(b);
	for (size_t i = 0; i < sizeof(items) / sizeof(*items); i++) {
		const struct item *it = &items[i];
		switch (it->kind) {
		case K_FILE: collect_file(b, it); break;
		case K_TREE: collect_tree(b, it); break;
		case K_LISTING: collect_listing(b, it); break;
		case K_CMD: collect_cmd(b, it); break;
		case K_CHECK: collect_check(b); break;
		case K_HV: bundle_hv_finish(b); break;
		case K_AVC: collect_avc(b, it); break;
		case K_QEMU: collect_qemu(b); break;
		}
	}
}

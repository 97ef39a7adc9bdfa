/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Virtualization sources read, not copied: the AVC denials of virt types
 * filtered from the audit log, and running QEMUs' /proc files found by
 * libvirt's pid files. */
#include "diag/collect_virt.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/root.h"
#include "diag/copy.h"

/* type=AVC lines of the audit log that name a Xen or virt SELinux type. */
void bundle_avc(struct bundle *b, const char *path, unsigned flags)
{
	int fd = root_open(b->o->root, path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		if (fd != -ENOENT || !(flags & OPTIONAL))
			bundle_skip(b, path, "%s", bundle_errno_reason(-fd));
		return;
	}
	struct stat st;
	struct buf data = BUF_INIT, out = BUF_INIT;
	uint64_t cut = 0;
	int r = fstat(fd, &st) < 0 ? -errno : !S_ISREG(st.st_mode) ? -EINVAL : bundle_read_capped(fd, &st, 4 * b->o->max_file_size, true, &data, &cut);
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
		bundle_add(b, "selinux/avc-virt.log", out.s, out.len, path, st.st_mtime, cut);
	} else {
		bundle_skip(b, path, "%s", r == -EINVAL ? "not a regular file" : bundle_errno_reason(-r));
	}
	close(fd);
	buf_free(&data);
	buf_free(&out);
}

/* For each QEMU libvirt started (its pid file under /run/libvirt/qemu):
 * the command line, limits, cgroups, NUMA placement and status, as sos'
 * libvirt plugin takes them.  Live host only. */
void bundle_qemu(struct bundle *b)
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
				bundle_skip(b, src, "%s", bundle_errno_reason(-r));
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



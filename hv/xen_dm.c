/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The device models of a Xen dom0: the QEMU process that emulates an HVM
 * guest's devices runs in dom0 with "-xen-domid N" on its command line
 * (xl starts it so; libvirt's libxl driver too).  Its resident memory is
 * the guest's cost to dom0, shown as the domain's rss_kib as the libvirt
 * backend shows a KVM guest's QEMU. */
#include "hv/xen_dm.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/util.h"

/* The domid a command line (NUL-separated) names after -xen-domid; -1. */
static int domid_of(const char *cl, size_t len)
{
	for (size_t at = 0; at < len;) {
		const char *arg = cl + at;
		size_t l = strnlen(arg, len - at);
		if (!strcmp(arg, "-xen-domid") && at + l + 1 < len) {
			long long id;
			return str_to_ll(arg + l + 1, &id) == 0 && id > 0 && id < 0x7ff0 ? (int)id : -1;
		}
		at += l + 1;
	}
	return -1;
}

static uint64_t rss_kib(const char *pid)
{
	char path[300];
	snprintf(path, sizeof(path), "/proc/%s/status", pid);
	FILE *f = fopen(path, "re");
	uint64_t kib = 0;
	char line[256];
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmRSS:", 6)) {
			kib = strtoull(line + 6, NULL, 10);
			break;
		}
	if (f)
		fclose(f);
	return kib;
}

size_t xen_dm_list(struct xen_dm **out)
{
	*out = NULL;
	size_t n = 0;
	DIR *d = opendir("/proc");
	for (struct dirent *e; d && (e = readdir(d));) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		char path[300];
		snprintf(path, sizeof(path), "/proc/%s/cmdline", e->d_name);
		FILE *f = fopen(path, "re");
		if (!f)
			continue;
		char cl[8192];
		size_t len = fread(cl, 1, sizeof(cl) - 1, f);
		fclose(f);
		cl[len] = '\0';
		/* only QEMUs: anything else naming a domid is not a device model */
		if (!len || !strstr(cl, "qemu"))
			continue;
		int id = domid_of(cl, len);
		if (id < 0)
			continue;
		*out = xrealloc(*out, (n + 1) * sizeof(**out));
		(*out)[n++] = (struct xen_dm){ .domid = id, .pid = atol(e->d_name), .rss_kib = rss_kib(e->d_name) };
	}
	if (d)
		closedir(d);
	return n;
}

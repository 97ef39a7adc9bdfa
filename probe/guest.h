/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A guest as every config format describes it, and what reading a host's
 * guest configs found: the model the readers (guest_xen.c, guest_xml.c)
 * fill and the guests probe (guests.c) turns into facts. */
#ifndef HVSCOPE_PROBE_GUEST_H
#define HVSCOPE_PROBE_GUEST_H

#include <stdbool.h>

#include "core/util.h"

struct guest {
	char *name, *file;
	char *uuid;            /* lower case, 8-4-4-4-12, whatever the file's spelling */
	long long vcpus;       /* the most it may have: xl's maxvcpus, xm's vcpus, libvirt's <vcpu> */
	long long vcpus_online;/* at boot: xl's vcpus, xm's vcpu_avail, libvirt's current= */
	long long memory_mib;  /* at boot: Xen's memory=, libvirt's <currentMemory> */
	long long maxmem_mib;  /* the ceiling: Xen's maxmem=, libvirt's <memory> */
	char *numa_nodeset;    /* <numatune><memory nodeset=> unless mode='preferred'; NULL none */
	long long hugepage_kib;/* <memoryBacking><hugepages>: 0 none, -1 the host's default size, else its page size */
	struct strv macs, disks, remote_disks;
	struct strv pins;      /* <cputune>: "vcpu N:CPUSET" per <vcpupin>, "emulator:CPUSET" for <emulatorpin> */
	char *launch_security; /* <launchSecurity type=>: sev (sev-es when its policy sets bit 2), sev-snp, tdx, s390-pv; NULL none */
	bool vsock;            /* a <vsock> device: needs /dev/vhost-vsock */
	bool nested;           /* its <cpu> passes vmx/svm through: host-passthrough, maximum, host-model, or the feature required */
	bool autostart;
};

struct guests {
	struct guest *v;
	size_t n;
	struct strv configs;  /* files read as guest configs */
	struct strv errors;   /* "file:line:col: what" */
	struct strv skipped;  /* "file: why it is not a guest" */
	struct strv copies;   /* "file: a copy of FILE (...)", also in skipped */
	struct strv scripts;  /* "file: ..." Python configs only xm can evaluate */
};

/* A zeroed guest for file (xm's defaults: 1 vCPU, 128 MiB). */
void guest_init(struct guest *g, const char *file);
void guest_free(struct guest *g);
/* Appends g (taking its contents). */
void guests_add(struct guests *gs, struct guest *g);
/* A UUID in any spelling (dashes anywhere or none, braces, urn:uuid:, any
 * case) as 8-4-4-4-12 lower case; NULL when it is not 32 hex digits. */
char *guest_uuid_canonical(const char *text);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The table of probes, and the contexts every command makes with it. */
#include "probe/probe.h"

#include <string.h>

#include "core/util.h"

const struct probe *const probe_table[] = {
	&probe_cpu, &probe_hypervisor, &probe_kvm, &probe_host, &probe_packages,
	&probe_services, &probe_selinux, &probe_resources, &probe_guests, &probe_path, &probe_msr, &probe_svirt, &probe_cpusec, &probe_mm, &probe_pinning, &probe_nested, &probe_versions, &probe_secure,
	NULL,
};

void probe_ctx_init(struct probe_ctx *ctx, const char *root)
{
	probe_ctx_setup(ctx, root, probe_table);
}

void probe_ctx_init_offline(struct probe_ctx *ctx, unsigned kind, struct facts *recorded, const char *files, const char *cpuid_dump)
{
	probe_ctx_init(ctx, files);
	if (recorded) {
		ctx->facts = *recorded;
		memset(recorded, 0, sizeof(*recorded));
	}
	ctx->offline = kind;
	ctx->files = xcalloc(1, sizeof(*ctx->files));
	probe_ctx_init(ctx->files, files);
	ctx->files->cpuid_dump = cpuid_dump;
	ctx->files->sos = kind == OFFLINE_SOS;
}

const struct probe *probe_for(const char *name)
{
	return probe_in(probe_table, name);
}

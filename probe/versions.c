/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The upstream versions of QEMU, libvirt and the kernel, whatever package
 * brings them: rules compare them with the minimums one of them states
 * for another (libvirt's oldest supported QEMU) or a site states for all
 * (OpenStack nova's MIN_LIBVIRT_VERSION, MIN_QEMU_VERSION).  A package's
 * own version would not do: Debian's QEMU carries epoch 1 ("1:7.2+dfsg-7"),
 * RHEL's 15 or 17, which outweigh any release. */
#include <ctype.h>
#include <string.h>

#include "probe/ask.h"
#include "probe/versions.h"

static const char *const patterns[] = { "version.qemu", "version.libvirt", "version.kernel", NULL };

/* Every build that brings each, as the kvm profile names them. */
#define QEMU_PKGS "package.qemu-kvm|qemu-kvm-rhev|qemu-kvm-ev|qemu-kvm-ma|qemu-kvm-core|qemu-system-x86|qemu-x86|qemu.version"
#define LIBVIRT_PKGS "package.libvirt-daemon-driver-qemu|libvirt-daemon|libvirt-daemon-system|libvirt|libvirt-bin.version"

char *version_upstream(const char *v)
{
	const char *p = v, *colon = strchr(v, ':');
	if (colon) {
		const char *d = v;
		while (d < colon && isdigit((unsigned char)*d))
			d++;
		if (d == colon && d > v)
			p = colon + 1;
	}
	size_t n = 0;
	while (isdigit((unsigned char)p[n]) || (p[n] == '.' && n && isdigit((unsigned char)p[n + 1])))
		n++;
	return n ? xstrndup(p, n) : NULL;
}

static void from_fact(struct probe_ctx *ctx, const char *name, const char *source)
{
	const struct fact *f = probe_fact(ctx, source);
	if (f->status != FACT_OK || f->type != FACT_STR) {
		facts_set_status(&ctx->facts, name, f->status == FACT_OK ? FACT_ERROR : f->status, "%s: %s", source, f->evidence);
		return;
	}
	_cleanup_free_ char *up = version_upstream(f->s);
	if (up)
		facts_set_str(&ctx->facts, name, up, "%s (%s)", f->s, f->evidence);
	else
		facts_set_status(&ctx->facts, name, FACT_ERROR, "'%s' (%s) holds no upstream version", f->s, f->evidence);
}

static void resolve(struct probe_ctx *ctx, const char *name)
{
	if (!strcmp(name, "version.qemu"))
		from_fact(ctx, name, QEMU_PKGS);
	else if (!strcmp(name, "version.libvirt"))
		from_fact(ctx, name, LIBVIRT_PKGS);
	else if (!strcmp(name, "version.kernel"))
		from_fact(ctx, name, "kernel.release");
}

const struct probe probe_versions = {
	.name = "versions",
	.summary = "upstream versions of QEMU, libvirt and the kernel",
	.patterns = patterns,
	.resolve = resolve,
};

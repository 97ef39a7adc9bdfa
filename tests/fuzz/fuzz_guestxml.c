/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: the libvirt domain XML reader over any bytes, as the
 * guests probe reads /etc/libvirt/qemu/NAME.xml of a root: sizes with any
 * unit, vCPU counts, devices, UUIDs; then every per-guest fact. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "probe/guest_xml.h"
#include "probe/probe.h"

static char dir[] = "/tmp/hvscope-fuzz-guestxml-XXXXXX";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[sizeof(dir) + 64];
	/* made once, by a flag: mkdtemp may end the name in an X itself, and
	 * a second mkdtemp of that name fails */
	static bool made;
	if (!made) {
		made = true;
		if (!mkdtemp(dir))
			abort();
		snprintf(path, sizeof(path), "%s/etc", dir);
		mkdir(path, 0700);
		snprintf(path, sizeof(path), "%s/etc/libvirt", dir);
		mkdir(path, 0700);
		snprintf(path, sizeof(path), "%s/etc/libvirt/qemu", dir);
		mkdir(path, 0700);
	}
	snprintf(path, sizeof(path), "%s/etc/libvirt/qemu/g.xml", dir);
	FILE *f = fopen(path, "wb");
	if (!f)
		abort();
	fwrite(data, 1, size, f);
	fclose(f);
	struct probe_ctx ctx;
	probe_ctx_init(&ctx, dir);
	const struct fact *names = probe_fact(&ctx, "guest.names");
	static const char *const attrs[] = { "vcpus", "vcpus_online", "memory_mib", "maxmem_mib", "macs", "disks", "uuid" };
	for (size_t i = 0; names->status == FACT_OK && names->type == FACT_LIST && i < names->list.n && i < 4; i++)
		for (size_t k = 0; k < sizeof(attrs) / sizeof(*attrs); k++) {
			char *name = NULL;
			if (asprintf(&name, "guest.%s.%s", names->list.v[i], attrs[k]) < 0)
				abort();
			probe_fact(&ctx, name);
			free(name);
		}
	probe_fact(&ctx, "guest.memory_total_mib");
	probe_fact(&ctx, "guest.parse_errors");
	probe_ctx_free(&ctx);
	unlink(path);
	return 0;
}

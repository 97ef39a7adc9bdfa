/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The guest model's life and its UUIDs. */
#include "probe/guest.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

void guest_init(struct guest *g, const char *file)
{
	memset(g, 0, sizeof(*g));
	g->file = xstrdup(file);
	g->vcpus = g->vcpus_online = 1;
	g->memory_mib = g->maxmem_mib = 128; /* xm's and xl's default */
}

void guest_free(struct guest *g)
{
	free(g->name);
	free(g->file);
	free(g->uuid);
	strv_free(&g->macs);
	strv_free(&g->disks);
	strv_free(&g->remote_disks);
	strv_free(&g->pins);
	free(g->launch_security);
	free(g->numa_nodeset);
	memset(g, 0, sizeof(*g));
}

void guests_add(struct guests *gs, struct guest *g)
{
	gs->v = xrealloc(gs->v, (gs->n + 1) * sizeof(*gs->v));
	gs->v[gs->n++] = *g;
	memset(g, 0, sizeof(*g));
}

char *guest_uuid_canonical(const char *text)
{
	const char *p = text;
	while (*p == ' ' || *p == '{')
		p++;
	if (strncasecmp(p, "urn:uuid:", 9) == 0)
		p += 9;
	char hex[33];
	size_t n = 0;
	for (; *p && *p != '}'; p++) {
		if (*p == '-' || *p == ' ')
			continue;
		if (!isxdigit((unsigned char)*p) || n == 32)
			return NULL;
		hex[n++] = (char)tolower((unsigned char)*p);
	}
	if (n != 32)
		return NULL;
	hex[32] = '\0';
	return xasprintf("%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
}

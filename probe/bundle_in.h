/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A support bundle opened for reading (hvscope check --bundle). */
#ifndef HVSCOPE_PROBE_BUNDLE_IN_H
#define HVSCOPE_PROBE_BUNDLE_IN_H

#include "core/err.h"
#include "probe/probe.h"

enum bundle_kind { BUNDLE_HVSCOPE, BUNDLE_SOS };

struct bundle_in {
	enum bundle_kind kind;
	char *top;   /* the bundle's top directory: check/, files/, ... (sos: etc/, proc/, sos_commands/, ...) */
	char *files; /* its copies of the host's files, as a --root: top/files (sos: top) */
	char *cpuid; /* top/check/cpuid.raw, the host's raw CPUID; NULL: not in it */
	char *tmp; /* the private directory an archive went into; NULL for a directory */
	/* hvscope's records, relative to top, NULL when not in it: the facts
	 * (check/facts.json; an sosreport's output of check --facts --format
	 * json) and the hypervisor's samples (hypervisor/samples.json, or a
	 * first bundle format's domains.json; an sosreport's output of top -b
	 * -f snapshot), as probe/sos_own.c finds them in an sosreport. */
	char *facts, *samples;
};

/* path: an hvscope bundle's or an sosreport's directory (or the directory
 * holding it), or its archive (any compression libarchive reads),
 * unpacked into a private directory under $TMPDIR.  A hostile or broken
 * archive is an error naming the member, with nothing left behind. */
int bundle_in_open(const char *path, struct bundle_in *in, struct err *e);
/* The probes' context checking the host an opened bundle was made on: its
 * recorded facts over its copies of the host's files (an sosreport: the
 * facts hvscope recorded in it, if any, over its files).  in outlives
 * ctx.  1 when an sosreport's recorded facts do not load: e says why and
 * ctx reads its files alone. */
int bundle_in_context(const struct bundle_in *in, struct probe_ctx *ctx, struct err *e);
/* Removes the private directory. */
void bundle_in_close(struct bundle_in *in);

#endif

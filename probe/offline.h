/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where each fact comes from, per source: the live host, an image under
 * --root, an hvscope bundle, an sosreport.  One table (probe/offline.c)
 * says it for every fact family, and the reasons a fact cannot be told
 * from a source are printed from it, so that a reason names exactly what
 * the source lacks.  A root that carries a copy of a running host's /proc
 * (a test fixture, a bundle of a live host's files) is read as that host;
 * a root with an empty /proc is an image, which holds configuration but
 * no running CPU, hypervisor, memory, devices, processes or mounts. */
#ifndef HVSCOPE_PROBE_OFFLINE_H
#define HVSCOPE_PROBE_OFFLINE_H

#include <stdbool.h>
#include <stdio.h>

#include "core/buf.h"
#include "probe/ctx.h"

struct offline_row {
	const char *facts;   /* fnmatch pattern of the fact names */
	const char *probe;   /* the probe that answers them */
	const char *runtime; /* the running host's state they tell; NULL: configuration, which an image holds */
	const char *live;    /* what the probe reads on a live host */
	const char *image;   /* what in an image answers them; NULL: nothing can */
	const char *bundle;  /* an hvscope bundle's copies that answer a fact it did not record; NULL: none */
	const char *const *sos; /* the sosreport's files (first there answers); NULL: sos records nothing that does */
};

/* The row of a fact name; NULL when no row names it. */
const struct offline_row *offline_row(const char *fact);

/* An image: a root file system that is not running (not live, not an
 * sosreport, and its /proc holds nothing, where a fixture or a copied
 * host has files).  Its facts come from its configuration. */
bool probe_is_image(struct probe_ctx *ctx);
/* Whether ctx's root is an image (not the live host, not an sosreport,
 * and an empty or absent /proc); asked once per context. */
bool offline_is_image(struct probe_ctx *ctx);
/* In an image, a runtime fact nothing in it answers: set UNKNOWN with the
 * row's reason and return true (the probe is not run). */
bool offline_image_unknown(struct probe_ctx *ctx, const char *name);
/* In an image, after a probe ran: every runtime fact it set (after the
 * store's serial since) without a value, or valued only from the absence
 * of a runtime file, becomes UNKNOWN with the row's reason and the
 * probe's evidence.  Facts set before, by anyone, stay. */
void offline_image_sweep(struct probe_ctx *ctx, unsigned long since);

/* Whether a source of kind (OFFLINE_BUNDLE, OFFLINE_SOS) holds copies
 * that answer name. */
bool offline_answers(const char *name, unsigned kind);
/* Why name is not in the source: what it lacks (files: the copies' root)
 * or, when some of its files are there, that they do not tell (inner: the
 * probe's evidence on them; NULL none). */
void offline_reason(const char *name, unsigned kind, const char *files, const char *inner, struct buf *out);

/* The row's sosreport files ("/"-rooted; NULL-terminated), or NULL. */
const char *const *offline_sos_paths(const char *fact);
/* The first of the row's sosreport files that root holds, read whole
 * into out (at most max bytes); its path, or NULL when none is there. */
const char *offline_sos_read(const char *root, const char *fact, size_t max, struct buf *out);

/* The table as text, a paragraph per row (hvscope check --facts). */
void offline_table_print(FILE *f, const char *probe);

#endif

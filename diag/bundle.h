/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The support bundle: one archive holding what a Xen or KVM support case
 * needs, every text scrubbed of secrets, with a manifest of what is in it
 * and what was left out and why.
 *
 * diag/collect.c  what to collect: one table of files, trees, listings and
 *                 commands, plus the check report, the facts and the
 *                 hypervisor's own account.
 * diag/copy.c, listing.c, command.c, collect_virt.c, collect_check.c,
 * collect_hv.c    how each kind of row is taken (the hypervisor's through hv/).
 * diag/archive.c  writing: atomic output file, libarchive, sha256, caps,
 *                 scrubbing and --clean on every entry, the manifest.
 * diag/scrub.c, diag/clean.c  the text filters. */
#ifndef HVSCOPE_DIAG_BUNDLE_H
#define HVSCOPE_DIAG_BUNDLE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#include "core/atomicfile.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/util.h"
#include "diag/clean.h"

struct bundle_opts {
	const char *output;     /* the archive; its suffix picks the compression */
	const char *root;       /* "/" = the live host */
	const char *uri;        /* hypervisor; NULL = auto */
	const char *profile;    /* check profile; NULL = auto */
	const char *map_path;   /* --clean: where the mapping goes (never into the archive) */
	double since;           /* unix time; logs older are left out; 0 = all */
	uint64_t max_size;      /* total bytes of collected content */
	uint64_t max_file_size; /* per file; a log keeps its newest part */
	int cmd_timeout_ms;     /* per command, and for the hypervisor dump */
	int samples;            /* the hypervisor's samples, sample_interval seconds apart */
	double sample_interval;
	bool clean, no_hypervisor, quiet;
};

struct bundle {
	const struct bundle_opts *o;
	bool live;
	char *top; /* directory inside the archive */
	struct archive *a;
	struct atomicfile out; /* the archive until it is renamed into place */
	int fd;                /* out's */
	struct cleaner *cleaner;
	struct strv files, skipped; /* the manifest's entries, each one JSON object */
	struct buf log;             /* bundle.log */
	size_t nfiles, nskipped;
	uint64_t total;
	unsigned scrubbed, cleaned;
	double t0;
	struct hv_sampler *hv; /* diag/collect_hv.c: sampling while the rest is collected */
};

/* diag/archive.c */
/* Opens the archive; the bundle owns cleaner (NULL without --clean) from
 * now on, failure included; shown: the host's name as the bundle shows it
 * (its placeholder under --clean). */
int bundle_open(struct bundle *b, const struct bundle_opts *o, struct cleaner *cleaner, const char *shown, struct err *e);
/* Adds one text entry (rel: path under the top directory), scrubbed (and
 * cleaned); source says where it came from.  truncated: bytes cut from the
 * front by the per-file cap. */
void bundle_add(struct bundle *b, const char *rel, const char *data, size_t len, const char *source, time_t mtime,
		uint64_t truncated);
void bundle_skip(struct bundle *b, const char *source, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void bundle_log(struct bundle *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Writes bundle.log and manifest.json, closes and renames into place. */
int bundle_finish(struct bundle *b, const char *host_desc, struct err *e);
/* Removes a half-written archive (error paths). */
void bundle_abort(struct bundle *b);
/* t as the bundle's names carry it: 20261130-195538 (UTC). */
void bundle_stamp(time_t t, char out[32]);
/* A name made safe as one path component. */
char *bundle_safe_name(const char *name);

/* diag/collect.c */
void bundle_collect(struct bundle *b);

/* diag/collect_hv.c: the hypervisor's samples, begun on a thread of their
 * own; finish waits for them and adds them with the configuration. */
void bundle_hv_start(struct bundle *b);
void bundle_hv_finish(struct bundle *b);

/* diag/make.c: the whole bundle as hvscope bundle makes it, its path on
 * stdout; 0 written, 1 not (said on stderr).  o->output NULL: the
 * default name; o->output and o->map_path then point into it only for
 * the call. */
int bundle_make(struct bundle_opts *o);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Copying a host's file or tree into a bundle: through the --root prefix,
 * within the per-file cap, never following a symlink out of a tree, and
 * every file left out listed as skipped with the reason. */
#ifndef HVSCOPE_DIAG_COPY_H
#define HVSCOPE_DIAG_COPY_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "core/buf.h"
#include "core/util.h"
#include "diag/bundle.h"

/* How a source of diag/collect.c's table is taken. */
enum {
	LOG = 1 << 0,     /* a log: --since applies; over the cap keeps its tail */
	R = 1 << 1,       /* recurse */
	OPTIONAL = 1 << 2 /* absence is normal: not listed as skipped */
};

/* The reason a skipped file gives for an errno value. */
const char *bundle_errno_reason(int err);
/* Reads fd (at most cap bytes; with tail, a file over it keeps its end,
 * from a line start, else -EFBIG).  *cut: bytes left out at the front. */
int bundle_read_capped(int fd, const struct stat *st, uint64_t cap, bool tail, struct buf *out, uint64_t *cut);
/* Sorted names of an open directory (no . and ..); consumes dfd. */
void bundle_list_names(int dfd, struct strv *out);

/* One file (in-root symlinks followed), as files/PATH. */
void bundle_copy_file(struct bundle *b, const char *path, unsigned flags);
/* A directory's regular files whose names match pattern (NULL: all),
 * recursed with R, as files/PATH/...; symlinks and secret stores listed
 * as skipped. */
void bundle_copy_tree(struct bundle *b, const char *path, const char *pattern, unsigned flags);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Every host file is read through a root prefix: "/" (or NULL) is the live
 * host; anything else is an image, a chroot or a test fixture.  Inside a
 * prefix, absolute symlinks resolve inside it (openat2 RESOLVE_IN_ROOT), as
 * they would on the host the image belongs to. */
#ifndef HVSCOPE_CORE_ROOT_H
#define HVSCOPE_CORE_ROOT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/util.h"

/* Largest file read whole: configs, /proc and /sys files are far smaller. */
#define ROOT_READ_MAX (4u << 20)

bool root_is_live(const char *root);
/* The path as seen from here: root + path.  Caller frees. */
char *root_path(const char *root, const char *path);
/* open(2) of a host path inside root; -errno on failure. */
int root_open(const char *root, const char *path, int flags);
bool root_exists(const char *root, const char *path);
bool root_is_dir(const char *root, const char *path);
/* Read a whole file (at most max bytes, else -EFBIG). */
int root_read(const char *root, const char *path, size_t max, struct buf *out, struct err *e);
/* First line, stripped; -ENOENT etc. when unreadable. */
int root_read_line(const char *root, const char *path, char **out, struct err *e);
/* Names in a host directory (no "." or ".."), sorted. */
int root_list_dir(const char *root, const char *path, struct strv *out);

#endif

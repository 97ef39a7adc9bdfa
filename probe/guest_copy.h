/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Copies of a guest config kept beside it (web1.cfg.b, web1.cfg-old,
 * web1.cfg.20210101, web1.orig2): told from a second guest by the file
 * name and by what the file declares.  The rule is hvscope-rules(5)'s
 * "Copies of a config". */
#ifndef HVSCOPE_PROBE_GUEST_COPY_H
#define HVSCOPE_PROBE_GUEST_COPY_H

#include <stdbool.h>
#include <sys/types.h>

#include "probe/guest.h"

/* Whether text is one or more copy tokens: each a separator (. - _) then a
 * number or a copy word (b, bak, old, orig, disabled, ...) with optional
 * digits.  ".b", "-old", ".20210101", "-2021-01-01", ".orig2", ".1". */
bool guest_copy_suffix_ok(const char *text);
/* The copy suffix that names file a copy of base (bare file names from one
 * directory), or NULL: base + suffix ("web1.cfg.b"), or, when base ends in
 * .cfg, its stem + suffix ("web1.orig2") or stem + suffix + .cfg
 * ("web1-old.cfg").  Allocated. */
char *guest_copy_suffix(const char *file, const char *base);
/* Whether a and b (declaring one domain name) are one guest: NULL when
 * what they declare says they are two (different UUIDs; or disks or MACs
 * on both sides and none shared), else why they are one.  Allocated. */
char *guest_copy_same(const struct guest *a, const struct guest *b);
/* The index of the guest of v[0..n) (configs read from one directory)
 * that v[i] is a copy of, or -1; *why (allocated) then says so. */
ssize_t guest_copy_find(struct guest *const *v, size_t n, size_t i, char **why);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --clean: hostnames, IP and MAC addresses and user names replaced by
 * placeholders, the same input always by the same placeholder across the
 * whole bundle, so the bundle still reads (this guest's MAC on that bridge).
 * The mapping stays with the admin, outside the archive. */
#ifndef HVSCOPE_DIAG_CLEAN_H
#define HVSCOPE_DIAG_CLEAN_H

#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"

enum clean_kind { CLEAN_HOST, CLEAN_USER, CLEAN_IP4, CLEAN_IP6, CLEAN_MAC, CLEAN__KINDS };

struct cleaner;

struct cleaner *cleaner_new(void);
/* A name replaced wherever it stands as a whole word. */
void cleaner_add_word(struct cleaner *c, enum clean_kind kind, const char *word);
/* The placeholder of a name (adding it). */
const char *cleaner_map(struct cleaner *c, enum clean_kind kind, const char *orig);
/* Appends text to out with every name and address replaced; returns how
 * many were. */
unsigned cleaner_apply(struct cleaner *c, const char *text, size_t len, struct buf *out);
/* The mapping as JSON: {"host": {"virt01": "host1"}, ...}. */
void cleaner_write_map(const struct cleaner *c, struct buf *out);
/* The map into a new file at path, mode 0600 (not through a symlink). */
int cleaner_save_map(const struct cleaner *c, const char *path, struct err *e);
void cleaner_free(struct cleaner *c);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Run a command without a shell, with a deadline, capturing its output. */
#ifndef HVSCOPE_CORE_SPAWN_H
#define HVSCOPE_CORE_SPAWN_H

#include "core/buf.h"
#include "core/err.h"

/* Runs argv[0] (searched in PATH), stdin from /dev/null, stdout into out
 * (at most max_out bytes kept), stderr discarded.  Kills it after
 * timeout_ms.  Returns the exit status (>= 0), or a negative errno:
 * -ETIMEDOUT when killed, -ENOENT when not found. */
int spawn_capture(char *const argv[], int timeout_ms, size_t max_out, struct buf *out, struct err *e);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* top --replay: the hypervisor samples a support bundle recorded. */
#ifndef HVSCOPE_TUI_REPLAY_H
#define HVSCOPE_TUI_REPLAY_H

#include "core/err.h"
#include "hv/hv.h"

/* path: a bundle as check --bundle takes it (archive, directory, or the
 * directory holding one).  *desc says what is replayed, for the screen's
 * first line. */
int top_replay_load(const char *path, struct hv_history *h, char **desc, struct err *e);

#endif

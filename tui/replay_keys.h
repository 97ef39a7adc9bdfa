/* SPDX-License-Identifier: GPL-2.0-or-later */
/* top --replay's controls: the keys that step through recorded samples. */
#ifndef HVSCOPE_TUI_REPLAY_KEYS_H
#define HVSCOPE_TUI_REPLAY_KEYS_H

#include <stdbool.h>
#include <stddef.h>

#include "tui/sampler.h"

/* Shows recorded sample i of sh->replay (its rates against the one
 * before); past the end, the last. */
void screen_replay_show(struct screen_shared *sh, size_t i);
/* A key of the replay; false when it is not one. */
bool screen_replay_key(struct screen_shared *sh, int ch);

#endif

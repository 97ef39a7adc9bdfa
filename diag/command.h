/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A command's output for a bundle (live host only), under a timeout. */
#ifndef HVSCOPE_DIAG_COMMAND_H
#define HVSCOPE_DIAG_COMMAND_H

#include "diag/bundle.h"

/* commands/NAME.txt: argv's output (NULL-ended, at most 11 words), killed
 * after the bundle's command timeout; flags: diag/copy.h's. */
void bundle_command(struct bundle *b, const char *name, const char *const *argv, unsigned flags);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The detail lines under a domain in top (vCPUs, networks, block devices). */
#ifndef HVSCOPE_TUI_DETAIL_H
#define HVSCOPE_TUI_DETAIL_H

#include <stdbool.h>

#include "core/buf.h"
#include "tui/fields.h"

/* The detail lines of r, shared by the screen and batch mode; each
 * appended line ends in '\n'. */
void top_detail_lines(const struct top_row *r, bool vcpus, bool nets, bool vbds, struct buf *out);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HVSCOPE_TUI_CMD_TOP_H
#define HVSCOPE_TUI_CMD_TOP_H

#include <stdio.h>

int cmd_top(int argc, char **argv);
void cmd_top_usage(FILE *f);

#endif

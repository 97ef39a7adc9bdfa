/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HVSCOPE_RULES_CMD_CHECK_H
#define HVSCOPE_RULES_CMD_CHECK_H

#include <stdio.h>

int cmd_check(int argc, char **argv);
void cmd_check_usage(FILE *f);

#endif

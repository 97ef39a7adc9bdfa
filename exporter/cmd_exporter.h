/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HVSCOPE_EXPORTER_CMD_EXPORTER_H
#define HVSCOPE_EXPORTER_CMD_EXPORTER_H

#include <stdio.h>

int cmd_exporter(int argc, char **argv);
void cmd_exporter_usage(FILE *f);

#endif

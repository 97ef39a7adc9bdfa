/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The commands' entry points, each in its own file of cli/: the
 * command's option table, then the job's run in the folder that does it. */
#ifndef HVSCOPE_CLI_CMDS_H
#define HVSCOPE_CLI_CMDS_H

#include <stdio.h>

int cmd_check(int argc, char **argv);
void cmd_check_usage(FILE *f);
int cmd_top(int argc, char **argv);
void cmd_top_usage(FILE *f);
int cmd_exporter(int argc, char **argv);
void cmd_exporter_usage(FILE *f);
int cmd_bundle(int argc, char **argv);
void cmd_bundle_usage(FILE *f);
int cmd_fleet(int argc, char **argv);
void cmd_fleet_usage(FILE *f);

#endif

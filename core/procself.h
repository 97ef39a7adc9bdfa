/* SPDX-License-Identifier: GPL-2.0-or-later */
/* This process's own resource figures, read from /proc/self as the
 * Prometheus client libraries read theirs (their process_* families). */
#ifndef HVSCOPE_CORE_PROCSELF_H
#define HVSCOPE_CORE_PROCSELF_H

#include <stdbool.h>
#include <stdint.h>

struct procself {
	bool have_stat;          /* /proc/self/stat was read */
	double cpu_seconds;      /* user + system */
	uint64_t virtual_bytes;
	uint64_t resident_bytes;
	bool have_fds;
	uint64_t open_fds;
	bool have_max_fds;
	uint64_t max_fds;        /* RLIMIT_NOFILE, soft */
};

void procself_read(struct procself *p);
/* The figures of a /proc/PID/stat line (exposed for tests); false when it
 * is not one. */
bool procself_parse_stat(const char *line, long clk_tck, long page_size, struct procself *p);

#endif

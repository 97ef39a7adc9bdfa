/* SPDX-License-Identifier: GPL-2.0-or-later */
/* This process's own resource figures, from /proc/self. */
#include "core/procself.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/root.h"
#include "core/util.h"

bool procself_parse_stat(const char *line, long clk_tck, long page_size, struct procself *p)
{
	/* The command name is in parentheses and may hold spaces and ')':
	 * the fields start after the last ')'; state is the 3rd field. */
	const char *close = line ? strrchr(line, ')') : NULL;
	unsigned long long ut = 0, st = 0, vsize = 0;
	long long rss = 0;
	if (!close || clk_tck <= 0 || page_size <= 0 ||
	    sscanf(close + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %*d %*d %*d %*d %*d %*d %*u %llu %lld", &ut, &st,
		   &vsize, &rss) != 4)
		return false;
	p->cpu_seconds = (double)(ut + st) / (double)clk_tck;
	p->virtual_bytes = vsize;
	p->resident_bytes = rss > 0 ? (uint64_t)rss * (uint64_t)page_size : 0;
	p->have_stat = true;
	return true;
}

void procself_read(struct procself *p)
{
	memset(p, 0, sizeof(*p));
	struct buf st = BUF_INIT;
	if (root_read("/", "/proc/self/stat", 4096, &st, NULL) == 0 && st.s)
		procself_parse_stat(st.s, sysconf(_SC_CLK_TCK), sysconf(_SC_PAGESIZE), p);
	buf_free(&st);
	struct strv fds = { 0 };
	if (root_list_dir("/", "/proc/self/fd", &fds) == 0) {
		p->open_fds = fds.n;
		p->have_fds = true;
	}
	strv_free(&fds);
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		p->max_fds = (uint64_t)rl.rlim_cur;
		p->have_max_fds = true;
	}
}

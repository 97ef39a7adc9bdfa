/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hvscope fleet: its options, then the fleet's page (rules/fleet.c) from
 * the hosts' JSON reports, on stdout or into --output. */
#include "cli/cmds.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/atomicfile.h"
#include "core/opts.h"
#include "rules/fleet.h"

enum { EXIT_READ = 0, EXIT_UNREAD = 1, EXIT_CANNOT = 3 };

struct fleet_opts {
	const char *output;
	struct strv reports;
};

#define O(f) offsetof(struct fleet_opts, f)
static const struct opt rows[] = {
	{ ROW('o', "output", OPT_STR, O(output), "FILE", "write the page to FILE (replaced whole; default: standard output)") },
	{ ROW('h', "help", OPT_HELP, 0, NULL, "this text") },
};

static const struct opt_cmd cmd = {
	.name = "fleet",
	.about = "One HTML page of many hosts' readiness, from their reports (hvscope check --format json):\n"
		 "a table of hosts by checks, worst hosts first, each cell linking to that host's check.\n",
	.footer = "A report that cannot be read or does not parse is named, with the line and column\n"
		  "of the parse error, and shown as a host without a report.\n"
		  "\n"
		  "Exit status: 0 page written, every report read; 1 page written, some report\n"
		  "could not be read (said on stderr); 3 no page (bad options, no report given,\n"
		  "the output could not be written).\n",
	.width = 21,
	.rows = rows,
	.n = sizeof(rows) / sizeof(rows[0]),
	.operands = "REPORT.json...",
	.operands_off = O(reports),
};
#undef O

void cmd_fleet_usage(FILE *f)
{
	opts_usage(&cmd, f);
}

/* --output's file is replaced whole (a temporary beside it, fsynced and
 * renamed), so a web server publishing it never serves half a page. */
static int write_page(const char *output, const struct buf *page)
{
	if (output) {
		struct err e = ERR_INIT;
		int r = atomicfile_save(output, buf_str(page), page->len, 0, &e);
		if (r < 0)
			fprintf(stderr, "hvscope fleet: --output %s\n", err_msg(&e));
		err_clear(&e);
		return r;
	}
	size_t w = fwrite(buf_str(page), 1, page->len, stdout);
	if (w == page->len && fflush(stdout) == 0)
		return 0;
	fprintf(stderr, "hvscope fleet: stdout: %s\n", strerror(errno));
	return -1;
}

int cmd_fleet(int argc, char **argv)
{
	struct fleet_opts o = { 0 };
	int rc = EXIT_CANNOT, pr = opts_parse(&cmd, argc, argv, &o);
	if (pr == OPTS_HELP) {
		rc = EXIT_READ;
	} else if (pr == OPTS_OK && o.reports.n == 0) {
		fprintf(stderr, "hvscope fleet: no report given (hvscope fleet --help)\n");
	} else if (pr == OPTS_OK) {
		struct fleet f = { 0 };
		struct buf page = BUF_INIT;
		size_t bad = fleet_load(&o.reports, &f);
		for (size_t i = 0; i < f.n; i++)
			if (f.v[i].problem)
				fprintf(stderr, "hvscope fleet: %s\n", f.v[i].problem);
		fleet_write_html(&f, &page);
		if (write_page(o.output, &page) == 0)
			rc = bad ? EXIT_UNREAD : EXIT_READ;
		buf_free(&page);
		fleet_free(&f);
	}
	strv_free(&o.reports);
	return rc;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hvscope top: its options, then tui/top.c's run. */
#include "cli/cmds.h"

#include <limits.h>
#include <stdio.h>
#include <unistd.h>

#include "core/module.h"
#include "core/opts.h"
#include "hv/hv.h"
#include "tui/batch.h"
#include "tui/fields.h"
#include "tui/top.h"

static int set_sort(void *opts, const struct opt *row, const char *arg)
{
	(void)row;
	struct top_opts *o = opts;
	o->sort = top_field_by_key(arg);
	if (o->sort >= 0)
		return 0;
	fprintf(stderr, "hvscope top: no column '%s'; columns:", arg);
	for (int f = 0; f < top_nfields; f++)
		fprintf(stderr, " %s", top_fields[f].key);
	fputc('\n', stderr);
	return -1;
}

#define O(f) offsetof(struct top_opts, f)
static const char *const formats[] = { "text", "csv", "json", "snapshot", NULL };
static const struct opt rows[] = {
	{ ROW('c', "connect", OPT_STR, O(uri), "URI", "xen (native libxenstat), or a libvirt URI such as\n"
	  "qemu:///system, xen:///system, test:///default (a demo that\n"
	  "needs nothing running); default: auto (Xen dom0 -> xen,\n"
	  "else libvirt's default URI)") },
	{ ROW('d', "delay", OPT_DOUBLE, O(delay), "SECONDS", "between samples (default 3)"), .lo = 0.1, .hi = 3600, .give = "seconds between 0.1 and 3600" },
	{ ROW('b', "batch", OPT_TRUE, O(batch), NULL, "no screen: print every sample to stdout") },
	{ ROW('i', "iterations", OPT_LL, O(iterations), "N", "stop after N samples (batch mode; default: forever)"), .lo = 1, .hi = INT_MAX, .give = "a count between 1 and 2147483647" },
	{ ROW('f', "format", OPT_CHOICE, O(fmt), "FMT", "batch output: text (default, xentop -b's layout), csv,\n"
	  "json (lines), snapshot (one document of every sample, as\n"
	  "a bundle records them and --replay reads them)"), .choices = formats },
	{ ROW('s', "sort", OPT_CALL, O(sort), "COLUMN", "sort by a column: name, cpu_pct, mem_kib ... (default name)"), .call = set_sort },
	{ ROW('r', "reverse", OPT_TRUE, O(reverse), NULL, "reverse the sort order") },
	{ ROW(0, "filter", OPT_STR, O(filter), "TEXT", "only domains whose name contains TEXT") },
	{ ROW('v', "vcpus", OPT_TRUE, O(vcpus), NULL, "show each domain's vCPUs") },
	{ ROW('n', "networks", OPT_TRUE, O(nets), NULL, "show each domain's network interfaces") },
	{ ROW('x', "vbds", OPT_TRUE, O(vbds), NULL, "show each domain's block devices") },
	{ ROW(0, "pcpu", OPT_TRUE, O(pcpu), NULL, "show the physical CPUs in place of the domains: each\n"
	  "one's busy %, and the vCPUs (domain:vcpu) on it (the 1 key)") },
	{ ROW('z', "dom0-first", OPT_TRUE, O(dom0_first), NULL, "Domain-0 first whatever the sort (as xentop -z)") },
	{ ROW(0, "deadline", OPT_LL, O(deadline), "MS", "how long one domain may take to answer (default 2000)"), .lo = 1, .hi = 3600000, .give = "milliseconds between 1 and 3600000" },
	{ ROW(0, "connections", OPT_LL, O(connections), "N", "libvirt connections the block, memory and vCPU figures\n"
	  "are asked over at once, 1 to 16 (default 4)"), .lo = 1, .hi = 16, .give = "1 to 16" },
	{ ROW(0, "replay", OPT_STR, O(replay), "BUNDLE", "play the samples a support bundle recorded (hvscope\n"
	  "bundle's archive or directory) in place of a live source:\n"
	  "on the screen with keys to step and seek, with -b all\n"
	  "of them at once") },
	{ ROW('h', "help", OPT_HELP, 0, NULL, "this text") },
};
#undef O

static const struct opt_cmd cmd = {
	.name = "top",
	.about = "Per-domain CPU, memory, vCPU, network and block usage, like xentop.\n",
	.footer = "Keys on the screen: h or ? for help, q to quit.\n"
		  "Exit status: 0, or 1 when the hypervisor never answered (batch), 3 bad options.\n",
	.width = 21,
	.rows = rows,
	.n = sizeof(rows) / sizeof(rows[0]),
};

void cmd_top_usage(FILE *f)
{
	opts_usage(&cmd, f);
}

int cmd_top(int argc, char **argv)
{
	struct top_opts o = { .delay = 3, .deadline = 2000, .connections = HV_DEFAULT_CONNECTIONS, .fmt = BATCH_TEXT };
	int pr = opts_parse(&cmd, argc, argv, &o);
	if (pr != OPTS_OK)
		return pr == OPTS_HELP ? 0 : 3;
	if (!o.batch && !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "hvscope top: stdout is not a terminal; use -b for batch mode\n");
		return 3;
	}
	/* The job's libraries come with its module, so that the other
	 * commands do not load them. */
	struct err e = ERR_INIT;
	__typeof__(&top_run) run = MODULE_FN("cmd-top", top_run, &e);
	if (!run) {
		fprintf(stderr, "hvscope top: %s\n", err_msg(&e));
		err_clear(&e);
		return 3;
	}
	return run(&o);
}

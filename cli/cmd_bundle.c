/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hvscope bundle: its options, then diag/make.c. */
#include "cli/cmds.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "core/module.h"
#include "core/opts.h"
#include "core/root.h"
#include "diag/bundle.h"

/* 512, 64K, 256M, 1G */
static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || *s == '-')
		return -EINVAL;
	unsigned shift = 0;
	switch (*end) {
	case '\0': break;
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	default: return -EINVAL;
	}
	if (*end == 'i' || *end == 'B')
		end += *end == 'i' ? (end[1] == 'B' ? 2 : 1) : 1;
	if (*end || v == 0 || v > (~0ULL >> shift))
		return -EINVAL;
	*out = v << shift;
	return 0;
}

/* 90s, 30m, 12h, 7d, 2w (a bare number is seconds) */
static int parse_duration(const char *s, double *secs)
{
	char *end;
	double v = strtod(s, &end);
	if (end == s || !(v > 0 && v < 1e9)) /* also no inf or NaN: it becomes a time_t */
		return -EINVAL;
	double mul = 1;
	switch (*end) {
	case '\0': case 's': break;
	case 'm': mul = 60; break;
	case 'h': mul = 3600; break;
	case 'd': mul = 86400; break;
	case 'w': mul = 7 * 86400; break;
	default: return -EINVAL;
	}
	if (*end && end[1])
		return -EINVAL;
	*secs = v * mul;
	return 0;
}

/* What the options say, the bundle's own among them. */
struct cli_bundle {
	struct bundle_opts o;
	long long samples;
	double timeout, since;
};

static int set_size(void *opts, const struct opt *row, const char *arg)
{
	return parse_size(arg, (uint64_t *)((char *)opts + row->off));
}

static int set_duration(void *opts, const struct opt *row, const char *arg)
{
	return parse_duration(arg, (double *)((char *)opts + row->off));
}

#define O(f) offsetof(struct cli_bundle, f)
static const struct opt rows[] = {
	{ ROW('o', "output", OPT_STR, O(o.output), "FILE", "the archive (default /var/tmp/hvscope-HOST-TIME.tar.xz);\n"
	  ".tar.xz, .tar.zst, .tar.gz or .tar") },
	{ ROW('R', "root", OPT_STR, O(o.root), "DIR", "collect from a host image mounted at DIR; commands\n"
	  "and the hypervisor (unless --connect) are skipped") },
	{ ROW('c', "connect", OPT_STR, O(o.uri), "URI", "the hypervisor: a libvirt URI, \"xen\" (libxenstat) or\n"
	  "\"auto\" (default)") },
	{ ROW(0, "no-hypervisor", OPT_TRUE, O(o.no_hypervisor), NULL, "do not ask the hypervisor") },
	{ ROW('p', "profile", OPT_STR, O(o.profile), "NAME", "the check profile (default: auto)") },
	{ ROW(0, "since", OPT_CALL, O(since), "DURATION", "only logs changed in the last DURATION (30m, 12h, 7d, 2w)"), .call = set_duration, .give = "a duration like 30m, 12h, 7d or 2w" },
	{ ROW(0, "max-size", OPT_CALL, O(o.max_size), "SIZE", "total size of collected files (default 256M)"), .call = set_size, .give = "a size like 512K, 16M or 1G" },
	{ ROW(0, "max-file-size", OPT_CALL, O(o.max_file_size), "SIZE", "per file; a longer log keeps its newest part (default 16M)"), .call = set_size, .give = "a size like 512K, 16M or 1G" },
	{ ROW(0, "timeout", OPT_DOUBLE, O(timeout), "SECONDS", "per command and for the hypervisor (default 10)"), .lo = 0.001, .hi = 3600, .give = "seconds between 0 and 3600" },
	{ ROW(0, "samples", OPT_LL, O(samples), "N", "samples of the hypervisor's domains to record, for\n"
	  "hvscope top --replay (1 to 600, default 3)"), .lo = 1, .hi = 600, .give = "a count between 1 and 600" },
	{ ROW(0, "sample-interval", OPT_DOUBLE, O(o.sample_interval), "SECONDS", "between them (0.1 to 60, default 1)"), .lo = 0.1, .hi = 60, .give = "seconds between 0.1 and 60" },
	{ ROW(0, "clean", OPT_TRUE, O(o.clean), NULL, "also replace host names, IP and MAC addresses and user\n"
	  "names by placeholders; the mapping is written beside the\n"
	  "archive (FILE.map.json, mode 0600), never into it") },
	{ ROW('q', "quiet", OPT_TRUE, O(o.quiet), NULL, "print only the archive's path") },
	{ ROW('h', "help", OPT_HELP, 0, NULL, "this help") },
};
#undef O

static const struct opt_cmd cmd = {
	.name = "bundle",
	.about = "Gather what a Xen or KVM support case needs into one archive: the check\n"
		 "report and every fact behind it, the hypervisor's domains and their\n"
		 "definitions, /etc/xen, /var/log/xen, /etc/libvirt, /var/log/libvirt, the\n"
		 "hypervisor's and the kernel's logs, SELinux denials, package versions,\n"
		 "CPU, memory, kernel command line and boot loader.  Passwords, keys and\n"
		 "tokens are replaced before anything is written; manifest.json lists\n"
		 "every file with its sha256 and what was left out and why.\n",
	.footer = "The archive is written under a temporary name, mode 0600, and renamed into\n"
		  "place when complete; an interrupted run leaves nothing at FILE.\n"
		  "Exit status: 0 written, 1 not written.\n",
	.width = 24,
	.rows = rows,
	.n = sizeof(rows) / sizeof(rows[0]),
};

void cmd_bundle_usage(FILE *f)
{
	opts_usage(&cmd, f);
}

int cmd_bundle(int argc, char **argv)
{
	struct cli_bundle c = {
		.o = { .root = "/", .max_size = 256ULL << 20, .max_file_size = 16ULL << 20, .sample_interval = 1 },
		.samples = 3, .timeout = 10,
	};
	int pr = opts_parse(&cmd, argc, argv, &c);
	if (pr != OPTS_OK)
		return pr == OPTS_HELP ? 0 : 1;
	if (!root_is_dir("/", c.o.root)) {
		fprintf(stderr, "hvscope bundle: --root %s: not a directory\n", c.o.root);
		return 1;
	}
	c.o.samples = (int)c.samples;
	c.o.cmd_timeout_ms = (int)(c.timeout * 1000);
	if (c.since > 0)
		c.o.since = (double)time(NULL) - c.since;
	/* The job's libraries come with its module, so that the other
	 * commands do not load them. */
	struct err e = ERR_INIT;
	__typeof__(&bundle_make) run = MODULE_FN("cmd-bundle", bundle_make, &e);
	if (!run) {
		fprintf(stderr, "hvscope bundle: %s\n", err_msg(&e));
		err_clear(&e);
		return 3;
	}
	return run(&c.o);
}

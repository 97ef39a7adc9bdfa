/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hvscope bundle: arguments, then diag/collect.c and diag/archive.c. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/root.h"
#include "core/util.h"
#include "diag/bundle.h"
#include "probe/probe.h"

void cmd_bundle_usage(FILE *f)
{
	fputs("Usage: hvscope bundle [OPTION]...\n"
	      "Gather what a Xen or KVM support case needs into one archive: the check\n"
	      "report and every fact behind it, the hypervisor's domains and their\n"
	      "definitions, /etc/xen, /var/log/xen, /etc/libvirt, /var/log/libvirt, the\n"
	      "hypervisor's and the kernel's logs, SELinux denials, package versions,\n"
	      "CPU, memory, kernel command line and boot loader.  Passwords, keys and\n"
	      "tokens are replaced before anything is written; manifest.json lists\n"
	      "every file with its sha256 and what was left out and why.\n"
	      "\n"
	      "  -o, --output FILE       the archive (default /var/tmp/hvscope-HOST-TIME.tar.xz);\n"
	      "                          .tar.xz, .tar.zst, .tar.gz or .tar\n"
	      "  -R, --root DIR          collect from a host image mounted at DIR; commands\n"
	      "                          and the hypervisor (unless --connect) are skipped\n"
	      "  -c, --connect URI       the hypervisor: a libvirt URI, \"xen\" (libxenstat) or\n"
	      "                          \"auto\" (default)\n"
	      "      --no-hypervisor     do not ask the hypervisor\n"
	      "  -p, --profile NAME      the check profile (default: auto)\n"
	      "      --since DURATION    only logs changed in the last DURATION (30m, 12h, 7d, 2w)\n"
	      "      --max-size SIZE     total size of collected files (default 256M)\n"
	      "      --max-file-size SIZE  per file; a longer log keeps its newest part (default 16M)\n"
	      "      --timeout SECONDS   per command and for the hypervisor (default 10)\n"
	      "      --samples N         samples of the hypervisor's domains to record, for\n"
	      "                          hvscope top --replay (1 to 600, default 3)\n"
	      "      --sample-interval SECONDS  between them (0.1 to 60, default 1)\n"
	      "      --clean             also replace host names, IP and MAC addresses and user\n"
	      "                          names by placeholders; the mapping is written beside the\n"
	      "                          archive (FILE.map.json, mode 0600), never into it\n"
	      "  -q, --quiet             print only the archive's path\n"
	      "  -h, --help              this help\n"
	      "\n"
	      "The archive is written under a temporary name, mode 0600, and renamed into\n"
	      "place when complete; an interrupted run leaves nothing at FILE.\n"
	      "Exit status: 0 written, 1 not written.\n",
	      f);
}

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

/* The host's name as the probes give it (under --root, the image's own). */
static char *host_name(const char *root)
{
	struct probe_ctx ctx;
	probe_ctx_init(&ctx, root);
	const struct fact *f = probe_fact(&ctx, "host.name");
	char *name = xstrdup(f->status == FACT_OK && f->s && *f->s ? f->s : "unknown");
	probe_ctx_free(&ctx);
	return name;
}

/* /var/tmp/hvscope-NAME-STAMP.tar.xz, NAME the host's as the bundle shows
 * it (its placeholder under --clean). */
static char *default_output(const char *shown)
{
	char stamp[32];
	bundle_stamp(time(NULL), stamp);
	_cleanup_free_ char *safe = bundle_safe_name(shown);
	return xasprintf("/var/tmp/hvscope-%s-%s.tar.xz", safe, stamp);
}

/* --clean: the host's names and its people's. */
static void clean_words(struct cleaner *c, const char *root, const char *host)
{
	cleaner_add_word(c, CLEAN_HOST, host);
	char *dot = strchr(host, '.');
	if (dot) {
		_cleanup_free_ char *shortname = xstrndup(host, (size_t)(dot - host));
		cleaner_add_word(c, CLEAN_HOST, shortname);
	}
	struct buf pw = BUF_INIT;
	if (root_read(root, "/etc/passwd", ROOT_READ_MAX, &pw, NULL) == 0) {
		/* name:x:uid:... — people have uids from 1000 (500 on RHEL 5) */
		for (char *line = pw.s; line && *line;) {
			char *nl = strchr(line, '\n');
			if (nl)
				*nl = '\0';
			char *c1 = strchr(line, ':');
			char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
			if (c2) {
				long uid = strtol(c2 + 1, NULL, 10);
				*c1 = '\0';
				if (uid >= 500 && uid < 65534)
					cleaner_add_word(c, CLEAN_USER, line);
			}
			line = nl ? nl + 1 : NULL;
		}
	}
	buf_free(&pw);
}

enum { O_NOHV = 256, O_SINCE, O_MAXSIZE, O_MAXFILE, O_TIMEOUT, O_CLEAN, O_SAMPLES, O_INTERVAL };

/* An option with a value into o (and since); false, said on stderr, when
 * the value is out of its range. */
static bool parse_value(int c, const char *arg, struct bundle_opts *o, double *since)
{
	char *end;
	switch (c) {
	case O_SINCE:
		if (parse_duration(arg, since) == 0)
			return true;
		fprintf(stderr, "hvscope bundle: --since %s: give a duration like 30m, 12h, 7d or 2w\n", arg);
		return false;
	case O_MAXSIZE:
	case O_MAXFILE:
		if (parse_size(arg, c == O_MAXSIZE ? &o->max_size : &o->max_file_size) == 0)
			return true;
		fprintf(stderr, "hvscope bundle: --%s %s: give a size like 512K, 16M or 1G\n", c == O_MAXSIZE ? "max-size" : "max-file-size", arg);
		return false;
	case O_TIMEOUT: {
		double t = strtod(arg, &end);
		if (!*end && t > 0 && t <= 3600) {
			o->cmd_timeout_ms = (int)(t * 1000);
			return true;
		}
		fprintf(stderr, "hvscope bundle: --timeout %s: give seconds between 0 and 3600\n", arg);
		return false;
	}
	case O_SAMPLES: {
		long long n;
		if (str_to_ll_range(arg, 1, 600, &n) == 0) {
			o->samples = (int)n;
			return true;
		}
		fprintf(stderr, "hvscope bundle: --samples %s: give a count between 1 and 600\n", arg);
		return false;
	}
	case O_INTERVAL:
		if (str_to_double_range(arg, 0.1, 60, &o->sample_interval) == 0)
			return true;
		fprintf(stderr, "hvscope bundle: --sample-interval %s: give seconds between 0.1 and 60\n", arg);
		return false;
	default: return false;
	}
}

/* The command line into o: 0, 1 for bad usage (said on stderr), 2 when
 * the help was asked for (and printed). */
static int parse_args(int argc, char **argv, struct bundle_opts *o, double *since)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },     { "root", required_argument, NULL, 'R' },
		{ "connect", required_argument, NULL, 'c' },    { "no-hypervisor", no_argument, NULL, O_NOHV },
		{ "profile", required_argument, NULL, 'p' },    { "since", required_argument, NULL, O_SINCE },
		{ "max-size", required_argument, NULL, O_MAXSIZE }, { "max-file-size", required_argument, NULL, O_MAXFILE },
		{ "timeout", required_argument, NULL, O_TIMEOUT }, { "clean", no_argument, NULL, O_CLEAN },
		{ "samples", required_argument, NULL, O_SAMPLES }, { "sample-interval", required_argument, NULL, O_INTERVAL },
		{ "quiet", no_argument, NULL, 'q' },            { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:R:c:p:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': o->output = optarg; break;
		case 'R': o->root = optarg; break;
		case 'c': o->uri = optarg; break;
		case 'p': o->profile = optarg; break;
		case 'q': o->quiet = true; break;
		case O_NOHV: o->no_hypervisor = true; break;
		case O_CLEAN: o->clean = true; break;
		case O_SINCE: case O_MAXSIZE: case O_MAXFILE: case O_TIMEOUT: case O_SAMPLES: case O_INTERVAL:
			if (!parse_value(c, optarg, o, since))
				return 1;
			break;
		case 'h': cmd_bundle_usage(stdout); return 2;
		default: cmd_bundle_usage(stderr); return 1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "hvscope bundle: unexpected argument '%s'\n", argv[optind]);
		return 1;
	}
	return 0;
}

int cmd_bundle(int argc, char **argv)
{
	struct bundle_opts o = {
		.root = "/", .max_size = 256ULL << 20, .max_file_size = 16ULL << 20, .cmd_timeout_ms = 10000,
		.samples = 3, .sample_interval = 1,
	};
	double since = 0;
	int pr = parse_args(argc, argv, &o, &since);
	if (pr)
		return pr == 2 ? 0 : 1;
	if (!root_is_dir("/", o.root)) {
		fprintf(stderr, "hvscope bundle: --root %s: not a directory\n", o.root);
		return 1;
	}
	if (since > 0)
		o.since = (double)time(NULL) - since;
	bool live = root_is_live(o.root);
	_cleanup_free_ char *host = host_name(o.root);
	/* Under --clean the host's name is a placeholder everywhere, the
	 * default archive name included: the cleaner is made first. */
	struct cleaner *cleaner = NULL;
	if (o.clean) {
		cleaner = cleaner_new();
		clean_words(cleaner, o.root, host);
	}
	_cleanup_free_ char *shown = xstrdup(cleaner ? cleaner_map(cleaner, CLEAN_HOST, host) : host);
	_cleanup_free_ char *def_out = NULL, *map_path = NULL;
	if (!o.output)
		o.output = def_out = default_output(shown);
	if (cleaner)
		o.map_path = map_path = xasprintf("%s.map.json", o.output);
	struct bundle b;
	struct err e = ERR_INIT;
	if (bundle_open(&b, &o, cleaner, shown, &e) < 0) {
		fprintf(stderr, "hvscope bundle: %s\n", err_msg(&e));
		err_clear(&e);
		return 1;
	}
	b.live = live;
	bundle_log(&b, "hvscope %s bundle of %s (root %s)%s", HVSCOPE_VERSION, live ? "the live host" : "a host image", o.root,
		   o.clean ? ", --clean" : "");
	bundle_collect(&b);
	size_t nfiles = b.nfiles + 1, nskipped = b.nskipped;
	unsigned scrubbed = b.scrubbed;
	uint64_t total = b.total;
	double started = b.t0;
	if (bundle_finish(&b, shown, &e) < 0) {
		fprintf(stderr, "hvscope bundle: %s\n", err_msg(&e));
		err_clear(&e);
		return 1;
	}
	double took = clock_mono() - started;
	printf("%s\n", o.output);
	if (!o.quiet) {
		fprintf(stderr, "hvscope bundle: %zu files, %llu KiB before compression, %u secret value%s scrubbed, %zu left out (see manifest.json), %.2f s\n",
			nfiles, (unsigned long long)(total + 1023) / 1024, scrubbed, scrubbed == 1 ? "" : "s", nskipped, took);
		if (map_path)
			fprintf(stderr, "hvscope bundle: --clean mapping (keep it here, do not send it): %s\n", map_path);
	}
	return 0;
}

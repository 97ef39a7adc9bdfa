/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A bundle as hvscope bundle makes it: the host's name (or its
 * placeholder), the archive's default name, then collected and written. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/root.h"
#include "core/util.h"
#include "diag/bundle.h"
#include "probe/probe.h"

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

int bundle_make(struct bundle_opts *o)
{
	bool live = root_is_live(o->root);
	_cleanup_free_ char *host = host_name(o->root);
	/* Under --clean the host's name is a placeholder everywhere, the
	 * default archive name included: the cleaner is made first. */
	struct cleaner *cleaner = NULL;
	if (o->clean) {
		cleaner = cleaner_new();
		clean_words(cleaner, o->root, host);
	}
	_cleanup_free_ char *shown = xstrdup(cleaner ? cleaner_map(cleaner, CLEAN_HOST, host) : host);
	_cleanup_free_ char *def_out = NULL, *map_path = NULL;
	if (!o->output)
		o->output = def_out = default_output(shown);
	if (cleaner)
		o->map_path = map_path = xasprintf("%s.map.json", o->output);
	struct bundle b;
	struct err e = ERR_INIT;
	if (bundle_open(&b, o, cleaner, shown, &e) < 0) {
		fprintf(stderr, "hvscope bundle: %s\n", err_msg(&e));
		err_clear(&e);
		return 1;
	}
	b.live = live;
	bundle_log(&b, "hvscope %s bundle of %s (root %s)%s", HVSCOPE_VERSION, live ? "the live host" : "a host image", o->root,
		   o->clean ? ", --clean" : "");
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
	printf("%s\n", o->output);
	if (!o->quiet) {
		fprintf(stderr, "hvscope bundle: %zu files, %llu KiB before compression, %u secret value%s scrubbed, %zu left out (see manifest.json), %.2f s\n",
			nfiles, (unsigned long long)(total + 1023) / 1024, scrubbed, scrubbed == 1 ? "" : "s", nskipped, took);
		if (map_path)
			fprintf(stderr, "hvscope bundle: --clean mapping (keep it here, do not send it): %s\n", map_path);
	}
	return 0;
}

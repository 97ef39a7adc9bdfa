/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hvscope check: its options, then the readiness checklist on the host, an
 * image or a bundle, printed in the format asked for. */
#include "cli/cmds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/atomicfile.h"
#include "core/opts.h"
#include "core/root.h"
#include "core/scrub.h"
#include "probe/bundle_in.h"
#include "probe/offline.h"
#include "probe/probe.h"
#include "rules/check.h"
#include "rules/report.h"
#include "rules/report_html.h"

enum { EXIT_PASS = 0, EXIT_WARN = 1, EXIT_FAIL = 2, EXIT_CANNOT = 3 };
enum fmt { FMT_TEXT, FMT_JSON, FMT_JUNIT, FMT_PROM, FMT_HTML };

struct check_opts {
	const char *profile, *root, *bundle, *explain, *output;
	int fmt; /* enum fmt */
	bool list, facts, quiet, no_color;
	struct strv dirs, only;
};

#define O(f) offsetof(struct check_opts, f)
static const char *const formats[] = { "text", "json", "junit", "prometheus", "html", NULL };
static const struct opt rows[] = {
	{ ROW('p', "profile", OPT_STR, O(profile), "NAME", "rhel5-xen, xen, kvm, or auto (default: auto picks from the host)") },
	/* no short form: -r is top's --reverse */
	{ ROW(0, "rules", OPT_STRV, O(dirs), "DIR", "also load the rule files (*.yaml) in DIR; repeatable") },
	{ ROW('R', "root", OPT_STR, O(root), "DIR", "read every host file under DIR (an image, a chroot, a fixture)") },
	{ ROW('b', "bundle", OPT_STR, O(bundle), "PATH", "check the host an hvscope bundle or an sosreport (its archive\n"
	  "or directory) was made on, from the facts and files it holds") },
	{ ROW('f', "format", OPT_CHOICE, O(fmt), "FMT", "text (default), json, junit, prometheus,\n"
	  "html (one self-contained page, failing checks first)"), .choices = formats },
	{ ROW('o', "output", OPT_STR, O(output), "FILE", "write the report to FILE, not stdout: a temporary beside it,\n"
	  "fsynced and renamed over FILE (its mode kept), as\n"
	  "node_exporter's textfile directory wants") },
	{ ROW(0, "only", OPT_CSV, O(only), "ID,...", "run only these rules") },
	{ ROW('l', "list", OPT_TRUE, O(list), NULL, "list the profiles and their rules") },
	{ ROW(0, "explain", OPT_STR, O(explain), "ID", "what a rule checks, why, and how to fix it") },
	{ ROW(0, "facts", OPT_TRUE, O(facts), NULL, "list the facts the probes provide and where each comes\n"
	  "from (live, --root image, bundle, sosreport); with --format\n"
	  "json, every fact each profile reads, as a bundle's\n"
	  "check/facts.json holds them") },
	{ ROW('q', "quiet", OPT_TRUE, O(quiet), NULL, "print only what needs attention") },
	{ ROW(0, "no-color", OPT_TRUE, O(no_color), NULL, "no colours (also when NO_COLOR is set, or not on a terminal)") },
	{ ROW('h', "help", OPT_HELP, 0, NULL, "this text") },
};
#undef O

static const struct opt_cmd cmd = {
	.name = "check",
	.about = "Check that this host (or the image under --root) is ready to run Xen or KVM guests.\n",
	.footer = "Rules are read from the built-in directory (" HVSCOPE_RULES_DIR ",\n"
		  "or ../share/hvscope/rules beside the binary, or HVSCOPE_RULES_PATH),\n"
		  "then " HVSCOPE_SYSCONF_RULES_DIR ", then each --rules DIR; a later file naming the\n"
		  "same profile adds rules to it, and a rule with the same id replaces the earlier one.\n"
		  "\n"
		  "Exit status: 0 all checks pass (or skip), 1 warnings, 2 failures,\n"
		  "3 could not run (bad options, bad rule files, a check that could not be evaluated).\n",
	.width = 21,
	.rows = rows,
	.n = sizeof(rows) / sizeof(rows[0]),
};

void cmd_check_usage(FILE *f)
{
	opts_usage(&cmd, f);
}

static void list_profiles(struct ruleset *set)
{
	for (size_t i = 0; i < set->n; i++) {
		const struct profile *p = &set->v[i];
		printf("%s: %s (%zu rules, %s)\n", p->name, p->title ? p->title : "", p->n, p->file);
		for (size_t j = 0; j < p->n; j++)
			printf("  %-32s %-4s  %s\n", p->rules[j].id, severity_name(p->rules[j].sev), p->rules[j].title);
	}
}

static int explain(struct ruleset *set, const char *want_profile, const char *id)
{
	for (size_t i = 0; i < set->n; i++) {
		const struct profile *p = &set->v[i];
		if (want_profile && strcmp(want_profile, "auto") && strcmp(p->name, want_profile))
			continue;
		for (size_t j = 0; j < p->n; j++) {
			const struct rule *r = &p->rules[j];
			if (strcmp(r->id, id))
				continue;
			struct buf x = BUF_INIT;
			expect_describe(&r->expect, &x);
			printf("%s (profile %s, %s:%d)\n  %s\n", r->id, p->name, r->file, r->line, r->title);
			if (r->description)
				printf("\n  %s\n", r->description);
			printf("\n  severity: %s\n  fact:     %s\n  expect:   %s\n", severity_name(r->sev), r->fact, buf_str(&x));
			for (size_t k = 0; k < r->nwhen; k++) {
				buf_reset(&x);
				expect_describe(&r->when[k].expect, &x);
				printf("  when:     %s %s\n", r->when[k].fact, buf_str(&x));
			}
			if (r->for_each.n) {
				printf("  for each:");
				for (size_t k = 0; k < r->for_each.n; k++)
					printf(" %s", r->for_each.v[k]);
				printf("\n");
			}
			if (r->for_each_fact)
				printf("  for each: item of %s\n", r->for_each_fact);
			if (r->remedy)
				printf("  remedy:   %s\n", r->remedy);
			if (r->remedy_rpm)
				printf("  remedy (rpm):  %s\n", r->remedy_rpm);
			if (r->remedy_dpkg)
				printf("  remedy (dpkg): %s\n", r->remedy_dpkg);
			if (r->has_warn_if) {
				buf_reset(&x);
				expect_describe(&r->warn_if, &x);
				printf("  warn if:  %s\n  then:     %s\n", buf_str(&x), r->warn_remedy);
			}
			for (size_t k = 0; k < r->nalts; k++) {
				printf("  remedy%s", r->alts[k].nwhen ? " when" : " otherwise:");
				for (size_t c = 0; c < r->alts[k].nwhen; c++) {
					struct buf d = BUF_INIT;
					expect_describe(&r->alts[k].when[c].expect, &d);
					printf("%s %s %s", c ? " and" : "", r->alts[k].when[c].fact, buf_str(&d));
					buf_free(&d);
				}
				printf("%s %s\n", r->alts[k].nwhen ? ":" : "", r->alts[k].text);
			}
			if (r->reference)
				printf("  reference: %s\n", r->reference);
			buf_free(&x);
			return EXIT_PASS;
		}
	}
	fprintf(stderr, "hvscope check: no rule '%s'%s%s (hvscope check --list shows them)\n", id,
		want_profile && strcmp(want_profile, "auto") ? " in profile " : "", want_profile && strcmp(want_profile, "auto") ? want_profile : "");
	return EXIT_CANNOT;
}

static void list_facts(void)
{
	for (size_t i = 0; probe_table[i]; i++) {
		printf("%s: %s\n", probe_table[i]->name, probe_table[i]->summary);
		for (const char *const *p = probe_table[i]->patterns; *p; p++)
			printf("  %s\n", *p);
		printf("  where they come from:\n");
		offline_table_print(stdout, probe_table[i]->name);
	}
}

/* To --output's file, replaced whole or not at all; the verdict's exit
 * code stays the caller's. */
static int write_output(const char *path, const struct buf *text)
{
	struct err e = ERR_INIT;
	int r = atomicfile_save(path, buf_str(text), text->len, 0, &e);
	if (r < 0)
		fprintf(stderr, "hvscope check: --output %s\n", err_msg(&e));
	err_clear(&e);
	return r;
}

/* Through the scrubber (facts quote what hosts hold: a kernel command
 * line, a config's values), to stdout or to --output's file; -1 when
 * either failed. */
static int emit(const struct buf *raw, const char *output)
{
	struct buf clean = BUF_INIT;
	scrub_text(buf_str(raw), raw->len, &clean);
	int r = 0;
	if (output) {
		r = write_output(output, &clean);
	} else {
		fwrite(buf_str(&clean), 1, clean.len, stdout);
		if (fflush(stdout) != 0) {
			perror("hvscope check: stdout");
			r = -1;
		}
	}
	buf_free(&clean);
	return r;
}

/* The report in the format asked for, scrubbed as a bundle's is. */
static int print_report(const struct report *rep, enum fmt fmt, const struct report_opts *ro, const char *output)
{
	struct buf out = BUF_INIT;
	switch (fmt) {
	case FMT_TEXT: report_write_text(rep, ro, &out); break;
	case FMT_JSON: report_write_json(rep, &out); break;
	case FMT_JUNIT: report_write_junit(rep, &out); break;
	case FMT_PROM: report_write_prometheus(rep, &out); break;
	case FMT_HTML: report_write_html(rep, &out); break;
	}
	int r = emit(&out, output);
	buf_free(&out);
	return r;
}

/* The probes' context: the host (or --root's tree), or the host a bundle
 * or an sosreport was made on. */
static int open_context(struct probe_ctx *ctx, const struct check_opts *o, struct bundle_in *in, struct err *e)
{
	if (!o->bundle) {
		probe_ctx_init(ctx, o->root);
		return 0;
	}
	int r = bundle_in_open(o->bundle, in, e);
	if (r == 0 && (r = bundle_in_context(in, ctx, e)) > 0) {
		fprintf(stderr, "hvscope check: %s: hvscope's facts in it do not load (%s): reading sos's own files\n", o->bundle,
			err_msg(e));
		err_clear(e);
		r = 0;
	}
	return r;
}

/* The options that do not run the checks; -1 when they do not apply. */
static int list_or_explain(const struct check_opts *o, struct ruleset *set)
{
	if (o->list) {
		list_profiles(set);
		return EXIT_PASS;
	}
	if (o->explain)
		return explain(set, o->profile, o->explain);
	return -1;
}

static int bad_places(const struct check_opts *o)
{
	if (o->bundle && strcmp(o->root, "/") != 0) {
		fprintf(stderr, "hvscope check: --bundle and --root: give one\n");
		return -1;
	}
	if (!root_is_dir("/", o->root)) {
		fprintf(stderr, "hvscope check: --root %s: not a directory\n", o->root);
		return -1;
	}
	return 0;
}

/* --facts --format json: every fact each profile reads, of the context
 * the options name, as a bundle records them (rules/check.c writes both). */
static int print_facts_json(const struct check_opts *o, struct ruleset *set, struct err *e)
{
	struct probe_ctx ctx;
	struct bundle_in in = { 0 };
	if (open_context(&ctx, o, &in, e) < 0) {
		fprintf(stderr, "hvscope check: %s\n", err_msg(e));
		bundle_in_close(&in);
		return EXIT_CANNOT;
	}
	struct buf out = BUF_INIT;
	check_facts_json(&ctx, set, &out);
	int rc = emit(&out, o->output) == 0 ? EXIT_PASS : EXIT_CANNOT;
	buf_free(&out);
	probe_ctx_free(&ctx);
	bundle_in_close(&in);
	return rc;
}

/* The checks run on the context the options name, the report printed. */
static int run_checks(const struct check_opts *o, struct ruleset *set, struct err *e)
{
	struct probe_ctx ctx;
	struct bundle_in in = { 0 };
	struct report rep = { 0 };
	int rc = EXIT_CANNOT;
	if (open_context(&ctx, o, &in, e) < 0) {
		fprintf(stderr, "hvscope check: %s\n", err_msg(e));
		bundle_in_close(&in);
		return rc;
	}
	if (check_run(&ctx, set, o->profile, &o->only, &rep, e) < 0) {
		fprintf(stderr, "hvscope check: %s (hvscope check --list shows them)\n", err_msg(e));
	} else {
		if (o->bundle) { /* not the private directory it was unpacked into */
			free(rep.root);
			rep.root = xasprintf("bundle %s", o->bundle);
		}
		const char *nc = getenv("NO_COLOR");
		struct report_opts ro = { .color = !o->output && isatty(STDOUT_FILENO) && !o->no_color && !(nc && *nc), .quiet = o->quiet };
		if (print_report(&rep, (enum fmt)o->fmt, &ro, o->output) == 0)
			rc = report_exit_code(&rep);
	}
	report_free(&rep);
	probe_ctx_free(&ctx);
	bundle_in_close(&in);
	return rc;
}

int cmd_check(int argc, char **argv)
{
	struct check_opts o = { .profile = "auto", .root = "/", .fmt = FMT_TEXT };
	struct ruleset set = { 0 };
	struct err e = ERR_INIT;
	int rc = EXIT_CANNOT, pr = opts_parse(&cmd, argc, argv, &o);
	if (pr == OPTS_HELP) {
		rc = EXIT_PASS;
	} else if (pr == OPTS_OK && o.facts && o.fmt == FMT_TEXT && o.output) {
		fprintf(stderr, "hvscope check: --output takes --facts --format json, not the facts' list\n");
	} else if (pr == OPTS_OK && o.facts && o.fmt == FMT_TEXT) {
		list_facts();
		rc = EXIT_PASS;
	} else if (pr == OPTS_OK && o.facts && o.fmt != FMT_JSON) {
		fprintf(stderr, "hvscope check: --facts prints text or json\n");
	} else if (pr == OPTS_OK && bad_places(&o) == 0) {
		if (check_load(&o.dirs, &set, &e) < 0)
			fprintf(stderr, "hvscope check: %s\n", err_msg(&e));
		else if (o.facts)
			rc = print_facts_json(&o, &set, &e);
		else if ((rc = list_or_explain(&o, &set)) < 0)
			rc = run_checks(&o, &set, &e);
	}
	ruleset_free(&set);
	strv_free(&o.dirs);
	strv_free(&o.only);
	err_clear(&e);
	return rc;
}

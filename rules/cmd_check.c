/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hvscope check: the readiness checklist. */
#include "rules/cmd_check.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/root.h"
#include "core/scrub.h"
#include "diag/bundle_in.h"
#include "probe/fact_load.h"
#include "probe/offline.h"
#include "probe/probe.h"
#include "rules/engine.h"
#include "rules/report.h"
#include "rules/rule.h"

enum { EXIT_PASS = 0, EXIT_WARN = 1, EXIT_FAIL = 2, EXIT_CANNOT = 3 };
enum fmt { FMT_TEXT, FMT_JSON, FMT_JUNIT, FMT_PROM };

void cmd_check_usage(FILE *f)
{
	fputs("Usage: hvscope check [OPTION]...\n"
	      "Check that this host (or the image under --root) is ready to run Xen or KVM guests.\n"
	      "\n"
	      "  -p, --profile NAME   rhel5-xen, xen, kvm, or auto (default: auto picks from the host)\n"
	      "      --rules DIR      also load the rule files (*.yaml) in DIR; repeatable\n"
	      "  -R, --root DIR       read every host file under DIR (an image, a chroot, a fixture)\n"
	      "  -b, --bundle PATH    check the host an hvscope bundle or an sosreport (its archive\n"
	      "                       or directory) was made on, from the facts and files it holds\n"
	      "  -f, --format FMT     text (default), json, junit, prometheus\n"
	      "      --only ID,...    run only these rules\n"
	      "  -l, --list           list the profiles and their rules\n"
	      "      --explain ID     what a rule checks, why, and how to fix it\n"
	      "      --facts          list the facts the probes provide and where each comes\n"
	      "                       from (live, --root image, bundle, sosreport)\n"
	      "  -q, --quiet          print only what needs attention\n"
	      "      --no-color       no colours (also when NO_COLOR is set, or not on a terminal)\n"
	      "  -h, --help           this text\n"
	      "\n"
	      "Rules are read from the built-in directory (" HVSCOPE_RULES_DIR ",\n"
	      "or ../share/hvscope/rules beside the binary, or HVSCOPE_RULES_PATH),\n"
	      "then " HVSCOPE_SYSCONF_RULES_DIR ", then each --rules DIR; a later file naming the\n"
	      "same profile adds rules to it, and a rule with the same id replaces the earlier one.\n"
	      "\n"
	      "Exit status: 0 all checks pass (or skip), 1 warnings, 2 failures,\n"
	      "3 could not run (bad options, bad rule files, a check that could not be evaluated).\n",
	      f);
}

/* The shipped profiles: HVSCOPE_RULES_PATH, else next to the binary
 * (BIN/../share/hvscope/rules, so a relocated or staged install finds its
 * own), else the directory configured at build time. */
static char *builtin_rules_dir(void)
{
	const char *env = getenv("HVSCOPE_RULES_PATH");
	if (env && *env)
		return xstrdup(env);
	_cleanup_free_ char *bin = self_dir();
	if (bin) {
		char *dir = xasprintf("%s/../share/hvscope/rules", bin);
		if (root_is_dir("/", dir))
			return dir;
		free(dir);
	}
	return xstrdup(HVSCOPE_RULES_DIR);
}

static int load_rules(struct ruleset *set, const struct strv *dirs, struct err *e)
{
	_cleanup_free_ char *builtin = builtin_rules_dir();
	int r = ruleset_load_dir(set, builtin, false, e);
	if (r < 0)
		return r;
	r = ruleset_load_dir(set, HVSCOPE_SYSCONF_RULES_DIR, true, e);
	for (size_t i = 0; r == 0 && i < dirs->n; i++)
		r = ruleset_load_dir(set, dirs->v[i], false, e);
	return r;
}

/* auto: Xen when the hypervisor or a dom0 shows, RHEL 5's checklist on a
 * RHEL 5 host, KVM otherwise. */
static const char *pick_profile(struct probe_ctx *ctx, char **reason)
{
	const struct fact *type = probe_fact(ctx, "xen.type");
	const struct fact *dom0 = probe_fact(ctx, "xen.dom0");
	bool xen = (type->status == FACT_OK && strcmp(type->s, "xen") == 0) || (dom0->status == FACT_OK && dom0->b);
	if (xen) {
		const struct fact *rh = probe_fact(ctx, "os.rhel_major");
		if (rh->status == FACT_OK && rh->i == 5) {
			*reason = xasprintf("auto: a Xen host (%s) running RHEL 5 (%s)", type->status == FACT_OK ? type->evidence : dom0->evidence,
					    rh->evidence);
			return "rhel5-xen";
		}
		*reason = xasprintf("auto: a Xen host (%s = %s)", type->status == FACT_OK ? "/sys/hypervisor/type" : "/proc/xen/capabilities",
				    type->status == FACT_OK ? type->s : "control_d");
		return "xen";
	}
	*reason = xasprintf("auto: not a Xen host (%s), so KVM", type->evidence);
	return "kvm";
}

int check_load(const struct strv *dirs, struct ruleset *set, struct err *e)
{
	struct strv none = { 0 };
	return load_rules(set, dirs ? dirs : &none, e);
}

int check_run(struct probe_ctx *ctx, struct ruleset *set, const char *profile_name, const struct strv *only, struct report *rep,
	      struct err *e)
{
	char *reason = NULL;
	if (!profile_name || !strcmp(profile_name, "auto"))
		profile_name = pick_profile(ctx, &reason);
	struct profile *prof = ruleset_find(set, profile_name);
	if (!prof) {
		free(reason);
		return err_set(e, -ENOENT, "no profile '%s'", profile_name);
	}
	for (size_t i = 0; only && i < only->n; i++) {
		bool found = false;
		for (size_t j = 0; j < prof->n && !found; j++)
			found = !strcmp(prof->rules[j].id, only->v[i]);
		if (!found) {
			free(reason);
			return err_set(e, -ENOENT, "no rule '%s' in profile %s", only->v[i], prof->name);
		}
	}
	report_free(rep);
	engine_run(ctx, prof, only, rep);
	rep->profile_reason = reason;
	return 0;
}

int check_report(const char *profile_name, const struct strv *dirs, const char *root, struct ruleset *set, struct report *rep,
		 struct err *e)
{
	int r = check_load(dirs, set, e);
	if (r < 0)
		return r;
	struct probe_ctx ctx;
	probe_ctx_init(&ctx, root);
	r = check_run(&ctx, set, profile_name, NULL, rep, e);
	probe_ctx_free(&ctx);
	return r;
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

/* The report on stdout.  Facts quote what hosts hold (a kernel command
 * line, a config's values): the same scrubber as a bundle's, on every
 * format. */
static int print_report(const struct report *rep, enum fmt fmt, const struct report_opts *ro)
{
	struct buf out = BUF_INIT, clean = BUF_INIT;
	switch (fmt) {
	case FMT_TEXT: report_write_text(rep, ro, &out); break;
	case FMT_JSON: report_write_json(rep, &out); break;
	case FMT_JUNIT: report_write_junit(rep, &out); break;
	case FMT_PROM: report_write_prometheus(rep, &out); break;
	}
	scrub_text(buf_str(&out), out.len, &clean);
	fwrite(buf_str(&clean), 1, clean.len, stdout);
	buf_free(&clean);
	buf_free(&out);
	if (fflush(stdout) != 0) {
		perror("hvscope check: stdout");
		return -1;
	}
	return 0;
}

/* The probes' context: the host (or --root's tree), a bundle's recorded
 * facts over its copies of the host's files, or an sosreport's files. */
static int open_context(struct probe_ctx *ctx, const char *root, const char *bundle, struct bundle_in *in, struct err *e)
{
	if (!bundle) {
		probe_ctx_init(ctx, root);
		return 0;
	}
	int r = bundle_in_open(bundle, in, e);
	if (r < 0)
		return r;
	if (in->kind == BUNDLE_SOS) {
		probe_ctx_init_offline(ctx, OFFLINE_SOS, NULL, in->files, NULL);
		return 0;
	}
	struct facts recorded = { 0 };
	r = facts_load_json(&recorded, in->top, "check/facts.json", e);
	if (r < 0) {
		facts_free(&recorded);
		return r;
	}
	probe_ctx_init_offline(ctx, OFFLINE_BUNDLE, &recorded, in->files, in->cpuid); /* in outlives ctx */
	return 0;
}

int cmd_check(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "profile", required_argument, NULL, 'p' }, { "rules", required_argument, NULL, 'r' } /* no short form: -r is top's --reverse */,
		{ "root", required_argument, NULL, 'R' },    { "format", required_argument, NULL, 'f' },
		{ "bundle", required_argument, NULL, 'b' },
		{ "only", required_argument, NULL, 'o' },    { "list", no_argument, NULL, 'l' },
		{ "explain", required_argument, NULL, 'e' }, { "facts", no_argument, NULL, 'F' },
		{ "quiet", no_argument, NULL, 'q' },         { "no-color", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },          { NULL, 0, NULL, 0 },
	};
	const char *profile_name = "auto", *root = "/", *explain_id = NULL, *bundle = NULL;
	enum fmt fmt = FMT_TEXT;
	bool list = false, facts = false, quiet = false, color = isatty(STDOUT_FILENO);
	struct strv dirs = { 0 }, only = { 0 };
	int rc = EXIT_CANNOT, c;
	struct ruleset set = { 0 };
	struct err e = ERR_INIT;
	struct probe_ctx ctx;
	struct report rep = { 0 };
	bool ctx_ready = false;
	struct bundle_in in = { 0 };
	const char *nc = getenv("NO_COLOR");
	if (nc && *nc)
		color = false;

	optind = 1;
	while ((c = getopt_long(argc, argv, "p:R:b:f:lqh", longopts, NULL)) != -1) {
		switch (c) {
		case 'p': profile_name = optarg; break;
		case 'r': strv_push(&dirs, optarg); break;
		case 'R': root = optarg; break;
		case 'b': bundle = optarg; break;
		case 'f':
			if (!strcmp(optarg, "text")) fmt = FMT_TEXT;
			else if (!strcmp(optarg, "json")) fmt = FMT_JSON;
			else if (!strcmp(optarg, "junit")) fmt = FMT_JUNIT;
			else if (!strcmp(optarg, "prometheus")) fmt = FMT_PROM;
			else {
				fprintf(stderr, "hvscope check: unknown format '%s' (text, json, junit, prometheus)\n", optarg);
				goto out;
			}
			break;
		case 'o': {
			_cleanup_free_ char *copy = xstrdup(optarg);
			char *save = NULL;
			for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
				strv_push(&only, str_strip(t));
			break;
		}
		case 'l': list = true; break;
		case 'e': explain_id = optarg; break;
		case 'F': facts = true; break;
		case 'q': quiet = true; break;
		case 'C': color = false; break;
		case 'h': cmd_check_usage(stdout); rc = EXIT_PASS; goto out;
		default: cmd_check_usage(stderr); goto out;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "hvscope check: unexpected argument '%s'\n", argv[optind]);
		goto out;
	}
	if (facts) {
		list_facts();
		rc = EXIT_PASS;
		goto out;
	}
	if (bundle && strcmp(root, "/") != 0) {
		fprintf(stderr, "hvscope check: --bundle and --root: give one\n");
		goto out;
	}
	if (!root_is_dir("/", root)) {
		fprintf(stderr, "hvscope check: --root %s: not a directory\n", root);
		goto out;
	}
	if (load_rules(&set, &dirs, &e) < 0) {
		fprintf(stderr, "hvscope check: %s\n", err_msg(&e));
		goto out;
	}
	if (list) {
		list_profiles(&set);
		rc = EXIT_PASS;
		goto out;
	}
	if (explain_id) {
		rc = explain(&set, profile_name, explain_id);
		goto out;
	}
	if (open_context(&ctx, root, bundle, &in, &e) < 0) {
		fprintf(stderr, "hvscope check: %s\n", err_msg(&e));
		goto out;
	}
	ctx_ready = true;
	if (check_run(&ctx, &set, profile_name, &only, &rep, &e) < 0) {
		fprintf(stderr, "hvscope check: %s (hvscope check --list shows them)\n", err_msg(&e));
		goto out;
	}
	if (bundle) { /* not the private directory it was unpacked into */
		free(rep.root);
		rep.root = xasprintf("bundle %s", bundle);
	}
	struct report_opts ro = { .color = color, .quiet = quiet };
	if (print_report(&rep, fmt, &ro) < 0)
		goto out;
	rc = report_exit_code(&rep);
out:
	report_free(&rep);
	if (ctx_ready)
		probe_ctx_free(&ctx);
	bundle_in_close(&in);
	ruleset_free(&set);
	strv_free(&dirs);
	strv_free(&only);
	err_clear(&e);
	return rc;
}

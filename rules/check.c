/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The readiness check as the other jobs use it: load the rules, pick the
 * profile, run it on a probe context into a report. */
#include "rules/check.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/root.h"
#include "core/util.h"
#include "probe/probe.h"

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

void check_record_facts(struct probe_ctx *ctx, struct ruleset *set)
{
	for (size_t i = 0; i < set->n; i++) {
		struct report rep = { 0 };
		struct err e = ERR_INIT;
		check_run(ctx, set, set->v[i].name, NULL, &rep, &e);
		report_free(&rep);
		err_clear(&e);
	}
	/* what a bundle's reader shows beside the verdicts */
	probe_fact(ctx, "selinux.mode");
	probe_fact(ctx, "selinux.policy");
}

void check_facts_json(struct probe_ctx *ctx, struct ruleset *set, struct buf *out)
{
	check_record_facts(ctx, set);
	facts_write_json(&ctx->facts, out);
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

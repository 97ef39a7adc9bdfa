/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rules/: loading (errors as file:line:column), merging, the operators. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "probe/packages.h"
#include "rules/engine.h"
#include "rules/ruleset.h"

static int load(struct ruleset *set, const char *text, struct err *e)
{
	int r = ruleset_load_text(set, "t.yaml", text, strlen(text), e);
	if (r < 0)
		print_message("load: %s\n", err_msg(e));
	return r;
}

static void expect_error(const char *text, const char *msg)
{
	struct ruleset set = { 0 };
	struct err e = ERR_INIT;
	assert_true(load(&set, text, &e) < 0);
	if (strcmp(err_msg(&e), msg) != 0)
		fail_msg("got '%s', want '%s'", err_msg(&e), msg);
	err_clear(&e);
	ruleset_free(&set);
}

static void test_load_ok(void **state)
{
	(void)state;
	struct ruleset set = { 0 };
	struct err e = ERR_INIT;
	assert_int_equal(load(&set,
			      "profile: p\ntitle: P\nrules:\n"
			      "  - id: a\n    title: A {}\n    for_each: [x, y]\n    fact: \"package.{}.installed\"\n"
			      "    expect: true\n    remedy: {rpm: \"yum install {}\", dpkg: \"apt-get install {}\"}\n"
			      "  - id: b\n    title: B\n    severity: warn\n    fact: cpu.logical\n"
			      "    expect: {at_least: 2}\n    remedy: r\n    when: {fact: xen.dom0, expect: false}\n",
			      &e),
			 0);
	struct profile *p = ruleset_find(&set, "p");
	assert_non_null(p);
	assert_int_equal(p->n, 2);
	assert_int_equal(p->rules[0].for_each.n, 2);
	assert_string_equal(p->rules[0].remedy_rpm, "yum install {}");
	assert_int_equal(p->rules[1].sev, SEV_WARN);
	assert_int_equal(p->rules[1].expect.op, OP_AT_LEAST);
	assert_int_equal(p->rules[1].nwhen, 1);
	assert_int_equal(p->rules[1].line, 10);

	/* A second file extends the profile; the same id replaces. */
	assert_int_equal(load(&set, "profiles: [p, q]\nrules:\n  - {id: b, title: B2, fact: cpu.logical, expect: 4, remedy: r}\n", &e), 0);
	p = ruleset_find(&set, "p");
	assert_int_equal(p->n, 2);
	assert_string_equal(p->rules[1].title, "B2");
	assert_non_null(ruleset_find(&set, "q"));
	assert_int_equal(ruleset_find(&set, "q")->n, 1);
	ruleset_free(&set);
}

/* A file naming several profiles gives each a rule of its own, every part
 * of it (regular expressions included) working and freed apart. */
static void test_load_shared(void **state)
{
	(void)state;
	struct ruleset set = { 0 };
	struct err e = ERR_INIT;
	assert_int_equal(load(&set,
			      "profiles: [p, q, r]\nrules:\n"
			      "  - id: m\n    title: M {}\n    for_each: [a, b]\n    fact: cpu.model\n    expect: {matches: \"^Intel\"}\n"
			      "    remedy: {rpm: \"yum {}\", dpkg: \"apt {}\"}\n    when: {fact: cpu.model, expect: {matches: \"x$\"}}\n",
			      &e),
			 0);
	struct probe_ctx ctx;
	probe_ctx_init(&ctx, "/");
	facts_set_str(&ctx.facts, "cpu.model", "Intel Xeon x", "test");
	facts_set_str(&ctx.facts, "cpu.other", "AMD EPYC", "test");
	const char *names[] = { "p", "q", "r" };
	for (int k = 0; k < 3; k++) {
		struct profile *p = ruleset_find(&set, names[k]);
		assert_non_null(p);
		assert_int_equal(p->n, 1);
		const struct rule *r = &p->rules[0];
		assert_string_equal(r->id, "m");
		assert_int_equal(r->for_each.n, 2);
		assert_string_equal(r->remedy_dpkg, "apt {}");
		assert_int_equal(r->nwhen, 1);
		assert_true(r->expect.has_re && r->when[0].expect.has_re);
		char *why = NULL;
		assert_int_equal(engine_test(&ctx, facts_get(&ctx.facts, "cpu.model"), &r->expect, &why), 1);
		free(why);
		why = NULL;
		assert_int_equal(engine_test(&ctx, facts_get(&ctx.facts, "cpu.other"), &r->expect, &why), 0);
		free(why);
		if (k)
			assert_ptr_not_equal(r->title, set.v[0].rules[0].title);
	}
	probe_ctx_free(&ctx);
	ruleset_free(&set);
	err_clear(&e);
}

static void test_load_errors(void **state)
{
	(void)state;
	expect_error("", "t.yaml:1:1: empty file");
	expect_error("- a\n", "t.yaml:1:1: a rule file is a mapping with 'profile' and 'rules'");
	expect_error("profile: p\n", "t.yaml:1:1: a rule file needs 'rules' and either 'profile' or 'profiles'");
	expect_error("profile: p\nrules: []\nextra: 1\n", "t.yaml:3:1: unknown key 'extra' in a rule file (known: profile, profiles, title, description, rules)");
	expect_error("profile: p\nprofile: q\nrules: []\n", "t.yaml:2:1: duplicate key 'profile'");
	expect_error("profile: p\nrules:\n  - {id: a, title: A, expect: 1, remedy: r}\n", "t.yaml:3:5: rule a lacks 'fact'");
	expect_error("profile: p\nrules:\n  - {id: a, title: A, fact: cpu.nope, expect: 1, remedy: r}\n",
		     "t.yaml:3:29: no probe provides the fact 'cpu.nope' (hvscope check --facts lists them)");
	expect_error("profile: p\nrules:\n  - {id: a, title: A, fact: \"package.{}.installed\", expect: true, remedy: r}\n",
		     "t.yaml:3:29: '{}' in 'package.{}.installed' needs for_each or for_each_fact");
	expect_error("profile: p\nrules:\n  - {id: a, title: A, fact: cpu.logical, expect: {at_least: many}, remedy: r}\n",
		     "t.yaml:3:61: 'at_least' needs a whole number or fact:NAME");
	expect_error("profile: p\nrules:\n  - {id: a, title: A, fact: cpu.logical, expect: 1, remedy: r, severity: high}\n",
		     "t.yaml:3:74: severity is 'fail' or 'warn'");
	expect_error("profile: p\nrules:\n  - {id: 'a b', title: A, fact: cpu.logical, expect: 1, remedy: r}\n",
		     "t.yaml:3:10: rule id 'a b': use letters, digits, '-', '_' and '.'");
	expect_error("profile: &x p\nrules: []\n", "t.yaml:1:10: anchors (&) are not supported in rule files");
	expect_error("profile: p\nrules: []\n---\nprofile: q\n", "t.yaml:3:1: only one YAML document per rule file");
	expect_error("profile: p\nrules:\n  - {id: a, title: A, fact: cpu.logical, expect: 1, remedy: {apt: x}}\n",
		     "t.yaml:3:62: remedy keys are default, rpm and dpkg, not 'apt'");
}

static struct fact *mk(struct facts *fs, const char *name)
{
	return facts_get(fs, name);
}

static int test_with(struct probe_ctx *ctx, const char *fact, const char *expect_yaml)
{
	struct ruleset set = { 0 };
	struct err e = ERR_INIT;
	char *text = xasprintf("profile: p\nrules:\n  - {id: a, title: A, fact: cpu.model, expect: %s, remedy: r}\n", expect_yaml);
	assert_int_equal(load(&set, text, &e), 0);
	free(text);
	char *why = NULL;
	int r = engine_test(ctx, mk(&ctx->facts, fact), &set.v[0].rules[0].expect, &why);
	free(why);
	ruleset_free(&set);
	return r;
}

static void test_operators(void **state)
{
	(void)state;
	struct probe_ctx ctx;
	probe_ctx_init(&ctx, "/nonexistent-root");
	struct strv l = { 0 };
	strv_push(&l, "00:16:3e:00:00:01");
	strv_push(&l, "00:16:3E:00:00:02");
	facts_set_list_take(&ctx.facts, "L", &l, "test");
	facts_set_list_take(&ctx.facts, "E", &l, "test");
	facts_set_int(&ctx.facts, "I", 4, "test");
	facts_set_int(&ctx.facts, "cpu.logical", 2, "test");
	facts_set_str(&ctx.facts, "S", "xen-3.0-x86_32p hvm-3.0-x86_32", "test");
	facts_set_str(&ctx.facts, "V", "3.0.3-25.el5", "test");
	facts_set_bool(&ctx.facts, "B", true, "test");

	assert_int_equal(test_with(&ctx, "B", "true"), 1);
	assert_int_equal(test_with(&ctx, "B", "false"), 0);
	assert_int_equal(test_with(&ctx, "B", "{equals: 1}"), -1); /* bool vs number */
	assert_int_equal(test_with(&ctx, "I", "4"), 1);
	assert_int_equal(test_with(&ctx, "I", "{at_least: 5}"), 0);
	assert_int_equal(test_with(&ctx, "I", "{at_most: 4}"), 1);
	assert_int_equal(test_with(&ctx, "I", "{at_most: \"fact:cpu.logical\"}"), 0);
	assert_int_equal(test_with(&ctx, "S", "{contains: hvm}"), 1);
	assert_int_equal(test_with(&ctx, "S", "{not_contains: hvm}"), 0);
	assert_int_equal(test_with(&ctx, "S", "{matches: \"^xen-3\\\\.0\"}"), 1);
	assert_int_equal(test_with(&ctx, "S", "{not_matches: \"^xen-3\\\\.0\"}"), 0);
	assert_int_equal(test_with(&ctx, "S", "{not_matches: \"(^| )spec-ctrl=no\"}"), 1);
	assert_int_equal(test_with(&ctx, "S", "{one_of: [a, b]}"), 0);
	assert_int_equal(test_with(&ctx, "S", "{at_least: 1}"), -1);
	assert_int_equal(test_with(&ctx, "L", "{all_match: \"^00:16:3[eE]:\"}"), 1);
	assert_int_equal(test_with(&ctx, "L", "{contains: \"00:16:3e:00:00:01\"}"), 1);
	assert_int_equal(test_with(&ctx, "L", "{not_matches: \":02$\"}"), 0); /* one item matches */
	assert_int_equal(test_with(&ctx, "L", "{not_matches: \":03$\"}"), 1);
	assert_int_equal(test_with(&ctx, "E", "{not_matches: \".\"}"), 1);
	assert_int_equal(test_with(&ctx, "L", "{empty: true}"), 0);
	assert_int_equal(test_with(&ctx, "E", "{empty: true}"), 1);
	assert_int_equal(test_with(&ctx, "E", "{not_empty: true}"), 0);
	assert_int_equal(test_with(&ctx, "V", "{version_at_least: \"3.0.3-9.el5\"}"), 1);
	assert_int_equal(test_with(&ctx, "V", "{version_at_least: \"3.1\"}"), 0);
	probe_ctx_free(&ctx);
}

/* warn_if: a value the rule does not want but accepts with a warning and
 * its own fix; any other miss keeps the rule's severity. */
static void test_warn_if(void **state)
{
	(void)state;
	expect_error("profile: p\nrules:\n  - {id: a, title: A, fact: cpu.model, expect: x, remedy: r, warn_if: {equals: y}}\n",
		     "t.yaml:3:71: 'warn_if' and 'warn_remedy' go together");
	struct ruleset set = { 0 };
	struct err e = ERR_INIT;
	assert_int_equal(load(&set,
			      "profile: p\nrules:\n  - {id: a, title: A, fact: cpu.model, expect: {one_of: [vt-x, amd-v]},"
			      " remedy: bios, warn_if: {equals: pvm}, warn_remedy: \"use TCG\"}\n",
			      &e),
			 0);
	static const struct {
		const char *seen;
		enum verdict v;
		const char *remedy;
	} cases[] = { { "vt-x", V_PASS, NULL }, { "pvm", V_WARN, "use TCG" }, { "none", V_FAIL, "bios" } };
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct probe_ctx ctx;
		probe_ctx_init(&ctx, "/nonexistent-root");
		facts_set_str(&ctx.facts, "cpu.model", cases[i].seen, "test");
		struct report rep = { 0 };
		engine_run(&ctx, &set.v[0], NULL, &rep);
		assert_int_equal(rep.n, 1);
		assert_int_equal(rep.v[0].verdict, cases[i].v);
		if (cases[i].remedy)
			assert_string_equal(rep.v[0].remedy, cases[i].remedy);
		else
			assert_null(rep.v[0].remedy);
		report_free(&rep);
		probe_ctx_free(&ctx);
	}
	ruleset_free(&set);
}

static void test_versions(void **state)
{
	(void)state;
	/* rpm's rules: numeric segments compare as numbers, ~ sorts first,
	 * the epoch wins. */
	assert_true(pkg_version_cmp_rpm("3.0.3-25.el5", "3.0.3-9.el5") > 0);
	assert_true(pkg_version_cmp_rpm("2.6.18-8.el5", "2.6.18-8.el5") == 0);
	assert_true(pkg_version_cmp_rpm("1.0~rc1", "1.0") < 0);
	assert_true(pkg_version_cmp_rpm("1:1.0", "2.0") > 0);
	assert_true(pkg_version_cmp_rpm("4.17.7+13-g2445b30a44-0+deb12u1", "4.17.1-1") > 0);
	assert_true(pkg_version_cmp_rpm("1.10", "1.9") > 0);
}

/* The remedy of a failing rule: the first alternative whose conditions
 * hold, with {fact:NAME} (and its fallback) filled in. */
static const char *remedy_for(struct probe_ctx *ctx, const struct profile *p, struct report *rep)
{
	report_free(rep);
	engine_run(ctx, p, NULL, rep);
	assert_int_equal(rep->n, 1);
	assert_int_equal(rep->v[0].verdict, V_FAIL);
	return rep->v[0].remedy;
}

static void test_remedy_alternatives(void **state)
{
	(void)state;
	struct ruleset set = { 0 };
	struct err e = ERR_INIT;
	assert_int_equal(load(&set,
			      "profile: p\nrules:\n"
			      "  - id: a\n    title: A\n    fact: cpu.logical\n    expect: {at_least: 100}\n    remedy:\n"
			      "      - when: {fact: init.system, expect: sysv}\n        text: chkconfig x on\n"
			      "      - when: [{fact: init.system, expect: systemd}, {fact: package.libvirt.version, expect: {version_at_least: \"5.6.0\"}}]\n"
			      "        text: \"{fact:packages.manager} install x.socket\"\n"
			      "      - text: \"{fact:packages.manager|yum} x {fact:os.id}\"\n",
			      &e),
			 0);
	struct probe_ctx ctx;
	probe_ctx_init(&ctx, "/nonexistent-root");
	facts_set_int(&ctx.facts, "cpu.logical", 2, "test");
	facts_set_str(&ctx.facts, "init.system", "systemd", "test");
	facts_set_str(&ctx.facts, "package.libvirt.version", "4.5.0-36.el7", "test");
	facts_set_str(&ctx.facts, "packages.manager", "dnf", "test");
	facts_set_status(&ctx.facts, "os.id", FACT_MISSING, "test");
	struct report rep = { 0 };
	const struct profile *p = ruleset_find(&set, "p");
	assert_string_equal(remedy_for(&ctx, p, &rep), "dnf x <os.id>");
	facts_set_str(&ctx.facts, "package.libvirt.version", "8.0.0-5.el8", "test");
	assert_string_equal(remedy_for(&ctx, p, &rep), "dnf install x.socket");
	facts_set_str(&ctx.facts, "init.system", "sysv", "test");
	assert_string_equal(remedy_for(&ctx, p, &rep), "chkconfig x on");
	facts_set_str(&ctx.facts, "init.system", "openrc", "test");
	facts_set_status(&ctx.facts, "packages.manager", FACT_MISSING, "test");
	assert_string_equal(remedy_for(&ctx, p, &rep), "yum x <os.id>");
	report_free(&rep);
	probe_ctx_free(&ctx);

	/* a second profile gets its own copy of the alternatives */
	assert_int_equal(load(&set, "profiles: [q, r]\nrules:\n  - {id: b, title: B, fact: cpu.logical, expect: 1, remedy: [{when: {fact: xen.dom0, expect: true}, text: x}, {text: y}]}\n", &e), 0);
	assert_int_equal(ruleset_find(&set, "q")->rules[0].nalts, 2);
	assert_ptr_not_equal(ruleset_find(&set, "q")->rules[0].alts[1].text, ruleset_find(&set, "r")->rules[0].alts[1].text);
	ruleset_free(&set);
	err_clear(&e);

	expect_error("profile: p\nrules:\n  - {id: a, title: A, fact: cpu.logical, expect: 1, remedy: [{when: {fact: xen.dom0, expect: true}, text: x}]}\n",
		     "t.yaml:3:61: the last remedy of a list has no 'when': it is given when no other one fits");
	expect_error("profile: p\nrules:\n  - {id: a, title: A, fact: cpu.logical, expect: 1, remedy: [{text: y}, {text: x}]}\n",
		     "t.yaml:3:62: only the last remedy of a list may lack 'when'");
	expect_error("profile: p\nrules:\n  - {id: a, title: A, fact: cpu.logical, expect: 1, remedy: [{txt: y}]}\n",
		     "t.yaml:3:63: unknown key 'txt' in a remedy list item (known: when, text)");
	expect_error("profile: p\nrules:\n  - {id: a, title: A, fact: cpu.logical, expect: 1, remedy: \"{fact:cpu.nope} x\"}\n",
		     "t.yaml:3:61: the remedy's {fact:cpu.nope}: no probe provides that fact");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_ok), cmocka_unit_test(test_load_shared),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_operators),
		cmocka_unit_test(test_warn_if),
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_remedy_alternatives),
	};
	return cmocka_run_group_tests_name("rules", tests, NULL, NULL);
}

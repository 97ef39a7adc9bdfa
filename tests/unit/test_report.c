/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The report writers on a hand-made report whose strings hold every
 * character that needs escaping somewhere: quotes, backslashes, newlines,
 * control characters, XML's <&>, UTF-8. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "rules/report.h"
#include "rules/ruleset.h"

static struct ruleset set;

static void add(struct report *r, const struct rule *rule, const char *id, const char *title, enum verdict v, const char *seen,
		const char *remedy, const char *reason)
{
	r->v = xrealloc(r->v, (r->n + 1) * sizeof(*r->v));
	struct result *x = &r->v[r->n++];
	memset(x, 0, sizeof(*x));
	x->rule = rule;
	x->id = xstrdup(id);
	x->title = xstrdup(title);
	x->verdict = v;
	x->fact = xstrdup(rule->fact);
	x->seen = seen ? xstrdup(seen) : NULL;
	x->evidence = xstrdup("/proc/cpuinfo: \"flags\\tpae\"");
	x->expected = xstrdup("== true");
	x->remedy = remedy ? xstrdup(remedy) : NULL;
	x->reason = reason ? xstrdup(reason) : NULL;
	r->count[v]++;
}

static void make(struct report *r)
{
	memset(r, 0, sizeof(*r));
	struct err e = ERR_INIT;
	const char *text = "profile: p\nrules:\n"
			   "  - {id: a, title: A, fact: cpu.logical, expect: 1, remedy: r}\n"
			   "  - {id: b, title: B, severity: warn, fact: cpu.logical, expect: 1, remedy: r, reference: \"https://x/?a=1&b=<2>\"}\n";
	assert_int_equal(ruleset_load_text(&set, "t.yaml", text, strlen(text), &e), 0);
	const struct profile *p = ruleset_find(&set, "p");
	r->profile = xstrdup("p\"q");
	r->profile_title = xstrdup("Tïtle <x>");
	r->root = xstrdup("/");
	r->host = xstrdup("h&1");
	r->started = 1700000000.5;
	r->duration = 0.25;
	add(r, &p->rules[0], "a", "say \"hi\"\nthen <go> & \x01", V_FAIL, "false", "yum install 'x'", NULL);
	add(r, &p->rules[1], "b[x\\y]", "B", V_SKIP, NULL, NULL, "not on \"Xen\"");
	add(r, &p->rules[0], "c", "ok", V_PASS, "true", NULL, NULL);
}

static void contains(const char *text, const char *want)
{
	if (!strstr(text, want))
		fail_msg("missing: %s\nin:\n%s", want, text);
}

static void test_json(void **state)
{
	(void)state;
	struct report r;
	make(&r);
	struct buf b = BUF_INIT;
	report_write_json(&r, &b);
	const char *t = buf_str(&b);
	contains(t, "\"profile\":\"p\\\"q\"");
	contains(t, "\"title\":\"say \\\"hi\\\"\\nthen <go> & \\u0001\"");
	contains(t, "\"id\":\"b[x\\\\y]\"");
	contains(t, "\"summary\":{\"pass\":1,\"warn\":0,\"fail\":1,\"skip\":1,\"error\":0}");
	contains(t, "\"exit_code\":2");
	contains(t, "\"seen\":null");
	contains(t, "\"reference\":\"https://x/?a=1&b=<2>\"");
	/* One check a line, and nothing outside the object. */
	size_t lines = 0;
	for (const char *p = t; *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines, 5);
	assert_true(t[0] == '{' && strcmp(t + strlen(t) - 3, "]}\n") == 0);
	buf_free(&b);
	report_free(&r);
}

static void test_junit(void **state)
{
	(void)state;
	struct report r;
	make(&r);
	struct buf b = BUF_INIT;
	report_write_junit(&r, &b);
	const char *t = buf_str(&b);
	contains(t, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
	contains(t, "tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"1\"");
	contains(t, "hostname=\"h&amp;1\"");
	contains(t, "&lt;go&gt; &amp;");
	assert_null(strstr(t, "\x01")); /* not allowed in XML 1.0 at all */
	contains(t, "<failure");
	contains(t, "<skipped");
	buf_free(&b);
	report_free(&r);
}

static void test_prometheus(void **state)
{
	(void)state;
	struct report r;
	make(&r);
	struct buf b = BUF_INIT;
	report_write_prometheus(&r, &b);
	const char *t = buf_str(&b);
	contains(t, "hvscope_check_status{profile=\"p\\\"q\",check=\"a\",severity=\"fail\",status=\"fail\"} 1\n");
	contains(t, "hvscope_check_status{profile=\"p\\\"q\",check=\"b[x\\\\y]\",severity=\"warn\",status=\"skip\"} 1\n");
	contains(t, "hvscope_check_results{profile=\"p\\\"q\",status=\"pass\"} 1\n");
	contains(t, "hvscope_check_last_run_timestamp_seconds 1700000000.500\n");
	buf_free(&b);
	report_free(&r);
}

static void test_text(void **state)
{
	(void)state;
	struct report r;
	make(&r);
	struct buf b = BUF_INIT;
	struct report_opts o = { .color = false, .quiet = false };
	report_write_text(&r, &o, &b);
	const char *t = buf_str(&b);
	contains(t, "FAIL");
	contains(t, "yum install 'x'");
	contains(t, "3 checks: 1 pass, 0 warn, 1 fail, 1 skip, 0 error");
	assert_null(strstr(t, "\x1b[")); /* no colour asked */
	buf_reset(&b);
	o.quiet = true;
	report_write_text(&r, &o, &b);
	assert_null(strstr(buf_str(&b), "3 checks:"));
	buf_free(&b);
	report_free(&r);
}

static int teardown(void **state)
{
	(void)state;
	ruleset_free(&set);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_junit),
		cmocka_unit_test(test_prometheus),
		cmocka_unit_test(test_text),
	};
	return cmocka_run_group_tests(tests, NULL, teardown);
}

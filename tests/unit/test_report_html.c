/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The HTML pages: escaping (core/escape.c's esc_html), the order checks
 * and hosts are shown in, one report's page with markup in every string a
 * host gives, and the fleet's page from reports on disk, one of them not
 * JSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/escape.h"
#include "core/scrub.h"
#include "core/util.h"
#include "rules/fleet.h"
#include "rules/report_html.h"
#include "rules/ruleset.h"
#include "tmpdir.h"

static void contains(const char *text, const char *want)
{
	if (!strstr(text, want))
		fail_msg("missing: %s\nin:\n%s", want, text);
}

static void lacks(const char *text, const char *bad)
{
	if (strstr(text, bad))
		fail_msg("unwanted: %s\nin:\n%s", bad, text);
}

/* Where want first stands in text, failing when it does not. */
static size_t at(const char *text, const char *want)
{
	const char *p = strstr(text, want);
	if (!p)
		fail_msg("missing: %s", want);
	return (size_t)(p - text);
}

static void test_escape(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	esc_html(&b, "<script>alert('x')</script> & \"q\"");
	assert_string_equal(buf_str(&b), "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
	buf_reset(&b);
	/* Lines and tabs kept, other controls and broken UTF-8 as U+FFFD,
	 * valid UTF-8 as it is. */
	esc_html(&b, "a\nb\tc\x01" "d\x7f" "e\xff" "f\xc3\xa9\xe2\x82\xac\xc0\xaf");
	assert_string_equal(buf_str(&b), "a\nb\tc\xef\xbf\xbd" "d\xef\xbf\xbd" "e\xef\xbf\xbd" "f\xc3\xa9\xe2\x82\xac\xef\xbf\xbd\xef\xbf\xbd");
	buf_reset(&b);
	esc_html(&b, "");
	assert_string_equal(buf_str(&b), "");
	buf_free(&b);
}

static void test_order(void **state)
{
	(void)state;
	const enum verdict vs[] = { V_PASS, V_FAIL, V_SKIP, V_WARN, V_ERROR, V_FAIL, V_PASS, V_WARN };
	struct html_check c[8];
	for (size_t i = 0; i < 8; i++)
		c[i] = (struct html_check){ .id = "x", .verdict = vs[i] };
	size_t idx[8];
	html_order(c, 8, idx);
	const size_t want[8] = { 1, 5, 3, 7, 4, 2, 0, 6 };
	for (size_t i = 0; i < 8; i++)
		assert_int_equal(idx[i], want[i]);
	html_order(c, 0, idx);
	assert_int_equal(html_verdict_rank(V_FAIL), 0);
	assert_int_equal(html_verdict_rank(V_PASS), 4);
}

static struct ruleset set;

static void add(struct report *r, const struct rule *rule, const char *id, enum verdict v, const char *evidence, const char *remedy)
{
	r->v = xrealloc(r->v, (r->n + 1) * sizeof(*r->v));
	struct result *x = &r->v[r->n++];
	memset(x, 0, sizeof(*x));
	x->rule = rule;
	x->id = xstrdup(id);
	x->title = xstrdup("guest <b>bold</b>");
	x->verdict = v;
	x->fact = xstrdup(rule->fact);
	x->seen = xstrdup("<img src=x onerror=alert(1)>");
	x->evidence = xstrdup(evidence);
	x->expected = xstrdup("== true");
	x->remedy = remedy ? xstrdup(remedy) : NULL;
	x->reason = v == V_SKIP ? xstrdup("not on 'Xen'") : NULL;
	r->count[v]++;
}

static void make(struct report *r)
{
	memset(r, 0, sizeof(*r));
	struct err e = ERR_INIT;
	const char *text = "profile: p\nrules:\n"
			   "  - {id: a, title: A, fact: cpu.logical, expect: 1, remedy: r, reference: 'libvirt.org/daemons, \"Daemons\"'}\n"
			   "  - {id: b, title: B, fact: cpu.logical, expect: 1, remedy: r, reference: \"javascript:alert(1)\"}\n";
	if (ruleset_load_text(&set, "t.yaml", text, strlen(text), &e) != 0)
		fail_msg("%s", err_msg(&e));
	const struct profile *p = ruleset_find(&set, "p");
	r->profile = xstrdup("p");
	r->root = xstrdup("/");
	r->host = xstrdup("<script>alert(\"host\")</script>");
	r->started = 1700000000;
	add(r, &p->rules[0], "pass-one", V_PASS, "ok", NULL);
	add(r, &p->rules[1], "skip-one", V_SKIP, "", NULL);
	add(r, &p->rules[0], "fail-one", V_FAIL, "</pre><script>alert(1)</script>", "echo 'a' > /etc/x && reboot");
	add(r, &p->rules[0], "warn-one", V_WARN, "password=hunter2 in the config", "fix");
}

static void test_report_page(void **state)
{
	(void)state;
	struct report r;
	make(&r);
	struct buf b = BUF_INIT;
	report_write_html(&r, &b);
	const char *t = buf_str(&b);
	/* Markup from the host is text; the page has no script, image or
	 * fetch of its own, and says so to the browser. */
	lacks(t, "<script");
	lacks(t, "<img");
	lacks(t, "src=\"");
	contains(t, "&lt;script&gt;alert(&quot;host&quot;)&lt;/script&gt;");
	contains(t, "<pre>&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;</pre>");
	contains(t, "&lt;img src=x onerror=alert(1)&gt;");
	contains(t, "<pre>echo &#39;a&#39; &gt; /etc/x &amp;&amp; reboot</pre>");
	contains(t, "default-src 'none'");
	/* Failing first. */
	size_t f = at(t, ">fail-one<"), w = at(t, ">warn-one<"), s = at(t, ">skip-one<"), p = at(t, ">pass-one<");
	assert_true(f < w && w < s && s < p);
	/* Ids stay the checks' own indexes: a fleet's cell links to them. */
	contains(t, "id=\"c2\" open");
	contains(t, "id=\"c0\">");
	/* A web address links, anything else is text. */
	contains(t, "href=\"https://libvirt.org/daemons\">libvirt.org/daemons</a>, &quot;Daemons&quot;");
	lacks(t, "href=\"javascript");
	contains(t, "<dd>javascript:alert(1)</dd>");
	/* Secrets scrubbed before escaping, and the page is already what the
	 * scrubber leaves. */
	lacks(t, "hunter2");
	struct buf again = BUF_INIT;
	scrub_text(b.s, b.len, &again);
	assert_string_equal(buf_str(&again), t);
	buf_free(&again);
	buf_free(&b);
	report_free(&r);
	ruleset_free(&set);
}

static char *write_file(const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static const char good[] =
	"{\"host\":\"ok-host\",\"profile\":\"kvm\",\"checks\":[{\"id\":\"a\",\"verdict\":\"pass\"},{\"id\":\"b\",\"verdict\":\"pass\"}]}";
static const char bad_host[] =
	"{\"host\":\"<b onmouseover=alert(1)>evil</b>\",\"profile\":\"kvm\",\"checks\":["
	"{\"id\":\"a\",\"verdict\":\"fail\",\"evidence\":\"<script>alert(2)</script>\",\"remedy\":\"rm -rf '<x>'\"},"
	"{\"id\":\"c\",\"verdict\":\"warn\",\"reference\":\"javascript:alert(3)\"},"
	"{\"id\":\"b\",\"verdict\":\"bogus\"}, 7]}";
static const char warn_host[] = "{\"host\":\"warn-host\",\"checks\":[{\"id\":\"b\",\"verdict\":\"warn\"}]}";
static const char broken[] = "{\"host\": \"x\",\n  \"checks\": [}\n";

static void test_fleet(void **state)
{
	(void)state;
	struct strv paths = { 0 };
	const char *names[] = { "good.json", "bad.json", "broken.json", "warn.json", "missing.json" };
	const char *texts[] = { good, bad_host, broken, warn_host, NULL };
	for (size_t i = 0; i < 5; i++) {
		char *p = texts[i] ? write_file(names[i], texts[i]) : xasprintf("%s/%s", dir, names[i]);
		strv_push_take(&paths, p);
	}
	struct fleet f = { 0 };
	assert_int_equal(fleet_load(&paths, &f), 2);
	/* The parse error's place, and a missing file, named. */
	_cleanup_free_ char *where = xasprintf("%s/broken.json:2:14:", dir);
	contains(f.v[2].problem, where);
	_cleanup_free_ char *missing = xasprintf("%s/missing.json: No such file or directory", dir);
	assert_string_equal(f.v[4].problem, missing);
	/* An unknown verdict and an entry that is no object are errors. */
	assert_int_equal(f.v[1].h.count[V_ERROR], 2);
	size_t idx[5];
	fleet_order(&f, idx);
	/* No report first (by path), then most FAIL, then WARN, then the rest. */
	assert_int_equal(idx[0], 2);
	assert_int_equal(idx[1], 4);
	assert_int_equal(idx[2], 1);
	assert_int_equal(idx[3], 3);
	assert_int_equal(idx[4], 0);
	struct buf b = BUF_INIT;
	fleet_write_html(&f, &b);
	const char *t = buf_str(&b);
	lacks(t, "<script");
	lacks(t, "<b ");
	lacks(t, "href=\"javascript");
	contains(t, "&lt;b onmouseover=alert(1)&gt;evil&lt;/b&gt;");
	/* Each cell links to its host's check below. */
	contains(t, "<td class=\"v-fail\"><a href=\"#h1-c0\"");
	contains(t, "id=\"h1-c0\"");
	contains(t, "<td class=\"v-warn\"><a href=\"#h3-c0\"");
	contains(t, "id=\"h3-c0\"");
	/* Rows worst first: the table's order is the hosts'. */
	size_t r_bad = at(t, "<a href=\"#h1-host\">"), r_warn = at(t, "<a href=\"#h3-host\">"), r_ok = at(t, "<a href=\"#h0-host\">");
	assert_true(r_bad < r_warn && r_warn < r_ok);
	contains(t, "no report: ");
	buf_free(&b);
	fleet_free(&f);
	strv_free(&paths);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_report_page),
		cmocka_unit_test(test_fleet),
	};
	return cmocka_run_group_tests(tests, tmpdir_setup, tmpdir_teardown);
}

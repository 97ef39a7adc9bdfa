/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Report writers: text, JSON, JUnit XML and Prometheus text, into a buffer. */
#include "rules/report.h"

#include <string.h>
#include <time.h>

#include "core/escape.h"
#include "core/json.h"

static const char *const colors[] = { "\033[32m", "\033[33m", "\033[31m", "\033[2m", "\033[35m" };
#define RESET "\033[0m"

static void iso8601(double t, char *out, size_t n)
{
	time_t s = (time_t)t;
	struct tm tm;
	gmtime_r(&s, &tm);
	strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Multi-line text indented under a label. */
static void put_block(struct buf *out, const char *label, const char *text)
{
	buf_printf(out, "      %-6s", label);
	for (const char *p = text; *p; p++) {
		buf_putc(out, *p);
		if (*p == '\n' && p[1])
			buf_puts(out, "            ");
	}
	buf_putc(out, '\n');
}

void report_write_text(const struct report *r, const struct report_opts *o, struct buf *out)
{
	if (!o->quiet) {
		buf_printf(out, "hvscope check: profile %s%s%s%s\n", r->profile, r->profile_title ? " (" : "",
			   r->profile_title ? r->profile_title : "", r->profile_title ? ")" : "");
		if (r->profile_reason)
			buf_printf(out, "  chosen: %s\n", r->profile_reason);
		buf_printf(out, "  host: %s, root: %s%s\n\n", r->host, r->root, r->is_root ? "" : ", not running as root");
	}
	size_t w = 0;
	for (size_t i = 0; i < r->n; i++)
		if (strlen(r->v[i].id) > w)
			w = strlen(r->v[i].id);
	if (w > 40)
		w = 40;
	for (size_t i = 0; i < r->n; i++) {
		const struct result *res = &r->v[i];
		if (o->quiet && (res->verdict == V_PASS || res->verdict == V_SKIP))
			continue;
		char tag[8];
		snprintf(tag, sizeof(tag), "%s", verdict_name(res->verdict));
		for (char *c = tag; *c; c++)
			*c = (char)(*c - 'a' + 'A');
		if (o->color)
			buf_printf(out, "%s%-5s" RESET, colors[res->verdict], tag);
		else
			buf_printf(out, "%-5s", tag);
		buf_printf(out, " %-*s  %s", (int)w, res->id, res->title);
		if (res->verdict == V_SKIP && res->reason)
			buf_printf(out, " (%s)", res->reason);
		buf_putc(out, '\n');
		if (res->verdict == V_WARN || res->verdict == V_FAIL) {
			struct buf seen = BUF_INIT;
			buf_printf(&seen, "%s = %s", res->fact, res->seen);
			if (res->evidence && *res->evidence)
				buf_printf(&seen, " (%s)", res->evidence);
			put_block(out, "seen:", buf_str(&seen));
			buf_free(&seen);
			put_block(out, "want:", res->expected);
			if (res->remedy)
				put_block(out, "fix:", res->remedy);
		} else if (res->verdict == V_ERROR) {
			put_block(out, "error:", res->reason ? res->reason : "?");
		}
	}
	if (!o->quiet)
		buf_printf(out, "\n%zu checks: %zu pass, %zu warn, %zu fail, %zu skip, %zu error (%.3f s)\n", r->n, r->count[V_PASS],
			   r->count[V_WARN], r->count[V_FAIL], r->count[V_SKIP], r->count[V_ERROR], r->duration);
}

static void write_result_json(struct json *j, const struct result *res)
{
	json_object(j, NULL, JSON_INLINE);
	json_string(j, "id", res->id);
	json_string(j, "rule", res->rule->id);
	json_string(j, "item", res->item);
	json_string(j, "title", res->title);
	json_string(j, "verdict", verdict_name(res->verdict));
	json_string(j, "severity", severity_name(res->rule->sev));
	json_string(j, "fact", res->fact);
	json_string(j, "seen", res->seen);
	json_string(j, "evidence", res->evidence);
	json_string(j, "expected", res->expected);
	json_string(j, "reason", res->reason);
	json_string(j, "remedy", res->remedy);
	json_string(j, "reference", res->rule->reference);
	json_close(j);
}

void report_write_json(const struct report *r, struct buf *out)
{
	char ts[32];
	iso8601(r->started, ts, sizeof(ts));
	struct json j;
	json_init(&j, out, false);
	json_object(&j, NULL, JSON_INLINE);
	json_string(&j, "hvscope_version", HVSCOPE_VERSION);
	json_string(&j, "profile", r->profile);
	json_string(&j, "profile_title", r->profile_title);
	json_string(&j, "profile_reason", r->profile_reason);
	json_string(&j, "host", r->host);
	json_string(&j, "root", r->root);
	json_bool(&j, "as_root", r->is_root);
	json_string(&j, "started", ts);
	json_double(&j, "duration_seconds", r->duration, 6);
	json_int(&j, "exit_code", report_exit_code(r));
	json_object(&j, "summary", JSON_INLINE);
	for (int v = 0; v < V__COUNT; v++)
		json_uint(&j, verdict_name((enum verdict)v), r->count[v]);
	json_close(&j);
	json_array(&j, "checks", JSON_LINES);
	for (size_t i = 0; i < r->n; i++)
		write_result_json(&j, &r->v[i]);
	json_close(&j);
	json_close(&j);
	buf_putc(out, '\n');
}

void report_write_junit(const struct report *r, struct buf *out)
{
	char ts[32];
	iso8601(r->started, ts, sizeof(ts));
	buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n<testsuite name=\"hvscope.");
	esc_xml(out, r->profile);
	buf_printf(out, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" time=\"%.6f\" timestamp=\"%s\" hostname=\"", r->n,
		   r->count[V_FAIL], r->count[V_ERROR], r->count[V_SKIP], r->duration, ts);
	esc_xml(out, r->host);
	buf_puts(out, "\">\n");
	for (size_t i = 0; i < r->n; i++) {
		const struct result *res = &r->v[i];
		buf_puts(out, "  <testcase classname=\"hvscope.");
		esc_xml(out, r->profile);
		buf_puts(out, "\" name=\"");
		esc_xml(out, res->id);
		buf_puts(out, ": ");
		esc_xml(out, res->title);
		buf_puts(out, "\" time=\"0\"");
		struct buf detail = BUF_INIT;
		if (res->fact)
			buf_printf(&detail, "seen: %s = %s (%s)\nwant: %s\n", res->fact, res->seen ? res->seen : "",
				   res->evidence ? res->evidence : "", res->expected);
		if (res->remedy)
			buf_printf(&detail, "fix: %s\n", res->remedy);
		switch (res->verdict) {
		case V_PASS:
			buf_puts(out, "/>\n");
			break;
		case V_WARN:
			buf_puts(out, ">\n    <system-out>WARNING\n");
			esc_xml(out, buf_str(&detail));
			buf_puts(out, "</system-out>\n  </testcase>\n");
			break;
		case V_FAIL:
			buf_puts(out, ">\n    <failure message=\"");
			esc_xml(out, res->title);
			buf_puts(out, "\" type=\"fail\">");
			esc_xml(out, buf_str(&detail));
			buf_puts(out, "</failure>\n  </testcase>\n");
			break;
		case V_SKIP:
			buf_puts(out, ">\n    <skipped message=\"");
			esc_xml(out, res->reason ? res->reason : "");
			buf_puts(out, "\"/>\n  </testcase>\n");
			break;
		default:
			buf_puts(out, ">\n    <error message=\"");
			esc_xml(out, res->reason ? res->reason : "");
			buf_puts(out, "\"/>\n  </testcase>\n");
			break;
		}
		buf_free(&detail);
	}
	buf_puts(out, "</testsuite>\n</testsuites>\n");
}

void report_write_prometheus(const struct report *r, struct buf *out)
{
	buf_puts(out, "# HELP hvscope_check_status Verdict of one readiness check: 1 on the series whose status label holds it.\n"
		      "# TYPE hvscope_check_status gauge\n");
	for (size_t i = 0; i < r->n; i++) {
		const struct result *res = &r->v[i];
		buf_puts(out, "hvscope_check_status{profile=\"");
		esc_prom_label(out, r->profile);
		buf_puts(out, "\",check=\"");
		esc_prom_label(out, res->id);
		buf_printf(out, "\",severity=\"%s\",status=\"%s\"} 1\n", severity_name(res->rule->sev), verdict_name(res->verdict));
	}
	buf_puts(out, "# HELP hvscope_check_results Number of checks by verdict in the last run.\n# TYPE hvscope_check_results gauge\n");
	for (int v = 0; v < V__COUNT; v++) {
		buf_puts(out, "hvscope_check_results{profile=\"");
		esc_prom_label(out, r->profile);
		buf_printf(out, "\",status=\"%s\"} %zu\n", verdict_name((enum verdict)v), r->count[v]);
	}
	buf_printf(out, "# HELP hvscope_check_last_run_timestamp_seconds When the checks last ran.\n"
			"# TYPE hvscope_check_last_run_timestamp_seconds gauge\nhvscope_check_last_run_timestamp_seconds %.3f\n"
			"# HELP hvscope_check_duration_seconds How long the last run took.\n"
			"# TYPE hvscope_check_duration_seconds gauge\nhvscope_check_duration_seconds %.6f\n",
		   r->started, r->duration);
}

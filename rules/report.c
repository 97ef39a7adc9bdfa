/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "rules/report.h"

#include <string.h>
#include <time.h>

#include "core/escape.h"

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

static void json_kv(struct buf *out, const char *k, const char *v, bool comma)
{
	esc_json(out, k);
	buf_putc(out, ':');
	if (v)
		esc_json(out, v);
	else
		buf_puts(out, "null");
	if (comma)
		buf_putc(out, ',');
}

void report_write_json(const struct report *r, struct buf *out)
{
	char ts[32];
	iso8601(r->started, ts, sizeof(ts));
	buf_putc(out, '{');
	json_kv(out, "hvscope_version", HVSCOPE_VERSION, true);
	json_kv(out, "profile", r->profile, true);
	json_kv(out, "profile_title", r->profile_title, true);
	json_kv(out, "profile_reason", r->profile_reason, true);
	json_kv(out, "host", r->host, true);
	json_kv(out, "root", r->root, true);
	buf_printf(out, "\"as_root\":%s,", r->is_root ? "true" : "false");
	json_kv(out, "started", ts, true);
	buf_printf(out, "\"duration_seconds\":%.6f,\"exit_code\":%d,\"summary\":{", r->duration, report_exit_code(r));
	for (int v = 0; v < V__COUNT; v++)
		buf_printf(out, "%s\"%s\":%zu", v ? "," : "", verdict_name((enum verdict)v), r->count[v]);
	buf_puts(out, "},\"checks\":[");
	for (size_t i = 0; i < r->n; i++) {
		const struct result *res = &r->v[i];
		buf_puts(out, i ? ",\n{" : "\n{");
		json_kv(out, "id", res->id, true);
		json_kv(out, "rule", res->rule->id, true);
		json_kv(out, "item", res->item, true);
		json_kv(out, "title", res->title, true);
		json_kv(out, "verdict", verdict_name(res->verdict), true);
		json_kv(out, "severity", severity_name(res->rule->sev), true);
		json_kv(out, "fact", res->fact, true);
		json_kv(out, "seen", res->seen, true);
		json_kv(out, "evidence", res->evidence, true);
		json_kv(out, "expected", res->expected, true);
		json_kv(out, "reason", res->reason, true);
		json_kv(out, "remedy", res->remedy, true);
		json_kv(out, "reference", res->rule->reference, false);
		buf_putc(out, '}');
	}
	buf_puts(out, "\n]}\n");
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

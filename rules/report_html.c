/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The HTML report of one host, and the parts of a page the fleet's page
 * shares with it. */
#include "rules/report_html.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/escape.h"
#include "core/scrub.h"
#include "core/util.h"

static const int ranks[V__COUNT] = { [V_FAIL] = 0, [V_WARN] = 1, [V_ERROR] = 2, [V_SKIP] = 3, [V_PASS] = 4 };
static const char *const tags[V__COUNT] = { [V_PASS] = "PASS", [V_WARN] = "WARN", [V_FAIL] = "FAIL", [V_SKIP] = "SKIP", [V_ERROR] = "ERROR" };

/* No script, no font, no image: the style is all there is, and the policy
 * says so to the browser, so that even markup that got through could
 * neither run nor fetch anything. */
static const char head[] =
	"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
	"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	"<style>\n"
	"body{font-family:sans-serif;margin:1.5em;color:#1b1b1b;background:#fff}\n"
	"h1{font-size:1.4em;margin:0 0 .3em}h2{font-size:1.2em;margin:1.5em 0 .3em}\n"
	"pre{background:#f4f4f4;border:1px solid #ddd;padding:.5em;white-space:pre-wrap;overflow-wrap:anywhere;margin:.2em 0}\n"
	"code{overflow-wrap:anywhere}\n"
	".meta{margin:.2em 0;color:#444}.meta dt{font-weight:bold;float:left;clear:left;width:7em}.meta dd{margin-left:7.5em}\n"
	".badge{display:inline-block;padding:.1em .5em;margin-right:.3em;border-radius:.3em;font-weight:bold}\n"
	".v-fail{background:#f8d0d0}.v-warn{background:#fbe8b0}.v-error{background:#e6d0f2}.v-skip{background:#e6e6e6}.v-pass{background:#d3efd3}\n"
	".tag{font-weight:bold;display:inline-block;min-width:3.5em}\n"
	"details.check{border:1px solid #ccc;border-radius:.3em;margin:.4em 0;padding:.3em .6em}\n"
	"details.check>summary{cursor:pointer}\n"
	".check dl{margin:.4em 0;display:grid;grid-template-columns:max-content 1fr;gap:.2em .8em;align-items:baseline}\n"
	".check dt{font-weight:bold}.check dd{margin:0;min-width:0}\n"
	".problem{border:2px solid #c00;padding:.5em;background:#fff0f0}\n"
	"table.fleet{border-collapse:collapse;margin:.5em 0}\n"
	"table.fleet th,table.fleet td{border:1px solid #bbb;padding:.2em .4em;text-align:center}\n"
	"table.fleet th.host,table.fleet td.problem{text-align:left}table.fleet th.sum{font-weight:normal;white-space:nowrap}\n"
	".scroll{overflow-x:auto}\n"
	"table.fleet thead th{writing-mode:vertical-rl;transform:rotate(180deg);font-weight:normal;max-height:16em}\n"
	"table.fleet thead th.corner{writing-mode:horizontal-tb;transform:none;vertical-align:bottom;font-weight:bold}\n"
	"table.fleet a{color:inherit;text-decoration:none;display:block}\n"
	"</style>\n";

int html_verdict_rank(enum verdict v)
{
	return (unsigned)v < V__COUNT ? ranks[v] : ranks[V_ERROR];
}

const char *html_verdict_tag(enum verdict v)
{
	return (unsigned)v < V__COUNT ? tags[v] : tags[V_ERROR];
}

void html_order(const struct html_check *v, size_t n, size_t *idx)
{
	/* Insertion sort: stable, and a report holds tens of checks. */
	for (size_t i = 0; i < n; i++) {
		size_t j = i;
		int r = html_verdict_rank(v[i].verdict);
		for (; j > 0 && html_verdict_rank(v[idx[j - 1]].verdict) > r; j--)
			idx[j] = idx[j - 1];
		idx[j] = i;
	}
}

void html_text(struct buf *out, const char *s)
{
	struct buf clean = BUF_INIT;
	scrub_text(s ? s : "", s ? strlen(s) : 0, &clean);
	esc_html(out, buf_str(&clean));
	buf_free(&clean);
}

void html_page_begin(struct buf *out, const char *title)
{
	buf_puts(out, head);
	buf_puts(out, "<title>");
	html_text(out, title);
	buf_puts(out, "</title>\n</head>\n<body>\n");
}

void html_page_end(struct buf *out)
{
	buf_puts(out, "</body>\n</html>\n");
}

void html_counts(struct buf *out, const size_t count[V__COUNT])
{
	static const enum verdict order[] = { V_FAIL, V_WARN, V_ERROR, V_SKIP, V_PASS };
	buf_puts(out, "<p class=\"counts\">");
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		buf_printf(out, "<span class=\"badge v-%s\">%zu %s</span>", verdict_name(order[i]), count[order[i]], tags[order[i]]);
	buf_puts(out, "</p>\n");
}

/* A term and its text, when there is one. */
static void put_dd(struct buf *out, const char *term, const char *text, bool pre)
{
	if (!text || !*text)
		return;
	buf_printf(out, "<dt>%s</dt><dd>%s", term, pre ? "<pre>" : "");
	html_text(out, text);
	buf_puts(out, pre ? "</pre></dd>\n" : "</dd>\n");
}

/* The web address a reference begins with ("libvirt.org/drvqemu, \"SELinux
 * ...\"", "https://..."): its length, and in *scheme what to put before it;
 * 0 when it begins with none (a man page, the seed's chapter).  Only a web
 * address becomes a link: a report read back could hold "javascript:". */
static size_t web_address(const char *ref, const char **scheme)
{
	size_t n = strcspn(ref, " ,;\t\n\"'<>");
	*scheme = "";
	if (!strncmp(ref, "https://", 8) || !strncmp(ref, "http://", 7))
		return n;
	size_t host = strspn(ref, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-");
	if (host >= n || ref[host] != '/' || !memchr(ref, '.', host) || ref[0] == '.' || ref[0] == '-')
		return 0;
	*scheme = "https://";
	return n;
}

static void put_reference(struct buf *out, const char *ref)
{
	if (!ref || !*ref)
		return;
	const char *scheme;
	size_t n = web_address(ref, &scheme);
	buf_puts(out, "<dt>reference</dt><dd>");
	if (n) {
		_cleanup_free_ char *addr = xasprintf("%s%.*s", scheme, (int)n, ref);
		_cleanup_free_ char *shown = xasprintf("%.*s", (int)n, ref);
		buf_puts(out, "<a class=\"ref\" rel=\"noreferrer\" href=\"");
		html_text(out, addr);
		buf_puts(out, "\">");
		html_text(out, shown);
		buf_puts(out, "</a>");
	}
	html_text(out, ref + n);
	buf_puts(out, "</dd>\n");
}

static void put_check(struct buf *out, const struct html_check *c, size_t i, const char *prefix)
{
	const char *v = verdict_name(c->verdict);
	bool open = c->verdict == V_FAIL || c->verdict == V_WARN || c->verdict == V_ERROR;
	buf_printf(out, "<details class=\"check\" id=\"%sc%zu\"%s>\n<summary><span class=\"tag v-%s\">%s</span> <code class=\"id\">", prefix, i,
		   open ? " open" : "", v, html_verdict_tag(c->verdict));
	html_text(out, c->id);
	buf_puts(out, "</code> <span class=\"title\">");
	html_text(out, c->title);
	buf_puts(out, "</span></summary>\n<dl>\n");
	if (c->fact) {
		buf_puts(out, "<dt>seen</dt><dd><code>");
		html_text(out, c->fact);
		buf_puts(out, "</code> = <code class=\"seen\">");
		html_text(out, c->seen);
		buf_puts(out, "</code></dd>\n");
	}
	put_dd(out, "expected", c->expected, false);
	put_dd(out, "evidence", c->evidence, true);
	put_dd(out, "reason", c->reason, false);
	put_dd(out, "severity", c->severity, false);
	put_dd(out, "remedy", c->remedy, true);
	put_reference(out, c->reference);
	buf_puts(out, "</dl>\n</details>\n");
}

static void put_meta(struct buf *out, const char *term, const char *text)
{
	if (!text || !*text)
		return;
	buf_printf(out, "<dt>%s</dt><dd>", term);
	html_text(out, text);
	buf_puts(out, "</dd>\n");
}

void html_host_section(struct buf *out, const struct html_host *h, const char *prefix)
{
	buf_printf(out, "<section class=\"host\" id=\"%shost\">\n<h2>", prefix);
	html_text(out, h->host);
	buf_puts(out, "</h2>\n<dl class=\"meta\">\n");
	put_meta(out, "report", h->source);
	if (h->profile) {
		buf_puts(out, "<dt>profile</dt><dd>");
		html_text(out, h->profile);
		if (h->profile_title) {
			buf_puts(out, " (");
			html_text(out, h->profile_title);
			buf_puts(out, ")");
		}
		buf_puts(out, "</dd>\n");
	}
	put_meta(out, "chosen", h->profile_reason);
	put_meta(out, "root", h->root);
	put_meta(out, "time", h->started);
	if (!h->problem)
		buf_printf(out, "<dt>took</dt><dd>%.3f s</dd>\n", h->duration);
	buf_puts(out, "</dl>\n");
	if (h->problem) {
		buf_puts(out, "<p class=\"problem\">no report: ");
		html_text(out, h->problem);
		buf_puts(out, "</p>\n</section>\n");
		return;
	}
	html_counts(out, h->count);
	size_t *idx = xcalloc(h->n ? h->n : 1, sizeof(*idx));
	html_order(h->v, h->n, idx);
	for (size_t i = 0; i < h->n; i++)
		put_check(out, &h->v[idx[i]], idx[i], prefix);
	free(idx);
	buf_puts(out, "</section>\n");
}

static void html_check_of(struct html_check *c, const struct result *res)
{
	*c = (struct html_check){ .id = res->id, .title = res->title, .severity = severity_name(res->rule->sev), .fact = res->fact,
				  .seen = res->seen, .evidence = res->evidence, .expected = res->expected, .reason = res->reason,
				  .remedy = res->remedy, .reference = res->rule->reference, .verdict = res->verdict };
}

void report_write_html(const struct report *r, struct buf *out)
{
	char ts[32];
	time_t s = (time_t)r->started;
	struct tm tm;
	gmtime_r(&s, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	struct html_check *v = xcalloc(r->n ? r->n : 1, sizeof(*v));
	for (size_t i = 0; i < r->n; i++)
		html_check_of(&v[i], &r->v[i]);
	struct html_host h = { .host = r->host, .profile = r->profile, .profile_title = r->profile_title,
			       .profile_reason = r->profile_reason, .root = r->root, .started = ts, .duration = r->duration,
			       .v = v, .n = r->n };
	memcpy(h.count, r->count, sizeof(h.count));
	_cleanup_free_ char *title = xasprintf("hvscope check: %s", r->host ? r->host : "");
	html_page_begin(out, title);
	buf_printf(out, "<h1>hvscope check</h1>\n<p class=\"meta\">hvscope %s, %zu checks</p>\n", HVSCOPE_VERSION, r->n);
	html_host_section(out, &h, "");
	html_page_end(out);
	free(v);
}

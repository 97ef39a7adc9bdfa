/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The fleet's page from many hosts' JSON reports: the reports read back,
 * the hosts ordered worst first, the table, then each host's checks. */
#include "rules/fleet.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/json_in.h"
#include "core/root.h"

static const char *str_of(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* A verdict as the JSON report names it; one hvscope does not write is
 * an error on the page. */
static enum verdict verdict_of(const char *name)
{
	for (int v = 0; v < V__COUNT && name; v++)
		if (!strcmp(name, verdict_name((enum verdict)v)))
			return (enum verdict)v;
	return V_ERROR;
}

static void check_of(struct html_check *c, json_t *o)
{
	if (!json_is_object(o)) {
		*c = (struct html_check){ .id = "?", .title = "an entry of \"checks\" that is not an object", .verdict = V_ERROR };
		return;
	}
	const char *v = str_of(o, "verdict");
	*c = (struct html_check){ .id = str_of(o, "id"), .title = str_of(o, "title"), .severity = str_of(o, "severity"),
				  .fact = str_of(o, "fact"), .seen = str_of(o, "seen"), .evidence = str_of(o, "evidence"),
				  .expected = str_of(o, "expected"), .reason = str_of(o, "reason"), .remedy = str_of(o, "remedy"),
				  .reference = str_of(o, "reference"), .verdict = verdict_of(v) };
	if (!c->id)
		c->id = "?";
	if (verdict_of(v) == V_ERROR && (!v || strcmp(v, "error")) && !c->reason)
		c->reason = "the report's verdict is none of pass, warn, fail, skip, error";
}

/* The report's checks and header into fh->h; -1 when it is no report. */
static int host_of(struct fleet_host *fh)
{
	json_t *d = fh->doc, *checks = json_object_get(d, "checks");
	if (!json_is_object(d) || !json_is_array(checks)) {
		fh->problem = xasprintf("%s: not an hvscope check report (no \"checks\" array)", fh->path);
		return -1;
	}
	size_t n = json_array_size(checks);
	fh->v = xcalloc(n ? n : 1, sizeof(*fh->v));
	for (size_t i = 0; i < n; i++) {
		check_of(&fh->v[i], json_array_get(checks, i));
		fh->h.count[fh->v[i].verdict]++;
	}
	fh->h.v = fh->v;
	fh->h.n = n;
	fh->h.host = str_of(d, "host") ? str_of(d, "host") : fh->path;
	fh->h.profile = str_of(d, "profile");
	fh->h.profile_title = str_of(d, "profile_title");
	fh->h.profile_reason = str_of(d, "profile_reason");
	fh->h.root = str_of(d, "root");
	fh->h.started = str_of(d, "started");
	fh->h.duration = json_number_value(json_object_get(d, "duration_seconds"));
	return 0;
}

size_t fleet_load(const struct strv *paths, struct fleet *f)
{
	size_t bad = 0;
	f->n = paths->n;
	f->v = xcalloc(f->n ? f->n : 1, sizeof(*f->v));
	for (size_t i = 0; i < f->n; i++) {
		struct fleet_host *fh = &f->v[i];
		struct err e = ERR_INIT;
		fh->path = xstrdup(paths->v[i]);
		fh->h.source = fh->path;
		fh->doc = json_in_read("/", fh->path, ROOT_READ_MAX, fh->path, &e);
		/* Parse errors and sizes say path:line:column or the ceiling;
		 * a file that cannot be opened, its errno once. */
		if (!fh->doc && (e.code == -EINVAL || e.code == -EFBIG))
			fh->problem = xstrdup(err_msg(&e));
		else if (!fh->doc)
			fh->problem = xasprintf("%s: %s", fh->path, strerror(-e.code));
		else
			host_of(fh);
		err_clear(&e);
		if (fh->problem) {
			fh->h.host = fh->path;
			fh->h.problem = fh->problem;
			bad++;
		}
	}
	return bad;
}

static int cmp_hosts(const void *a, const void *b, void *arg)
{
	static const enum verdict worst[] = { V_FAIL, V_ERROR, V_WARN, V_SKIP };
	const struct fleet *f = arg;
	const struct fleet_host *x = &f->v[*(const size_t *)a], *y = &f->v[*(const size_t *)b];
	if (!x->problem != !y->problem)
		return x->problem ? -1 : 1;
	for (size_t i = 0; i < sizeof(worst) / sizeof(worst[0]); i++)
		if (x->h.count[worst[i]] != y->h.count[worst[i]])
			return x->h.count[worst[i]] > y->h.count[worst[i]] ? -1 : 1;
	int c = strcmp(x->h.host, y->h.host);
	return c ? c : strcmp(x->path, y->path);
}

void fleet_order(const struct fleet *f, size_t *idx)
{
	for (size_t i = 0; i < f->n; i++)
		idx[i] = i;
	qsort_r(idx, f->n, sizeof(*idx), cmp_hosts, (void *)f);
}

/* The table's columns: every check id any host has, the worst verdict
 * any host got first, then in the order they were first seen. */
struct col {
	const char *id;
	int rank;
	size_t seen;
};

static int cmp_cols(const void *a, const void *b)
{
	const struct col *x = a, *y = b;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return x->seen < y->seen ? -1 : x->seen > y->seen;
}

static struct col *columns(const struct fleet *f, size_t *ncols)
{
	struct col *cols = NULL;
	size_t n = 0, alloc = 0;
	for (size_t h = 0; h < f->n; h++)
		for (size_t i = 0; i < f->v[h].h.n; i++) {
			const struct html_check *c = &f->v[h].v[i];
			size_t k = 0;
			while (k < n && strcmp(cols[k].id, c->id))
				k++;
			if (k == n) {
				if (n == alloc)
					cols = xrealloc(cols, (alloc = alloc ? 2 * alloc : 32) * sizeof(*cols));
				cols[n] = (struct col){ .id = c->id, .rank = 99, .seen = n };
				n++;
			}
			if (html_verdict_rank(c->verdict) < cols[k].rank)
				cols[k].rank = html_verdict_rank(c->verdict);
		}
	if (n)
		qsort(cols, n, sizeof(*cols), cmp_cols);
	*ncols = n;
	return cols;
}

/* One host's cell in a column: its verdict, linking to the check. */
static void put_cell(struct buf *out, const struct fleet_host *fh, size_t hi, const struct col *col)
{
	for (size_t i = 0; i < fh->h.n; i++) {
		if (strcmp(fh->v[i].id, col->id))
			continue;
		buf_printf(out, "<td class=\"v-%s\"><a href=\"#h%zu-c%zu\" title=\"", verdict_name(fh->v[i].verdict), hi, i);
		html_text(out, col->id);
		buf_printf(out, "\">%s</a></td>", html_verdict_tag(fh->v[i].verdict));
		return;
	}
	buf_puts(out, "<td class=\"none\">&ndash;</td>");
}

/* A host's counts of what needs attention, beside its name. */
static void put_sum(struct buf *out, const struct fleet_host *fh)
{
	static const enum verdict shown[] = { V_FAIL, V_ERROR, V_WARN };
	buf_puts(out, "<th class=\"sum\">");
	bool any = false;
	for (size_t i = 0; i < sizeof(shown) / sizeof(shown[0]); i++)
		if (fh->h.count[shown[i]]) {
			buf_printf(out, "%s%zu&nbsp;%s", any ? " " : "", fh->h.count[shown[i]], verdict_name(shown[i]));
			any = true;
		}
	buf_puts(out, fh->problem ? "?" : any ? "" : "ready");
	buf_puts(out, "</th>");
}

static void put_row(struct buf *out, const struct fleet_host *fh, size_t hi, const struct col *cols, size_t ncols)
{
	buf_printf(out, "<tr><th class=\"host\"><a href=\"#h%zu-host\">", hi);
	html_text(out, fh->h.host);
	buf_puts(out, "</a></th>");
	put_sum(out, fh);
	if (fh->problem) {
		buf_printf(out, "<td class=\"problem\" colspan=\"%zu\">no report: ", ncols ? ncols : 1);
		html_text(out, fh->problem);
		buf_puts(out, "</td>");
	}
	for (size_t c = 0; !fh->problem && c < ncols; c++)
		put_cell(out, fh, hi, &cols[c]);
	buf_puts(out, "</tr>\n");
}

static void put_table(struct buf *out, const struct fleet *f, const size_t *idx)
{
	size_t ncols;
	struct col *cols = columns(f, &ncols);
	buf_puts(out, "<div class=\"scroll\"><table class=\"fleet\">\n<thead><tr><th class=\"corner\">host</th><th class=\"corner\">needs attention</th>");
	for (size_t c = 0; c < ncols; c++) {
		buf_puts(out, "<th scope=\"col\">");
		html_text(out, cols[c].id);
		buf_puts(out, "</th>");
	}
	buf_puts(out, "</tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < f->n; i++)
		put_row(out, &f->v[idx[i]], idx[i], cols, ncols);
	buf_puts(out, "</tbody>\n</table></div>\n");
	free(cols);
}

void fleet_write_html(const struct fleet *f, struct buf *out)
{
	size_t *idx = xcalloc(f->n ? f->n : 1, sizeof(*idx));
	size_t total[V__COUNT] = { 0 }, unread = 0;
	fleet_order(f, idx);
	for (size_t i = 0; i < f->n; i++) {
		unread += f->v[i].problem != NULL;
		for (int v = 0; v < V__COUNT; v++)
			total[v] += f->v[i].h.count[v];
	}
	char ts[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	html_page_begin(out, "hvscope fleet");
	buf_printf(out, "<h1>hvscope fleet</h1>\n<p class=\"meta\">%zu hosts, %zu without a readable report; made %s by hvscope %s</p>\n",
		   f->n, unread, ts, HVSCOPE_VERSION);
	html_counts(out, total);
	put_table(out, f, idx);
	for (size_t i = 0; i < f->n; i++) {
		char prefix[32];
		snprintf(prefix, sizeof(prefix), "h%zu-", idx[i]);
		html_host_section(out, &f->v[idx[i]].h, prefix);
	}
	html_page_end(out);
	free(idx);
}

void fleet_free(struct fleet *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].path);
		free(f->v[i].problem);
		free(f->v[i].v);
		json_decref(f->v[i].doc);
	}
	free(f->v);
	f->v = NULL;
	f->n = 0;
}

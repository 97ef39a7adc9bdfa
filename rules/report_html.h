/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The HTML pages: one host's report (check --format html, a bundle's
 * index.html) and the parts the fleet's page (rules/fleet.c) is made of.
 * Each page is one self-contained file: inline CSS, no script, nothing
 * fetched (its Content-Security-Policy forbids it too); every string that
 * came from a host is scrubbed of secrets and escaped, so markup in a host
 * name or in evidence shows as text. */
#ifndef HVSCOPE_RULES_REPORT_HTML_H
#define HVSCOPE_RULES_REPORT_HTML_H

#include <stddef.h>

#include "core/buf.h"
#include "rules/engine.h"

/* One check as a page shows it, from a report or read back from a JSON
 * report; NULL fields are left out. */
struct html_check {
	const char *id, *title, *severity, *fact, *seen, *evidence, *expected, *reason, *remedy, *reference;
	enum verdict verdict;
};

/* One host as a page shows it. */
struct html_host {
	const char *host, *profile, *profile_title, *profile_reason, *root, *started;
	const char *source;  /* the report's file (the fleet's page); NULL: none */
	const char *problem; /* why there is no report to show; NULL: there is */
	double duration;
	const struct html_check *v;
	size_t n;
	size_t count[V__COUNT];
};

/* Where a verdict stands on a page: FAIL 0, WARN 1, ERROR 2, SKIP 3, PASS 4. */
int html_verdict_rank(enum verdict v);
/* idx[0..n): the checks' indexes in page order, by html_verdict_rank, in
 * the rules' order within one verdict. */
void html_order(const struct html_check *v, size_t n, size_t *idx);
/* "FAIL", "WARN", ... */
const char *html_verdict_tag(enum verdict v);
/* A host's string as page text: scrubbed of secrets, then escaped. */
void html_text(struct buf *out, const char *s);
/* The document up to <body>'s content, with title (a host's string); the
 * end of it. */
void html_page_begin(struct buf *out, const char *title);
void html_page_end(struct buf *out);
/* The verdict counts as coloured badges. */
void html_counts(struct buf *out, const size_t count[V__COUNT]);
/* One host: its header and its checks in page order.  Element ids are
 * prefix + "c" + the check's index in h->v, so that another part of the
 * page can link to a check ("" on a host's own page). */
void html_host_section(struct buf *out, const struct html_host *h, const char *prefix);

/* The page of one report (check --format html). */
void report_write_html(const struct report *r, struct buf *out);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The fleet's page: many hosts' JSON reports (check --format json) as one
 * hosts x checks table, worst hosts first, each cell linking to that
 * host's check further down the same page. */
#ifndef HVSCOPE_RULES_FLEET_H
#define HVSCOPE_RULES_FLEET_H

#include <stddef.h>

#include "core/buf.h"
#include "core/util.h"
#include "rules/report_html.h"

struct json_t;

struct fleet_host {
	char *path;
	char *problem;      /* why the report could not be read (file:line:column where it does not parse); NULL: read */
	struct json_t *doc; /* the report; the strings below point into it */
	struct html_check *v;
	struct html_host h;
};

struct fleet {
	struct fleet_host *v; /* in the order given */
	size_t n;
};

/* Reads every report named in paths; one that cannot be read or does not
 * parse becomes a host with its problem said.  Returns how many could
 * not be read. */
size_t fleet_load(const struct strv *paths, struct fleet *f);
/* idx[0..f->n): the hosts worst first: those without a report, then by
 * most FAIL, ERROR, WARN, SKIP verdicts in that order, then by name. */
void fleet_order(const struct fleet *f, size_t *idx);
void fleet_write_html(const struct fleet *f, struct buf *out);
void fleet_free(struct fleet *f);

#endif

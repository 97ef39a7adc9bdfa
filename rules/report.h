/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Report writers: text (colour on a terminal), JSON, JUnit XML and the
 * Prometheus text format.  All build into a buffer; the caller prints. */
#ifndef HVSCOPE_RULES_REPORT_H
#define HVSCOPE_RULES_REPORT_H

#include <stdbool.h>

#include "core/buf.h"
#include "rules/engine.h"

struct report_opts {
	bool color;
	bool quiet; /* only what needs attention */
};

void report_write_text(const struct report *r, const struct report_opts *o, struct buf *out);
void report_write_json(const struct report *r, struct buf *out);
void report_write_junit(const struct report *r, struct buf *out);
void report_write_prometheus(const struct report *r, struct buf *out);

#endif

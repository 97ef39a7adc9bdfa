/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The exporter's collectors, as node_exporter registers them: one row each
 * from which come its --collector.NAME and --no-collector.NAME flags, its
 * default, what it asks of the hypervisor backend, its line of the usage
 * text and the writer of its families. */
#ifndef HVSCOPE_EXPORTER_COLLECTORS_H
#define HVSCOPE_EXPORTER_COLLECTORS_H

#include <stdbool.h>

#include "core/buf.h"
#include "exporter/series.h"

struct collector {
	const char *name;  /* --collector.NAME, --no-collector.NAME */
	const char *alias; /* an older name for the same flags; NULL: none */
	bool on;           /* by default */
	unsigned want;     /* the HV_WANT_* bits it asks the backend for */
	const char *help;  /* what it adds to the families */
	const char *cost;  /* what it costs the hypervisor, which decides its default */
	/* Its families, written after the core ones in the registry's order;
	 * NULL: it adds series to the core families, none of its own. */
	void (*write)(const struct series_ctx *c, struct buf *o);
};

/* How many rows the registry has (checked where they are), for callers
 * that size their tables by it. */
#define COLLECTORS 11
extern const struct collector *const collectors;

#endif

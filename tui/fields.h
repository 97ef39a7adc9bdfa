/* SPDX-License-Identifier: GPL-2.0-or-later */
/* top's columns as one table (xentop's fields[] idea): each column has a
 * header, a width, a compare function for sorting and a formatter.  The
 * screen and batch mode print the same table. */
#ifndef HVSCOPE_TUI_FIELDS_H
#define HVSCOPE_TUI_FIELDS_H

#include <stdbool.h>

#include "core/buf.h"
#include "hv/hv.h"

/* One domain with its rates, as a row of the table. */
struct top_row {
	const struct hv_domain *d;
	const struct hv_host *host;
	struct hv_rates r;
};

struct field {
	const char *header; /* NAME, CPU(%) ... */
	const char *key;    /* name in CSV/JSON: cpu_pct ... */
	int width;
	bool left;          /* left-aligned (text) */
	int (*compare)(const struct top_row *a, const struct top_row *b);
	void (*format)(const struct top_row *row, struct buf *out);
	/* For JSON: the number, or NaN for text/unknown. */
	double (*number)(const struct top_row *row);
};

extern const struct field top_fields[];
extern const int top_nfields;

/* Build rows for cur (rates against prev, which may be NULL). */
struct top_row *top_rows(const struct hv_snapshot *prev, const struct hv_snapshot *cur, size_t *n);
void top_rows_free(struct top_row *rows, size_t n);
/* Sort rows by field index; reverse flips the order. */
void top_sort(struct top_row *rows, size_t n, int field, bool reverse);
/* Domain-0 (id 0) moved to the top, the others' order kept (xentop -z). */
void top_dom0_first(struct top_row *rows, size_t n);
/* xentop's six-letter state: d s b c p r positions, '-' elsewhere. */
void top_state_flags(enum hv_state s, char out[7]);
int top_field_by_key(const char *key);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Facts: what a probe saw on the host, with the evidence it was read from.
 * A fact has a stable dotted name (cpu.flag.vmx, selinux.type./xen), a typed
 * value and a status; never a verdict. */
#ifndef HVSCOPE_PROBE_FACT_H
#define HVSCOPE_PROBE_FACT_H

#include <stdbool.h>

#include "core/buf.h"
#include "core/util.h"

enum fact_type { FACT_BOOL, FACT_INT, FACT_STR, FACT_LIST };

enum fact_status {
	FACT_OK,        /* value is set */
	FACT_MISSING,   /* the source is absent (no such file, no such database) */
	FACT_NEEDS_ROOT,/* only root may read the source */
	FACT_ERROR,     /* the source exists but could not be read or parsed */
	FACT_UNKNOWN,   /* nothing this run can read tells (a device under --root, no MSR driver) */
};

struct fact {
	char *name;
	enum fact_status status;
	enum fact_type type;
	bool b;
	long long i;
	char *s;
	struct strv list;
	char *evidence; /* where the value came from, or why there is none */
	unsigned long set_at; /* the store's serial when it was last set */
};

struct facts {
	struct fact **v;
	size_t n, alloc;
	/* By name: an open-addressed table of positions in v plus one (0 is
	 * free), so that a bundle's thousands of facts load in linear time. */
	size_t *slots;
	size_t nslots;
	unsigned long serial; /* counts every set, so a caller can tell what a probe run set */
};

struct fact *facts_get(const struct facts *fs, const char *name);
void facts_set_bool(struct facts *fs, const char *name, bool v, const char *evfmt, ...)
	__attribute__((format(printf, 4, 5)));
void facts_set_int(struct facts *fs, const char *name, long long v, const char *evfmt, ...)
	__attribute__((format(printf, 4, 5)));
void facts_set_str(struct facts *fs, const char *name, const char *v, const char *evfmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Takes the strings of list, leaving it empty. */
void facts_set_list_take(struct facts *fs, const char *name, struct strv *list, const char *evfmt, ...)
	__attribute__((format(printf, 4, 5)));
void facts_set_status(struct facts *fs, const char *name, enum fact_status st, const char *evfmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Status from a negative errno: -ENOENT missing, -EACCES/-EPERM needs root
 * when we are not root, anything else an error. */
void facts_set_errno(struct facts *fs, const char *name, int err, bool is_root, const char *evfmt, ...)
	__attribute__((format(printf, 5, 6)));
void facts_free(struct facts *fs);

/* The value as text: true/false, 42, the string, or "a, b, c". */
void fact_value_text(const struct fact *f, struct buf *out);
const char *fact_status_name(enum fact_status st);
/* Every fact as a JSON array of {name, status, type, value, evidence}. */
void facts_write_json(const struct facts *fs, struct buf *out);
const char *fact_type_name(enum fact_type t);

#endif

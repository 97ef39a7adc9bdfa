/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Xen domain configuration files (/etc/xen/NAME) as the toolstacks read
 * them.  xl's syntax ("key = value", strings, numbers, lists over several
 * lines, '#' comments) is a subset of what xm ran: a Python 2 script whose
 * top-level variables are the settings.  The file is evaluated statically:
 * assignments with literals, "%" formatting, + - * / on known values, lists
 * and tuples, True/False/None, earlier variables; what only running the
 * script could tell (a def, an if, an import's functions, xm_vars) leaves
 * the variables it touches XCFG_UNKNOWN and is listed in `dynamic`.  It
 * never fails as a whole: each bad statement is recorded as
 * "line:column: message" (quoting no more than a setting's name) and
 * parsing goes on at the next line. */
#ifndef HVSCOPE_PROBE_XENCFG_H
#define HVSCOPE_PROBE_XENCFG_H

#include <stdbool.h>
#include <stddef.h>

#include "core/util.h"

enum xcfg_type { XCFG_STR, XCFG_INT, XCFG_LIST, XCFG_UNKNOWN };

struct xcfg_entry {
	char *key;
	enum xcfg_type type;
	char *s;          /* XCFG_STR; the text of an XCFG_INT; XCFG_UNKNOWN: why */
	long long i;      /* XCFG_INT (True/False are 1/0) */
	struct strv list; /* XCFG_LIST: items as text */
	int line;
};

struct xcfg {
	struct xcfg_entry *e;
	size_t n;
	struct strv errors;
	/* "line: what" for code that xm would run at create time. */
	struct strv dynamic;
};

void xcfg_parse(const char *text, size_t len, struct xcfg *out);
/* The setting key (its last assignment), or NULL. */
const struct xcfg_entry *xcfg_get(const struct xcfg *c, const char *key);
void xcfg_free(struct xcfg *c);

#endif

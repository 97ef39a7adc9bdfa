/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HVSCOPE_PROBE_FACT_LOAD_H
#define HVSCOPE_PROBE_FACT_LOAD_H

#include "core/err.h"
#include "probe/fact.h"

/* A facts.json is refused above this size before it is parsed: a host's
 * is tens of KiB. */
#define FACTS_JSON_MAX (8u << 20)

/* The facts of rel under top (a bundle's directory, as a root: a link in
 * it stays in it), facts_write_json's form, added to fs; a file that is
 * not that form is an error naming rel:line(:column). */
int facts_load_json(struct facts *fs, const char *top, const char *rel, struct err *e);

#endif

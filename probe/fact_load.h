/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HVSCOPE_PROBE_FACT_LOAD_H
#define HVSCOPE_PROBE_FACT_LOAD_H

#include "core/err.h"
#include "probe/fact.h"

/* The facts of a facts.json (facts_write_json's form) added to fs; a file
 * that is not that form is an error naming file:line(:column). */
int facts_load_json(struct facts *fs, const char *path, struct err *e);

#endif

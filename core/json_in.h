/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A JSON document from a stranger's bundle, read through core/root with a
 * ceiling: refused above it before anything is parsed, so that a small
 * archive cannot make the reader build a tree of gigabytes. */
#ifndef HVSCOPE_CORE_JSON_IN_H
#define HVSCOPE_CORE_JSON_IN_H

#include <jansson.h>
#include <stddef.h>

#include "core/err.h"

/* A document may take this many times its ceiling once parsed; one that
 * would take more (values packed densely) is refused before parsing, so
 * that memory stays under ceiling * (1 + factor) whatever the text. */
#define JSON_IN_TREE_FACTOR 12

/* rel under top (a root, as core/root takes it); errors name shown, with
 * line and column where the text does not parse.  NULL on error. */
json_t *json_in_read(const char *top, const char *rel, size_t max, const char *shown, struct err *e);

#endif

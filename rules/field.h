/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The fields of a rule file's YAML tree: known keys and text values read
 * with file:line:column errors, and the copies a second profile takes. */
#ifndef HVSCOPE_RULES_FIELD_H
#define HVSCOPE_RULES_FIELD_H

#include "core/err.h"
#include "core/util.h"
#include "core/yaml.h"

/* Where a node is, for messages. */
#define AT(file, n) (file), (n)->line, (n)->col

/* Every key of map is one of known (NULL-ended); what names the map in
 * the error. */
int field_check_keys(const char *file, const struct ynode *map, const char *const *known, const char *what, struct err *e);
/* n's text into *out (freeing what was there); an error unless n is text. */
int field_text(const char *file, const struct ynode *n, const char *key, char **out, struct err *e);

/* A copy of s, or NULL. */
char *field_dup(const char *s);
/* dst: a copy of src's strings. */
void field_strv_copy(struct strv *dst, const struct strv *src);

#endif

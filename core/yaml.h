/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A YAML document (read with libyaml) as a small tree whose every node
 * knows its line and column, so rule errors can say file:line:column. */
#ifndef HVSCOPE_CORE_YAML_H
#define HVSCOPE_CORE_YAML_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

enum ynode_kind { Y_SCALAR, Y_SEQ, Y_MAP };

struct ynode {
	enum ynode_kind kind;
	char *s;       /* scalar text */
	bool plain;    /* unquoted scalar: may be a bool or a number */
	int line, col; /* 1-based */
	struct ynode **items; /* seq items; map: keys and values alternate */
	size_t n;             /* items (map: 2 * pairs) */
};

/* Parse one document.  name is used in messages ("file:line:col: ...").
 * Anchors/aliases, tags and multiple documents are refused. */
int yaml_load(const char *name, const char *text, size_t len, struct ynode **out, struct err *e);
void ynode_free(struct ynode *n);
/* Map lookup; NULL when absent. */
const struct ynode *ynode_get(const struct ynode *map, const char *key);
const char *ynode_kind_name(enum ynode_kind k);

#endif

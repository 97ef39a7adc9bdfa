/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A small JSON writer: values escaped, commas and nesting kept track of,
 * so that no writer places a comma itself.  Each container says whether
 * its elements go inline or one to a line (records a person or grep reads
 * line by line: facts, checks, domains, bundle files). */
#ifndef HVSCOPE_CORE_JSON_H
#define HVSCOPE_CORE_JSON_H

#include <stdbool.h>

#include "core/buf.h"

#define JSON_MAX_DEPTH 16

enum json_layout { JSON_INLINE, JSON_LINES };

struct json {
	struct buf *out;
	bool spaced; /* ": " and ", ", and LINES indented two spaces a level */
	int depth;
	bool first[JSON_MAX_DEPTH];
	enum json_layout layout[JSON_MAX_DEPTH];
	char closer[JSON_MAX_DEPTH];
};

void json_init(struct json *j, struct buf *out, bool spaced);
/* Containers: key is the member name inside an object, NULL elsewhere. */
void json_object(struct json *j, const char *key, enum json_layout layout);
void json_array(struct json *j, const char *key, enum json_layout layout);
/* Closes the innermost container. */
void json_close(struct json *j);
/* Values; a NULL string is null, a non-finite double is null. */
void json_string(struct json *j, const char *key, const char *v);
void json_int(struct json *j, const char *key, long long v);
void json_uint(struct json *j, const char *key, unsigned long long v);
void json_double(struct json *j, const char *key, double v, int decimals);
void json_bool(struct json *j, const char *key, bool v);
void json_null(struct json *j, const char *key);
/* Text already JSON (a value another writer made). */
void json_raw(struct json *j, const char *key, const char *text);

#endif

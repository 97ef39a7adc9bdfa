/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A small JSON writer that keeps track of commas and nesting. */
#include "core/json.h"

#include <math.h>
#include <stdio.h>

#include "core/escape.h"

void json_init(struct json *j, struct buf *out, bool spaced)
{
	j->out = out;
	j->spaced = spaced;
	j->depth = 0;
	j->first[0] = true;
	j->layout[0] = JSON_INLINE;
}

static void line_break(struct json *j, int level)
{
	buf_putc(j->out, '\n');
	for (int i = 0; j->spaced && i < level; i++)
		buf_puts(j->out, "  ");
}

/* The comma, line break and key before an element. */
static void element(struct json *j, const char *key)
{
	int d = j->depth;
	if (!j->first[d])
		buf_puts(j->out, j->spaced && j->layout[d] == JSON_INLINE ? ", " : ",");
	j->first[d] = false;
	if (d > 0 && j->layout[d] == JSON_LINES)
		line_break(j, d);
	if (key) {
		esc_json(j->out, key);
		buf_puts(j->out, j->spaced ? ": " : ":");
	}
}

/* Nesting deeper than JSON_MAX_DEPTH is a caller's bug: the writer stays
 * within its arrays and the text stays balanced, if oddly laid out. */
static void open_container(struct json *j, const char *key, enum json_layout layout, char open, char close)
{
	element(j, key);
	buf_putc(j->out, open);
	if (j->depth + 1 >= JSON_MAX_DEPTH) {
		buf_putc(j->out, close);
		return;
	}
	j->depth++;
	j->first[j->depth] = true;
	j->layout[j->depth] = layout;
	j->closer[j->depth] = close;
}

void json_object(struct json *j, const char *key, enum json_layout layout)
{
	open_container(j, key, layout, '{', '}');
}

void json_array(struct json *j, const char *key, enum json_layout layout)
{
	open_container(j, key, layout, '[', ']');
}

void json_close(struct json *j)
{
	if (j->depth == 0)
		return;
	if (j->layout[j->depth] == JSON_LINES && !j->first[j->depth])
		line_break(j, j->depth - 1);
	buf_putc(j->out, j->closer[j->depth]);
	j->depth--;
}

void json_string(struct json *j, const char *key, const char *v)
{
	element(j, key);
	if (v)
		esc_json(j->out, v);
	else
		buf_puts(j->out, "null");
}

void json_int(struct json *j, const char *key, long long v)
{
	element(j, key);
	buf_printf(j->out, "%lld", v);
}

void json_uint(struct json *j, const char *key, unsigned long long v)
{
	element(j, key);
	buf_put_u64(j->out, v);
}

void json_double(struct json *j, const char *key, double v, int decimals)
{
	element(j, key);
	if (isfinite(v))
		buf_printf(j->out, "%.*f", decimals, v);
	else
		buf_puts(j->out, "null");
}

void json_bool(struct json *j, const char *key, bool v)
{
	element(j, key);
	buf_puts(j->out, v ? "true" : "false");
}

void json_null(struct json *j, const char *key)
{
	element(j, key);
	buf_puts(j->out, "null");
}

void json_raw(struct json *j, const char *key, const char *text)
{
	element(j, key);
	buf_puts(j->out, text);
}

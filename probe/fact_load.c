/* SPDX-License-Identifier: GPL-2.0-or-later */
/* facts.json read back: what facts_write_json wrote into a bundle, into a
 * fact store, so that the rules run on a bundle see the facts the host's
 * probes saw, evidence included. */
#include "probe/fact_load.h"

#include <errno.h>
#include <jansson.h>

#include "core/json_in.h"
#include <string.h>

static int status_of(const char *s, enum fact_status *st)
{
	static const enum fact_status all[] = { FACT_OK, FACT_MISSING, FACT_NEEDS_ROOT, FACT_ERROR, FACT_UNKNOWN };
	for (size_t i = 0; i < sizeof(all) / sizeof(*all); i++)
		if (strcmp(s, fact_status_name(all[i])) == 0) {
			*st = all[i];
			return 0;
		}
	return -1;
}

/* One fact object; -1 with *why when it does not have the writer's
 * shape. */
static int load_one(struct facts *fs, json_t *o, const char **why)
{
	const char *name = json_string_value(json_object_get(o, "name"));
	const char *status = json_string_value(json_object_get(o, "status"));
	const char *type = json_string_value(json_object_get(o, "type"));
	const char *ev = json_string_value(json_object_get(o, "evidence"));
	json_t *v = json_object_get(o, "value");
	enum fact_status st;
	if (!name || !*name || !status || !type || status_of(status, &st) < 0) {
		*why = "a fact needs a name, a known status and a type";
		return -1;
	}
	if (!ev)
		ev = "";
	if (st != FACT_OK) {
		facts_set_status(fs, name, st, "%s", ev);
		return 0;
	}
	if (!strcmp(type, "bool") && json_is_boolean(v)) {
		facts_set_bool(fs, name, json_is_true(v), "%s", ev);
	} else if (!strcmp(type, "int") && json_is_integer(v)) {
		facts_set_int(fs, name, (long long)json_integer_value(v), "%s", ev);
	} else if (!strcmp(type, "string") && json_is_string(v)) {
		facts_set_str(fs, name, json_string_value(v), "%s", ev);
	} else if (!strcmp(type, "list") && json_is_array(v)) {
		struct strv list = { 0 };
		size_t i;
		json_t *item;
		json_array_foreach (v, i, item) {
			if (!json_is_string(item)) {
				strv_free(&list);
				*why = "a list fact holds strings only";
				return -1;
			}
			strv_push(&list, json_string_value(item));
		}
		facts_set_list_take(fs, name, &list, "%s", ev);
	} else {
		*why = "the value does not match the fact's type";
		return -1;
	}
	return 0;
}

int facts_load_json(struct facts *fs, const char *top, const char *rel, struct err *e)
{
	const char *path = rel;
	json_t *root = json_in_read(top, rel, FACTS_JSON_MAX, rel, e);
	if (!root)
		return e->code ? e->code : -EINVAL;
	int r = 0;
	if (!json_is_array(root)) {
		r = err_set(e, -EINVAL, "%s: not an array of facts", path);
	} else {
		size_t i;
		json_t *o;
		json_array_foreach (root, i, o) {
			const char *why = "not an object";
			if (!json_is_object(o) || load_one(fs, o, &why) < 0) {
				/* The writer puts one fact a line, after the '['. */
				r = err_set(e, -EINVAL, "%s:%zu: fact %zu: %s", path, i + 2, i + 1, why);
				break;
			}
		}
	}
	json_decref(root);
	return r;
}

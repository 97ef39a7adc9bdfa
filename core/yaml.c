/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A YAML document read with libyaml into a tree that keeps line and column. */
#include "core/yaml.h"

#include <errno.h>
#include <string.h>
#include <yaml.h>

#include "core/util.h"

/* Deeper nesting than this is not a rule file; refusing it keeps the
 * recursion bounded whatever the input. */
#define MAX_DEPTH 64

struct loader {
	yaml_parser_t p;
	const char *name;
	struct err *e;
};

static struct ynode *node_new(enum ynode_kind k, const yaml_mark_t *m)
{
	struct ynode *n = xcalloc(1, sizeof(*n));
	n->kind = k;
	n->line = (int)m->line + 1;
	n->col = (int)m->column + 1;
	return n;
}

static void node_push(struct ynode *n, struct ynode *child)
{
	n->items = xrealloc(n->items, (n->n + 1) * sizeof(*n->items));
	n->items[n->n++] = child;
}

void ynode_free(struct ynode *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->n; i++)
		ynode_free(n->items[i]);
	free(n->items);
	free(n->s);
	free(n);
}

static int next_event(struct loader *ld, yaml_event_t *ev)
{
	if (!yaml_parser_parse(&ld->p, ev)) {
		const yaml_mark_t *m = &ld->p.problem_mark, *c = &ld->p.context_mark;
		if (ld->p.context)
			return err_set(ld->e, -EINVAL, "%s:%zu:%zu: %s (%s that starts at %zu:%zu)", ld->name, m->line + 1, m->column + 1,
				       ld->p.problem ? ld->p.problem : "malformed YAML", ld->p.context, c->line + 1, c->column + 1);
		return err_set(ld->e, -EINVAL, "%s:%zu:%zu: %s", ld->name, m->line + 1, m->column + 1,
			       ld->p.problem ? ld->p.problem : "malformed YAML");
	}
	return 0;
}

static int load_node(struct loader *ld, yaml_event_t *ev, int depth, struct ynode **out);

/* Reads children until the end event of a sequence or mapping. */
static int load_children(struct loader *ld, struct ynode *n, yaml_event_type_t end, int depth)
{
	for (;;) {
		yaml_event_t ev;
		int r = next_event(ld, &ev);
		if (r < 0)
			return r;
		if (ev.type == end) {
			yaml_event_delete(&ev);
			return 0;
		}
		struct ynode *child = NULL;
		r = load_node(ld, &ev, depth + 1, &child);
		yaml_event_delete(&ev);
		if (r < 0)
			return r;
		if (n->kind == Y_MAP && n->n % 2 == 0) {
			if (child->kind != Y_SCALAR) {
				r = err_set(ld->e, -EINVAL, "%s:%d:%d: a mapping key must be a plain name", ld->name, child->line, child->col);
				ynode_free(child);
				return r;
			}
			if (ynode_get(n, child->s)) {
				r = err_set(ld->e, -EINVAL, "%s:%d:%d: duplicate key '%s'", ld->name, child->line, child->col, child->s);
				ynode_free(child);
				return r;
			}
		}
		node_push(n, child);
	}
}

static int load_node(struct loader *ld, yaml_event_t *ev, int depth, struct ynode **out)
{
	const yaml_mark_t *m = &ev->start_mark;
	if (depth > MAX_DEPTH)
		return err_set(ld->e, -EINVAL, "%s:%zu:%zu: nested more than %d levels deep", ld->name, m->line + 1, m->column + 1,
			       MAX_DEPTH);
	struct ynode *n;
	int r = 0;
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		if (ev->data.scalar.anchor)
			return err_set(ld->e, -EINVAL, "%s:%zu:%zu: anchors (&) are not supported in rule files", ld->name,
				       m->line + 1, m->column + 1);
		n = node_new(Y_SCALAR, m);
		n->s = xstrndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
		if (strlen(n->s) != ev->data.scalar.length) {
			ynode_free(n);
			return err_set(ld->e, -EINVAL, "%s:%zu:%zu: NUL character in a value", ld->name, m->line + 1, m->column + 1);
		}
		n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		break;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT: {
		bool seq = ev->type == YAML_SEQUENCE_START_EVENT;
		if ((seq ? ev->data.sequence_start.anchor : ev->data.mapping_start.anchor))
			return err_set(ld->e, -EINVAL, "%s:%zu:%zu: anchors (&) are not supported in rule files", ld->name,
				       m->line + 1, m->column + 1);
		n = node_new(seq ? Y_SEQ : Y_MAP, m);
		r = load_children(ld, n, seq ? YAML_SEQUENCE_END_EVENT : YAML_MAPPING_END_EVENT, depth);
		break;
	}
	case YAML_ALIAS_EVENT:
		return err_set(ld->e, -EINVAL, "%s:%zu:%zu: aliases (*) are not supported in rule files", ld->name, m->line + 1,
			       m->column + 1);
	default:
		return err_set(ld->e, -EINVAL, "%s:%zu:%zu: unexpected YAML event", ld->name, m->line + 1, m->column + 1);
	}
	if (r < 0) {
		ynode_free(n);
		return r;
	}
	*out = n;
	return 0;
}

int yaml_load(const char *name, const char *text, size_t len, struct ynode **out, struct err *e)
{
	struct loader ld = { .name = name, .e = e };
	*out = NULL;
	if (!yaml_parser_initialize(&ld.p))
		return err_set(e, -ENOMEM, "%s: cannot initialise the YAML parser", name);
	yaml_parser_set_input_string(&ld.p, (const unsigned char *)text, len);
	yaml_event_t ev;
	int r;
	struct ynode *doc = NULL;
	/* STREAM-START, DOCUMENT-START, node, DOCUMENT-END, STREAM-END */
	if ((r = next_event(&ld, &ev)) < 0)
		goto out;
	yaml_event_delete(&ev);
	if ((r = next_event(&ld, &ev)) < 0)
		goto out;
	if (ev.type == YAML_STREAM_END_EVENT) {
		yaml_event_delete(&ev);
		r = err_set(e, -EINVAL, "%s:1:1: empty file", name);
		goto out;
	}
	yaml_event_delete(&ev);
	if ((r = next_event(&ld, &ev)) < 0)
		goto out;
	r = load_node(&ld, &ev, 0, &doc);
	yaml_event_delete(&ev);
	if (r < 0)
		goto out;
	if ((r = next_event(&ld, &ev)) < 0)
		goto out;
	yaml_event_delete(&ev);
	if ((r = next_event(&ld, &ev)) < 0)
		goto out;
	if (ev.type != YAML_STREAM_END_EVENT) {
		r = err_set(e, -EINVAL, "%s:%zu:%zu: only one YAML document per rule file", name, ev.start_mark.line + 1,
			    ev.start_mark.column + 1);
		yaml_event_delete(&ev);
		goto out;
	}
	yaml_event_delete(&ev);
	*out = TAKE_PTR(doc);
out:
	ynode_free(doc);
	yaml_parser_delete(&ld.p);
	return r;
}

const struct ynode *ynode_get(const struct ynode *map, const char *key)
{
	if (!map || map->kind != Y_MAP)
		return NULL;
	for (size_t i = 0; i + 1 < map->n; i += 2)
		if (strcmp(map->items[i]->s, key) == 0)
			return map->items[i + 1];
	return NULL;
}

const char *ynode_kind_name(enum ynode_kind k)
{
	return k == Y_SCALAR ? "a scalar" : k == Y_SEQ ? "a list" : "a mapping";
}

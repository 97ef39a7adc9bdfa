/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Loading rule files into profiles: a file's head (the profiles it names),
 * its rules, and their merge into the profiles already loaded. */
#include "rules/ruleset.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/root.h"
#include "core/yaml.h"
#include "rules/field.h"

static const char *const profile_keys[] = { "profile", "profiles", "title", "description", "rules", NULL };

/* What a rule file says of the profiles it names. */
struct file_head {
	char *name; /* 'profile': one profile, whose title and description these are */
	char *title, *desc;
	struct strv targets; /* every profile the rules go into */
};

static void head_free(struct file_head *h)
{
	free(h->name);
	free(h->title);
	free(h->desc);
	strv_free(&h->targets);
}

/* 'profiles': a list of names into h->targets. */
static int parse_targets(const char *file, const struct ynode *ps, struct file_head *h, struct err *e)
{
	if (ps->kind != Y_SEQ || !ps->n)
		return err_set(e, -EINVAL, "%s:%d:%d: 'profiles' is a list of profile names", AT(file, ps));
	for (size_t i = 0; i < ps->n; i++) {
		if (ps->items[i]->kind != Y_SCALAR)
			return err_set(e, -EINVAL, "%s:%d:%d: 'profiles' is a list of profile names", AT(file, ps->items[i]));
		strv_push(&h->targets, ps->items[i]->s);
	}
	return 0;
}

/* The file's keys but its rules; *rules: the 'rules' node. */
static int parse_head(const char *file, const struct ynode *doc, struct file_head *h, const struct ynode **rules, struct err *e)
{
	if (doc->kind != Y_MAP)
		return err_set(e, -EINVAL, "%s:%d:%d: a rule file is a mapping with 'profile' and 'rules'", AT(file, doc));
	int rc = field_check_keys(file, doc, profile_keys, "a rule file", e);
	if (rc < 0)
		return rc;
	const struct ynode *p = ynode_get(doc, "profile"), *ps = ynode_get(doc, "profiles"), *rl = ynode_get(doc, "rules"), *v;
	if ((!p && !ps) || (p && ps) || !rl)
		return err_set(e, -EINVAL, "%s:%d:%d: a rule file needs 'rules' and either 'profile' or 'profiles'", AT(file, doc));
	if (p && (rc = field_text(file, p, "profile", &h->name, e)) < 0)
		return rc;
	if (ps && (rc = parse_targets(file, ps, h, e)) < 0)
		return rc;
	if (!ps)
		strv_push(&h->targets, h->name);
	if ((v = ynode_get(doc, "title")) && (rc = field_text(file, v, "title", &h->title, e)) < 0)
		return rc;
	if ((v = ynode_get(doc, "description")) && (rc = field_text(file, v, "description", &h->desc, e)) < 0)
		return rc;
	*rules = rl;
	return 0;
}

/* The 'rules' list, each id once; *n: how many of *out to free, error or
 * not. */
static int parse_rules(const char *file, const struct ynode *rl, struct rule **out, size_t *n, struct err *e)
{
	if (rl->kind != Y_SEQ)
		return err_set(e, -EINVAL, "%s:%d:%d: 'rules' is a list", AT(file, rl));
	struct rule *rules = *out = xcalloc(rl->n ? rl->n : 1, sizeof(*rules));
	for (size_t i = 0; i < rl->n; i++) {
		*n = i + 1;
		int rc = rule_parse(file, rl->items[i], &rules[i], e);
		if (rc < 0)
			return rc;
		for (size_t j = 0; j < i; j++)
			if (strcmp(rules[j].id, rules[i].id) == 0)
				return err_set(e, -EINVAL, "%s:%d:%d: rule id '%s' already used at line %d", AT(file, rl->items[i]),
					       rules[i].id, rules[j].line);
	}
	return 0;
}

/* The profile named name, added (as loaded from file) when set has none. */
static struct profile *profile_get(struct ruleset *set, const char *name, const char *file)
{
	struct profile *prof = ruleset_find(set, name);
	if (prof)
		return prof;
	set->v = xrealloc(set->v, (set->n + 1) * sizeof(*set->v));
	prof = &set->v[set->n++];
	memset(prof, 0, sizeof(*prof));
	prof->name = xstrdup(name);
	prof->file = xstrdup(file);
	return prof;
}

/* r into prof, in place of a rule with the same id; take: prof owns r
 * from now on, else it gets a copy. */
static void profile_put(struct profile *prof, struct rule *r, bool take)
{
	size_t j;
	for (j = 0; j < prof->n; j++)
		if (strcmp(prof->rules[j].id, r->id) == 0)
			break;
	if (j < prof->n) {
		rule_free(&prof->rules[j]);
	} else {
		prof->rules = xrealloc(prof->rules, (prof->n + 1) * sizeof(*prof->rules));
		prof->n++;
	}
	if (take)
		prof->rules[j] = *r;
	else
		rule_copy(&prof->rules[j], r);
}

/* The file's rules into each profile it names: every profile but the
 * last gets copies, the last takes them. */
static void merge(struct ruleset *set, const char *file, const struct file_head *h, struct rule *rules, size_t n)
{
	for (size_t t = 0; t < h->targets.n; t++) {
		bool last = t + 1 == h->targets.n;
		struct profile *prof = profile_get(set, h->targets.v[t], file);
		if (h->title && h->name) {
			free(prof->title);
			prof->title = xstrdup(h->title);
		}
		if (h->desc && h->name) {
			free(prof->description);
			prof->description = xstrdup(h->desc);
		}
		for (size_t i = 0; i < n; i++)
			profile_put(prof, &rules[i], last);
	}
}

struct profile *ruleset_find(struct ruleset *set, const char *name)
{
	for (size_t i = 0; i < set->n; i++)
		if (strcmp(set->v[i].name, name) == 0)
			return &set->v[i];
	return NULL;
}

int ruleset_load_text(struct ruleset *set, const char *file, const char *text, size_t len, struct err *e)
{
	struct ynode *doc = NULL;
	int rc = yaml_load(file, text, len, &doc, e);
	if (rc < 0)
		return rc;
	struct file_head h = { 0 };
	const struct ynode *rl = NULL;
	struct rule *rules = NULL;
	size_t n = 0;
	rc = parse_head(file, doc, &h, &rl, e);
	if (rc == 0)
		rc = parse_rules(file, rl, &rules, &n, e);
	if (rc == 0) {
		merge(set, file, &h, rules, n);
		n = 0; /* the profiles own them now */
		strv_push(&set->files, file);
	}
	for (size_t i = 0; i < n; i++)
		rule_free(&rules[i]);
	free(rules);
	head_free(&h);
	ynode_free(doc);
	return rc;
}

int ruleset_load_dir(struct ruleset *set, const char *dir, bool optional, struct err *e)
{
	struct strv names = { 0 };
	int r = root_list_dir("/", dir, &names);
	if (r < 0) {
		if (optional && r == -ENOENT)
			return 0;
		return err_set(e, r, "%s: %s", dir, strerror(-r));
	}
	for (size_t i = 0; i < names.n && r == 0; i++) {
		if (!str_ends(names.v[i], ".yaml") && !str_ends(names.v[i], ".yml"))
			continue;
		_cleanup_free_ char *path = xasprintf("%s/%s", dir, names.v[i]);
		struct buf text = BUF_INIT;
		r = root_read("/", path, 1u << 20, &text, e);
		if (r == 0)
			r = ruleset_load_text(set, path, text.s ? text.s : "", text.len, e);
		buf_free(&text);
	}
	strv_free(&names);
	return r;
}

void ruleset_free(struct ruleset *set)
{
	for (size_t i = 0; i < set->n; i++) {
		struct profile *p = &set->v[i];
		for (size_t j = 0; j < p->n; j++)
			rule_free(&p->rules[j]);
		free(p->rules);
		free(p->name);
		free(p->title);
		free(p->description);
		free(p->file);
	}
	free(set->v);
	strv_free(&set->files);
	memset(set, 0, sizeof(*set));
}

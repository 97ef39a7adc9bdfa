/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One rule of a rule file: parsed (its fact names checked against the
 * probes, its conditions, its remedies), copied for a second profile,
 * freed. */
#include "rules/rule.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "probe/probe.h"
#include "rules/field.h"

static const char *const rule_keys[] = { "id", "title", "description", "severity", "fact", "expect", "when",
					 "for_each", "for_each_fact", "remedy", "reference", "warn_if", "warn_remedy", NULL };
static const char *const cond_keys[] = { "fact", "expect", NULL };

const char *severity_name(enum severity s)
{
	return s == SEV_FAIL ? "fail" : "warn";
}

char *rule_subst(const char *tmpl, const char *item)
{
	if (!tmpl)
		return NULL;
	struct buf b = BUF_INIT;
	for (const char *p = tmpl; *p; p++) {
		if (p[0] == '{' && p[1] == '}' && item) {
			buf_puts(&b, item);
			p++;
		} else {
			buf_putc(&b, *p);
		}
	}
	return buf_steal(&b);
}

/* A fact name template must name a fact some probe provides, for every
 * item it will be expanded with. */
static int check_fact(const char *file, const struct ynode *n, const char *tmpl, const struct rule *r, struct err *e)
{
	if (!strstr(tmpl, "{}")) {
		if (!probe_for(tmpl))
			return err_set(e, -EINVAL, "%s:%d:%d: no probe provides the fact '%s' (hvscope check --facts lists them)", AT(file, n), tmpl);
		return 0;
	}
	if (!r->for_each.n && !r->for_each_fact)
		return err_set(e, -EINVAL, "%s:%d:%d: '{}' in '%s' needs for_each or for_each_fact", AT(file, n), tmpl);
	for (size_t i = 0; i < r->for_each.n; i++) {
		_cleanup_free_ char *name = rule_subst(tmpl, r->for_each.v[i]);
		if (!probe_for(name))
			return err_set(e, -EINVAL, "%s:%d:%d: no probe provides the fact '%s'", AT(file, n), name);
	}
	if (r->for_each_fact) {
		_cleanup_free_ char *a = rule_subst(tmpl, "/x"), *b = rule_subst(tmpl, "x");
		if (!probe_for(a) && !probe_for(b))
			return err_set(e, -EINVAL, "%s:%d:%d: no probe provides facts named '%s'", AT(file, n), tmpl);
	}
	return 0;
}

static void conds_free(struct cond *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(c[i].fact);
		expect_free(&c[i].expect);
	}
	free(c);
}

static struct cond *conds_copy(const struct cond *src, size_t n)
{
	struct cond *dst = n ? xcalloc(n, sizeof(*dst)) : NULL;
	for (size_t i = 0; i < n; i++) {
		dst[i].fact = field_dup(src[i].fact);
		expect_copy(&dst[i].expect, &src[i].expect);
	}
	return dst;
}

void rule_free(struct rule *r)
{
	free(r->id);
	free(r->title);
	free(r->description);
	free(r->reference);
	free(r->fact);
	expect_free(&r->expect);
	conds_free(r->when, r->nwhen);
	strv_free(&r->for_each);
	free(r->for_each_fact);
	free(r->remedy);
	free(r->remedy_rpm);
	free(r->remedy_dpkg);
	expect_free(&r->warn_if);
	free(r->warn_remedy);
	for (size_t i = 0; i < r->nalts; i++) {
		conds_free(r->alts[i].when, r->alts[i].nwhen);
		free(r->alts[i].text);
	}
	free(r->alts);
	free(r->file);
}

/* A rule for a second profile: every part its own. */
void rule_copy(struct rule *dst, const struct rule *src)
{
	*dst = *src;
	dst->id = field_dup(src->id);
	dst->title = field_dup(src->title);
	dst->description = field_dup(src->description);
	dst->reference = field_dup(src->reference);
	dst->fact = field_dup(src->fact);
	expect_copy(&dst->expect, &src->expect);
	dst->when = conds_copy(src->when, src->nwhen);
	dst->alts = src->nalts ? xcalloc(src->nalts, sizeof(*dst->alts)) : NULL;
	for (size_t i = 0; i < src->nalts; i++) {
		dst->alts[i].when = conds_copy(src->alts[i].when, src->alts[i].nwhen);
		dst->alts[i].nwhen = src->alts[i].nwhen;
		dst->alts[i].text = field_dup(src->alts[i].text);
	}
	field_strv_copy(&dst->for_each, &src->for_each);
	dst->for_each_fact = field_dup(src->for_each_fact);
	dst->remedy = field_dup(src->remedy);
	dst->remedy_rpm = field_dup(src->remedy_rpm);
	dst->remedy_dpkg = field_dup(src->remedy_dpkg);
	expect_copy(&dst->warn_if, &src->warn_if);
	dst->warn_remedy = field_dup(src->warn_remedy);
	dst->file = field_dup(src->file);
}

static int parse_cond(const char *file, const struct ynode *n, const struct rule *r, struct cond *c, struct err *e)
{
	if (n->kind != Y_MAP)
		return err_set(e, -EINVAL, "%s:%d:%d: a 'when' condition is a mapping with fact and expect", AT(file, n));
	int rc = field_check_keys(file, n, cond_keys, "a 'when' condition", e);
	if (rc < 0)
		return rc;
	const struct ynode *f = ynode_get(n, "fact"), *x = ynode_get(n, "expect");
	if (!f || !x)
		return err_set(e, -EINVAL, "%s:%d:%d: a 'when' condition needs 'fact' and 'expect'", AT(file, n));
	if ((rc = field_text(file, f, "fact", &c->fact, e)) < 0)
		return rc;
	if ((rc = check_fact(file, f, c->fact, r, e)) < 0)
		return rc;
	return expect_parse(file, x, &c->expect, e);
}

/* warn_if and warn_remedy come together: a WARN says how to live with it. */
static int parse_warn_if(const char *file, const struct ynode *n, struct rule *r, struct err *e)
{
	const struct ynode *w = ynode_get(n, "warn_if"), *t = ynode_get(n, "warn_remedy");
	if (!w && !t)
		return 0;
	if (!w || !t)
		return err_set(e, -EINVAL, "%s:%d:%d: 'warn_if' and 'warn_remedy' go together", AT(file, w ? w : t));
	int rc = expect_parse(file, w, &r->warn_if, e);
	if (rc < 0)
		return rc;
	r->has_warn_if = true;
	return field_text(file, t, "warn_remedy", &r->warn_remedy, e);
}

/* when: one condition or a list of them. */
static int parse_when(const char *file, const struct ynode *v, const struct rule *r, struct cond **out, size_t *nout, struct err *e)
{
	const struct ynode *const *items = (const struct ynode *const *)v->items;
	size_t count = v->n;
	if (v->kind == Y_MAP) {
		items = &v;
		count = 1;
	} else if (v->kind != Y_SEQ) {
		return err_set(e, -EINVAL, "%s:%d:%d: 'when' is a condition or a list of them", AT(file, v));
	}
	*out = xcalloc(count ? count : 1, sizeof(**out));
	for (size_t i = 0; i < count; i++) {
		*nout = i + 1;
		int rc = parse_cond(file, items[i], r, &(*out)[i], e);
		if (rc < 0)
			return rc;
	}
	return 0;
}

void remedy_fact_refs(const char *text, struct strv *out)
{
	for (const char *p = text ? strstr(text, "{fact:") : NULL; p; p = strstr(p + 1, "{fact:")) {
		const char *end = strchr(p, '}');
		if (!end)
			return;
		const char *name = p + strlen("{fact:");
		strv_push_take(out, xstrndup(name, strcspn(name, "|}")));
	}
}

/* Every "{fact:NAME}" of a remedy names a fact some probe provides. */
static int check_remedy_text(const char *file, const struct ynode *n, const char *text, struct err *e)
{
	struct strv refs = { 0 };
	remedy_fact_refs(text, &refs);
	int rc = 0;
	for (size_t i = 0; i < refs.n && rc == 0; i++)
		if (!probe_for(refs.v[i]))
			rc = err_set(e, -EINVAL, "%s:%d:%d: the remedy's {fact:%s}: no probe provides that fact", AT(file, n), refs.v[i]);
	strv_free(&refs);
	return rc;
}

static const char *const alt_keys[] = { "when", "text", NULL };

/* remedy: a list of {when: CONDITIONS, text: TEXT}, the first whose
 * conditions hold given; the last, without when, when none does. */
static int parse_remedy_list(const char *file, const struct ynode *v, struct rule *r, struct err *e)
{
	if (!v->n)
		return err_set(e, -EINVAL, "%s:%d:%d: a remedy list needs at least one item", AT(file, v));
	r->alts = xcalloc(v->n, sizeof(*r->alts));
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *it = v->items[i];
		struct remedy_alt *a = &r->alts[i];
		r->nalts = i + 1;
		if (it->kind != Y_MAP)
			return err_set(e, -EINVAL, "%s:%d:%d: a remedy list item is a mapping with 'text' (and 'when')", AT(file, it));
		int rc = field_check_keys(file, it, alt_keys, "a remedy list item", e);
		const struct ynode *w = ynode_get(it, "when"), *t = ynode_get(it, "text");
		if (rc == 0 && !t)
			rc = err_set(e, -EINVAL, "%s:%d:%d: a remedy list item needs 'text'", AT(file, it));
		if (rc == 0)
			rc = field_text(file, t, "text", &a->text, e);
		if (rc == 0)
			rc = check_remedy_text(file, t, a->text, e);
		if (rc == 0 && w)
			rc = parse_when(file, w, r, &a->when, &a->nwhen, e);
		if (rc < 0)
			return rc;
		if (!w && i + 1 < v->n)
			return err_set(e, -EINVAL, "%s:%d:%d: only the last remedy of a list may lack 'when'", AT(file, it));
	}
	if (r->alts[r->nalts - 1].nwhen)
		return err_set(e, -EINVAL, "%s:%d:%d: the last remedy of a list has no 'when': it is given when no other one fits", AT(file, v));
	return 0;
}

static int parse_remedy(const char *file, const struct ynode *v, struct rule *r, struct err *e)
{
	int rc;
	if (v->kind == Y_SEQ)
		return parse_remedy_list(file, v, r, e);
	if (v->kind == Y_MAP) {
		for (size_t i = 0; i < v->n; i += 2) {
			const struct ynode *k = v->items[i], *t = v->items[i + 1];
			char **dst = !strcmp(k->s, "default") ? &r->remedy : !strcmp(k->s, "rpm") ? &r->remedy_rpm : !strcmp(k->s, "dpkg") ? &r->remedy_dpkg : NULL;
			if (!dst)
				return err_set(e, -EINVAL, "%s:%d:%d: remedy keys are default, rpm and dpkg, not '%s'", AT(file, k), k->s);
			if ((rc = field_text(file, t, k->s, dst, e)) < 0 || (rc = check_remedy_text(file, t, *dst, e)) < 0)
				return rc;
		}
		if (!r->remedy && !(r->remedy_rpm && r->remedy_dpkg))
			return err_set(e, -EINVAL, "%s:%d:%d: remedy needs 'default', or both 'rpm' and 'dpkg'", AT(file, v));
		return 0;
	}
	if ((rc = field_text(file, v, "remedy", &r->remedy, e)) < 0)
		return rc;
	return check_remedy_text(file, v, r->remedy, e);
}

int rule_parse(const char *file, const struct ynode *n, struct rule *r, struct err *e)
{
	memset(r, 0, sizeof(*r));
	r->file = xstrdup(file);
	r->line = n->line;
	if (n->kind != Y_MAP)
		return err_set(e, -EINVAL, "%s:%d:%d: a rule is a mapping (id: ..., title: ...)", AT(file, n));
	int rc = field_check_keys(file, n, rule_keys, "a rule", e);
	if (rc < 0)
		return rc;
	static const char *const required[] = { "id", "title", "fact", "expect", "remedy" };
	for (size_t i = 0; i < ARRAY_SIZE(required); i++)
		if (!ynode_get(n, required[i]))
			return err_set(e, -EINVAL, "%s:%d:%d: rule%s%s lacks '%s'", AT(file, n), ynode_get(n, "id") ? " " : "",
				       ynode_get(n, "id") && ynode_get(n, "id")->kind == Y_SCALAR ? ynode_get(n, "id")->s : "", required[i]);
	const struct ynode *v;
	if ((rc = field_text(file, ynode_get(n, "id"), "id", &r->id, e)) < 0)
		return rc;
	for (const char *c = r->id; *c; c++)
		if (!(isalnum((unsigned char)*c) || *c == '-' || *c == '_' || *c == '.'))
			return err_set(e, -EINVAL, "%s:%d:%d: rule id '%s': use letters, digits, '-', '_' and '.'", AT(file, ynode_get(n, "id")), r->id);
	if ((rc = field_text(file, ynode_get(n, "title"), "title", &r->title, e)) < 0)
		return rc;
	if ((v = ynode_get(n, "description")) && (rc = field_text(file, v, "description", &r->description, e)) < 0)
		return rc;
	if ((v = ynode_get(n, "reference")) && (rc = field_text(file, v, "reference", &r->reference, e)) < 0)
		return rc;
	r->sev = SEV_FAIL;
	if ((v = ynode_get(n, "severity"))) {
		if (v->kind != Y_SCALAR || (strcmp(v->s, "fail") && strcmp(v->s, "warn")))
			return err_set(e, -EINVAL, "%s:%d:%d: severity is 'fail' or 'warn'", AT(file, v));
		r->sev = strcmp(v->s, "fail") == 0 ? SEV_FAIL : SEV_WARN;
	}
	if ((v = ynode_get(n, "for_each"))) {
		if (v->kind != Y_SEQ)
			return err_set(e, -EINVAL, "%s:%d:%d: for_each is a list", AT(file, v));
		for (size_t i = 0; i < v->n; i++) {
			if (v->items[i]->kind != Y_SCALAR)
				return err_set(e, -EINVAL, "%s:%d:%d: for_each items are text", AT(file, v->items[i]));
			strv_push(&r->for_each, v->items[i]->s);
		}
	}
	if ((v = ynode_get(n, "for_each_fact"))) {
		if ((rc = field_text(file, v, "for_each_fact", &r->for_each_fact, e)) < 0)
			return rc;
		if (!probe_for(r->for_each_fact))
			return err_set(e, -EINVAL, "%s:%d:%d: no probe provides the fact '%s'", AT(file, v), r->for_each_fact);
	}
	const struct ynode *fact = ynode_get(n, "fact");
	if ((rc = field_text(file, fact, "fact", &r->fact, e)) < 0)
		return rc;
	if ((rc = check_fact(file, fact, r->fact, r, e)) < 0)
		return rc;
	if ((rc = expect_parse(file, ynode_get(n, "expect"), &r->expect, e)) < 0)
		return rc;
	if ((rc = parse_warn_if(file, n, r, e)) < 0)
		return rc;
	if ((v = ynode_get(n, "when")) && (rc = parse_when(file, v, r, &r->when, &r->nwhen, e)) < 0)
		return rc;
	return parse_remedy(file, ynode_get(n, "remedy"), r, e);
}


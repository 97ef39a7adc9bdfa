/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "rules/rule.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <string.h>

#include "core/root.h"
#include "probe/probe.h"
#include "core/yaml.h"

/* Where a node is, for messages. */
#define AT(file, n) (file), (n)->line, (n)->col

static const char *const profile_keys[] = { "profile", "profiles", "title", "description", "rules", NULL };
static const char *const rule_keys[] = { "id", "title", "description", "severity", "fact", "expect", "when",
					 "for_each", "for_each_fact", "remedy", "reference", "warn_if", "warn_remedy", NULL };
static const char *const cond_keys[] = { "fact", "expect", NULL };

static const struct {
	const char *name;
	enum op op;
} ops[] = {
	{ "equals", OP_EQUALS },     { "not_equals", OP_NOT_EQUALS }, { "contains", OP_CONTAINS },
	{ "not_contains", OP_NOT_CONTAINS }, { "matches", OP_MATCHES }, { "at_least", OP_AT_LEAST },
	{ "at_most", OP_AT_MOST },   { "one_of", OP_ONE_OF },         { "empty", OP_EMPTY },
	{ "not_empty", OP_NOT_EMPTY }, { "version_at_least", OP_VERSION_AT_LEAST }, { "all_match", OP_ALL_MATCH },
};

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

static int check_keys(const char *file, const struct ynode *map, const char *const *known, const char *what, struct err *e)
{
	for (size_t i = 0; i < map->n; i += 2) {
		const struct ynode *k = map->items[i];
		bool ok = false;
		for (const char *const *p = known; *p && !ok; p++)
			ok = strcmp(*p, k->s) == 0;
		if (!ok) {
			struct buf list = BUF_INIT;
			for (const char *const *p = known; *p; p++)
				buf_printf(&list, "%s%s", p == known ? "" : ", ", *p);
			int r = err_set(e, -EINVAL, "%s:%d:%d: unknown key '%s' in %s (known: %s)", AT(file, k), k->s, what, buf_str(&list));
			buf_free(&list);
			return r;
		}
	}
	return 0;
}

static int want_scalar(const char *file, const struct ynode *n, const char *key, char **out, struct err *e)
{
	if (n->kind != Y_SCALAR)
		return err_set(e, -EINVAL, "%s:%d:%d: '%s' must be text, not %s", AT(file, n), key, ynode_kind_name(n->kind));
	free(*out);
	*out = xstrdup(n->s);
	return 0;
}

static bool plain_bool(const struct ynode *n, bool *v)
{
	if (!n->plain)
		return false;
	if (!strcmp(n->s, "true") || !strcmp(n->s, "yes") || !strcmp(n->s, "True")) {
		*v = true;
		return true;
	}
	if (!strcmp(n->s, "false") || !strcmp(n->s, "no") || !strcmp(n->s, "False")) {
		*v = false;
		return true;
	}
	return false;
}

/* A literal operand from a node: bool, int, string or list of strings. */
static int parse_literal(const char *file, const struct ynode *n, struct expect *x, struct err *e)
{
	if (n->kind == Y_SEQ) {
		x->type = LIT_LIST;
		for (size_t i = 0; i < n->n; i++) {
			if (n->items[i]->kind != Y_SCALAR)
				return err_set(e, -EINVAL, "%s:%d:%d: list items must be text", AT(file, n->items[i]));
			strv_push(&x->list, n->items[i]->s);
		}
		return 0;
	}
	if (n->kind != Y_SCALAR)
		return err_set(e, -EINVAL, "%s:%d:%d: expected a value, found %s", AT(file, n), ynode_kind_name(n->kind));
	long long v;
	if (plain_bool(n, &x->b)) {
		x->type = LIT_BOOL;
	} else if (n->plain && str_to_ll(n->s, &v) == 0) {
		x->type = LIT_INT;
		x->i = v;
		x->s = xstrdup(n->s);
	} else if (str_starts(n->s, "fact:")) {
		x->type = LIT_STR;
		x->fact_ref = xstrdup(n->s + 5);
		if (!probe_for(x->fact_ref))
			return err_set(e, -EINVAL, "%s:%d:%d: no probe provides the fact '%s'", AT(file, n), x->fact_ref);
	} else {
		x->type = LIT_STR;
		x->s = xstrdup(n->s);
	}
	return 0;
}

static void expect_free(struct expect *x)
{
	free(x->s);
	free(x->fact_ref);
	strv_free(&x->list);
	if (x->has_re)
		regfree(&x->re);
	free(x->re_src);
	memset(x, 0, sizeof(*x));
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static void strv_copy(struct strv *dst, const struct strv *src)
{
	memset(dst, 0, sizeof(*dst));
	for (size_t i = 0; i < src->n; i++)
		strv_push(dst, src->v[i]);
}

static void expect_copy(struct expect *dst, const struct expect *src)
{
	*dst = *src;
	dst->s = dup_or_null(src->s);
	dst->fact_ref = dup_or_null(src->fact_ref);
	strv_copy(&dst->list, &src->list);
	dst->re_src = dup_or_null(src->re_src);
	/* regex_t cannot be copied; the pattern compiled once, so it does again. */
	dst->has_re = src->has_re && regcomp(&dst->re, src->re_src, REG_EXTENDED | REG_NOSUB) == 0;
}

/* expect: true | 42 | "text" | {op: operand} */
static int parse_expect(const char *file, const struct ynode *n, struct expect *x, struct err *e)
{
	memset(x, 0, sizeof(*x));
	if (n->kind != Y_MAP) {
		x->op = OP_EQUALS;
		if (n->kind == Y_SEQ)
			return err_set(e, -EINVAL, "%s:%d:%d: 'expect' takes a value or one operator (equals: ...), not a list", AT(file, n));
		return parse_literal(file, n, x, e);
	}
	if (n->n != 2)
		return err_set(e, -EINVAL, "%s:%d:%d: 'expect' takes exactly one operator", AT(file, n));
	const struct ynode *k = n->items[0], *v = n->items[1];
	size_t i;
	for (i = 0; i < ARRAY_SIZE(ops); i++)
		if (strcmp(ops[i].name, k->s) == 0)
			break;
	if (i == ARRAY_SIZE(ops)) {
		struct buf list = BUF_INIT;
		for (size_t j = 0; j < ARRAY_SIZE(ops); j++)
			buf_printf(&list, "%s%s", j ? ", " : "", ops[j].name);
		int r = err_set(e, -EINVAL, "%s:%d:%d: unknown operator '%s' (known: %s)", AT(file, k), k->s, buf_str(&list));
		buf_free(&list);
		return r;
	}
	x->op = ops[i].op;
	int r = parse_literal(file, v, x, e);
	if (r < 0)
		return r;
	switch (x->op) {
	case OP_AT_LEAST:
	case OP_AT_MOST:
		if (x->type != LIT_INT && !x->fact_ref)
			return err_set(e, -EINVAL, "%s:%d:%d: '%s' needs a whole number or fact:NAME", AT(file, v), k->s);
		break;
	case OP_EMPTY:
	case OP_NOT_EMPTY:
		if (x->type != LIT_BOOL || !x->b)
			return err_set(e, -EINVAL, "%s:%d:%d: write '%s: true'", AT(file, v), k->s);
		break;
	case OP_ONE_OF:
		if (x->type != LIT_LIST)
			return err_set(e, -EINVAL, "%s:%d:%d: 'one_of' needs a list", AT(file, v));
		break;
	case OP_MATCHES:
	case OP_ALL_MATCH: {
		if (x->type == LIT_LIST || x->fact_ref)
			return err_set(e, -EINVAL, "%s:%d:%d: '%s' needs a regular expression", AT(file, v), k->s);
		const char *pat = x->s ? x->s : v->s;
		int rc = regcomp(&x->re, pat, REG_EXTENDED | REG_NOSUB);
		if (rc == 0)
			x->re_src = xstrdup(pat);
		if (rc != 0) {
			char msg[256];
			regerror(rc, &x->re, msg, sizeof(msg));
			return err_set(e, -EINVAL, "%s:%d:%d: bad regular expression '%s': %s", AT(file, v), pat, msg);
		}
		x->has_re = true;
		break;
	}
	case OP_VERSION_AT_LEAST:
	case OP_CONTAINS:
	case OP_NOT_CONTAINS:
		if (x->type == LIT_LIST || x->type == LIT_BOOL)
			return err_set(e, -EINVAL, "%s:%d:%d: '%s' needs text", AT(file, v), k->s);
		if (!x->s && !x->fact_ref)
			x->s = xstrdup(v->s);
		break;
	default:
		break;
	}
	return 0;
}

void expect_describe(const struct expect *x, struct buf *out)
{
	static const char *const opnames[] = {
		[OP_EQUALS] = "==", [OP_NOT_EQUALS] = "!=", [OP_CONTAINS] = "contains", [OP_NOT_CONTAINS] = "does not contain",
		[OP_MATCHES] = "matches", [OP_AT_LEAST] = ">=", [OP_AT_MOST] = "<=", [OP_ONE_OF] = "one of",
		[OP_EMPTY] = "is empty", [OP_NOT_EMPTY] = "is not empty", [OP_VERSION_AT_LEAST] = "version >=",
		[OP_ALL_MATCH] = "all match",
	};
	buf_puts(out, opnames[x->op]);
	if (x->op == OP_EMPTY || x->op == OP_NOT_EMPTY)
		return;
	buf_putc(out, ' ');
	if (x->fact_ref) {
		buf_printf(out, "fact:%s", x->fact_ref);
		return;
	}
	switch (x->type) {
	case LIT_BOOL: buf_puts(out, x->b ? "true" : "false"); break;
	case LIT_INT: buf_printf(out, "%lld", x->i); break;
	case LIT_STR: buf_puts(out, x->s ? x->s : ""); break;
	case LIT_LIST:
		buf_putc(out, '[');
		for (size_t i = 0; i < x->list.n; i++)
			buf_printf(out, "%s%s", i ? ", " : "", x->list.v[i]);
		buf_putc(out, ']');
		break;
	}
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
		dst[i].fact = dup_or_null(src[i].fact);
		expect_copy(&dst[i].expect, &src[i].expect);
	}
	return dst;
}

static void rule_free(struct rule *r)
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
static void rule_copy(struct rule *dst, const struct rule *src)
{
	*dst = *src;
	dst->id = dup_or_null(src->id);
	dst->title = dup_or_null(src->title);
	dst->description = dup_or_null(src->description);
	dst->reference = dup_or_null(src->reference);
	dst->fact = dup_or_null(src->fact);
	expect_copy(&dst->expect, &src->expect);
	dst->when = conds_copy(src->when, src->nwhen);
	dst->alts = src->nalts ? xcalloc(src->nalts, sizeof(*dst->alts)) : NULL;
	for (size_t i = 0; i < src->nalts; i++) {
		dst->alts[i].when = conds_copy(src->alts[i].when, src->alts[i].nwhen);
		dst->alts[i].nwhen = src->alts[i].nwhen;
		dst->alts[i].text = dup_or_null(src->alts[i].text);
	}
	strv_copy(&dst->for_each, &src->for_each);
	dst->for_each_fact = dup_or_null(src->for_each_fact);
	dst->remedy = dup_or_null(src->remedy);
	dst->remedy_rpm = dup_or_null(src->remedy_rpm);
	dst->remedy_dpkg = dup_or_null(src->remedy_dpkg);
	expect_copy(&dst->warn_if, &src->warn_if);
	dst->warn_remedy = dup_or_null(src->warn_remedy);
	dst->file = dup_or_null(src->file);
}

static int parse_cond(const char *file, const struct ynode *n, const struct rule *r, struct cond *c, struct err *e)
{
	if (n->kind != Y_MAP)
		return err_set(e, -EINVAL, "%s:%d:%d: a 'when' condition is a mapping with fact and expect", AT(file, n));
	int rc = check_keys(file, n, cond_keys, "a 'when' condition", e);
	if (rc < 0)
		return rc;
	const struct ynode *f = ynode_get(n, "fact"), *x = ynode_get(n, "expect");
	if (!f || !x)
		return err_set(e, -EINVAL, "%s:%d:%d: a 'when' condition needs 'fact' and 'expect'", AT(file, n));
	if ((rc = want_scalar(file, f, "fact", &c->fact, e)) < 0)
		return rc;
	if ((rc = check_fact(file, f, c->fact, r, e)) < 0)
		return rc;
	return parse_expect(file, x, &c->expect, e);
}

/* warn_if and warn_remedy come together: a WARN says how to live with it. */
static int parse_warn_if(const char *file, const struct ynode *n, struct rule *r, struct err *e)
{
	const struct ynode *w = ynode_get(n, "warn_if"), *t = ynode_get(n, "warn_remedy");
	if (!w && !t)
		return 0;
	if (!w || !t)
		return err_set(e, -EINVAL, "%s:%d:%d: 'warn_if' and 'warn_remedy' go together", AT(file, w ? w : t));
	int rc = parse_expect(file, w, &r->warn_if, e);
	if (rc < 0)
		return rc;
	r->has_warn_if = true;
	return want_scalar(file, t, "warn_remedy", &r->warn_remedy, e);
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
		int rc = check_keys(file, it, alt_keys, "a remedy list item", e);
		const struct ynode *w = ynode_get(it, "when"), *t = ynode_get(it, "text");
		if (rc == 0 && !t)
			rc = err_set(e, -EINVAL, "%s:%d:%d: a remedy list item needs 'text'", AT(file, it));
		if (rc == 0)
			rc = want_scalar(file, t, "text", &a->text, e);
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
			if ((rc = want_scalar(file, t, k->s, dst, e)) < 0 || (rc = check_remedy_text(file, t, *dst, e)) < 0)
				return rc;
		}
		if (!r->remedy && !(r->remedy_rpm && r->remedy_dpkg))
			return err_set(e, -EINVAL, "%s:%d:%d: remedy needs 'default', or both 'rpm' and 'dpkg'", AT(file, v));
		return 0;
	}
	if ((rc = want_scalar(file, v, "remedy", &r->remedy, e)) < 0)
		return rc;
	return check_remedy_text(file, v, r->remedy, e);
}

static int parse_rule(const char *file, const struct ynode *n, struct rule *r, struct err *e)
{
	memset(r, 0, sizeof(*r));
	r->file = xstrdup(file);
	r->line = n->line;
	if (n->kind != Y_MAP)
		return err_set(e, -EINVAL, "%s:%d:%d: a rule is a mapping (id: ..., title: ...)", AT(file, n));
	int rc = check_keys(file, n, rule_keys, "a rule", e);
	if (rc < 0)
		return rc;
	static const char *const required[] = { "id", "title", "fact", "expect", "remedy" };
	for (size_t i = 0; i < ARRAY_SIZE(required); i++)
		if (!ynode_get(n, required[i]))
			return err_set(e, -EINVAL, "%s:%d:%d: rule%s%s lacks '%s'", AT(file, n), ynode_get(n, "id") ? " " : "",
				       ynode_get(n, "id") && ynode_get(n, "id")->kind == Y_SCALAR ? ynode_get(n, "id")->s : "", required[i]);
	const struct ynode *v;
	if ((rc = want_scalar(file, ynode_get(n, "id"), "id", &r->id, e)) < 0)
		return rc;
	for (const char *c = r->id; *c; c++)
		if (!(isalnum((unsigned char)*c) || *c == '-' || *c == '_' || *c == '.'))
			return err_set(e, -EINVAL, "%s:%d:%d: rule id '%s': use letters, digits, '-', '_' and '.'", AT(file, ynode_get(n, "id")), r->id);
	if ((rc = want_scalar(file, ynode_get(n, "title"), "title", &r->title, e)) < 0)
		return rc;
	if ((v = ynode_get(n, "description")) && (rc = want_scalar(file, v, "description", &r->description, e)) < 0)
		return rc;
	if ((v = ynode_get(n, "reference")) && (rc = want_scalar(file, v, "reference", &r->reference, e)) < 0)
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
		if ((rc = want_scalar(file, v, "for_each_fact", &r->for_each_fact, e)) < 0)
			return rc;
		if (!probe_for(r->for_each_fact))
			return err_set(e, -EINVAL, "%s:%d:%d: no probe provides the fact '%s'", AT(file, v), r->for_each_fact);
	}
	const struct ynode *fact = ynode_get(n, "fact");
	if ((rc = want_scalar(file, fact, "fact", &r->fact, e)) < 0)
		return rc;
	if ((rc = check_fact(file, fact, r->fact, r, e)) < 0)
		return rc;
	if ((rc = parse_expect(file, ynode_get(n, "expect"), &r->expect, e)) < 0)
		return rc;
	if ((rc = parse_warn_if(file, n, r, e)) < 0)
		return rc;
	if ((v = ynode_get(n, "when")) && (rc = parse_when(file, v, r, &r->when, &r->nwhen, e)) < 0)
		return rc;
	return parse_remedy(file, ynode_get(n, "remedy"), r, e);
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
	struct rule *rules = NULL;
	size_t nrules = 0;
	char *name = NULL, *title = NULL, *desc = NULL;
	struct strv targets = { 0 };
	if (doc->kind != Y_MAP) {
		rc = err_set(e, -EINVAL, "%s:%d:%d: a rule file is a mapping with 'profile' and 'rules'", AT(file, doc));
		goto out;
	}
	if ((rc = check_keys(file, doc, profile_keys, "a rule file", e)) < 0)
		goto out;
	const struct ynode *p = ynode_get(doc, "profile"), *ps = ynode_get(doc, "profiles"), *rl = ynode_get(doc, "rules"), *v;
	if ((!p && !ps) || (p && ps) || !rl) {
		rc = err_set(e, -EINVAL, "%s:%d:%d: a rule file needs 'rules' and either 'profile' or 'profiles'", AT(file, doc));
		goto out;
	}
	if (p && (rc = want_scalar(file, p, "profile", &name, e)) < 0)
		goto out;
	if (ps) {
		if (ps->kind != Y_SEQ || !ps->n) {
			rc = err_set(e, -EINVAL, "%s:%d:%d: 'profiles' is a list of profile names", AT(file, ps));
			goto out;
		}
		for (size_t i = 0; i < ps->n; i++) {
			if (ps->items[i]->kind != Y_SCALAR) {
				rc = err_set(e, -EINVAL, "%s:%d:%d: 'profiles' is a list of profile names", AT(file, ps->items[i]));
				goto out;
			}
			strv_push(&targets, ps->items[i]->s);
		}
	} else {
		strv_push(&targets, name);
	}
	if ((v = ynode_get(doc, "title")) && (rc = want_scalar(file, v, "title", &title, e)) < 0)
		goto out;
	if ((v = ynode_get(doc, "description")) && (rc = want_scalar(file, v, "description", &desc, e)) < 0)
		goto out;
	if (rl->kind != Y_SEQ) {
		rc = err_set(e, -EINVAL, "%s:%d:%d: 'rules' is a list", AT(file, rl));
		goto out;
	}
	rules = xcalloc(rl->n ? rl->n : 1, sizeof(*rules));
	for (size_t i = 0; i < rl->n; i++) {
		nrules = i + 1;
		if ((rc = parse_rule(file, rl->items[i], &rules[i], e)) < 0)
			goto out;
		for (size_t j = 0; j < i; j++)
			if (strcmp(rules[j].id, rules[i].id) == 0) {
				rc = err_set(e, -EINVAL, "%s:%d:%d: rule id '%s' already used at line %d", AT(file, rl->items[i]), rules[i].id,
					     rules[j].line);
				goto out;
			}
	}
	for (size_t t = 0; t < targets.n; t++) {
		bool last = t + 1 == targets.n;
		struct profile *prof = ruleset_find(set, targets.v[t]);
		if (!prof) {
			set->v = xrealloc(set->v, (set->n + 1) * sizeof(*set->v));
			prof = &set->v[set->n++];
			memset(prof, 0, sizeof(*prof));
			prof->name = xstrdup(targets.v[t]);
			prof->file = xstrdup(file);
		}
		if (title && p) {
			free(prof->title);
			prof->title = xstrdup(title);
		}
		if (desc && p) {
			free(prof->description);
			prof->description = xstrdup(desc);
		}
		for (size_t i = 0; i < nrules; i++) {
			size_t j;
			for (j = 0; j < prof->n; j++)
				if (strcmp(prof->rules[j].id, rules[i].id) == 0)
					break;
			if (j < prof->n) {
				rule_free(&prof->rules[j]);
			} else {
				prof->rules = xrealloc(prof->rules, (prof->n + 1) * sizeof(*prof->rules));
				prof->n++;
			}
			/* Every profile but the last gets a copy. */
			if (last)
				prof->rules[j] = rules[i];
			else
				rule_copy(&prof->rules[j], &rules[i]);
		}
	}
	nrules = 0;
	strv_push(&set->files, file);
out:
	for (size_t i = 0; i < nrules; i++)
		rule_free(&rules[i]);
	free(rules);
	free(name);
	free(title);
	free(desc);
	strv_free(&targets);
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

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The engine: a profile's rules evaluated on the probes' facts, each to a
 * verdict with what was seen and the remedy. */
#include "rules/engine.h"

#include <regex.h>
#include <string.h>

#include "core/clock.h"
#include "probe/packages.h"

const char *verdict_name(enum verdict v)
{
	static const char *const names[] = { "pass", "warn", "fail", "skip", "error" };
	return v < V__COUNT ? names[v] : "?";
}

int report_exit_code(const struct report *r)
{
	if (r->count[V_ERROR])
		return 3;
	if (r->count[V_FAIL])
		return 2;
	if (r->count[V_WARN])
		return 1;
	return 0;
}

static char *value_text(const struct fact *f)
{
	struct buf b = BUF_INIT;
	fact_value_text(f, &b);
	return buf_steal(&b);
}

static bool regex_ok(const regex_t *re, const char *s)
{
	return regexec(re, s, 0, NULL, 0) == 0;
}

/* Whether the text, or any item of a list fact, matches. */
static bool any_match(const regex_t *re, const struct fact *f, const char *text)
{
	if (f->type != FACT_LIST)
		return regex_ok(re, text);
	for (size_t i = 0; i < f->list.n; i++)
		if (regex_ok(re, f->list.v[i]))
			return true;
	return false;
}

int engine_test(struct probe_ctx *ctx, const struct fact *f, const struct expect *x, char **why)
{
	*why = NULL;
	/* Operand from another fact (at_least: fact:cpu.logical). */
	long long ref_i = x->i;
	if (x->fact_ref) {
		const struct fact *o = probe_fact(ctx, x->fact_ref);
		if (o->status != FACT_OK || o->type != FACT_INT) {
			*why = xasprintf("cannot compare with %s: %s", x->fact_ref, o->status != FACT_OK ? o->evidence : "not a number");
			return -1;
		}
		ref_i = o->i;
	}
	_cleanup_free_ char *text = value_text(f);
	switch (x->op) {
	case OP_EQUALS:
	case OP_NOT_EQUALS: {
		bool eq;
		if (f->type == FACT_BOOL && x->type == LIT_BOOL)
			eq = f->b == x->b;
		else if (f->type == FACT_INT && (x->type == LIT_INT || x->fact_ref))
			eq = f->i == ref_i;
		else if (f->type == FACT_BOOL || x->type == LIT_BOOL || x->type == LIT_LIST) {
			*why = xasprintf("the rule compares a %s fact with a %s value", fact_type_name(f->type),
					 x->type == LIT_BOOL ? "true/false" : x->type == LIT_LIST ? "list" : "text");
			return -1;
		} else
			eq = strcmp(text, x->s ? x->s : "") == 0;
		return x->op == OP_EQUALS ? eq : !eq;
	}
	case OP_CONTAINS:
	case OP_NOT_CONTAINS: {
		bool has = f->type == FACT_LIST ? strv_contains(&f->list, x->s) : strstr(text, x->s) != NULL;
		return x->op == OP_CONTAINS ? has : !has;
	}
	case OP_MATCHES:
		return any_match(&x->re, f, text);
	case OP_NOT_MATCHES:
		return !any_match(&x->re, f, text);
	case OP_ALL_MATCH:
		if (f->type != FACT_LIST)
			return regex_ok(&x->re, text);
		for (size_t i = 0; i < f->list.n; i++)
			if (!regex_ok(&x->re, f->list.v[i]))
				return 0;
		return 1;
	case OP_AT_LEAST:
	case OP_AT_MOST:
		if (f->type != FACT_INT) {
			*why = xasprintf("'%s' is a %s, not a number", f->name, fact_type_name(f->type));
			return -1;
		}
		return x->op == OP_AT_LEAST ? f->i >= ref_i : f->i <= ref_i;
	case OP_ONE_OF:
		return strv_contains(&x->list, text);
	case OP_EMPTY:
	case OP_NOT_EMPTY: {
		bool empty = f->type == FACT_LIST ? f->list.n == 0 : f->type == FACT_STR ? !f->s || !*f->s : false;
		return x->op == OP_EMPTY ? empty : !empty;
	}
	case OP_VERSION_AT_LEAST:
		if (f->type != FACT_STR) {
			*why = xasprintf("'%s' is not a version", f->name);
			return -1;
		}
		return pkg_version_cmp_host(ctx, f->s, x->s, NULL) >= 0;
	}
	return -1;
}

static struct result *result_new(struct report *rep, const struct rule *r, const char *item)
{
	rep->v = xrealloc(rep->v, (rep->n + 1) * sizeof(*rep->v));
	struct result *res = &rep->v[rep->n++];
	memset(res, 0, sizeof(*res));
	res->rule = r;
	res->item = item ? xstrdup(item) : NULL;
	res->id = item ? xasprintf("%s[%s]", r->id, item) : xstrdup(r->id);
	if (item) {
		res->title = rule_subst(r->title, item);
	} else {
		/* A for_each rule with nothing to iterate names its source. */
		_cleanup_free_ char *src = xasprintf("<%s>", r->for_each_fact ? r->for_each_fact : "item");
		res->title = rule_subst(r->title, src);
	}
	struct buf b = BUF_INIT;
	expect_describe(&r->expect, &b);
	res->expected = buf_steal(&b);
	return res;
}

/* Block scalars end in a newline; the writers add their own. */
static void trim_end(char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
}

/* A remedy alternative's conditions: all hold, each fact known and true. */
static bool conds_hold(struct probe_ctx *ctx, const struct cond *c, size_t n, const char *item)
{
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *name = rule_subst(c[i].fact, item);
		const struct fact *f = probe_fact(ctx, name);
		char *why = NULL;
		int t = f->status == FACT_OK ? engine_test(ctx, f, &c[i].expect, &why) : 0;
		free(why);
		if (t != 1)
			return false;
	}
	return true;
}

/* "{fact:NAME}" (or "{fact:NAME|fallback}") replaced by the fact's value,
 * so that a remedy names the host's own tools (yum or dnf); the fallback,
 * or NAME in angle brackets, when the fact is not known. */
static char *subst_facts(struct probe_ctx *ctx, const char *text)
{
	struct buf b = BUF_INIT;
	const char *p = text;
	for (const char *at; (at = strstr(p, "{fact:")) && strchr(at, '}');) {
		const char *name = at + strlen("{fact:"), *end = strchr(at, '}');
		size_t nl = strcspn(name, "|}");
		_cleanup_free_ char *fname = xstrndup(name, nl);
		buf_add(&b, p, (size_t)(at - p));
		const struct fact *f = probe_fact(ctx, fname);
		if (f->status == FACT_OK) {
			fact_value_text(f, &b);
		} else if (name[nl] == '|') {
			buf_add(&b, name + nl + 1, (size_t)(end - name - nl - 1));
		} else {
			buf_printf(&b, "<%s>", fname);
		}
		p = end + 1;
	}
	buf_puts(&b, p);
	return buf_steal(&b);
}

/* A remedy as printed: the item and the facts put in, the block scalar's
 * end trimmed. */
static char *remedy_text(struct probe_ctx *ctx, const char *t, const char *item)
{
	_cleanup_free_ char *with_item = rule_subst(t, item);
	char *s = with_item ? subst_facts(ctx, with_item) : xstrdup("");
	trim_end(s);
	return s;
}

static char *pick_remedy(struct probe_ctx *ctx, const struct rule *r, const char *item)
{
	const char *t = r->remedy;
	for (size_t i = 0; i < r->nalts; i++)
		if (conds_hold(ctx, r->alts[i].when, r->alts[i].nwhen, item)) {
			t = r->alts[i].text;
			break;
		}
	if (r->remedy_rpm || r->remedy_dpkg) {
		const struct fact *be = probe_fact(ctx, "packages.backend");
		if (be->status == FACT_OK && strcmp(be->s, "rpm") == 0 && r->remedy_rpm)
			t = r->remedy_rpm;
		else if (be->status == FACT_OK && strcmp(be->s, "dpkg") == 0 && r->remedy_dpkg)
			t = r->remedy_dpkg;
		else if (!t)
			t = r->remedy_rpm ? r->remedy_rpm : r->remedy_dpkg;
	}
	return remedy_text(ctx, t, item);
}

/* The value misses the expectation, but is one the rule accepts with a
 * warning (warn_if). */
static bool warn_if_holds(struct probe_ctx *ctx, const struct rule *r, const struct fact *f)
{
	if (!r->has_warn_if)
		return false;
	char *why = NULL;
	int t = engine_test(ctx, f, &r->warn_if, &why);
	free(why);
	return t > 0;
}

static void eval_one(struct probe_ctx *ctx, const struct rule *r, const char *item, struct report *rep)
{
	struct result *res = result_new(rep, r, item);
	for (size_t i = 0; i < r->nwhen; i++) {
		_cleanup_free_ char *cname = rule_subst(r->when[i].fact, item);
		const struct fact *cf = probe_fact(ctx, cname);
		char *why = NULL;
		int t = cf->status == FACT_OK ? engine_test(ctx, cf, &r->when[i].expect, &why) : 0;
		if (cf->status == FACT_NEEDS_ROOT || cf->status == FACT_UNKNOWN) {
			res->verdict = V_SKIP;
			res->reason = xasprintf("%s: %s", cf->status == FACT_UNKNOWN ? "cannot be told here" : "needs root", cf->evidence);
			return;
		}
		if (t < 0) {
			res->verdict = V_ERROR;
			res->reason = xasprintf("condition on %s: %s", cname, why);
			free(why);
			return;
		}
		if (t == 0) {
			_cleanup_free_ char *v = value_text(cf);
			struct buf d = BUF_INIT;
			expect_describe(&r->when[i].expect, &d);
			res->verdict = V_SKIP;
			res->reason = xasprintf("not applicable: %s is %s, not %s (%s)", cname, v, buf_str(&d), cf->evidence);
			buf_free(&d);
			return;
		}
	}
	res->fact = rule_subst(r->fact, item);
	const struct fact *f = probe_fact(ctx, res->fact);
	res->seen = value_text(f);
	res->evidence = xstrdup(f->evidence ? f->evidence : "");
	switch (f->status) {
	case FACT_NEEDS_ROOT:
		res->verdict = V_SKIP;
		res->reason = xasprintf("needs root: %s", f->evidence);
		return;
	case FACT_UNKNOWN:
		res->verdict = V_SKIP;
		res->reason = xasprintf("cannot be told here: %s", f->evidence);
		return;
	case FACT_ERROR:
		res->verdict = V_ERROR;
		res->reason = xasprintf("%s: %s", res->fact, f->evidence);
		return;
	case FACT_MISSING:
		res->verdict = r->sev == SEV_FAIL ? V_FAIL : V_WARN;
		break;
	case FACT_OK: {
		/* compared with another fact that cannot be told here: that
		 * one's reason, not an error of the rule's */
		const struct fact *o = r->expect.fact_ref ? probe_fact(ctx, r->expect.fact_ref) : NULL;
		if (o && (o->status == FACT_UNKNOWN || o->status == FACT_NEEDS_ROOT)) {
			res->verdict = V_SKIP;
			res->reason = xasprintf("%s: %s", o->status == FACT_UNKNOWN ? "cannot be told here" : "needs root", o->evidence);
			return;
		}
		char *why = NULL;
		int t = engine_test(ctx, f, &r->expect, &why);
		if (t < 0) {
			res->verdict = V_ERROR;
			res->reason = xasprintf("%s (%s:%d)", why, r->file, r->line);
			free(why);
			return;
		}
		res->verdict = t ? V_PASS : r->sev == SEV_FAIL ? V_FAIL : V_WARN;
		if (!t && warn_if_holds(ctx, r, f)) {
			res->verdict = V_WARN;
			res->remedy = remedy_text(ctx, r->warn_remedy, item);
			return;
		}
		break;
	}
	}
	if (res->verdict != V_PASS)
		res->remedy = pick_remedy(ctx, r, item);
}

static bool wanted(const struct strv *only, const char *id)
{
	return !only || !only->n || strv_contains(only, id);
}

void engine_run(struct probe_ctx *ctx, const struct profile *prof, const struct strv *only, struct report *out)
{
	out->started = clock_wall();
	double t0 = clock_mono(); /* the duration is not the wall clock's to bend */
	out->is_root = ctx->is_root;
	free(out->profile);
	out->profile = xstrdup(prof->name);
	free(out->profile_title);
	out->profile_title = prof->title ? xstrdup(prof->title) : NULL;
	free(out->root);
	out->root = xstrdup(ctx->root);
	/* under --root the image's name, not the checking machine's */
	const struct fact *host = probe_fact(ctx, "host.name");
	free(out->host);
	out->host = xstrdup(host->status == FACT_OK ? host->s : "(unknown)");
	for (size_t i = 0; i < prof->n; i++) {
		const struct rule *r = &prof->rules[i];
		if (!wanted(only, r->id))
			continue;
		if (r->for_each_fact) {
			const struct fact *lf = probe_fact(ctx, r->for_each_fact);
			if (lf->status != FACT_OK || lf->type != FACT_LIST || lf->list.n == 0) {
				struct result *res = result_new(out, r, NULL);
				res->fact = xstrdup(r->for_each_fact);
				res->evidence = xstrdup(lf->evidence ? lf->evidence : "");
				if (lf->status == FACT_ERROR) {
					res->verdict = V_ERROR;
					res->reason = xasprintf("%s: %s", r->for_each_fact, lf->evidence);
				} else {
					res->verdict = V_SKIP;
					res->reason = lf->status == FACT_NEEDS_ROOT ? xasprintf("needs root: %s", lf->evidence)
										     : xasprintf("nothing to check: %s is empty (%s)", r->for_each_fact, lf->evidence);
				}
			} else {
				/* Copy: evaluating may add facts and move the store. */
				struct strv items = { 0 };
				for (size_t k = 0; k < lf->list.n; k++)
					strv_push(&items, lf->list.v[k]);
				for (size_t k = 0; k < items.n; k++)
					eval_one(ctx, r, items.v[k], out);
				strv_free(&items);
			}
		}
		for (size_t k = 0; k < r->for_each.n; k++)
			eval_one(ctx, r, r->for_each.v[k], out);
		if (!r->for_each_fact && !r->for_each.n)
			eval_one(ctx, r, NULL, out);
	}
	for (size_t i = 0; i < out->n; i++)
		out->count[out->v[i].verdict]++;
	out->duration = clock_mono() - t0;
}

void report_free(struct report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		struct result *res = &r->v[i];
		free(res->id);
		free(res->title);
		free(res->item);
		free(res->fact);
		free(res->seen);
		free(res->evidence);
		free(res->expected);
		free(res->remedy);
		free(res->reason);
	}
	free(r->v);
	free(r->profile);
	free(r->profile_title);
	free(r->profile_reason);
	free(r->root);
	free(r->host);
	memset(r, 0, sizeof(*r));
}

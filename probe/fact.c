/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The fact store: typed facts with their evidence, looked up by name in a
 * hash table. */
#include "probe/fact.h"

#include "core/escape.h"
#include "core/json.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

static size_t name_hash(const char *s)
{
	size_t h = 14695981039346656037ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

/* The slot holding name, or the free one where it would go. */
static size_t *slot_of(const struct facts *fs, const char *name)
{
	size_t mask = fs->nslots - 1;
	for (size_t i = name_hash(name) & mask;; i = (i + 1) & mask)
		if (!fs->slots[i] || strcmp(fs->v[fs->slots[i] - 1]->name, name) == 0)
			return &fs->slots[i];
}

/* At most half full, so that probing stays short. */
static void slots_grow(struct facts *fs)
{
	if (fs->nslots && fs->n * 2 < fs->nslots)
		return;
	free(fs->slots);
	fs->nslots = fs->nslots ? fs->nslots * 2 : 128;
	fs->slots = xcalloc(fs->nslots, sizeof(*fs->slots));
	for (size_t i = 0; i < fs->n; i++)
		*slot_of(fs, fs->v[i]->name) = i + 1;
}

struct fact *facts_get(const struct facts *fs, const char *name)
{
	if (!fs->nslots)
		return NULL;
	size_t at = *slot_of(fs, name);
	return at ? fs->v[at - 1] : NULL;
}

static void fact_clear_value(struct fact *f)
{
	free(f->s);
	f->s = NULL;
	strv_free(&f->list);
	free(f->evidence);
	f->evidence = NULL;
}

/* The fact named name, emptied, created if needed. */
static struct fact *facts_slot(struct facts *fs, const char *name)
{
	struct fact *f = facts_get(fs, name);
	if (f) {
		fact_clear_value(f);
		f->set_at = ++fs->serial;
		return f;
	}
	if (fs->n == fs->alloc) {
		fs->alloc = fs->alloc ? fs->alloc * 2 : 64;
		fs->v = xrealloc(fs->v, fs->alloc * sizeof(*fs->v));
	}
	f = xcalloc(1, sizeof(*f));
	f->name = xstrdup(name);
	f->set_at = ++fs->serial;
	fs->v[fs->n++] = f;
	slots_grow(fs);
	*slot_of(fs, name) = fs->n;
	return f;
}

static char *vfmt(const char *fmt, va_list ap)
{
	struct buf b = BUF_INIT;
	buf_vprintf(&b, fmt, ap);
	return buf_steal(&b);
}

#define SET_EVIDENCE(f, fmt)                  \
	do {                                  \
		va_list ap;                   \
		va_start(ap, fmt);            \
		(f)->evidence = vfmt(fmt, ap); \
		va_end(ap);                   \
	} while (0)

void facts_set_bool(struct facts *fs, const char *name, bool v, const char *evfmt, ...)
{
	struct fact *f = facts_slot(fs, name);
	f->status = FACT_OK;
	f->type = FACT_BOOL;
	f->b = v;
	SET_EVIDENCE(f, evfmt);
}

void facts_set_int(struct facts *fs, const char *name, long long v, const char *evfmt, ...)
{
	struct fact *f = facts_slot(fs, name);
	f->status = FACT_OK;
	f->type = FACT_INT;
	f->i = v;
	SET_EVIDENCE(f, evfmt);
}

void facts_set_str(struct facts *fs, const char *name, const char *v, const char *evfmt, ...)
{
	struct fact *f = facts_slot(fs, name);
	f->status = FACT_OK;
	f->type = FACT_STR;
	f->s = xstrdup(v ? v : "");
	SET_EVIDENCE(f, evfmt);
}

void facts_set_list_take(struct facts *fs, const char *name, struct strv *list, const char *evfmt, ...)
{
	struct fact *f = facts_slot(fs, name);
	f->status = FACT_OK;
	f->type = FACT_LIST;
	f->list = *list;
	memset(list, 0, sizeof(*list));
	SET_EVIDENCE(f, evfmt);
}

void facts_set_status(struct facts *fs, const char *name, enum fact_status st, const char *evfmt, ...)
{
	struct fact *f = facts_slot(fs, name);
	f->status = st;
	f->type = FACT_STR;
	SET_EVIDENCE(f, evfmt);
}

void facts_set_errno(struct facts *fs, const char *name, int err, bool is_root, const char *evfmt, ...)
{
	struct fact *f = facts_slot(fs, name);
	if (err == -ENOENT || err == -ENOTDIR)
		f->status = FACT_MISSING;
	else if ((err == -EACCES || err == -EPERM) && !is_root)
		f->status = FACT_NEEDS_ROOT;
	else
		f->status = FACT_ERROR;
	f->type = FACT_STR;
	SET_EVIDENCE(f, evfmt);
}

void facts_free(struct facts *fs)
{
	for (size_t i = 0; i < fs->n; i++) {
		fact_clear_value(fs->v[i]);
		free(fs->v[i]->name);
		free(fs->v[i]);
	}
	free(fs->v);
	free(fs->slots);
	memset(fs, 0, sizeof(*fs));
}

void fact_value_text(const struct fact *f, struct buf *out)
{
	if (f->status != FACT_OK) {
		buf_printf(out, "(%s)", fact_status_name(f->status));
		return;
	}
	switch (f->type) {
	case FACT_BOOL:
		buf_puts(out, f->b ? "true" : "false");
		break;
	case FACT_INT:
		buf_printf(out, "%lld", f->i);
		break;
	case FACT_STR:
		buf_puts(out, f->s ? f->s : "");
		break;
	case FACT_LIST:
		if (!f->list.n)
			buf_puts(out, "(none)");
		for (size_t i = 0; i < f->list.n; i++)
			buf_printf(out, "%s%s", i ? ", " : "", f->list.v[i]);
		break;
	}
}

static void write_value(struct json *j, const struct fact *f)
{
	if (f->status != FACT_OK) {
		json_null(j, "value");
	} else if (f->type == FACT_BOOL) {
		json_bool(j, "value", f->b);
	} else if (f->type == FACT_INT) {
		json_int(j, "value", f->i);
	} else if (f->type == FACT_STR) {
		json_string(j, "value", f->s ? f->s : "");
	} else {
		json_array(j, "value", JSON_INLINE);
		for (size_t k = 0; k < f->list.n; k++)
			json_string(j, NULL, f->list.v[k]);
		json_close(j);
	}
}

void facts_write_json(const struct facts *fs, struct buf *out)
{
	struct json j;
	json_init(&j, out, false);
	json_array(&j, NULL, JSON_LINES);
	for (size_t i = 0; i < fs->n; i++) {
		const struct fact *f = fs->v[i];
		json_object(&j, NULL, JSON_INLINE);
		json_string(&j, "name", f->name);
		json_string(&j, "status", fact_status_name(f->status));
		json_string(&j, "type", fact_type_name(f->type));
		write_value(&j, f);
		json_string(&j, "evidence", f->evidence ? f->evidence : "");
		json_close(&j);
	}
	json_close(&j);
	buf_putc(out, '\n');
}

const char *fact_status_name(enum fact_status st)
{
	switch (st) {
	case FACT_OK: return "ok";
	case FACT_MISSING: return "missing";
	case FACT_NEEDS_ROOT: return "needs root";
	case FACT_ERROR: return "error";
	case FACT_UNKNOWN: return "unknown";
	}
	return "?";
}

const char *fact_type_name(enum fact_type t)
{
	switch (t) {
	case FACT_BOOL: return "bool";
	case FACT_INT: return "int";
	case FACT_STR: return "string";
	case FACT_LIST: return "list";
	}
	return "?";
}

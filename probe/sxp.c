/* SPDX-License-Identifier: GPL-2.0-or-later */
/* S-expressions as xend writes them, read into a tree. */
#include "probe/sxp.h"

#include <errno.h>
#include <string.h>

#include "core/buf.h"
#include "core/util.h"

struct reader {
	const char *s;
	size_t len, pos;
	int line, depth;
};

static void skip_blank(struct reader *r)
{
	while (r->pos < r->len) {
		char c = r->s[r->pos];
		if (c == '\n')
			r->line++;
		if (c == '#' || c == ';') {
			while (r->pos < r->len && r->s[r->pos] != '\n')
				r->pos++;
			continue;
		}
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			return;
		r->pos++;
	}
}

static int read_atom(struct reader *r, char **out)
{
	char q = r->s[r->pos];
	struct buf b = BUF_INIT;
	if (q == '\'' || q == '"') {
		r->pos++;
		while (r->pos < r->len && r->s[r->pos] != q) {
			if (r->s[r->pos] == '\\' && r->pos + 1 < r->len)
				r->pos++;
			if (r->s[r->pos] == '\n')
				r->line++;
			buf_putc(&b, r->s[r->pos++]);
		}
		if (r->pos >= r->len) {
			buf_free(&b);
			return -EINVAL;
		}
		r->pos++;
	} else {
		while (r->pos < r->len && r->s[r->pos] && !strchr(" \t\r\n()", r->s[r->pos]))
			buf_putc(&b, r->s[r->pos++]);
		if (!b.len) { /* a NUL byte: no text format has one */
			buf_free(&b);
			return -EINVAL;
		}
	}
	*out = b.s ? buf_steal(&b) : xstrdup("");
	return 0;
}

static int read_expr(struct reader *r, struct sxp *out)
{
	memset(out, 0, sizeof(*out));
	skip_blank(r);
	if (r->pos >= r->len || r->s[r->pos] == ')')
		return -EINVAL;
	if (r->s[r->pos] != '(')
		return read_atom(r, &out->atom);
	if (++r->depth > 64) /* deeper than any xend output */
		return -EINVAL;
	r->pos++;
	for (;;) {
		skip_blank(r);
		if (r->pos >= r->len)
			return -EINVAL;
		if (r->s[r->pos] == ')') {
			r->pos++;
			r->depth--;
			return 0;
		}
		out->kids = xrealloc(out->kids, (out->n + 1) * sizeof(*out->kids));
		if (read_expr(r, &out->kids[out->n++]) < 0)
			return -EINVAL;
	}
}

int sxp_parse(const char *text, size_t len, struct sxp *out, int *line)
{
	struct reader r = { .s = text, .len = len, .line = 1 };
	int rc = read_expr(&r, out);
	if (rc < 0) {
		*line = r.line;
		sxp_free(out);
	}
	return rc;
}

void sxp_free(struct sxp *s)
{
	for (size_t i = 0; i < s->n; i++)
		sxp_free(&s->kids[i]);
	free(s->kids);
	free(s->atom);
	memset(s, 0, sizeof(*s));
}

const char *sxp_head(const struct sxp *s)
{
	return s && !s->atom && s->n && s->kids[0].atom ? s->kids[0].atom : NULL;
}

const struct sxp *sxp_child(const struct sxp *s, const char *name)
{
	for (size_t i = 1; s && i < s->n; i++) {
		const char *h = sxp_head(&s->kids[i]);
		if (h && strcmp(h, name) == 0)
			return &s->kids[i];
	}
	return NULL;
}

const char *sxp_value(const struct sxp *s, const char *name)
{
	const struct sxp *c = sxp_child(s, name);
	return c && c->n >= 2 && c->kids[1].atom ? c->kids[1].atom : NULL;
}

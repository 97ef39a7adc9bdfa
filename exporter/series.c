/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Writing series of the exposition format: each domain's labels escaped
 * once per scrape, values without printf, info series of any labels. */
#include "exporter/series.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/escape.h"
#include "core/util.h"

void series_head(struct buf *o, bool om, const char *name, const char *type, const char *help)
{
	size_t n = strlen(name);
	if (om && strcmp(type, "counter") == 0 && str_ends(name, "_total"))
		n -= 6;
	buf_printf(o, "# HELP %.*s %s\n# TYPE %.*s %s\n", (int)n, name, help, (int)n, name, type);
}

void labels_make(struct labels *l, const struct hv_snapshot *s)
{
	l->text = (struct buf)BUF_INIT;
	l->off = xcalloc(s->ndom + 1, sizeof(*l->off));
	for (size_t i = 0; i < s->ndom; i++) {
		l->off[i] = l->text.len;
		buf_puts(&l->text, "domain=\"");
		esc_prom_label(&l->text, s->dom[i].name ? s->dom[i].name : "");
		buf_puts(&l->text, "\",uuid=\"");
		esc_prom_label(&l->text, s->dom[i].uuid);
		buf_putc(&l->text, '"');
	}
	l->off[s->ndom] = l->text.len;
}

void labels_free(struct labels *l)
{
	buf_free(&l->text);
	free(l->off);
}

/* A family of n series with the domains' labels: HELP and TYPE, and room
 * for the series, so that a large family is not copied as it grows. */
void domain_family(struct buf *o, const struct series_ctx *c, const char *name, const char *type, const char *help, size_t n)
{
	const struct labels *l = c->l;
	const struct hv_snapshot *s = c->s;
	series_head(o, c->om, name, type, help);
	size_t per_label = s->ndom ? l->text.len / s->ndom : 0;
	/* name{labels,device="..."} value\n: 48 for the rest */
	buf_grow(o, n * (strlen(name) + per_label + 48));
}

/* How many devices or vCPUs the domains have in all (offset: of the
 * count in struct hv_domain). */
size_t total(const struct hv_snapshot *s, size_t offset)
{
	size_t n = 0;
	for (size_t i = 0; i < s->ndom; i++)
		n += *(const size_t *)((const char *)&s->dom[i] + offset);
	return n;
}

void dom_labels(struct buf *o, const struct labels *l, size_t i)
{
	buf_add(o, l->text.s + l->off[i], l->off[i + 1] - l->off[i]);
}

/* One series, name{domain="..",uuid=".."[,k="v"]} value, written in one
 * go rather than piece by piece: it is the innermost step of a scrape,
 * run for every family of every domain.  v is escaped here; value is the value's text. */
void series(struct buf *o, const char *name, const struct labels *l, size_t i, const char *k, const char *v, const char *value,
		   size_t vlen)
{
	struct buf esc = BUF_INIT;
	if (v && v[strcspn(v, "\\\"\n")]) {
		esc_prom_label(&esc, v);
		v = buf_str(&esc);
	}
	size_t nlen = strlen(name), llen = l->off[i + 1] - l->off[i];
	size_t klen = k ? strlen(k) : 0, kvlen = k ? strlen(v) : 0;
	buf_grow(o, nlen + llen + klen + kvlen + vlen + 8);
	char *p = mempcpy(o->s + o->len, name, nlen);
	*p++ = '{';
	p = mempcpy(p, l->text.s + l->off[i], llen);
	if (k) {
		*p++ = ',';
		p = mempcpy(p, k, klen);
		*p++ = '=';
		*p++ = '"';
		p = mempcpy(p, v, kvlen);
		*p++ = '"';
	}
	*p++ = '}';
	*p++ = ' ';
	p = mempcpy(p, value, vlen);
	*p++ = '\n';
	*p = '\0';
	o->len = (size_t)(p - o->s);
	buf_free(&esc);
}

/* The decimal digits of v, ending at end; returns where they start. */
char *digits(char *end, unsigned long long v)
{
	do
		*--end = (char)('0' + v % 10);
	while (v /= 10);
	return end;
}

void series_u64(struct buf *o, const char *name, const struct labels *l, size_t i, const char *extra_k,
		       const char *extra_v, unsigned long long v)
{
	char text[24];
	char *end = text + sizeof(text);
	char *at = digits(end, v);
	series(o, name, l, i, extra_k, extra_v, at, (size_t)(end - at));
}

/* Nanoseconds as seconds with nine decimals, exactly, without printf (the
 * CPU series are several a domain). */
void series_ns(struct buf *o, const char *name, const struct labels *l, size_t i, const char *extra_k,
		      const char *extra_v, unsigned long long ns)
{
	char text[32];
	char *end = text + sizeof(text);
	unsigned long long f = ns % 1000000000ULL;
	for (int k = 0; k < 9; k++, f /= 10)
		*--end = (char)('0' + f % 10);
	*--end = '.';
	char *at = digits(end, ns / 1000000000ULL);
	series(o, name, l, i, extra_k, extra_v, at, (size_t)(text + sizeof(text) - at));
}

void series_info(struct buf *o, const char *name, const struct labels *l, size_t i, const char *const *kv, size_t n)
{
	buf_puts(o, name);
	buf_putc(o, '{');
	dom_labels(o, l, i);
	for (size_t k = 0; k < n; k++) {
		buf_putc(o, ',');
		buf_puts(o, kv[2 * k]);
		buf_puts(o, "=\"");
		esc_prom_label(o, kv[2 * k + 1] ? kv[2 * k + 1] : "");
		buf_putc(o, '"');
	}
	buf_puts(o, "} 1\n");
}

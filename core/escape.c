/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Escaping text for JSON, XML, HTML, Prometheus labels and terminals. */
#include "core/escape.h"

#include <string.h>

/* Length of a valid UTF-8 sequence at s, or 0. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned c = s[0];
	size_t n;
	unsigned min;
	if (c < 0x80)
		return 1;
	if ((c & 0xe0) == 0xc0) {
		n = 2;
		min = 0x80;
		c &= 0x1f;
	} else if ((c & 0xf0) == 0xe0) {
		n = 3;
		min = 0x800;
		c &= 0x0f;
	} else if ((c & 0xf8) == 0xf0) {
		n = 4;
		min = 0x10000;
		c &= 0x07;
	} else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	return n;
}

void esc_json(struct buf *b, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	buf_putc(b, '"');
	while (*s) {
		unsigned c = *s;
		if (c == '"' || c == '\\') {
			buf_putc(b, '\\');
			buf_putc(b, (char)c);
			s++;
		} else if (c == '\n') {
			buf_puts(b, "\\n");
			s++;
		} else if (c == '\t') {
			buf_puts(b, "\\t");
			s++;
		} else if (c == '\r') {
			buf_puts(b, "\\r");
			s++;
		} else if (c < 0x20 || c == 0x7f) {
			buf_printf(b, "\\u%04x", c);
			s++;
		} else {
			size_t n = utf8_len(s);
			if (!n) {
				buf_puts(b, "\\ufffd");
				s++;
			} else {
				buf_add(b, s, n);
				s += n;
			}
		}
	}
	buf_putc(b, '"');
}

void esc_xml(struct buf *b, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	while (*s) {
		unsigned c = *s;
		switch (c) {
		case '<': buf_puts(b, "&lt;"); s++; continue;
		case '>': buf_puts(b, "&gt;"); s++; continue;
		case '&': buf_puts(b, "&amp;"); s++; continue;
		case '"': buf_puts(b, "&quot;"); s++; continue;
		case '\'': buf_puts(b, "&apos;"); s++; continue;
		case '\n': case '\t': case '\r': buf_putc(b, (char)c); s++; continue;
		default: break;
		}
		if (c < 0x20 || c == 0x7f) {
			/* Not allowed in XML 1.0 at all. */
			buf_putc(b, '?');
			s++;
			continue;
		}
		size_t n = utf8_len(s);
		if (!n) {
			buf_puts(b, "\xef\xbf\xbd");
			s++;
		} else {
			buf_add(b, s, n);
			s += n;
		}
	}
}

void esc_html(struct buf *b, const char *str)
{
	static const char replacement[] = "\xef\xbf\xbd";
	const unsigned char *s = (const unsigned char *)str;
	while (*s) {
		unsigned c = *s;
		const char *ref = c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '&' ? "&amp;" : c == '"' ? "&quot;" : c == '\'' ? "&#39;" : NULL;
		size_t n = ref ? 1 : c == '\n' || c == '\t' ? 1 : c < 0x20 || c == 0x7f ? 0 : utf8_len(s);
		if (ref)
			buf_puts(b, ref);
		else if (n)
			buf_add(b, s, n);
		else
			buf_add(b, replacement, sizeof(replacement) - 1);
		s += n ? n : 1;
	}
}

void esc_prom_label(struct buf *b, const char *s)
{
	/* Runs of plain characters are copied at once: an exporter escapes
	 * every domain's name and UUID on each scrape. */
	for (;;) {
		size_t n = strcspn(s, "\\\"\n");
		buf_add(b, s, n);
		s += n;
		if (!*s)
			return;
		buf_puts(b, *s == '\\' ? "\\\\" : *s == '"' ? "\\\"" : "\\n");
		s++;
	}
}

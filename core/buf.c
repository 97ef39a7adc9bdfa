/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A growable text buffer, always NUL-terminated. */
#include "core/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "core/util.h"

void buf_grow(struct buf *b, size_t extra)
{
	if (extra > SIZE_MAX - b->len - 1)
		die_oom(SIZE_MAX); /* the size itself does not fit */
	size_t need = b->len + extra + 1;
	if (need <= b->alloc)
		return;
	size_t alloc = b->alloc ? b->alloc : 64;
	while (alloc < need)
		alloc = alloc > SIZE_MAX / 2 ? need : alloc * 2;
	b->s = xrealloc(b->s, alloc);
	b->alloc = alloc;
	/* A grown buffer is a C string even before anything is written
	 * (callers hand buf_grow(b, 0)'s b->s to strtok_r). */
	b->s[b->len] = '\0';
}

void buf_add(struct buf *b, const void *data, size_t n)
{
	buf_grow(b, n);
	if (n)
		memcpy(b->s + b->len, data, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void buf_puts(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void buf_putc(struct buf *b, char c)
{
	buf_add(b, &c, 1);
}

void buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	/* One pass when the text fits the room left, as it nearly always does
	 * once the buffer has grown; a second only when it does not. */
	buf_grow(b, 64);
	size_t room = b->alloc - b->len;
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(b->s + b->len, room, fmt, cp);
	va_end(cp);
	if (n < 0) {
		b->s[b->len] = '\0';
		return;
	}
	if ((size_t)n >= room) {
		buf_grow(b, (size_t)n);
		vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	}
	b->len += (size_t)n;
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void buf_put_u64(struct buf *b, unsigned long long v)
{
	char tmp[24];
	char *p = tmp + sizeof(tmp);
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	buf_add(b, p, (size_t)(tmp + sizeof(tmp) - p));
}

void buf_put_padded(struct buf *b, const char *s, size_t len, int width, bool left)
{
	size_t pad = width > 0 && (size_t)width > len ? (size_t)width - len : 0;
	buf_grow(b, len + pad);
	if (!left) {
		memset(b->s + b->len, ' ', pad);
		b->len += pad;
	}
	memcpy(b->s + b->len, s, len);
	b->len += len;
	if (left) {
		memset(b->s + b->len, ' ', pad);
		b->len += pad;
	}
	b->s[b->len] = '\0';
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = '\0';
}

const char *buf_str(const struct buf *b)
{
	return b->s ? b->s : "";
}

char *buf_steal(struct buf *b)
{
	char *s = b->s ? b->s : xstrdup("");
	b->s = NULL;
	b->len = b->alloc = 0;
	return s;
}

void buf_free(struct buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->alloc = 0;
}

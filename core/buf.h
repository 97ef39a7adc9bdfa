/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A growable text buffer (after git's strbuf): always NUL-terminated. */
#ifndef HVSCOPE_CORE_BUF_H
#define HVSCOPE_CORE_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct buf {
	char *s;
	size_t len, alloc;
};

#define BUF_INIT { NULL, 0, 0 }

void buf_grow(struct buf *b, size_t extra);
void buf_add(struct buf *b, const void *data, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* Decimal without printf: top formats 18 numbers per domain per sample. */
void buf_put_u64(struct buf *b, unsigned long long v);
/* Pad s to width with spaces, left- or right-aligned. */
void buf_put_padded(struct buf *b, const char *s, size_t len, int width, bool left);
void buf_reset(struct buf *b);
/* The text, never NULL ("" for an empty buffer). */
const char *buf_str(const struct buf *b);
/* Give the text to the caller (who frees it) and reset the buffer. */
char *buf_steal(struct buf *b);
void buf_free(struct buf *b);
static inline void buf_freep(struct buf *b) { buf_free(b); }

#endif

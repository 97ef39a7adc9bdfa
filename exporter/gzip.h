/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A scrape's answer gzip-compressed as it is sent, when the scraper's
 * Accept-Encoding allows gzip. */
#ifndef HVSCOPE_EXPORTER_GZIP_H
#define HVSCOPE_EXPORTER_GZIP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* zlib's level for scrapes: see hvscope-exporter(1), PERFORMANCE. */
#define GZIP_LEVEL 1

/* Whether an Accept-Encoding value (RFC 9110 12.5.3) allows gzip: gzip or
 * x-gzip with a q-value above 0, or, when neither is named, "*" with one.
 * NULL (no header) allows only identity. */
bool gzip_accepted(const char *accept_encoding);

/* Where the plain text comes from: up to max bytes into out, 0 at its end. */
typedef size_t (*gzip_source)(void *cls, char *out, size_t max);
struct gzip_stream;

/* NULL when zlib cannot start (no memory). */
struct gzip_stream *gzip_new(int level, gzip_source src, void *cls);
/* The next compressed bytes into out (at most max): how many, 0 when the
 * stream is whole, -1 on zlib's error. */
ssize_t gzip_read(struct gzip_stream *g, char *out, size_t max);
/* The plain bytes read so far and the compressed bytes given out. */
void gzip_counts(const struct gzip_stream *g, size_t *plain, size_t *packed);
/* Frees g only; the source is the caller's. */
void gzip_free(struct gzip_stream *g);

#endif

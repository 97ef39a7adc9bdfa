/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One scrape's answer, written while it is sent: hvscope_up, the sample's
 * families one at a time, then the readiness, self and process families;
 * Prometheus text 0.0.4, or OpenMetrics 1.0.0 when the scraper asks. */
#ifndef HVSCOPE_EXPORTER_SCRAPE_H
#define HVSCOPE_EXPORTER_SCRAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct exporter;
struct scrape;

/* Waits for a fresh sample (at most the scrape timeout). */
struct scrape *scrape_new(struct exporter *x, bool om);
/* The next bytes of the answer into out (at most max): how many, 0 when
 * all is sent (libmicrohttpd's content reader, less its end marker). */
size_t scrape_read(struct scrape *sc, char *out, size_t max);
void scrape_free(struct scrape *sc);

#endif

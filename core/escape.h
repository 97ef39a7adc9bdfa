/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Escaping for the output formats: every writer appends through these. */
#ifndef HVSCOPE_CORE_ESCAPE_H
#define HVSCOPE_CORE_ESCAPE_H

#include "core/buf.h"

/* A JSON string with its quotes; invalid UTF-8 bytes become U+FFFD. */
void esc_json(struct buf *b, const char *s);
/* XML text or attribute content (no quotes added). */
void esc_xml(struct buf *b, const char *s);
/* A Prometheus label value (no quotes added): \\ \" \n. */
void esc_prom_label(struct buf *b, const char *s);

#endif

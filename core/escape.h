/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Escaping for the output formats: every writer appends through these. */
#ifndef HVSCOPE_CORE_ESCAPE_H
#define HVSCOPE_CORE_ESCAPE_H

#include "core/buf.h"

/* A JSON string with its quotes; invalid UTF-8 bytes become U+FFFD. */
void esc_json(struct buf *b, const char *s);
/* XML text or attribute content (no quotes added). */
void esc_xml(struct buf *b, const char *s);
/* HTML text or a quoted attribute's value: & < > " ' as references, control
 * characters other than \n \t as U+FFFD, as are invalid UTF-8 bytes.  Any
 * host's text is shown as text, never read as markup. */
void esc_html(struct buf *b, const char *s);
/* A Prometheus label value (no quotes added): \\ \" \n. */
void esc_prom_label(struct buf *b, const char *s);

#endif

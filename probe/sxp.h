/* SPDX-License-Identifier: GPL-2.0-or-later */
/* S-expressions as xend writes them: its managed domains' config.sxp
 * ("(domain (name web1) (memory 512) (device (vbd (uname ...))))"),
 * xend-config.sxp and "xm list --long".  Atoms are bare words or quoted
 * strings; nothing else. */
#ifndef HVSCOPE_PROBE_SXP_H
#define HVSCOPE_PROBE_SXP_H

#include <stddef.h>

struct sxp {
	char *atom; /* NULL for a list */
	struct sxp *kids;
	size_t n;
};

/* Parses the first expression of text; -EINVAL with *line set on a
 * syntax error (unbalanced parentheses, an unterminated string). */
int sxp_parse(const char *text, size_t len, struct sxp *out, int *line);
void sxp_free(struct sxp *s);
/* The first child list of s whose head is name, or NULL. */
const struct sxp *sxp_child(const struct sxp *s, const char *name);
/* The atom after name in that child: (name value); NULL if none. */
const char *sxp_value(const struct sxp *s, const char *name);
/* The head atom of a list, or NULL. */
const char *sxp_head(const struct sxp *s);

#endif

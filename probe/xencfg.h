/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Parser for Xen domain configuration files (/etc/xen/NAME): the xm
 * (python-style) and xl syntax, "key = value" with strings, numbers and
 * lists of strings, '#' comments, lists spanning lines.  It never fails as
 * a whole: each bad statement is recorded as "line:column: message" and
 * parsing goes on at the next line. */
#ifndef HVSCOPE_PROBE_XENCFG_H
#define HVSCOPE_PROBE_XENCFG_H

#include <stddef.h>

#include "core/util.h"

enum xcfg_type { XCFG_STR, XCFG_INT, XCFG_LIST };

struct xcfg_entry {
	char *key;
	enum xcfg_type type;
	char *s;          /* XCFG_STR; also the text of an XCFG_INT */
	long long i;      /* XCFG_INT */
	struct strv list; /* XCFG_LIST: items as text */
	int line;
};

struct xcfg {
	struct xcfg_entry *e;
	size_t n;
	struct strv errors;
};

void xcfg_parse(const char *text, size_t len, struct xcfg *out);
/* The last assignment to key (later ones win, as in python), or NULL. */
const struct xcfg_entry *xcfg_get(const struct xcfg *c, const char *key);
void xcfg_free(struct xcfg *c);

/* Helpers over common values. */
/* The image path of a disk spec ("tap:aio:/var/lib/xen/images/vm,xvda,w",
 * "phy:/dev/vg/lv,xvda,w", "format=raw, vdev=xvda, target=/img"); NULL when
 * it names none. */
char *xcfg_disk_path(const char *spec);
/* The mac= of a vif spec ("mac=00:16:3e:0c:77:c5, bridge=xenbr0"); NULL if none. */
char *xcfg_vif_mac(const char *spec);

#endif

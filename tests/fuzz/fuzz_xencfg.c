/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: the Xen domain configuration reader (xl syntax and
 * xm's Python, evaluated statically), the disk/vif spec readers over
 * whatever it returns, and the S-expression reader of xend's files. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "probe/sxp.h"
#include "probe/xencfg.h"
#include "probe/xenspec.h"

static void spec(const char *s)
{
	struct xdisk d;
	xspec_disk(s, &d);
	xspec_disk_free(&d);
	free(xspec_vif_mac(s));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xcfg c;
	xcfg_parse((const char *)data, size, &c);
	for (size_t i = 0; i < c.n; i++) {
		if (c.e[i].type == XCFG_LIST)
			for (size_t k = 0; k < c.e[i].list.n; k++)
				spec(c.e[i].list.v[k]);
		else if (c.e[i].s)
			spec(c.e[i].s);
	}
	xcfg_get(&c, "name");
	xcfg_free(&c);
	struct sxp s;
	int line;
	if (sxp_parse((const char *)data, size, &s, &line) == 0) {
		sxp_value(&s, "name");
		sxp_free(&s);
	}
	return 0;
}

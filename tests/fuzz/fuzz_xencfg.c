/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: the Xen domain configuration parser and the disk/vif
 * spec helpers over whatever it returns. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "probe/xencfg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xcfg c;
	xcfg_parse((const char *)data, size, &c);
	for (size_t i = 0; i < c.n; i++) {
		if (c.e[i].type == XCFG_LIST)
			for (size_t k = 0; k < c.e[i].list.n; k++) {
				free(xcfg_disk_path(c.e[i].list.v[k]));
				free(xcfg_vif_mac(c.e[i].list.v[k]));
			}
		else if (c.e[i].s)
			free(xcfg_disk_path(c.e[i].s));
	}
	xcfg_get(&c, "name");
	xcfg_free(&c);
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The floor for the RSS comparison: a libvirt client that opens a
 * read-only connection, lists the running domains once, and exits. */
#include <libvirt/libvirt.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	virConnectPtr c = virConnectOpenReadOnly(argc > 1 ? argv[1] : NULL);
	if (!c)
		return 1;
	virDomainPtr *doms = NULL;
	int n = virConnectListAllDomains(c, &doms, VIR_CONNECT_LIST_DOMAINS_ACTIVE);
	for (int i = 0; i < n; i++)
		virDomainFree(doms[i]);
	free(doms);
	printf("%d\n", n);
	virConnectClose(c);
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <string.h>

#include "hv/lv_conn.h"
#include "hv/lv_records.h"

int lv_group_records(virDomainPtr *doms, int n, unsigned group, const struct hv_snapshot *out,
		     void (*take)(int slot, const virDomainStatsRecord *rec, void *arg), void *arg)
{
	virDomainStatsRecordPtr *recs = NULL;
	int nrec = virDomainListGetStats(doms, group, &recs, VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT);
	if (nrec < 0)
		return -1;
	/* records come in the order asked, less domains that went away */
	int at = 0;
	for (int r = 0; r < nrec && at < n; r++) {
		char u[VIR_UUID_STRING_BUFLEN];
		if (lv_uuid(recs[r]->dom, u) < 0)
			continue;
		while (at < n && strcmp(out->dom[at].uuid, u) != 0)
			at++;
		if (at < n)
			take(at++, recs[r], arg);
	}
	virDomainStatsRecordListFree(recs);
	return nrec;
}

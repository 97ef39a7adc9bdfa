/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Baselines for bench/top-vs-virsh-domstats.sh, written against libvirt
 * alone:
 *   bare_client URI            open a read-only connection, list the
 *                              running domains once: the RSS floor;
 *   bare_client URI serve      the same refreshes, one for each line read
 *                              on stdin, each answered with its wall time
 *                              in ms on stdout: the benchmark interleaves
 *                              them with the exporters' scrapes, as this
 *                              machine's speed swings by 2x from one
 *                              second to the next;
 *   bare_client URI fetch N    N refreshes making the libvirt calls
 *                              hvscope's backend makes (all-domain stats
 *                              for state, interface and block, the block
 *                              group apart for the domains that had block
 *                              devices on the first refresh when the
 *                              driver gives it,
 *                              free memory, name/UUID/id of each record,
 *                              virDomainGetInfo and GetVcpus of each,
 *                              GetMaxVcpus of each on the first refresh, and where the driver leaves them
 *                              out, as the test driver does, the block and
 *                              interface stats of each domain's devices),
 *                              keeping nothing: libvirt's own cost. */
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void silent(void *o, virErrorPtr e)
{
	(void)o;
	(void)e;
}

/* Values of <target dev='...'/> after <disk or <interface, crudely. */
static int devices(const char *xml, const char *elem, char names[][64], int max)
{
	int n = 0;
	for (const char *p = xml; n < max && (p = strstr(p, elem)); p++) {
		const char *t = strstr(p, "<target dev='");
		if (!t)
			break;
		t += strlen("<target dev='");
		size_t l = strcspn(t, "'");
		if (l >= 64)
			continue;
		memcpy(names[n], t, l);
		names[n++][l] = '\0';
		p = t;
	}
	return n;
}

/* One refresh; first: the first on this connection (reads the device
 * names, asks the maximum vCPUs).  Returns its wall time in ms. */
static double refresh(virConnectPtr c, bool first)
{
	/* Which domains had block devices on the first refresh (by position,
	 * crudely: the domains do not change during a benchmark), and
	 * whether the driver gives the block group at all. */
	static bool split, has_blk[1024];
	unsigned stats = VIR_DOMAIN_STATS_STATE | VIR_DOMAIN_STATS_INTERFACE | (split ? 0 : VIR_DOMAIN_STATS_BLOCK);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	virDomainStatsRecordPtr *recs = NULL;
	int n = virConnectGetAllDomainStats(c, stats, &recs,
					    VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE | VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT);
	virNodeGetFreeMemory(c);
	if (split && n > 0) {
		virDomainPtr list[1025];
		int m = 0;
		for (int i = 0; i < n && i < 1024; i++)
			if (has_blk[i])
				list[m++] = recs[i]->dom;
		list[m] = NULL;
		virDomainStatsRecordPtr *brecs = NULL;
		if (m && virDomainListGetStats(list, VIR_DOMAIN_STATS_BLOCK, &brecs, VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT) >= 0)
			virDomainStatsRecordListFree(brecs);
	}
	for (int i = 0; first && i < n && i < 1024; i++)
		for (int k = 0; k < recs[i]->nparams; k++)
			if (strcmp(recs[i]->params[k].field, "block.count") == 0) {
				split = true;
				has_blk[i] = recs[i]->params[k].value.ui > 0;
			}
	for (int i = 0; i < n; i++) {
		virDomainPtr d = recs[i]->dom;
		unsigned char uuid[VIR_UUID_BUFLEN];
		(void)virDomainGetName(d);
		virDomainGetUUID(d, uuid);
		(void)virDomainGetID(d);
		virDomainInfo info;
		virDomainGetInfo(d, &info);
		if (first) /* it cannot change while the domain runs: asked once */
			(void)virDomainGetMaxVcpus(d);
		virVcpuInfo vi[64];
		virDomainGetVcpus(d, vi, info.nrVirtCpu < 64 ? info.nrVirtCpu : 64, NULL, 0);
		bool has_devices = false;
		for (int k = 0; k < recs[i]->nparams; k++)
			has_devices |= strcmp(recs[i]->params[k].field, "net.count") == 0;
		if (has_devices)
			continue;
		/* hvscope reads the device names once and keeps them;
		 * so does this, on the first refresh. */
		static char disks[1024][64], nics[1024][64];
		static int nd[1024], nn[1024];
		if (first && i < 1024) {
			char *xml = virDomainGetXMLDesc(d, 0);
			nd[i] = xml ? devices(xml, "<disk ", &disks[i], 1) : 0;
			nn[i] = xml ? devices(xml, "<interface ", &nics[i], 1) : 0;
			free(xml);
		}
		if (i < 1024) {
			virDomainBlockStatsStruct bs;
			virDomainInterfaceStatsStruct is;
			if (nd[i])
				virDomainBlockStats(d, disks[i], &bs, sizeof(bs));
			if (nn[i])
				virDomainInterfaceStats(d, nics[i], &is, sizeof(is));
		}
	}
	if (recs)
		virDomainStatsRecordListFree(recs);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
}

int main(int argc, char **argv)
{
	virSetErrorFunc(NULL, silent);
	virConnectPtr c = virConnectOpenReadOnly(argc > 1 ? argv[1] : NULL);
	if (!c)
		return 1;
	if (argc < 3 || (strcmp(argv[2], "fetch") != 0 && strcmp(argv[2], "serve") != 0)) {
		virDomainPtr *doms = NULL;
		int n = virConnectListAllDomains(c, &doms, VIR_CONNECT_LIST_DOMAINS_ACTIVE);
		for (int i = 0; i < n; i++)
			virDomainFree(doms[i]);
		free(doms);
		printf("%d\n", n);
		virConnectClose(c);
		return 0;
	}
	if (strcmp(argv[2], "serve") == 0) {
		refresh(c, true);
		char line[64];
		while (fgets(line, sizeof(line), stdin)) {
			printf("%.3f\n", refresh(c, false));
			fflush(stdout);
		}
		virConnectClose(c);
		return 0;
	}
	int refreshes = argc > 3 ? atoi(argv[3]) : 1;
	double *ms = calloc((size_t)refreshes + 1, sizeof(*ms));
	for (int r = 0; r < refreshes; r++)
		ms[r] = refresh(c, r == 0);
	/* The median wall time of a refresh after the first (which reads the
	 * device names), on stderr: what a kept connection costs. */
	if (refreshes > 1) {
		qsort(ms + 1, (size_t)refreshes - 1, sizeof(*ms), cmp_dbl);
		fprintf(stderr, "refresh %.3f ms\n", ms[1 + (refreshes - 1) / 2]);
	}
	free(ms);
	virConnectClose(c);
	return 0;
}

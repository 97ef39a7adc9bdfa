/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What each bulk-statistics group costs libvirt on a URI:
 *   libvirt_groups URI               the best of 15
 *                                    virConnectGetAllDomainStats(ACTIVE|NOWAIT)
 *                                    calls per group, then all of them
 *                                    together, then virNodeGetFreeMemory;
 *   libvirt_groups URI serve         for each line read on stdin, a
 *                                    bit mask of groups, one such call of
 *                                    them on a kept connection, answered
 *                                    with its wall time in ms: a benchmark
 *                                    interleaves it with scrapes. */
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static void silent(void *o, virErrorPtr e)
{
	(void)o;
	(void)e;
}

int main(int argc, char **argv)
{
	virSetErrorFunc(NULL, silent);
	virConnectPtr c = virConnectOpenReadOnly(argc > 1 ? argv[1] : NULL);
	if (!c)
		return 1;
	if (argc > 2 && strcmp(argv[2], "serve") == 0) {
		char line[64];
		while (fgets(line, sizeof(line), stdin)) {
			unsigned groups = (unsigned)strtoul(line, NULL, 0);
			virDomainStatsRecordPtr *recs = NULL;
			double t = now();
			int n = virConnectGetAllDomainStats(c, groups, &recs,
							    VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE | VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT);
			printf("%.3f\n", (now() - t) * 1000);
			fflush(stdout);
			if (n >= 0)
				virDomainStatsRecordListFree(recs);
		}
		virConnectClose(c);
		return 0;
	}
	static const struct {
		const char *name;
		unsigned groups;
	} g[] = {
		{ "state", VIR_DOMAIN_STATS_STATE },	     { "cpu-total", VIR_DOMAIN_STATS_CPU_TOTAL },
		{ "balloon", VIR_DOMAIN_STATS_BALLOON },     { "vcpu", VIR_DOMAIN_STATS_VCPU },
		{ "interface", VIR_DOMAIN_STATS_INTERFACE }, { "block", VIR_DOMAIN_STATS_BLOCK },
		{ "all six", 63 },
	};
	for (size_t k = 0; k < sizeof(g) / sizeof(g[0]); k++) {
		double best = 1e9;
		for (int r = 0; r < 15; r++) {
			virDomainStatsRecordPtr *recs = NULL;
			double t = now();
			int n = virConnectGetAllDomainStats(c, g[k].groups, &recs,
							    VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE | VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT);
			double d = now() - t;
			if (n >= 0)
				virDomainStatsRecordListFree(recs);
			if (d < best)
				best = d;
		}
		printf("    %-10s %7.2f ms\n", g[k].name, best * 1000);
	}
	double best = 1e9;
	for (int r = 0; r < 15; r++) {
		double t = now();
		virNodeGetFreeMemory(c);
		double d = now() - t;
		if (d < best)
			best = d;
	}
	printf("    %-10s %7.2f ms\n", "free mem", best * 1000);
	virConnectClose(c);
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A monitor-bound group asked of some domains in shares, each share a
 * call on a pool connection of its own. */
#ifndef HVSCOPE_HV_LV_SHARE_H
#define HVSCOPE_HV_LV_SHARE_H

#include "hv/lv_call.h"

#pragma GCC visibility push(hidden)

/* One share: the groups of the running domains whose UUIDs it holds. */
struct q_share {
	struct call c;
	virConnectPtr conn;   /* the pool connection, referenced */
	struct strv share;    /* UUIDs, sorted */
	unsigned groups, flags;
	virDomainStatsRecordPtr *recs;
	int nrec;
};

struct share_rec {
	char uuid[VIR_UUID_STRING_BUFLEN];
	const virDomainStatsRecord *rec;
};

/* A group asked of some domains in shares, one a pool connection. */
struct shares {
	struct q_share **c; /* n of them; NULL where one missed the deadline */
	int n;              /* 0: no pool (one connection wanted, or one domain) */
	double t0;
	/* After lv_shares_wait: */
	bool ok;         /* every share answered in time */
	bool missed;     /* some share did not answer in time */
	double took;     /* the slowest share's time */
	char *error;
	struct share_rec *idx; /* every record got, sorted by UUID */
	size_t nidx;
};
/* Deal the n UUIDs over min(connections, n) pool connections, each share
 * asking groups, started; s->n is 0 when there is no pool to deal over
 * (connections < 2 or n < 2). */
void lv_shares_start(struct lv *lv, int connections, unsigned groups, char *const *uuids, int n, struct shares *s);
/* Wait for the shares until the CLOCK_MONOTONIC time until. */
void lv_shares_wait(struct lv *lv, struct shares *s, const struct timespec *until);
/* The record the shares got for the domain of this UUID, or NULL. */
const virDomainStatsRecord *lv_shares_record(const struct shares *s, const char *uuid);
void lv_shares_free(struct shares *s);

#pragma GCC visibility pop

#endif

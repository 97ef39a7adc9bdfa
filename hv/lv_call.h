/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A call into libvirt on a thread of its own, with a deadline: its
 * lifecycle alone.  What a call asks is its owner's: a query embeds
 * struct call as its member c and gives it run and free functions
 * (hv/lv_query*.h, hv/lv_share.c, hv/lv_dump.c). */
#ifndef HVSCOPE_HV_LV_CALL_H
#define HVSCOPE_HV_LV_CALL_H

#include <stddef.h>
#include <time.h>

#include "hv/lv_conn.h"

#pragma GCC visibility push(hidden)

struct call {
	/* Set by the owner before the start. */
	struct lv *lv;
	/* What the call asks, on its thread: a negative return is a failure
	 * described by libvirt's last error. */
	int (*run)(struct call *c);
	/* Frees the owner, on whichever thread lets go of it last. */
	void (*free)(struct call *c);
	/* Under lv->mu, when the waiter gives up on the call: what came in
	 * time may be taken to the caller's side (NULL: nothing). */
	void (*on_abandon)(struct call *c);
	/* A call that misses its deadline on lv->conn retires the connection
	 * (libvirt's client stalls other calls on a connection whose replies
	 * are outstanding); one on a connection of its own does not. */
	bool retires;
	/* When done it waits to be released and frees what it got on its own
	 * thread, not the sample's.  Released by hv_tidy, when the caller has
	 * done with the sample (the exporter: once the scrapes are sent), or
	 * by the next sample. */
	bool linger;
	/* The domain the call is asking now ("" none), under lv->mu:
	 * call_pending finds a domain still out by it. */
	char key[VIR_UUID_STRING_BUFLEN];

	/* Lifecycle, under lv->mu once started. */
	bool done, abandoned, released;
	int result;      /* run's return */
	char *error;     /* when result < 0 */
	int errcode;     /* virErrorNumber of the failure */
	double t0, took; /* when it started, how long it ran (CLOCK_MONOTONIC seconds) */
	struct call *next; /* in lv->outstanding */
};

/* The owner of call c, a struct type with c as its member c. */
#define CALL_OWNER(type, cp) ((type *)(void *)((char *)(cp) - offsetof(type, c)))

/* c set up for lv with its run and free functions (retires). */
void call_init(struct call *c, struct lv *lv, int (*run)(struct call *), void (*free_fn)(struct call *));
/* Start c on a thread of its own; false when no thread was to be had (it
 * has then run inline and is done). */
bool call_start(struct call *c);
/* Wait for a started call until the CLOCK_MONOTONIC time until: the call
 * when it finished in time (caller releases it), NULL when it did not (it
 * goes on alone, listed as outstanding, and frees itself). */
struct call *call_wait(struct lv *lv, struct call *c, const struct timespec *until);
/* call_start, then call_wait for deadline_ms. */
struct call *call_run_with_deadline(struct lv *lv, struct call *c, int deadline_ms);
/* A call the sample is done with: freed here, or by its own thread. */
void call_release(struct lv *lv, struct call *c);
void call_free(struct call *c);
/* Is a call still outstanding while asking this domain? */
bool call_pending(struct lv *lv, const char *uuid);
/* The domain c is asking now, for call_pending ("" none). */
void call_set_key(struct call *c, const char *uuid);
/* The domains a call asks about, referenced for the call's thread (the
 * caller's own may be freed while the call is out), NULL-terminated; and
 * their release with the call. */
virDomainPtr *lv_doms_ref(virDomainPtr *doms, int n);
void lv_doms_free(virDomainPtr *doms, int n);

#pragma GCC visibility pop

#endif

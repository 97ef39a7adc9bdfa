/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The keys a snapshot's JSON uses for its bit sets and counters, shared by
 * the writer (hv/snap_json.c) and the reader (hv/snap_load.c) so that one
 * list says both. */
#ifndef HVSCOPE_HV_SNAP_KEYS_H
#define HVSCOPE_HV_SNAP_KEYS_H

#include <stddef.h>

#include "hv/hv.h"

/* A counter: its key and where it sits in its struct; bit: the balloon's
 * HV_BAL_* (or a domain's HV_HAVE_*) that says it is there, else 0. */
struct snap_counter {
	unsigned bit;
	const char *key;
	size_t off;
};

/* The samples' format, written as samples.json's "format" and read
 * before anything else: 1, a bundle's single hypervisor/domains.json
 * sample; 2, a history whose domains may lack "have" (the writer held
 * every figure) and whose vCPUs may lack a state (online), as histories
 * were before they said their format; 3, every domain says what it has and
 * every vCPU its state.  A reader refuses a format above its own. */
#define SNAP_FORMAT 3

extern const struct snap_counter snap_have[], snap_balloon[], snap_net[], snap_blk[];
/* A vCPU's state by name: [0] offline, else [1 + hv_vcpu.state] (0 online
 * in a state the source did not say, 1 running, 2 blocked). */
extern const char *const snap_vcpu_state[4];
extern const size_t snap_nhave, snap_nballoon, snap_nnet, snap_nblk;

#endif

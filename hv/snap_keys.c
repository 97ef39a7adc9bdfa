/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The JSON keys of a snapshot's bit sets and counters, one list for the
 * writer and the reader. */
#include "hv/snap_keys.h"

const struct snap_counter snap_have[] = {
	{ HV_HAVE_CPU, "cpu", 0 }, { HV_HAVE_MEM, "mem", 0 }, { HV_HAVE_VCPU, "vcpu", 0 },
	{ HV_HAVE_NET, "net", 0 }, { HV_HAVE_BLK, "block", 0 }, { HV_HAVE_OO, "oo", 0 },
	{ HV_HAVE_PERSISTENT, "persistent", 0 },
};

const struct snap_counter snap_balloon[] = {
	{ HV_BAL_UNUSED, "unused_kib", offsetof(struct hv_balloon, unused_kib) },
	{ HV_BAL_AVAILABLE, "available_kib", offsetof(struct hv_balloon, available_kib) },
	{ HV_BAL_USABLE, "usable_kib", offsetof(struct hv_balloon, usable_kib) },
	{ HV_BAL_DISK_CACHES, "disk_caches_kib", offsetof(struct hv_balloon, disk_caches_kib) },
	{ HV_BAL_SWAP_IN, "swap_in_kib", offsetof(struct hv_balloon, swap_in_kib) },
	{ HV_BAL_SWAP_OUT, "swap_out_kib", offsetof(struct hv_balloon, swap_out_kib) },
	{ HV_BAL_MAJOR, "major_faults", offsetof(struct hv_balloon, major_faults) },
	{ HV_BAL_MINOR, "minor_faults", offsetof(struct hv_balloon, minor_faults) },
	{ HV_BAL_LAST_UPDATE, "last_update", offsetof(struct hv_balloon, last_update) },
};

const struct snap_counter snap_net[] = {
	{ 0, "rx_bytes", offsetof(struct hv_net, rx_bytes) }, { 0, "rx_packets", offsetof(struct hv_net, rx_pkts) },
	{ 0, "rx_errs", offsetof(struct hv_net, rx_errs) },   { 0, "rx_drop", offsetof(struct hv_net, rx_drop) },
	{ 0, "tx_bytes", offsetof(struct hv_net, tx_bytes) }, { 0, "tx_packets", offsetof(struct hv_net, tx_pkts) },
	{ 0, "tx_errs", offsetof(struct hv_net, tx_errs) },   { 0, "tx_drop", offsetof(struct hv_net, tx_drop) },
};
const struct snap_counter snap_blk[] = {
	{ 0, "rd_reqs", offsetof(struct hv_blk, rd_reqs) }, { 0, "rd_bytes", offsetof(struct hv_blk, rd_bytes) },
	{ 0, "wr_reqs", offsetof(struct hv_blk, wr_reqs) }, { 0, "wr_bytes", offsetof(struct hv_blk, wr_bytes) },
	{ 0, "oo_reqs", offsetof(struct hv_blk, oo_reqs) },
};

const char *const snap_vcpu_state[4] = { "offline", "online", "running", "blocked" };

const size_t snap_nhave = sizeof(snap_have) / sizeof(*snap_have);
const size_t snap_nballoon = sizeof(snap_balloon) / sizeof(*snap_balloon);
const size_t snap_nnet = sizeof(snap_net) / sizeof(*snap_net);
const size_t snap_nblk = sizeof(snap_blk) / sizeof(*snap_blk);

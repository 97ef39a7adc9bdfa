/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CPU lists as libvirt's cpuset attributes and the kernel's cpu lists
 * write them: "0-3,8", libvirt's "^2" exclusions, the kernel's
 * "0-15:2/4" groups (Documentation/admin-guide/kernel-parameters.rst,
 * "cpu lists"). */
#ifndef HVSCOPE_PROBE_CPUSET_H
#define HVSCOPE_PROBE_CPUSET_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

/* libvirt's limit on host CPUs in a cpuset (VIR_DOMAIN_CPUMASK_LEN). */
#define CPUSET_MAX 16384

struct cpuset {
	unsigned char bits[CPUSET_MAX / 8];
};

/* 0, or -EINVAL with *why (caller frees) naming the bad part. */
int cpuset_parse(const char *text, struct cpuset *out, char **why);
bool cpuset_has(const struct cpuset *s, unsigned cpu);
size_t cpuset_count(const struct cpuset *s);
/* The CPUs of a not in b, in list form ("4-5,9") appended to out; their count. */
size_t cpuset_minus(const struct cpuset *a, const struct cpuset *b, struct buf *out);
/* The CPUs in both, in list form; their count. */
size_t cpuset_and(const struct cpuset *a, const struct cpuset *b, struct buf *out);

#endif

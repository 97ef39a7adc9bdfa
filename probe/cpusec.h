/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the kernel says of the CPU's speculative-execution vulnerabilities
 * and of simultaneous multithreading (probe/cpusec.c), and the reading of
 * its strings that the unit tests check. */
#ifndef HVSCOPE_PROBE_CPUSEC_H
#define HVSCOPE_PROBE_CPUSEC_H

#include <stdbool.h>

enum vuln_state { VULN_NOT_AFFECTED, VULN_MITIGATED, VULN_VULNERABLE, VULN_UNKNOWN };

/* One line of /sys/devices/system/cpu/vulnerabilities/NAME: "Not
 * affected", "Mitigation: ...", "Vulnerable" or "Vulnerable: ...", and
 * "Unknown: ..." where the kernel cannot tell (a guest of a hypervisor
 * that does not say); iTLB multihit's "KVM: " prefix is read through and
 * its "Processor vulnerable" is VULNERABLE; anything else is UNKNOWN. */
enum vuln_state vuln_classify(const char *text);
/* Whether the line says sibling threads remain exposed: L1TF's "SMT
 * vulnerable", MDS, TAA and MMIO's "; SMT vulnerable". */
bool vuln_smt_exposed(const char *text);

#endif

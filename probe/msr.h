/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Whether the firmware lets VT-x/AMD-V run, told from the CPU's MSRs as
 * kvm-ok tells it, before Xen or KVM is installed. */
#ifndef HVSCOPE_PROBE_MSR_H
#define HVSCOPE_PROBE_MSR_H

#include <stdbool.h>
#include <stdint.h>

#define MSR_IA32_FEATURE_CONTROL 0x3a     /* Intel: bit 0 lock, bit 2 VMX outside SMX */
#define MSR_VM_CR 0xc0010114              /* AMD: bit 3 LOCK, bit 4 SVMDIS */

enum vt_firmware {
	VT_ENABLED,
	VT_DISABLED_IN_BIOS,
	VT_LOCKED_OFF, /* AMD: SVM disabled and the disable locked (a BIOS password or key) */
};

/* Decodes the MSR of the vendor's kind (vmx: IA32_FEATURE_CONTROL, else
 * VM_CR); *why says which bits decided. */
enum vt_firmware vt_firmware_decode(bool vmx, uint64_t value, const char **why);
const char *vt_firmware_name(enum vt_firmware v);

#endif

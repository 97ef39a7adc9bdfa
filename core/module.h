/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hvscope's own modules (hv-libvirt.so, cmd-top.so, probe-rpm.so, ...):
 * the parts whose libraries only some commands need, loaded when used. */
#ifndef HVSCOPE_CORE_MODULE_H
#define HVSCOPE_CORE_MODULE_H

#include "core/err.h"

/* The address of sym in the module NAME.so, or NULL with an error naming
 * every file tried.  A program linked with the symbol itself (the unit
 * tests and fuzzers link every part) gets its own copy without a module.
 * Modules are looked for in $HVSCOPE_MODULE_PATH, beside the binary (the
 * build tree), in BIN/../lib/hvscope (a relocated install), then the
 * configured directory.  Thread-safe; a module stays loaded. */
void *module_sym(const char *name, const char *sym, struct err *e);

/* fn from the module NAME.so, typed as fn's declaration says; the
 * declaration is only read for its type, so callers do not link fn. */
#define MODULE_FN(name, fn, e) ((__typeof__(&fn))module_sym((name), #fn, (e)))

#endif

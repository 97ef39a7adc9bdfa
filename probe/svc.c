/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The words every services reader shares: an argument's basename, and the
 * unit file states that start a unit at boot. */
#include "probe/svc.h"

#include <string.h>

/* An argument's basename. */
const char *svc_base(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

/* Enabled at boot: by its own [Install] or, for a unit without one
 * (static, indirect, generated from a SysV script), by what pulls it in. */
bool svc_file_enabled(const char *state)
{
	return !strcmp(state, "enabled") || !strcmp(state, "enabled-runtime") || !strcmp(state, "static") ||
	       !strcmp(state, "indirect") || !strcmp(state, "generated") || !strcmp(state, "alias") ||
	       !strcmp(state, "linked") || !strcmp(state, "linked-runtime");
}

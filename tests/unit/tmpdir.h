/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A private temporary directory for a test group: made by the group's
 * setup, removed with all it holds by its teardown. */
#ifndef HVSCOPE_TESTS_UNIT_TMPDIR_H
#define HVSCOPE_TESTS_UNIT_TMPDIR_H

#include <stdlib.h>

#include "core/util.h"

static char dir[] = "/tmp/hvscope-unit-XXXXXX";

static int tmpdir_setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int tmpdir_teardown(void **state)
{
	(void)state;
	_cleanup_free_ char *cmd = xasprintf("rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

#endif

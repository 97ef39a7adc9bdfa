/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A private temporary directory for a test group: made by the group's
 * setup, removed with all it holds by its teardown. */
#ifndef HVSCOPE_TESTS_UNIT_TMPDIR_H
#define HVSCOPE_TESTS_UNIT_TMPDIR_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

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

/* path's text under the directory (path starts with /), its parents made:
 * a host's /sys or /etc file for a probe reading the directory as --root. */
static inline void tmpdir_put(const char *path, const char *text)
{
	char *full = xasprintf("%s%s", dir, path);
	for (char *p = full + strlen(dir) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(full, 0755);
		*p = '/';
	}
	FILE *f = fopen(full, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(full);
}

/* Empties the directory between tests that each lay out a host. */
static inline void tmpdir_clear(void)
{
	_cleanup_free_ char *cmd = xasprintf("rm -rf '%s'/*", dir);
	assert_int_equal(system(cmd), 0);
}

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hvscope's own records in an sosreport.  sos_extras runs each line of each
 * file of /etc/sos/extras.d and keeps its output as
 * sos_commands/sos_extras/FILE/NAME, NAME the command with /usr/bin/ or
 * /bin/ cut off, its other slashes made dots and every run of characters
 * other than letters, digits, '-', '.' and '/' made '_'
 * ("/usr/bin/hvscope check --facts --format json" ->
 * "hvscope_check_--facts_--format_json").  A name is recognised by the
 * command and the flag that makes the record, wherever hvscope was
 * installed and whatever else the line adds (--connect, -i, -d). */
#include "probe/sos_own.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "core/root.h"
#include "core/util.h"

#define EXTRAS "sos_commands/sos_extras"

/* name holds cmd ("hvscope_check_") where the program's name starts, and
 * the flag as one of its words. */
static bool runs(const char *name, const char *cmd, const char *flag)
{
	const char *at = strstr(name, cmd);
	if (!at || (at != name && at[-1] != '.'))
		return false;
	size_t fl = strlen(flag);
	for (const char *p = strstr(at, flag); p; p = strstr(p + 1, flag))
		if (p[-1] == '_' && (p[fl] == '_' || p[fl] == '\0' || p[fl] == '.'))
			return true;
	return false;
}

/* The first record of the kind in one extras file's directory. */
static void find_in(const char *top, const char *dir, char **facts, char **samples)
{
	struct strv names = { 0 };
	_cleanup_free_ char *rel = xasprintf("%s/%s", EXTRAS, dir);
	if (root_list_dir(top, rel, &names) < 0)
		return;
	for (size_t i = 0; i < names.n; i++) {
		char **slot = runs(names.v[i], "hvscope_check_", "--facts") ? facts
			      : runs(names.v[i], "hvscope_top_", "snapshot") ? samples
									      : NULL;
		if (slot && !*slot) {
			_cleanup_free_ char *path = xasprintf("%s/%s", rel, names.v[i]);
			if (root_exists(top, path) && !root_is_dir(top, path))
				*slot = TAKE_PTR(path);
		}
	}
	strv_free(&names);
}

void sos_own_find(const char *top, char **facts, char **samples)
{
	*facts = *samples = NULL;
	struct strv dirs = { 0 };
	if (root_list_dir(top, EXTRAS, &dirs) < 0)
		return;
	/* the shipped file's directory first, then any other */
	find_in(top, "hvscope", facts, samples);
	for (size_t i = 0; i < dirs.n && (!*facts || !*samples); i++)
		if (strcmp(dirs.v[i], "hvscope") != 0)
			find_in(top, dirs.v[i], facts, samples);
	strv_free(&dirs);
}

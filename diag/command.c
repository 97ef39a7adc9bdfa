/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A command's output for a bundle: run on the live host with a timeout
 * and the per-file cap; skipped under --root, said when absent or failed. */
#include "diag/command.h"

#include <errno.h>
#include <time.h>

#include "core/spawn.h"
#include "diag/copy.h"

void bundle_command(struct bundle *b, const char *name, const char *const *argv, unsigned flags)
{
	struct buf cmdline = BUF_INIT;
	for (int i = 0; argv[i]; i++)
		buf_printf(&cmdline, "%s%s", i ? " " : "", argv[i]);
	if (!b->live) {
		bundle_skip(b, buf_str(&cmdline), "a command describes the live host, not --root %s", b->o->root);
		buf_free(&cmdline);
		return;
	}
	struct buf out = BUF_INIT;
	struct err e = ERR_INIT;
	char *args[12] = { 0 };
	for (int i = 0; argv[i] && i < 11; i++)
		args[i] = (char *)argv[i];
	int st = spawn_capture(args, b->o->cmd_timeout_ms, b->o->max_file_size, &out, &e);
	if (st == -ENOENT) {
		if (!(flags & OPTIONAL))
			bundle_skip(b, buf_str(&cmdline), "not installed");
	} else if (st == -ETIMEDOUT) {
		bundle_skip(b, buf_str(&cmdline), "timed out after %d ms (killed)", b->o->cmd_timeout_ms);
	} else if (st < 0) {
		bundle_skip(b, buf_str(&cmdline), "%s", err_msg(&e));
	} else if (st != 0 && out.len == 0) {
		bundle_skip(b, buf_str(&cmdline), "exited with status %d and printed nothing", st);
	} else {
		if (st != 0)
			bundle_log(b, "%s exited with status %d", buf_str(&cmdline), st);
		_cleanup_free_ char *rel = xasprintf("commands/%s.txt", name);
		bundle_add(b, rel, out.s ? out.s : "", out.len, buf_str(&cmdline), time(NULL), 0);
	}
	err_clear(&e);
	buf_free(&out);
	buf_free(&cmdline);
}


/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Plain path facts: does /dev/vhost-net exist, is /var/lib/xen/images a
 * directory.  The name after the prefix is the host path. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/root.h"
#include "probe/ask.h"

static const char *const patterns[] = { "path.exists./*", "path.is_dir./*", "path.is_chardev./*", NULL };

static void resolve(struct probe_ctx *ctx, const char *name)
{
	const char *path = strchr(name + strlen("path."), '.') + 1;
	struct stat st;
	int fd = root_open(ctx->root, path, O_PATH);
	int r = fd < 0 ? fd : (fstat(fd, &st) < 0 ? -errno : 0);
	if (fd >= 0)
		close(fd);
	if (r < 0 && r != -ENOENT && r != -ENOTDIR) {
		facts_set_errno(&ctx->facts, name, r, ctx->is_root, "%s: %s", path, strerror(-r));
		return;
	}
	if (ctx->sos && r < 0) {
		/* sos copies what its plugins name: a path it holds was on the
		 * host, one it lacks may have been too */
		facts_set_status(&ctx->facts, name, FACT_UNKNOWN, "%s is not among the sosreport's copies", path);
		return;
	}
	bool v;
	if (str_starts(name, "path.exists."))
		v = r == 0;
	else if (str_starts(name, "path.is_dir."))
		v = r == 0 && S_ISDIR(st.st_mode);
	else
		v = r == 0 && S_ISCHR(st.st_mode);
	facts_set_bool(&ctx->facts, name, v, "%s: %s", path,
		       r < 0 ? "absent" : S_ISDIR(st.st_mode) ? "directory" : S_ISCHR(st.st_mode) ? "character device" : S_ISREG(st.st_mode) ? "file" : "present");
}

const struct probe probe_path = {
	.name = "path",
	.summary = "whether a path exists, is a directory or a character device",
	.patterns = patterns,
	.resolve = resolve,
};

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The local file-context rules of a root's SELinux policy store (semanage
 * fcontext -l -C), read through libsemanage.  Built as the module
 * probe-semanage.so, so that only a check that asks for them loads
 * libsemanage and the libraries it brings. */
#include "probe/selocal.h"

#include <fcntl.h>
#include <semanage/semanage.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/root.h"
#include "core/util.h"
#include "probe/ask.h"

/* libsemanage opens an image's store by its path on this host: it must
 * be the very directory the root's confinement finds, not one an image's
 * link leads to.  NULL, or the first path that leads elsewhere. */
static char *store_escapes(struct probe_ctx *ctx, const char *policy)
{
	static const char *const stores[] = { "/var/lib/selinux/%s", "/etc/selinux/%s" };
	for (size_t i = 0; i < ARRAY_SIZE(stores); i++) {
		_cleanup_free_ char *rel = xasprintf(stores[i], policy);
		_cleanup_free_ char *host = root_path(ctx->root, rel);
		struct stat in, out;
		int fd = root_open(ctx->root, rel, O_PATH | O_CLOEXEC);
		bool have_in = fd >= 0 && fstat(fd, &in) == 0, have_out = stat(host, &out) == 0;
		if (fd >= 0)
			close(fd);
		if (have_in != have_out || (have_in && (in.st_dev != out.st_dev || in.st_ino != out.st_ino)))
			return xstrdup(rel);
	}
	return NULL;
}

void selinux_fcontext_local(struct probe_ctx *ctx)
{
	struct facts *fs = &ctx->facts;
	const struct fact *pol = probe_fact(ctx, "selinux.policy");
	if (pol->status != FACT_OK) {
		facts_set_status(fs, "selinux.fcontext.local", pol->status, "%s", pol->evidence);
		return;
	}
	semanage_handle_t *sh = semanage_handle_create();
	if (!sh) {
		facts_set_status(fs, "selinux.fcontext.local", FACT_ERROR, "libsemanage: cannot create a handle");
		return;
	}
	semanage_msg_set_callback(sh, NULL, NULL);
	/* The store of an image lives under its root. */
	if (!root_is_live(ctx->root)) {
		_cleanup_free_ char *bad = store_escapes(ctx, pol->s);
		if (bad) {
			facts_set_status(fs, "selinux.fcontext.local", FACT_ERROR, "%s in %s leads outside it (a link): not read", bad, ctx->root);
			goto out;
		}
		semanage_set_root(ctx->root);
	}
	semanage_select_store(sh, pol->s, SEMANAGE_CON_DIRECT);
	int acc = semanage_access_check(sh);
	if (acc < SEMANAGE_CAN_READ) {
		_cleanup_free_ char *store = xasprintf("/var/lib/selinux/%s", pol->s);
		bool exists = root_exists(ctx->root, store);
		if (!exists)
			facts_set_status(fs, "selinux.fcontext.local", FACT_MISSING, "libsemanage: no policy store %s", store);
		else if (!ctx->is_root)
			facts_set_status(fs, "selinux.fcontext.local", FACT_NEEDS_ROOT, "libsemanage: the store %s is readable by root only", store);
		else
			facts_set_status(fs, "selinux.fcontext.local", FACT_ERROR, "libsemanage: cannot read the store %s", store);
		goto out;
	}
	if (semanage_connect(sh) < 0) {
		facts_set_status(fs, "selinux.fcontext.local", FACT_ERROR, "libsemanage: cannot connect to the %s store", pol->s);
		goto out;
	}
	semanage_fcontext_t **recs = NULL;
	unsigned int n = 0;
	if (semanage_fcontext_list_local(sh, &recs, &n) < 0) {
		facts_set_status(fs, "selinux.fcontext.local", FACT_ERROR, "libsemanage: cannot list local file contexts");
	} else {
		struct strv list = { 0 };
		for (unsigned int i = 0; i < n; i++) {
			semanage_context_t *con = semanage_fcontext_get_con(recs[i]);
			strv_push_take(&list, xasprintf("%s %s", semanage_fcontext_get_expr(recs[i]),
							con ? semanage_context_get_type(con) : "<<none>>"));
			semanage_fcontext_free(recs[i]);
		}
		free(recs);
		facts_set_list_take(fs, "selinux.fcontext.local", &list, "libsemanage: %u local rules in the %s store", n, pol->s);
	}
	semanage_disconnect(sh);
out:
	semanage_handle_destroy(sh);
	if (!root_is_live(ctx->root))
		semanage_set_root("/");
}


/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SELinux: mode and policy; for a path the label the policy expects
 * (selabel_lookup over the policy's file_contexts, which includes the
 * local rules "semanage fcontext --add" writes), the label it has
 * (getfilecon), the files under it that differ; the local fcontext rules
 * themselves through libsemanage.  Facts:
 *   selinux.enabled selinux.mode selinux.policy selinux.fcontext.local
 *   selinux.expected_type.PATH selinux.type.PATH selinux.mislabelled.PATH */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <selinux/label.h>
#include <selinux/selinux.h>
#include <dirent.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/module.h"
#include "core/root.h"
#include "core/tmpguard.h"
#include "core/util.h"
#include "probe/offline.h"
#include "probe/ask.h"
#include "probe/selocal.h"

static const char *const patterns[] = { "selinux.enabled", "selinux.mode", "selinux.policy", "selinux.fcontext.local",
					"selinux.expected_type./*", "selinux.type./*", "selinux.mislabelled./*", NULL };

/* Files visited under one directory before giving up: image stores hold a
 * handful of large files, not millions. */
#define WALK_MAX 10000

struct se_state {
	struct selabel_handle *hnd;
	char *fc_path;
	char *hnd_err;
};

/* SELINUXTYPE names a directory of /etc/selinux: a name, never a path an
 * image could lead elsewhere with. */
static bool policy_name_ok(const char *s)
{
	if (!*s || strlen(s) > 64 || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("._-", *s))
			return false;
	return true;
}

/* An sosreport's sestatus output (sos's selinux plugin; sos 3.0 to 3.5
 * ran only sestatus -b, whose head is the same): the kernel's state on the
 * host, as the live probe asks it; false when it has none. */
static bool sos_sestatus(struct probe_ctx *ctx)
{
	struct buf b = BUF_INIT;
	const char *src = offline_sos_read(ctx->root, "selinux.mode", 1u << 20, &b);
	if (!src) {
		buf_free(&b);
		return false;
	}
	char *status = NULL, *mode = NULL;
	char *save = NULL;
	for (char *l = strtok_r(b.s, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(l, ':');
		if (!colon)
			continue;
		*colon = '\0';
		if (!strcmp(str_strip(l), "SELinux status"))
			status = str_strip(colon + 1);
		else if (!strcmp(str_strip(l), "Current mode"))
			mode = str_strip(colon + 1);
	}
	bool known = status && (!strcmp(status, "enabled") || !strcmp(status, "disabled"));
	if (known) {
		bool on = !strcmp(status, "enabled");
		facts_set_bool(&ctx->facts, "selinux.enabled", on, "%s: SELinux status %s", src, status);
		facts_set_str(&ctx->facts, "selinux.mode", on && mode ? mode : "disabled", "%s: %s%s", src,
			      on && mode ? "Current mode " : "SELinux status ", on && mode ? mode : status);
	}
	buf_free(&b);
	return known;
}

/* SELINUX= and SELINUXTYPE= from /etc/selinux/config. */
static void read_config(struct probe_ctx *ctx)
{
	struct facts *fs = &ctx->facts;
	struct buf b = BUF_INIT;
	struct err e = ERR_INIT;
	int r = root_read(ctx->root, "/etc/selinux/config", 65536, &b, &e);
	_cleanup_free_ char *mode = NULL, *type = NULL;
	if (r == 0) {
		buf_grow(&b, 0);
		char *save = NULL;
		for (char *l = strtok_r(b.s, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
			l = str_strip(l);
			if (str_starts(l, "SELINUX=")) {
				free(mode);
				mode = xstrdup(str_strip(l + 8));
			} else if (str_starts(l, "SELINUXTYPE=")) {
				free(type);
				type = xstrdup(str_strip(l + 12));
			}
		}
	}
	if (type && !policy_name_ok(type))
		facts_set_status(fs, "selinux.policy", FACT_ERROR, "/etc/selinux/config: SELINUXTYPE=%s is not a policy name (letters, digits, '.', '_', '-')", type);
	else if (type)
		facts_set_str(fs, "selinux.policy", type, "/etc/selinux/config SELINUXTYPE");
	else if (r < 0)
		facts_set_errno(fs, "selinux.policy", r, ctx->is_root, "%s (SELinux policy not installed)", err_msg(&e));
	else
		facts_set_status(fs, "selinux.policy", FACT_MISSING, "/etc/selinux/config has no SELINUXTYPE=");

	if (ctx->sos && sos_sestatus(ctx)) {
		/* what sestatus said of the running kernel when sos ran */
	} else if (root_is_live(ctx->root)) {
		/* The kernel's state wins over the configuration on a live host. */
		int en = is_selinux_enabled();
		if (en > 0) {
			int enf = security_getenforce();
			facts_set_bool(fs, "selinux.enabled", true, "kernel: SELinux enabled (selinuxfs mounted)");
			facts_set_str(fs, "selinux.mode", enf == 1 ? "enforcing" : "permissive", "kernel: security_getenforce() = %d", enf);
		} else {
			facts_set_bool(fs, "selinux.enabled", false, "kernel: SELinux not enabled%s%s%s", mode ? " (config says SELINUX=" : "",
				       mode ? mode : "", mode ? ")" : "");
			facts_set_str(fs, "selinux.mode", "disabled", "kernel: is_selinux_enabled() = %d", en);
		}
	} else if (mode) {
		bool on = strcmp(mode, "disabled") != 0;
		facts_set_bool(fs, "selinux.enabled", on, "/etc/selinux/config SELINUX=%s", mode);
		facts_set_str(fs, "selinux.mode", mode, "/etc/selinux/config SELINUX");
	} else {
		facts_set_bool(fs, "selinux.enabled", false, "%s", r < 0 ? err_msg(&e) : "/etc/selinux/config has no SELINUX=");
		facts_set_str(fs, "selinux.mode", "disabled", "%s", r < 0 ? err_msg(&e) : "/etc/selinux/config has no SELINUX=");
	}
	buf_free(&b);
	err_clear(&e);
}

/* The file_contexts files libselinux reads beside the one it is given. */
static const char *const fc_suffixes[] = { "", ".homedirs", ".local", ".subs", ".subs_dist" };

/* An image's policy: its file_contexts files read through the root's
 * confinement into a private directory, which libselinux reads (a path
 * into the image would be resolved on this host, links and all); the
 * copies are removed once it has read them. */
static void copy_and_open(struct probe_ctx *ctx, const char *rel, const char *dir, struct se_state *st)
{
	struct strv made = { 0 };
	for (size_t i = 0; i < ARRAY_SIZE(fc_suffixes) && !st->hnd_err; i++) {
		_cleanup_free_ char *src = xasprintf("%s%s", rel, fc_suffixes[i]);
		_cleanup_free_ char *dst = xasprintf("%s/file_contexts%s", dir, fc_suffixes[i]);
		struct buf b = BUF_INIT;
		struct err e = ERR_INIT;
		int r = root_read(ctx->root, src, 16u << 20, &b, &e);
		if (r == 0) {
			int fd = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
			if (fd < 0 || write_full(fd, b.s ? b.s : "", b.len) < 0)
				st->hnd_err = xasprintf("copying %s: %s", src, strerror(errno));
			if (fd >= 0)
				close(fd);
			strv_push(&made, dst);
		} else if (i == 0) {
			st->hnd_err = xasprintf("%s", err_msg(&e)); /* the policy itself */
		}
		buf_free(&b);
		err_clear(&e);
	}
	if (!st->hnd_err) {
		struct selinux_opt opts[] = { { SELABEL_OPT_PATH, made.v[0] } };
		st->hnd = selabel_open(SELABEL_CTX_FILE, opts, 1);
		if (!st->hnd)
			st->hnd_err = xasprintf("selabel_open %s: %s", rel, strerror(errno));
	}
	for (size_t i = 0; i < made.n; i++)
		unlink(made.v[i]);
	rmdir(dir);
	strv_free(&made);
}

static void open_image_policy(struct probe_ctx *ctx, const char *rel, struct se_state *st)
{
	/* SIGINT, SIGTERM and SIGHUP wait until the copies are gone: the
	 * directory lives only for this call, and a signal that ended the
	 * process inside it would leave it behind. */
	sigset_t old;
	tmpguard_block(&old);
	_cleanup_free_ char *dir = xasprintf("%s/hvscope-policy-XXXXXX", tmp_dir());
	if (mkdtemp(dir))
		copy_and_open(ctx, rel, dir, st);
	else
		st->hnd_err = xasprintf("a private directory for %s: %s", rel, strerror(errno));
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

static struct se_state *state(struct probe_ctx *ctx)
{
	bool fresh;
	struct se_state *st = probe_state(ctx, PROBE_STATE_SELINUX, sizeof(*st), &fresh);
	if (!fresh)
		return st;
	const struct fact *pol = probe_fact(ctx, "selinux.policy");
	if (pol->status != FACT_OK) {
		st->hnd_err = xasprintf("no policy: %s", pol->evidence);
		return st;
	}
	_cleanup_free_ char *rel = xasprintf("/etc/selinux/%s/contexts/files/file_contexts", pol->s);
	st->fc_path = root_path(ctx->root, rel);
	if (root_is_live(ctx->root)) {
		struct selinux_opt opts[] = { { SELABEL_OPT_PATH, st->fc_path } };
		st->hnd = selabel_open(SELABEL_CTX_FILE, opts, 1);
		if (!st->hnd)
			st->hnd_err = xasprintf("selabel_open %s: %s", rel, strerror(errno));
	} else {
		open_image_policy(ctx, rel, st);
	}
	return st;
}

static void cleanup(struct probe_ctx *ctx)
{
	struct se_state *st = probe_state_take(ctx, PROBE_STATE_SELINUX);
	if (!st)
		return;
	if (st->hnd)
		selabel_close(st->hnd);
	free(st->fc_path);
	free(st->hnd_err);
	free(st);
}

/* "system_u:object_r:xen_image_t:s0" -> "xen_image_t" */
static char *context_type(const char *con)
{
	const char *p = con;
	for (int i = 0; i < 2 && p; i++) {
		p = strchr(p, ':');
		if (p)
			p++;
	}
	if (!p)
		return xstrdup(con);
	return xstrndup(p, strcspn(p, ":"));
}

/* The label of the file at host path, read inside the root. */
static int label_of(struct probe_ctx *ctx, const char *path, char **type_out, mode_t *mode)
{
	int fd = root_open(ctx->root, path, O_PATH | O_NOFOLLOW);
	if (fd < 0)
		return fd;
	struct stat st;
	if (fstat(fd, &st) < 0) {
		int err = errno;
		close(fd);
		return -err;
	}
	if (mode)
		*mode = st.st_mode;
	char proc[64];
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	char *con = NULL;
	int r = S_ISLNK(st.st_mode) ? -EINVAL : getfilecon(proc, &con);
	int saved = errno;
	close(fd);
	if (r < 0)
		return -(saved ? saved : ENODATA);
	*type_out = context_type(con);
	freecon(con);
	return 0;
}

static int expected_of(struct se_state *st, const char *path, mode_t mode, char **type_out)
{
	char *con = NULL;
	if (selabel_lookup(st->hnd, &con, path, (int)(mode & S_IFMT)) < 0)
		return -errno;
	*type_out = context_type(con);
	freecon(con);
	return 0;
}

static void walk(struct probe_ctx *ctx, struct se_state *st, const char *path, int depth, struct strv *bad, size_t *seen)
{
	if (*seen >= WALK_MAX || depth > 16)
		return;
	(*seen)++;
	_cleanup_free_ char *have = NULL, *want = NULL;
	mode_t mode = 0;
	int r = label_of(ctx, path, &have, &mode);
	if (S_ISLNK(mode))
		return;
	if (expected_of(st, path, mode, &want) == 0) {
		if (r < 0)
			strv_push_take(bad, xasprintf("%s (no label, want %s)", path, want));
		else if (strcmp(have, want) != 0)
			strv_push_take(bad, xasprintf("%s (%s, want %s)", path, have, want));
	}
	if (!S_ISDIR(mode))
		return;
	struct strv kids = { 0 };
	if (root_list_dir(ctx->root, path, &kids) == 0)
		for (size_t i = 0; i < kids.n; i++) {
			_cleanup_free_ char *child = xasprintf("%s%s%s", path, str_ends(path, "/") ? "" : "/", kids.v[i]);
			walk(ctx, st, child, depth + 1, bad, seen);
		}
	strv_free(&kids);
}

/* libsemanage, and the libraries it brings, only when a rule asks for
 * the local file-context rules. */
static void fcontext_local(struct probe_ctx *ctx)
{
	struct err e = ERR_INIT;
	__typeof__(&selinux_fcontext_local) local = MODULE_FN("probe-semanage", selinux_fcontext_local, &e);
	if (local)
		local(ctx);
	else
		facts_set_status(&ctx->facts, "selinux.fcontext.local", FACT_ERROR, "%s", err_msg(&e));
	err_clear(&e);
}

static void resolve(struct probe_ctx *ctx, const char *name)
{
	struct facts *fs = &ctx->facts;
	if (str_starts(name, "selinux.enabled") || str_starts(name, "selinux.mode") || str_starts(name, "selinux.policy")) {
		if (probe_once(ctx, "selinux.config"))
			read_config(ctx);
		return;
	}
	if (ctx->sos && !str_starts(name, "selinux.expected_type.")) {
		/* the policy is copied, the labels and the store's local rules
		 * are not read from a report */
		facts_set_status(fs, name, FACT_UNKNOWN, "an sosreport keeps no file labels or local policy store to read");
		return;
	}
	if (strcmp(name, "selinux.fcontext.local") == 0) {
		fcontext_local(ctx);
		return;
	}
	const char *path = strchr(name + strlen("selinux."), '.') + 1;
	struct se_state *st = state(ctx);
	if (str_starts(name, "selinux.type.")) {
		_cleanup_free_ char *t = NULL;
		int r = label_of(ctx, path, &t, NULL);
		if (r == 0)
			facts_set_str(fs, name, t, "getfilecon(%s)", path);
		else if (r == -ENODATA || r == -ENOTSUP)
			facts_set_str(fs, name, "", "getfilecon(%s): no SELinux label", path);
		else
			facts_set_errno(fs, name, r, ctx->is_root, "getfilecon(%s): %s", path, strerror(-r));
		return;
	}
	if (!st->hnd) {
		facts_set_status(fs, name, FACT_MISSING, "%s", st->hnd_err);
		return;
	}
	if (str_starts(name, "selinux.expected_type.")) {
		mode_t mode = S_IFDIR;
		_cleanup_free_ char *ignored = NULL;
		label_of(ctx, path, &ignored, &mode);
		_cleanup_free_ char *t = NULL;
		int r = expected_of(st, path, mode, &t);
		if (r == 0)
			facts_set_str(fs, name, t, "selabel_lookup(%s) in %s", path, st->fc_path);
		else
			facts_set_status(fs, name, r == -ENOENT ? FACT_MISSING : FACT_ERROR, "selabel_lookup(%s): %s", path,
					 r == -ENOENT ? "no file context rule matches" : strerror(-r));
		return;
	}
	/* selinux.mislabelled.PATH */
	if (!root_exists(ctx->root, path)) {
		facts_set_status(fs, name, FACT_MISSING, "%s does not exist", path);
		return;
	}
	struct strv bad = { 0 };
	size_t seen = 0;
	walk(ctx, st, path, 0, &bad, &seen);
	size_t nbad = bad.n;
	facts_set_list_take(fs, name, &bad, "%zu of %zu files under %s differ from the policy's labels%s", nbad, seen, path,
			    seen >= WALK_MAX ? " (stopped after " "10000 files)" : "");
}

const struct probe probe_selinux = {
	.name = "selinux",
	.summary = "SELinux mode, policy, expected and actual file labels, local fcontext rules (libselinux, libsemanage)",
	.patterns = patterns,
	.resolve = resolve,
	.cleanup = cleanup,
};

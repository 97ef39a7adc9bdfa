/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A support bundle (hvscope's, or an sosreport) opened for reading: its
 * directory as it is, or an archive unpacked (probe/unpack.c) into a
 * private temporary directory.  An archive comes from a host someone else
 * runs, so it is treated as hostile: only regular files, directories and
 * symlinks that stay inside the archive (sos keeps installed-rpms and the
 * like as such) are written, each under the private directory (no absolute
 * path, no ".."), with caps on each member, on the whole and on the number
 * of members; anything else stops the unpacking with an error naming the
 * member, and the directory goes.  What is read there afterwards goes
 * through core/root, which resolves links inside the root only. */
#include "probe/bundle_in.h"

#include <errno.h>
#include <fts.h>
#include <ftw.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/root.h"
#include "core/tmpguard.h"
#include "core/util.h"
#include "core/module.h"
#include "probe/fact_load.h"
#include "probe/sos_own.h"
#include "probe/unpack.h"

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void remove_tree(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Every symlink unpacked into dir, as the links stand once all are there
 * (one checked alone can lead through another): one that resolves
 * outside dir is refused; a dangling one is removed, as nothing it names
 * is in the archive. */
static int check_links(const char *dir, const char *shown, struct err *e)
{
	char real_dir[PATH_MAX];
	if (!realpath(dir, real_dir))
		return err_set(e, -errno, "%s: %s", dir, strerror(errno));
	size_t dl = strlen(real_dir);
	char *const paths[] = { (char *)dir, NULL };
	FTS *fts = fts_open(paths, FTS_PHYSICAL | FTS_NOCHDIR, NULL);
	if (!fts)
		return err_set(e, -errno, "%s: %s", dir, strerror(errno));
	int r = 0;
	for (FTSENT *f; r == 0 && (f = fts_read(fts));) {
		if (f->fts_info != FTS_SL && f->fts_info != FTS_SLNONE)
			continue;
		char real[PATH_MAX];
		if (!realpath(f->fts_path, real)) {
			unlink(f->fts_path);
			continue;
		}
		if (strncmp(real, real_dir, dl) != 0 || (real[dl] != '/' && real[dl] != '\0'))
			r = err_set(e, -EPERM, "%s: member '%s': a symlink out of the archive", shown, f->fts_path + strlen(dir) + 1);
	}
	fts_close(fts);
	return r;
}

static bool has(const char *dir, const char *rel, mode_t type)
{
	_cleanup_free_ char *p = xasprintf("%s/%s", dir, rel);
	struct stat st;
	return lstat(p, &st) == 0 && (st.st_mode & S_IFMT) == type;
}

/* Which kind of bundle dir is: -1 neither. */
static int kind_of(const char *dir)
{
	if (has(dir, "check/facts.json", S_IFREG))
		return BUNDLE_HVSCOPE;
	/* sos 4's layout: what its plugins ran, and its own logs */
	if (has(dir, "sos_commands", S_IFDIR) && (has(dir, "sos_logs", S_IFDIR) || has(dir, "sos_reports", S_IFDIR)))
		return BUNDLE_SOS;
	return -1;
}

/* What the top directory holds beside the facts. */
static void found_top(struct bundle_in *in)
{
	in->kind = (enum bundle_kind)kind_of(in->top);
	if (in->kind == BUNDLE_SOS) { /* the host's files are where they were */
		in->files = xstrdup(in->top);
		sos_own_find(in->top, &in->facts, &in->samples);
		return;
	}
	in->files = xasprintf("%s/files", in->top);
	in->facts = xstrdup("check/facts.json");
	const char *hist = "hypervisor/samples.json", *one = "hypervisor/domains.json";
	in->samples = root_exists(in->top, hist) ? xstrdup(hist) : root_exists(in->top, one) ? xstrdup(one) : NULL;
	in->cpuid = xasprintf("%s/check/cpuid.raw", in->top);
	struct stat st;
	if (lstat(in->cpuid, &st) < 0 || !S_ISREG(st.st_mode)) {
		free(in->cpuid);
		in->cpuid = NULL;
	}
}

/* The bundle's top directory: dir itself, or a subdirectory, holding
 * check/facts.json or an sosreport. */
static char *find_top(const char *dir, const char *shown, struct err *e)
{
	if (kind_of(dir) >= 0)
		return xstrdup(dir);
	struct strv names = { 0 };
	if (root_list_dir("/", dir, &names) < 0) {
		err_set(e, -errno, "%s: %s", shown, strerror(errno));
		return NULL;
	}
	char *top = NULL;
	for (size_t i = 0; i < names.n && !top; i++) {
		_cleanup_free_ char *sub = xasprintf("%s/%s", dir, names.v[i]);
		if (kind_of(sub) >= 0)
			top = TAKE_PTR(sub);
	}
	strv_free(&names);
	if (!top)
		err_set(e, -ENOENT, "%s: neither an hvscope bundle nor an sosreport (no check/facts.json, no sos_commands/ with sos_logs/, in it or in a directory of it)", shown);
	return top;
}

int bundle_in_open(const char *path, struct bundle_in *in, struct err *e)
{
	memset(in, 0, sizeof(*in));
	struct stat st;
	if (stat(path, &st) < 0)
		return err_set(e, -errno, "%s: %s", path, strerror(errno));
	if (S_ISDIR(st.st_mode)) {
		in->top = find_top(path, path, e);
		if (!in->top)
			return -ENOENT;
		found_top(in);
		return 0;
	}
	in->tmp = xasprintf("%s/hvscope-bundle-XXXXXX", tmp_dir());
	if (!tmpguard_mkdtemp(in->tmp)) {
		int r = err_set(e, -errno, "a private directory for %s: %s", path, strerror(errno));
		free(in->tmp);
		in->tmp = NULL;
		return r;
	}
	/* libarchive, and the compressors it brings, only when given an
	 * archive. */
	__typeof__(&bundle_unpack) unpack = MODULE_FN("probe-unpack", bundle_unpack, e);
	int r = unpack ? unpack(path, in->tmp, e) : -ENOENT;
	if (r == 0)
		r = check_links(in->tmp, path, e);
	if (r == 0) {
		in->top = find_top(in->tmp, path, e);
		r = in->top ? 0 : -ENOENT;
	}
	if (r == 0)
		found_top(in);
	if (r < 0)
		bundle_in_close(in);
	return r;
}

int bundle_in_context(const struct bundle_in *in, struct probe_ctx *ctx, struct err *e)
{
	struct facts recorded = { 0 };
	int r = in->facts ? facts_load_json(&recorded, in->top, in->facts, e) : 0;
	if (in->kind == BUNDLE_SOS) {
		/* a broken record (a run cut short) leaves sos's own files */
		probe_ctx_init_offline(ctx, OFFLINE_SOS, r == 0 && in->facts ? &recorded : NULL, in->files, NULL);
		facts_free(&recorded);
		return r < 0 ? 1 : 0;
	}
	if (r < 0) {
		facts_free(&recorded);
		return r;
	}
	probe_ctx_init_offline(ctx, OFFLINE_BUNDLE, &recorded, in->files, in->cpuid);
	return 0;
}

void bundle_in_close(struct bundle_in *in)
{
	if (in->tmp) {
		remove_tree(in->tmp);
		tmpguard_release(in->tmp);
	}
	free(in->tmp);
	free(in->top);
	free(in->files);
	free(in->cpuid);
	free(in->facts);
	free(in->samples);
	memset(in, 0, sizeof(*in));
}

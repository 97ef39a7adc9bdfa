/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A support bundle (hvscope's, or an sosreport) opened for reading: its
 * directory as it is, or an archive unpacked through libarchive into a
 * private temporary directory.  An archive comes from a host someone else
 * runs, so it is treated as hostile: only regular files, directories and
 * symlinks that stay inside the archive (sos keeps installed-rpms and the
 * like as such) are written, each under the private directory (no absolute
 * path, no ".."), with caps on each member, on the whole and on the number
 * of members; anything else stops the unpacking with an error naming the
 * member, and the directory goes.  What is read there afterwards goes
 * through core/root, which resolves links inside the root only. */
#include "probe/bundle_in.h"

#include <archive.h>
#include <archive_entry.h>
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
#include "probe/fact_load.h"

/* Far above what hvscope bundle writes by default (see its --max-size and
 * --max-file-size), far below what fills a disk. */
#define MAX_MEMBER (512ULL << 20)
#define MAX_TOTAL (1ULL << 30)
#define MAX_MEMBERS 100000

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

/* A member's name as it may be written under the private directory:
 * relative, no ".." component; "./" prefixes dropped.  NULL: refused. */
static const char *safe_member_name(const char *name)
{
	while (name[0] == '.' && name[1] == '/')
		name += 2;
	if (!*name || name[0] == '/')
		return NULL;
	for (const char *p = name; *p;) {
		size_t n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return NULL;
		p += n;
		if (*p == '/')
			p++;
	}
	return name;
}

/* Does a symlink at member name, to target, stay inside the archive? */
static bool link_stays_inside(const char *name, const char *target)
{
	if (!*target || target[0] == '/')
		return false;
	int depth = 0;
	/* The link's own directory, then the target's components. */
	for (const char *p = name; *p;) {
		size_t n = strcspn(p, "/");
		if (p[n] == '/')
			depth += !(n == 1 && p[0] == '.') && n > 0;
		p += n + (p[n] == '/');
	}
	for (const char *p = target; *p;) {
		size_t n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.')
			depth--;
		else if (n > 0 && !(n == 1 && p[0] == '.'))
			depth++;
		if (depth < 0)
			return false;
		p += n + (p[n] == '/');
	}
	return true;
}

/* Why a member cannot be unpacked, or NULL. */
static const char *refusal(struct archive_entry *ent, const char *name, uint64_t total, size_t members)
{
	mode_t type = archive_entry_filetype(ent);
	if (members >= MAX_MEMBERS)
		return "too many members (a tar bomb?)";
	if (!safe_member_name(name))
		return "an absolute path or one with '..'";
	if (type == AE_IFLNK)
		return link_stays_inside(name, archive_entry_symlink(ent) ? archive_entry_symlink(ent) : "")
			       ? NULL
			       : "a symlink out of the archive";
	if (archive_entry_hardlink(ent) || (type != AE_IFREG && type != AE_IFDIR))
		return "not a regular file, directory or symlink inside (hard links and devices are refused)";
	if (archive_entry_size_is_set(ent) && (uint64_t)archive_entry_size(ent) > MAX_MEMBER)
		return "a member over 512 MiB";
	if (archive_entry_size_is_set(ent) && total + (uint64_t)archive_entry_size(ent) > MAX_TOTAL)
		return "over 1 GiB unpacked in all (a tar bomb?)";
	return NULL;
}

/* Data of the current member into the disk writer, counted against the
 * caps (a header may understate what follows). */
static int copy_data(struct archive *in, struct archive *out, uint64_t *total, const char *name, struct err *e)
{
	const void *p;
	size_t len;
	la_int64_t off;
	uint64_t mine = 0;
	for (;;) {
		int r = archive_read_data_block(in, &p, &len, &off);
		if (r == ARCHIVE_EOF)
			return 0;
		if (r < ARCHIVE_WARN)
			return err_set(e, -EINVAL, "%s: %s", name, archive_error_string(in));
		mine += len;
		*total += len;
		if (mine > MAX_MEMBER || *total > MAX_TOTAL)
			return err_set(e, -EFBIG, "%s: over the size caps (512 MiB a member, 1 GiB in all)", name);
		if (archive_write_data_block(out, p, len, off) < ARCHIVE_WARN)
			return err_set(e, -EIO, "%s: %s", name, archive_error_string(out));
	}
}

static int unpack(const char *path, const char *into, struct err *e)
{
	struct archive *in = archive_read_new();
	struct archive *out = archive_write_disk_new();
	archive_read_support_filter_all(in);
	archive_read_support_format_tar(in);
	archive_read_support_format_zip(in);
	/* Owners and modes are the unpacker's; the names are checked above,
	 * and libarchive checks again. */
	archive_write_disk_set_options(out, ARCHIVE_EXTRACT_SECURE_NODOTDOT | ARCHIVE_EXTRACT_SECURE_SYMLINKS);
	int r = 0;
	if (archive_read_open_filename(in, path, 64 << 10) != ARCHIVE_OK) {
		r = err_set(e, -EINVAL, "%s: %s", path, archive_error_string(in));
		goto done;
	}
	uint64_t total = 0;
	size_t members = 0;
	struct archive_entry *ent;
	int h;
	while ((h = archive_read_next_header(in, &ent)) == ARCHIVE_OK || h == ARCHIVE_WARN) {
		_cleanup_free_ char *name = xstrdup(archive_entry_pathname(ent) ? archive_entry_pathname(ent) : "");
		const char *why = refusal(ent, name, total, members);
		if (why) {
			r = err_set(e, -EPERM, "%s: member '%s': %s", path, name, why);
			goto done;
		}
		members++;
		_cleanup_free_ char *dest = xasprintf("%s/%s", into, safe_member_name(name));
		archive_entry_set_pathname(ent, dest);
		if (archive_entry_filetype(ent) != AE_IFLNK)
			archive_entry_set_perm(ent, archive_entry_filetype(ent) == AE_IFDIR ? 0700 : 0600);
		if (archive_write_header(out, ent) < ARCHIVE_WARN) {
			r = err_set(e, -EIO, "%s: member '%s': %s", path, name, archive_error_string(out));
			goto done;
		}
		if (archive_entry_filetype(ent) == AE_IFREG && (r = copy_data(in, out, &total, name, e)) < 0)
			goto done;
		if (archive_write_finish_entry(out) < ARCHIVE_WARN) {
			r = err_set(e, -EIO, "%s: member '%s': %s", path, name, archive_error_string(out));
			goto done;
		}
	}
	if (h != ARCHIVE_EOF)
		r = err_set(e, -EINVAL, "%s: %s (a corrupt or truncated archive?)", path, archive_error_string(in));
	else if (!members)
		r = err_set(e, -EINVAL, "%s: an empty archive", path);
done:
	archive_read_free(in);
	archive_write_free(out);
	return r;
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
		return;
	}
	in->files = xasprintf("%s/files", in->top);
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
	int r = unpack(path, in->tmp, e);
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
	if (in->kind == BUNDLE_SOS) {
		probe_ctx_init_offline(ctx, OFFLINE_SOS, NULL, in->files, NULL);
		return 0;
	}
	struct facts recorded = { 0 };
	int r = facts_load_json(&recorded, in->top, "check/facts.json", e);
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
		tmpguard_disarm();
	}
	free(in->tmp);
	free(in->top);
	free(in->files);
	free(in->cpuid);
	memset(in, 0, sizeof(*in));
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A support bundle opened for reading: its directory as it is, or an
 * archive unpacked through libarchive into a private temporary directory.
 * An archive comes from a host someone else runs, so it is treated as
 * hostile: only regular files and directories are written, each under the
 * private directory (no absolute path, no "..", no link of any kind), with
 * caps on each member, on the whole and on the number of members; anything
 * else stops the unpacking with an error naming the member, and the
 * directory goes. */
#include "diag/bundle_in.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/root.h"
#include "core/util.h"

/* Far above what hvscope bundle writes (256 MiB of content by default, 16
 * MiB a file), far below what fills a disk. */
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

/* Why a member cannot be unpacked, or NULL. */
static const char *refusal(struct archive_entry *ent, const char *name, uint64_t total, size_t members)
{
	mode_t type = archive_entry_filetype(ent);
	if (members >= MAX_MEMBERS)
		return "too many members (a tar bomb?)";
	if (!safe_member_name(name))
		return "an absolute path or one with '..'";
	if (archive_entry_hardlink(ent) || archive_entry_symlink(ent) || (type != AE_IFREG && type != AE_IFDIR))
		return "not a regular file or directory (links and devices are refused)";
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

static bool has_facts(const char *dir)
{
	_cleanup_free_ char *p = xasprintf("%s/check/facts.json", dir);
	struct stat st;
	return lstat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* What the top directory holds beside the facts. */
static void found_top(struct bundle_in *in)
{
	in->files = xasprintf("%s/files", in->top);
	in->cpuid = xasprintf("%s/check/cpuid.raw", in->top);
	struct stat st;
	if (lstat(in->cpuid, &st) < 0 || !S_ISREG(st.st_mode)) {
		free(in->cpuid);
		in->cpuid = NULL;
	}
}

/* The bundle's top directory: dir itself, or its one subdirectory, holding
 * check/facts.json. */
static char *find_top(const char *dir, const char *shown, struct err *e)
{
	if (has_facts(dir))
		return xstrdup(dir);
	struct strv names = { 0 };
	if (root_list_dir("/", dir, &names) < 0) {
		err_set(e, -errno, "%s: %s", shown, strerror(errno));
		return NULL;
	}
	char *top = NULL;
	for (size_t i = 0; i < names.n && !top; i++) {
		_cleanup_free_ char *sub = xasprintf("%s/%s", dir, names.v[i]);
		if (has_facts(sub))
			top = TAKE_PTR(sub);
	}
	strv_free(&names);
	if (!top)
		err_set(e, -ENOENT, "%s: not an hvscope bundle (no check/facts.json in it or in a directory of it)", shown);
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
	const char *tmpdir = getenv("TMPDIR");
	in->tmp = xasprintf("%s/hvscope-bundle-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
	if (!mkdtemp(in->tmp)) {
		int r = err_set(e, -errno, "a private directory for %s: %s", path, strerror(errno));
		free(in->tmp);
		in->tmp = NULL;
		return r;
	}
	int r = unpack(path, in->tmp, e);
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

void bundle_in_close(struct bundle_in *in)
{
	if (in->tmp)
		remove_tree(in->tmp);
	free(in->tmp);
	free(in->top);
	free(in->files);
	free(in->cpuid);
	memset(in, 0, sizeof(*in));
}

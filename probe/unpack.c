/* SPDX-License-Identifier: GPL-2.0-or-later */
/* An archive from a host someone else runs, unpacked through libarchive:
 * only regular files, directories and symlinks that stay inside the
 * archive (sos keeps installed-rpms and the like as such) are written,
 * each under the directory given (no absolute path, no ".."), with caps on
 * each member, on the whole and on the number of members.  Built as the
 * module probe-unpack.so, so that only a command given an archive loads
 * libarchive and the compressors it brings. */
#include "probe/unpack.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "core/util.h"

/* Far above what hvscope bundle writes by default (see its --max-size and
 * --max-file-size), far below what fills a disk. */
#define MAX_MEMBER (512ULL << 20)
#define MAX_TOTAL (1ULL << 30)
#define MAX_MEMBERS 100000

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

int bundle_unpack(const char *path, const char *into, struct err *e)
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


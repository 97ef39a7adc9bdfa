/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A directory's listing for a bundle (ls -lZR), read through --root. */
#include "diag/listing.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "core/root.h"
#include "diag/copy.h"

static void list_dir(struct bundle *b, int dfd, const char *host_dir, struct buf *out, int depth)
{
	struct strv names = { 0 };
	int lfd = dup(dfd);
	if (lfd >= 0)
		bundle_list_names(lfd, &names);
	buf_printf(out, "%s:\n", host_dir);
	struct strv subdirs = { 0 };
	for (size_t i = 0; i < names.n; i++) {
		struct stat st;
		if (fstatat(dfd, names.v[i], &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		char label[256] = "?";
		char proc[PATH_MAX];
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d/%s", dfd, names.v[i]);
		ssize_t n = lgetxattr(proc, "security.selinux", label, sizeof(label) - 1);
		label[n > 0 ? n : 1] = '\0';
		if (n > 0 && label[n - 1] == '\0')
			n--;
		char when[32];
		struct tm tm;
		gmtime_r(&st.st_mtime, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M", &tm);
		char mode[11];
		const char *t = S_ISDIR(st.st_mode) ? "d" : S_ISLNK(st.st_mode) ? "l" : S_ISSOCK(st.st_mode) ? "s" : "-";
		snprintf(mode, sizeof(mode), "%s%c%c%c%c%c%c%c%c%c", t, st.st_mode & 0400 ? 'r' : '-', st.st_mode & 0200 ? 'w' : '-',
			 st.st_mode & 0100 ? 'x' : '-', st.st_mode & 040 ? 'r' : '-', st.st_mode & 020 ? 'w' : '-',
			 st.st_mode & 010 ? 'x' : '-', st.st_mode & 04 ? 'r' : '-', st.st_mode & 02 ? 'w' : '-',
			 st.st_mode & 01 ? 'x' : '-');
		/* uid/gid as numbers: names would come from this host's
		 * passwd, not the root's */
		buf_printf(out, "%s %5u %5u %12lld %s %s %s", mode, (unsigned)st.st_uid, (unsigned)st.st_gid, (long long)st.st_size,
			   when, n > 0 ? label : "-", names.v[i]);
		if (S_ISLNK(st.st_mode)) {
			char target[PATH_MAX];
			ssize_t tn = readlinkat(dfd, names.v[i], target, sizeof(target) - 1);
			target[tn > 0 ? tn : 0] = '\0';
			buf_printf(out, " -> %s", target);
		}
		buf_putc(out, '\n');
		if (S_ISDIR(st.st_mode))
			strv_push(&subdirs, names.v[i]);
	}
	buf_putc(out, '\n');
	for (size_t i = 0; i < subdirs.n && depth < 8; i++) {
		int sub = openat(dfd, subdirs.v[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		int err = errno; /* before the allocation below */
		_cleanup_free_ char *path = xasprintf("%s/%s", host_dir, subdirs.v[i]);
		if (sub < 0) {
			buf_printf(out, "%s: %s\n\n", path, bundle_errno_reason(err));
			continue;
		}
		list_dir(b, sub, path, out, depth + 1);
		close(sub);
	}
	strv_free(&subdirs);
	strv_free(&names);
}

static char *flat_name(const char *path)
{
	char *s = xstrdup(path[0] == '/' ? path + 1 : path);
	for (char *p = s; *p; p++)
		if (*p == '/')
			*p = '_';
	return s;
}

void bundle_listing(struct bundle *b, const char *path, unsigned flags)
{
	int dfd = root_open(b->o->root, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		if (!(flags & OPTIONAL) || dfd != -ENOENT)
			bundle_skip(b, path, "%s", bundle_errno_reason(-dfd));
		return;
	}
	struct buf out = BUF_INIT;
	buf_puts(&out, "# mode uid gid size mtime(UTC) selinux-label name\n");
	list_dir(b, dfd, path, &out, 0);
	close(dfd);
	_cleanup_free_ char *flat = flat_name(path);
	_cleanup_free_ char *rel = xasprintf("listings/%s.txt", flat);
	_cleanup_free_ char *src = xasprintf("listing of %s", path);
	bundle_add(b, rel, out.s, out.len, src, time(NULL), 0);
	buf_free(&out);
}


/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Copying a host's file or tree into a bundle, capped, confined to the
 * --root prefix, each file left out said with its reason. */
#include "diag/copy.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/root.h"
#include "core/secret.h"

const char *bundle_errno_reason(int err)
{
	switch (err) {
	case ENOENT: return "missing";
	case EACCES:
	case EPERM: return "permission denied";
	case ELOOP: return "a symlink, not followed";
	default: return strerror(err);
	}
}

int bundle_read_capped(int fd, const struct stat *st, uint64_t cap, bool tail, struct buf *out, uint64_t *cut)
{
	*cut = 0;
	if (S_ISREG(st->st_mode) && (uint64_t)st->st_size > cap) {
		if (!tail)
			return -EFBIG;
		off_t from = st->st_size - (off_t)cap;
		if (lseek(fd, from, SEEK_SET) < 0)
			return -errno;
		*cut = (uint64_t)from;
	}
	for (;;) {
		if (out->len >= cap)
			break;
		size_t want = cap - out->len < 65536 ? cap - out->len : 65536;
		buf_grow(out, want);
		ssize_t n = read(fd, out->s + out->len, want);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		out->len += (size_t)n;
		out->s[out->len] = '\0';
	}
	if (*cut) {
		char *nl = memchr(out->s, '\n', out->len);
		size_t skip = nl ? (size_t)(nl - out->s) + 1 : 0;
		memmove(out->s, out->s + skip, out->len - skip + 1);
		out->len -= skip;
		*cut += skip;
	}
	return 0;
}

/* One file already opened; rel names it inside files/. */
static void add_fd(struct bundle *b, int fd, const char *host_path, unsigned flags)
{
	struct stat st;
	if (fstat(fd, &st) < 0) {
		bundle_skip(b, host_path, "%s", bundle_errno_reason(errno));
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		bundle_skip(b, host_path, "not a regular file");
		return;
	}
	if ((flags & LOG) && b->o->since > 0 && (double)st.st_mtime < b->o->since) {
		bundle_skip(b, host_path, "not changed since --since");
		return;
	}
	struct buf data = BUF_INIT;
	uint64_t cut = 0;
	int r = bundle_read_capped(fd, &st, b->o->max_file_size, true, &data, &cut);
	if (r < 0) {
		bundle_skip(b, host_path, "%s", r == -EFBIG ? "over the per-file size cap" : bundle_errno_reason(-r));
	} else {
		if (cut) {
			/* Say so at the top: the reader must not think the log
			 * starts there. */
			struct buf marked = BUF_INIT;
			buf_printf(&marked, "[hvscope: the first %llu bytes of this file were left out (per-file cap %llu bytes)]\n",
				   (unsigned long long)cut, (unsigned long long)b->o->max_file_size);
			buf_add(&marked, data.s, data.len);
			buf_free(&data);
			data = marked;
		}
		_cleanup_free_ char *rel = xasprintf("files%s", host_path);
		bundle_add(b, rel, data.s ? data.s : "", data.len, host_path, st.st_mtime, cut);
	}
	buf_free(&data);
}

void bundle_copy_file(struct bundle *b, const char *path, unsigned flags)
{
	int fd = root_open(b->o->root, path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		if (!(flags & OPTIONAL) || fd != -ENOENT)
			bundle_skip(b, path, "%s", bundle_errno_reason(-fd));
		return;
	}
	add_fd(b, fd, path, flags);
	close(fd);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void bundle_list_names(int dfd, struct strv *out)
{
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return;
	}
	struct dirent *de;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			strv_push(out, de->d_name);
	closedir(d);
	if (out->n)
		qsort(out->v, out->n, sizeof(*out->v), cmp_str);
}

static void walk(struct bundle *b, int dfd, const char *host_dir, const char *pattern, unsigned flags, int depth)
{
	struct strv names = { 0 };
	int lfd = dup(dfd);
	if (lfd >= 0)
		bundle_list_names(lfd, &names);
	for (size_t i = 0; i < names.n; i++) {
		const char *name = names.v[i];
		_cleanup_free_ char *path = xasprintf("%s/%s", strcmp(host_dir, "/") ? host_dir : "", name);
		if (secret_path(path)) {
			bundle_skip(b, path, "left out on purpose: a secret store or a private key's file is never collected");
			continue;
		}
		struct stat st;
		if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISLNK(st.st_mode)) {
			char target[PATH_MAX];
			ssize_t n = readlinkat(dfd, name, target, sizeof(target) - 1);
			target[n > 0 ? n : 0] = '\0';
			bundle_skip(b, path, "a symlink (to %s), not followed", target);
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			if (!(flags & R))
				continue;
			if (depth >= 8) {
				bundle_skip(b, path, "deeper than 8 directories");
				continue;
			}
			int sub = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub < 0) {
				bundle_skip(b, path, "%s", bundle_errno_reason(errno));
				continue;
			}
			walk(b, sub, path, pattern, flags, depth + 1);
			close(sub);
			continue;
		}
		if (pattern && fnmatch(pattern, name, 0) != 0)
			continue;
		if (S_ISSOCK(st.st_mode) || S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
			continue; /* sockets and pipes of /run: nothing to read */
		int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
		if (fd < 0) {
			bundle_skip(b, path, "%s", bundle_errno_reason(errno));
			continue;
		}
		add_fd(b, fd, path, flags);
		close(fd);
	}
	strv_free(&names);
}

void bundle_copy_tree(struct bundle *b, const char *path, const char *pattern, unsigned flags)
{
	int dfd = root_open(b->o->root, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		if (!(flags & OPTIONAL) || dfd != -ENOENT)
			bundle_skip(b, path, "%s", bundle_errno_reason(-dfd));
		return;
	}
	walk(b, dfd, path, pattern, flags, 0);
	close(dfd);
}


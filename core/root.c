/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Host files read under a root prefix, never resolved outside it. */
#include "core/root.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

bool root_is_live(const char *root)
{
	return !root || !*root || strcmp(root, "/") == 0;
}

char *root_path(const char *root, const char *path)
{
	if (root_is_live(root))
		return xstrdup(path);
	size_t rl = strlen(root);
	while (rl > 1 && root[rl - 1] == '/')
		rl--;
	return xasprintf("%.*s%s%s", (int)rl, root, path[0] == '/' ? "" : "/", path);
}

/* A stack of directory descriptors, the walk's way back for "..". */
struct dirs {
	int *v;
	size_t n, alloc;
};

static void dirs_push(struct dirs *d, int fd)
{
	if (d->n == d->alloc) {
		d->alloc = d->alloc ? d->alloc * 2 : 16;
		d->v = xrealloc(d->v, d->alloc * sizeof(*d->v));
	}
	d->v[d->n++] = fd;
}

/* Back to the root (keep 1) or one up (keep n - 1); never above the root. */
static void dirs_pop_to(struct dirs *d, size_t keep)
{
	while (d->n > keep && d->n > 1)
		close(d->v[--d->n]);
}

/* What RESOLVE_IN_ROOT does, for kernels without openat2 (before 5.6:
 * RHEL 8) and valgrind: one component at a time from the descriptor of
 * the directory reached, never following a link by path, so that an
 * image changing under the walk cannot lead it out; a link's target is
 * spliced in front of what is left (an absolute one restarts at the
 * root), ".." stops at the root.  An O_PATH descriptor of what path
 * names, or -errno. */
static int walk_in_root(int rootfd, const char *path, bool nofollow)
{
	struct dirs d = { 0 };
	dirs_push(&d, fcntl(rootfd, F_DUPFD_CLOEXEC, 0));
	char *pending = xstrdup(path);
	size_t pos = 0;
	int links = 0, result;
	for (;;) {
		pos += strspn(pending + pos, "/");
		if (!pending[pos]) {
			result = fcntl(d.v[d.n - 1], F_DUPFD_CLOEXEC, 0);
			break;
		}
		size_t n = strcspn(pending + pos, "/");
		_cleanup_free_ char *comp = xstrndup(pending + pos, n);
		pos += n;
		bool last = !pending[pos + strspn(pending + pos, "/")];
		if (strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") == 0) {
			dirs_pop_to(&d, d.n - 1);
			continue;
		}
		int fd = openat(d.v[d.n - 1], comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		struct stat st;
		if (fd < 0 || fstat(fd, &st) < 0) {
			result = -errno;
			if (fd >= 0)
				close(fd);
			break;
		}
		if (S_ISLNK(st.st_mode) && !(last && nofollow)) {
			char target[PATH_MAX];
			ssize_t tl = ++links > 40 ? (errno = ELOOP, -1) : readlinkat(fd, "", target, sizeof(target) - 1);
			close(fd);
			if (tl < 0) {
				result = -errno;
				break;
			}
			target[tl] = '\0';
			char *rest = xasprintf("%s%s", target, pending + pos);
			free(pending);
			pending = rest;
			pos = 0;
			if (target[0] == '/')
				dirs_pop_to(&d, 1);
			continue;
		}
		if (last) {
			result = fd;
			break;
		}
		if (!S_ISDIR(st.st_mode)) {
			close(fd);
			result = -ENOTDIR;
			break;
		}
		dirs_push(&d, fd);
	}
	dirs_pop_to(&d, 1);
	close(d.v[0]);
	free(d.v);
	free(pending);
	return result;
}

/* An O_PATH descriptor of path inside root, or -errno.  HVSCOPE_ROOT_WALK
 * set makes the walk stand in for openat2, so that tests cover it on any
 * kernel. */
static int resolve_in_root(int rootfd, const char *path, bool nofollow)
{
	if (!getenv("HVSCOPE_ROOT_WALK")) {
		struct open_how how = {
			.flags = O_PATH | O_CLOEXEC | (nofollow ? O_NOFOLLOW : 0),
			.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
		};
		const char *rel = path + strspn(path, "/");
		int fd = (int)syscall(SYS_openat2, rootfd, *rel ? rel : ".", &how, sizeof(how));
		if (fd >= 0 || errno != ENOSYS)
			return fd < 0 ? -errno : fd;
	}
	return walk_in_root(rootfd, path, nofollow);
}

/* Inside an image or a bundle: resolved to an O_PATH descriptor first, and
 * opened for reading only when that is a regular file or a directory,
 * through the descriptor itself (never the path again): a device, FIFO or
 * socket planted there is never opened, which could block or act. */
int root_open(const char *root, const char *path, int flags)
{
	if (root_is_live(root)) {
		int fd = open(path, flags | O_CLOEXEC);
		return fd < 0 ? -errno : fd;
	}
	int dfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	int pfd = resolve_in_root(dfd, path, (flags & O_NOFOLLOW) != 0);
	close(dfd);
	if (pfd < 0)
		return pfd;
	struct stat st;
	int r = fstat(pfd, &st) < 0 ? -errno : 0;
	if (r == 0 && (flags & O_DIRECTORY) && !S_ISDIR(st.st_mode))
		r = S_ISLNK(st.st_mode) ? -ELOOP : -ENOTDIR;
	if (r == 0 && (flags & O_PATH))
		return pfd;
	if (r == 0)
		r = S_ISLNK(st.st_mode) ? -ELOOP : !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode) ? -ENXIO : 0;
	int fd = -1;
	if (r == 0) {
		char proc[64];
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", pfd);
		fd = open(proc, (flags & ~O_NOFOLLOW) | O_CLOEXEC);
		r = fd < 0 ? -errno : 0;
	}
	close(pfd);
	return r < 0 ? r : fd;
}

bool root_exists(const char *root, const char *path)
{
	int fd = root_open(root, path, O_PATH);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

bool root_is_dir(const char *root, const char *path)
{
	int fd = root_open(root, path, O_PATH | O_DIRECTORY);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

int root_read(const char *root, const char *path, size_t max, struct buf *out, struct err *e)
{
	int fd = root_open(root, path, O_RDONLY | O_NOCTTY | O_NONBLOCK);
	if (fd == -ENXIO && !root_is_live(root))
		return err_set(e, fd, "%s: not a regular file (a device, FIFO or socket in an image or bundle is never opened)", path);
	if (fd < 0)
		return err_set(e, fd, "%s: %s", path, strerror(-fd));
	struct stat st;
	if (fstat(fd, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode)) {
		close(fd);
		return err_set(e, -EISDIR, "%s: not a regular file", path);
	}
	/* Refused unread when it says it is too large (files of /proc and
	 * /sys say 0 or 4096 and are read to the end). */
	if (S_ISREG(st.st_mode) && st.st_size > 0 && (unsigned long long)st.st_size > max) {
		close(fd);
		return err_set(e, -EFBIG, "%s: larger than %zu bytes", path, max);
	}
	buf_reset(out);
	for (;;) {
		buf_grow(out, 4096);
		ssize_t n = read(fd, out->s + out->len, out->alloc - out->len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int r = -errno;
			close(fd);
			return err_set(e, r, "%s: %s", path, strerror(-r));
		}
		if (n == 0)
			break;
		out->len += (size_t)n;
		out->s[out->len] = '\0';
		if (out->len > max) {
			close(fd);
			return err_set(e, -EFBIG, "%s: larger than %zu bytes", path, max);
		}
	}
	close(fd);
	return 0;
}

int root_read_line(const char *root, const char *path, char **out, struct err *e)
{
	_cleanup_(buf_freep) struct buf b = BUF_INIT;
	int r = root_read(root, path, 64 * 1024, &b, e);
	if (r < 0)
		return r;
	char *s = b.s ? b.s : (char *)"";
	char *nl = strchr(s, '\n');
	if (nl)
		*nl = '\0';
	*out = xstrdup(str_strip(s));
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int root_list_dir(const char *root, const char *path, struct strv *out)
{
	int fd = root_open(root, path, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return fd;
	DIR *d = fdopendir(fd);
	if (!d) {
		int r = -errno;
		close(fd);
		return r;
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		strv_push(out, de->d_name);
	}
	closedir(d);
	if (out->n)
		qsort(out->v, out->n, sizeof(*out->v), cmp_str);
	return 0;
}

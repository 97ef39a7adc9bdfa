/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "core/root.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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

/* The path under root with every symlink on the way resolved as the image
 * would see it: absolute targets restart at root, ".." stops at root.  The
 * last component is resolved too (open follows it).  NULL after 40 links. */
static char *resolve_in_root(const char *root, const char *path)
{
	struct buf done = BUF_INIT; /* resolved part, host-absolute, "" = "/" */
	_cleanup_free_ char *pending = xstrdup(path);
	int links = 0;
	size_t pos = 0;
	for (;;) {
		while (pending[pos] == '/')
			pos++;
		if (!pending[pos])
			break;
		size_t n = strcspn(pending + pos, "/");
		_cleanup_free_ char *comp = xstrndup(pending + pos, n);
		pos += n;
		if (strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") == 0) {
			char *slash = done.s ? strrchr(done.s, '/') : NULL;
			if (slash) {
				done.len = (size_t)(slash - done.s);
				*slash = '\0';
			}
			continue;
		}
		size_t keep = done.len;
		buf_putc(&done, '/');
		buf_puts(&done, comp);
		_cleanup_free_ char *real = root_path(root, done.s);
		char target[4096];
		ssize_t tl = readlink(real, target, sizeof(target) - 1);
		if (tl < 0)
			continue; /* not a link, or absent: open() will say */
		if (++links > 40) {
			buf_free(&done);
			return NULL;
		}
		target[tl] = '\0';
		/* Splice the target in front of what is left. */
		char *rest = xasprintf("%s%s", target, pending + pos);
		free(pending);
		pending = rest;
		pos = 0;
		if (target[0] == '/') {
			buf_reset(&done);
		} else {
			done.len = keep;
			if (done.s)
				done.s[keep] = '\0';
		}
	}
	char *out = root_path(root, done.len ? done.s : "/");
	buf_free(&done);
	return out;
}

int root_open(const char *root, const char *path, int flags)
{
	if (root_is_live(root)) {
		int fd = open(path, flags | O_CLOEXEC);
		return fd < 0 ? -errno : fd;
	}
	int dfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	struct open_how how = {
		.flags = (unsigned long long)(flags | O_CLOEXEC),
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	const char *rel = path;
	while (*rel == '/')
		rel++;
	if (!*rel)
		rel = ".";
	int fd = (int)syscall(SYS_openat2, dfd, rel, &how, sizeof(how));
	if (fd < 0 && errno == ENOSYS) {
		/* Kernels before 5.6 (RHEL 8) and valgrind: resolve by hand. */
		_cleanup_free_ char *p = resolve_in_root(root, path);
		fd = p ? open(p, flags | O_CLOEXEC) : -1;
		if (!p)
			errno = ELOOP;
	}
	int saved = errno;
	close(dfd);
	return fd < 0 ? -saved : fd;
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
	if (fd < 0)
		return err_set(e, fd, "%s: %s", path, strerror(-fd));
	struct stat st;
	if (fstat(fd, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode)) {
		close(fd);
		return err_set(e, -EISDIR, "%s: not a regular file", path);
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

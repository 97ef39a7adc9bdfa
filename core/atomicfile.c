/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Replacing a file whole: temporary in the same directory, fsync, rename. */
#include "core/atomicfile.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/tmpguard.h"
#include "core/util.h"

/* The mode (and owner) the new file takes: the target's, or 0644 under
 * the umask for a new one. */
/* The process's umask without changing it (umask() sets as it reads, and
 * another thread's file made in between would get mode 0666): Linux
 * reports it in /proc/self/status since 4.7; older kernels get the
 * set-and-restore. */
static mode_t current_umask(void)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[128];
	unsigned u;
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "Umask: %o", &u) == 1) {
			fclose(f);
			return (mode_t)(u & 0777);
		}
	if (f)
		fclose(f);
	mode_t m = umask(0);
	umask(m);
	return m;
}

static void set_mode(int fd, const char *path, unsigned flags)
{
	struct stat st;
	if (flags & ATOMICFILE_PRIVATE) {
		fchmod(fd, 0600);
		return;
	}
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
		/* Only root may give a file away; others keep their own. */
		if (fchown(fd, st.st_uid, st.st_gid) < 0 && errno != EPERM)
			return;
		fchmod(fd, st.st_mode & 07777);
		return;
	}
	fchmod(fd, 0644 & ~current_umask());
}

static int open_named(struct atomicfile *f, struct err *e)
{
	f->tmp = xasprintf("%s.XXXXXX", f->path);
	f->fd = tmpguard_mkostemp(f->tmp, O_CLOEXEC);
	if (f->fd >= 0)
		return 0;
	int r = err_set(e, -errno, "%s: cannot create a temporary file beside it (%s): %s", f->path, f->tmp, strerror(errno));
	free(f->tmp);
	f->tmp = NULL;
	return r;
}

int atomicfile_open(struct atomicfile *f, const char *path, unsigned flags, struct err *e)
{
	f->fd = -1;
	f->tmp = NULL;
	f->path = xstrdup(path);
	struct stat st;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		atomicfile_abort(f);
		return err_set(e, -EISDIR, "%s: is a directory", path);
	}
	_cleanup_free_ char *dir = path_dir(path);
	int r = 0;
	if (!(flags & ATOMICFILE_NAMED)) {
		f->fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
		if (f->fd < 0 && errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
			r = err_set(e, -errno, "%s: cannot write in its directory %s: %s", path, dir, strerror(errno));
	}
	if (f->fd < 0 && r == 0)
		r = open_named(f, e);
	if (r < 0) {
		atomicfile_abort(f);
		return r;
	}
	set_mode(f->fd, path, flags);
	return 0;
}

int atomicfile_write(struct atomicfile *f, const void *data, size_t len, struct err *e)
{
	int r = write_full(f->fd, data, len);
	return r < 0 ? err_set(e, r, "%s: %s", f->path, strerror(-r)) : 0;
}

/* An unnamed file gets a name (linkat cannot replace) and is renamed over
 * the target at once; the guarded signals wait meanwhile, so none can
 * leave that name behind. */
static int link_into_place(struct atomicfile *f, struct err *e)
{
	if (f->tmp) {
		if (rename(f->tmp, f->path) < 0)
			return err_set(e, -errno, "%s: %s", f->path, strerror(errno));
		tmpguard_release(f->tmp);
		free(f->tmp);
		f->tmp = NULL;
		return 0;
	}
	char proc[64];
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", f->fd);
	_cleanup_free_ char *tmp = xasprintf("%s.%ld.tmp", f->path, (long)getpid());
	sigset_t old;
	tmpguard_block(&old);
	int r = 0;
	if (linkat(AT_FDCWD, proc, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW) < 0) {
		r = err_set(e, -errno, "%s: %s", tmp, strerror(errno));
	} else if (rename(tmp, f->path) < 0) {
		r = err_set(e, -errno, "%s: %s", f->path, strerror(errno));
		unlink(tmp);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return r;
}

int atomicfile_commit(struct atomicfile *f, struct err *e)
{
	int r = 0;
	if (fsync(f->fd) < 0)
		r = err_set(e, -errno, "%s: %s", f->path, strerror(errno));
	if (r == 0)
		r = link_into_place(f, e);
	if (r == 0) {
		/* The rename is durable once the directory is. */
		_cleanup_free_ char *dir = path_dir(f->path);
		int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd >= 0) {
			fsync(dfd);
			close(dfd);
		}
	}
	atomicfile_abort(f);
	return r;
}

void atomicfile_abort(struct atomicfile *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	if (f->tmp) {
		unlink(f->tmp);
		tmpguard_release(f->tmp);
	}
	free(f->tmp);
	free(f->path);
	f->tmp = f->path = NULL;
}

int atomicfile_save(const char *path, const void *data, size_t len, unsigned flags, struct err *e)
{
	struct atomicfile f;
	int r = atomicfile_open(&f, path, flags, e);
	if (r == 0 && (r = atomicfile_write(&f, data, len, e)) == 0)
		return atomicfile_commit(&f, e);
	atomicfile_abort(&f);
	return r;
}

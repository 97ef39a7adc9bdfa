/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A private temporary directory removed if a signal ends the process. */
#include "core/tmpguard.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const int guarded[] = { SIGINT, SIGTERM, SIGHUP };
enum { NGUARDED = sizeof(guarded) / sizeof(*guarded) };
/* A few paths at once: a bundle unpacked for reading while a report is
 * written atomically beside its target. */
enum { NSLOTS = 4 };
static char guard_path[NSLOTS][PATH_MAX];
static volatile sig_atomic_t slot_used[NSLOTS];
static struct sigaction before[NGUARDED];
static int narmed; /* handlers installed while > 0 */

/* Remove name (in the directory dfd) and all under it, with only calls a
 * signal handler may make: no allocation, no stdio, no nftw.  A pass
 * that removes an entry reads the directory again, since removing while
 * reading may skip entries. */
static bool remove_at(int dfd, const char *name)
{
	if (unlinkat(dfd, name, 0) == 0)
		return true;
	if (errno != EISDIR)
		return errno == ENOENT;
	int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return false;
	char buf[1024] __attribute__((aligned(8)));
	bool removed = true;
	while (removed) {
		removed = false;
		lseek(fd, 0, SEEK_SET);
		ssize_t n;
		while ((n = getdents64(fd, buf, sizeof(buf))) > 0) {
			for (ssize_t off = 0; off < n;) {
				struct dirent64 *d = (struct dirent64 *)(buf + off);
				off += d->d_reclen;
				if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
					continue;
				/* an entry that stays (a directory we may not
				 * write) must not make the pass endless */
				removed |= remove_at(fd, d->d_name);
			}
		}
	}
	close(fd);
	return unlinkat(dfd, name, AT_REMOVEDIR) == 0;
}

static void on_signal(int sig)
{
	int saved = errno;
	for (int i = 0; i < NSLOTS; i++)
		if (slot_used[i]) {
			slot_used[i] = 0;
			remove_at(AT_FDCWD, guard_path[i]);
		}
	/* Pending until this handler returns, then as before: the default
	 * ends the process by the signal, a curses handler restores the
	 * terminal first. */
	for (int i = 0; i < NGUARDED; i++)
		if (guarded[i] == sig)
			sigaction(sig, &before[i], NULL);
	raise(sig);
	errno = saved;
}

void tmpguard_block(sigset_t *old)
{
	sigset_t block;
	sigemptyset(&block);
	for (int i = 0; i < NGUARDED; i++)
		sigaddset(&block, guarded[i]);
	pthread_sigmask(SIG_BLOCK, &block, old);
}

int tmpguard_thread(pthread_t *t, const pthread_attr_t *a, void *(*fn)(void *), void *arg)
{
	sigset_t old;
	tmpguard_block(&old);
	int r = pthread_create(t, a, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return r;
}

static void install(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigfillset(&sa.sa_mask); /* one removal at a time */
	/* A signal the process ignores (SIGHUP under nohup) ends nothing:
	 * it removes nothing either. */
	for (int i = 0; i < NGUARDED; i++) {
		sigaction(guarded[i], NULL, &before[i]);
		if (before[i].sa_handler != SIG_IGN)
			sigaction(guarded[i], &sa, NULL);
	}
}

/* Called with the signals blocked.  0, or -1 when every slot is taken. */
static int arm(const char *path)
{
	for (int i = 0; i < NSLOTS; i++) {
		if (slot_used[i])
			continue;
		snprintf(guard_path[i], sizeof(guard_path[i]), "%s", path);
		slot_used[i] = 1;
		if (narmed++ == 0)
			install();
		return 0;
	}
	return -1;
}

char *tmpguard_mkdtemp(char *template)
{
	/* No signal between the directory's creation and its guard. */
	sigset_t old;
	tmpguard_block(&old);
	char *dir = mkdtemp(template);
	int saved = errno;
	if (dir && arm(dir) < 0) {
		rmdir(dir);
		dir = NULL;
		saved = EMFILE;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	errno = saved;
	return dir;
}

int tmpguard_mkostemp(char *template, int flags)
{
	sigset_t old;
	tmpguard_block(&old);
	int fd = mkostemp(template, flags);
	int saved = errno;
	if (fd >= 0 && arm(template) < 0) {
		unlink(template);
		close(fd);
		fd = -1;
		saved = EMFILE;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	errno = saved;
	return fd;
}

void tmpguard_release(const char *path)
{
	sigset_t old;
	tmpguard_block(&old);
	for (int i = 0; i < NSLOTS; i++) {
		if (!slot_used[i] || strcmp(guard_path[i], path))
			continue;
		slot_used[i] = 0;
		if (--narmed == 0)
			for (int k = 0; k < NGUARDED; k++)
				sigaction(guarded[k], &before[k], NULL);
		break;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

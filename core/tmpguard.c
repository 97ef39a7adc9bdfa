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
static char guard_dir[PATH_MAX];
static struct sigaction before[NGUARDED];
static volatile sig_atomic_t armed;

/* Remove name (in the directory dfd) and all under it, with only calls a
 * signal handler may make: no allocation, no stdio, no nftw.  A pass
 * that removes an entry reads the directory again, since removing while
 * reading may skip entries. */
static void remove_at(int dfd, const char *name)
{
	if (unlinkat(dfd, name, 0) == 0 || errno != EISDIR)
		return;
	int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
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
				remove_at(fd, d->d_name);
				removed = true;
			}
		}
	}
	close(fd);
	unlinkat(dfd, name, AT_REMOVEDIR);
}

static void on_signal(int sig)
{
	int saved = errno;
	if (armed) {
		armed = 0;
		remove_at(AT_FDCWD, guard_dir);
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

static void arm(const char *dir)
{
	snprintf(guard_dir, sizeof(guard_dir), "%s", dir);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigfillset(&sa.sa_mask); /* one removal at a time */
	armed = 1;
	/* A signal the process ignores (SIGHUP under nohup) ends nothing:
	 * it removes nothing either. */
	for (int i = 0; i < NGUARDED; i++) {
		sigaction(guarded[i], NULL, &before[i]);
		if (before[i].sa_handler != SIG_IGN)
			sigaction(guarded[i], &sa, NULL);
	}
}

char *tmpguard_mkdtemp(char *template)
{
	/* No signal between the directory's creation and its guard. */
	sigset_t block, old;
	sigemptyset(&block);
	for (int i = 0; i < NGUARDED; i++)
		sigaddset(&block, guarded[i]);
	sigprocmask(SIG_BLOCK, &block, &old);
	char *dir = mkdtemp(template);
	int saved = errno;
	if (dir)
		arm(dir);
	sigprocmask(SIG_SETMASK, &old, NULL);
	errno = saved;
	return dir;
}

void tmpguard_disarm(void)
{
	if (!armed)
		return;
	for (int i = 0; i < NGUARDED; i++)
		sigaction(guarded[i], &before[i], NULL);
	armed = 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Running a command without a shell, under a deadline, its output captured. */
#include "core/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"

extern char **environ;

static long long now_ms(void)
{
	return (long long)(clock_mono() * 1000);
}

/* Wait for pid until the deadline (ms on CLOCK_MONOTONIC): a child may
 * close its output and go on running.  Polled: a pidfd would need Linux
 * 5.3, older than some hosts this runs on. */
static bool reap_by(pid_t pid, long long deadline, int *status)
{
	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			return true;
		if (r < 0 && errno != EINTR)
			return true; /* not ours to wait for any more */
		long long left = deadline - now_ms();
		if (left <= 0)
			return false;
		struct timespec ts = { 0, (left < 5 ? left : 5) * 1000000L };
		nanosleep(&ts, NULL);
	}
}

int spawn_capture(char *const argv[], int timeout_ms, size_t max_out, struct buf *out, struct err *e)
{
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return err_set(e, -errno, "pipe: %s", strerror(errno));
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	/* The child starts as a command from a shell would: every signal at
	 * its default and none blocked.  The exporter blocks SIGTERM, SIGINT
	 * and SIGHUP in its threads to read them with sigwait; a systemctl
	 * started with those blocked could not be stopped. */
	posix_spawnattr_t attr;
	posix_spawnattr_init(&attr);
	sigset_t none, all;
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &all);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	pid_t pid;
	int r = posix_spawnp(&pid, argv[0], &fa, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	close(pfd[1]);
	if (r != 0) {
		close(pfd[0]);
		return err_set(e, -r, "%s: %s", argv[0], strerror(r));
	}
	long long deadline = now_ms() + timeout_ms;
	bool timed_out = false;
	for (;;) {
		long long left = deadline - now_ms();
		if (left <= 0) {
			timed_out = true;
			break;
		}
		struct pollfd p = { .fd = pfd[0], .events = POLLIN };
		int n = poll(&p, 1, (int)left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			timed_out = n == 0;
			break;
		}
		char chunk[4096];
		ssize_t got = read(pfd[0], chunk, sizeof(chunk));
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		if (out && out->len < max_out)
			buf_add(out, chunk, (size_t)got < max_out - out->len ? (size_t)got : max_out - out->len);
	}
	close(pfd[0]);
	int status;
	if (!timed_out && !reap_by(pid, deadline, &status))
		timed_out = true; /* closed its output, did not exit */
	if (timed_out) {
		kill(pid, SIGKILL);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	if (timed_out)
		return err_set(e, -ETIMEDOUT, "%s: no answer within %d ms", argv[0], timeout_ms);
	if (WIFEXITED(status)) {
		/* posix_spawnp reports a missing program as exit 127 from the child. */
		if (WEXITSTATUS(status) == 127)
			return err_set(e, -ENOENT, "%s: not found", argv[0]);
		return WEXITSTATUS(status);
	}
	return err_set(e, -ECHILD, "%s: killed by signal %d", argv[0], WTERMSIG(status));
}

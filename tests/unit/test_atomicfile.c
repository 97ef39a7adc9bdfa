/* SPDX-License-Identifier: GPL-2.0-or-later */
/* core/atomicfile.c: the target replaced whole or kept, its mode kept, no
 * temporary left by an abort or a signal, errors naming the path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/atomicfile.h"
#include "core/tmpguard.h"
#include "tmpdir.h"

static char *path_in(const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

static void put(const char *path, const char *text, unsigned flags)
{
	struct atomicfile f;
	struct err e = ERR_INIT;
	assert_int_equal(atomicfile_open(&f, path, flags, &e), 0);
	assert_int_equal(atomicfile_write(&f, text, strlen(text), &e), 0);
	assert_int_equal(atomicfile_commit(&f, &e), 0);
	assert_int_equal(f.fd, -1);
	err_clear(&e);
}

static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	assert_non_null(fp);
	char b[256] = "";
	size_t n = fread(b, 1, sizeof(b) - 1, fp);
	b[n] = '\0';
	fclose(fp);
	return xstrdup(b);
}

/* The names in dir: only want. */
static void only_entry(const char *want)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	struct dirent *de;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			assert_string_equal(de->d_name, want);
	closedir(d);
}

static mode_t mode_of(const char *path)
{
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	return st.st_mode & 07777;
}

static void test_modes(void **state)
{
	(void)state;
	for (unsigned flags = 0; flags <= ATOMICFILE_NAMED; flags += ATOMICFILE_NAMED) {
		_cleanup_free_ char *p = path_in("m.prom");
		mode_t old = umask(022);
		put(p, "a\n", flags);
		assert_int_equal(mode_of(p), 0644);
		chmod(p, 0640);
		put(p, "b\n", flags);
		assert_int_equal(mode_of(p), 0640); /* kept, not forced to 0600 */
		_cleanup_free_ char *t = slurp(p);
		assert_string_equal(t, "b\n");
		put(p, "c\n", flags | ATOMICFILE_PRIVATE);
		assert_int_equal(mode_of(p), 0600);
		unlink(p);
		umask(077);
		put(p, "d\n", flags);
		assert_int_equal(mode_of(p), 0600); /* 0644 under the umask */
		umask(old);
		only_entry("m.prom");
		unlink(p);
	}
}

static void test_abort_keeps_old(void **state)
{
	(void)state;
	_cleanup_free_ char *p = path_in("k.prom");
	put(p, "old\n", 0);
	for (unsigned flags = 0; flags <= ATOMICFILE_NAMED; flags += ATOMICFILE_NAMED) {
		struct atomicfile f;
		struct err e = ERR_INIT;
		assert_int_equal(atomicfile_open(&f, p, flags, &e), 0);
		assert_int_equal(atomicfile_write(&f, "new, half", 9, &e), 0);
		atomicfile_abort(&f);
		atomicfile_abort(&f); /* twice is harmless */
		_cleanup_free_ char *t = slurp(p);
		assert_string_equal(t, "old\n");
		only_entry("k.prom");
	}
	unlink(p);
}

/* A child writing half a file, then killed by sig: the old file whole, and
 * (but for SIGKILL on a named temporary) nothing else; a guarded directory
 * of the same process goes too. */
static void killed(unsigned flags, int sig)
{
	/* On the stack: the child ends by the signal, freeing nothing. */
	char p[PATH_MAX], td[PATH_MAX];
	snprintf(p, sizeof(p), "%s/s.prom", dir);
	snprintf(td, sizeof(td), "%s/guarded-XXXXXX", dir);
	put(p, "old\n", 0);
	int ready[2];
	assert_int_equal(pipe(ready), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct atomicfile f;
		if (!tmpguard_mkdtemp(td) || atomicfile_open(&f, p, flags, NULL) < 0 ||
		    atomicfile_write(&f, "new, half", 9, NULL) < 0)
			_exit(3);
		if (write(ready[1], "x", 1) != 1)
			_exit(4);
		pause();
		_exit(5);
	}
	close(ready[1]);
	char c;
	assert_int_equal(read(ready[0], &c, 1), 1);
	close(ready[0]);
	kill(pid, sig);
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), sig);
	_cleanup_free_ char *t = slurp(p);
	assert_string_equal(t, "old\n");
	if (sig != SIGKILL)
		only_entry("s.prom");
	if (sig == SIGKILL) { /* no handler runs: the guarded directory stays */
		_cleanup_free_ char *rm = xasprintf("rmdir %s/guarded-*", dir);
		assert_int_equal(system(rm), 0);
		if (!(flags & ATOMICFILE_NAMED))
			only_entry("s.prom"); /* the unnamed file had no name to leave */
	}
	unlink(p);
}

static void test_signals(void **state)
{
	(void)state;
	killed(0, SIGTERM);
	killed(ATOMICFILE_NAMED, SIGTERM);
	killed(ATOMICFILE_NAMED, SIGINT);
	killed(ATOMICFILE_NAMED, SIGHUP);
	killed(0, SIGKILL);
	only_entry("-"); /* the unnamed file: nothing at all is left */
}

static void test_errors(void **state)
{
	(void)state;
	struct atomicfile f;
	struct err e = ERR_INIT;
	_cleanup_free_ char *missing = path_in("nodir/x.prom");
	assert_int_equal(atomicfile_open(&f, missing, 0, &e), -ENOENT);
	_cleanup_free_ char *nodir = path_in("nodir");
	assert_non_null(strstr(err_msg(&e), nodir));
	assert_int_equal(atomicfile_open(&f, missing, ATOMICFILE_NAMED, &e), -ENOENT);
	assert_non_null(strstr(err_msg(&e), missing));
	assert_int_equal(atomicfile_open(&f, dir, 0, &e), -EISDIR);
	assert_non_null(strstr(err_msg(&e), dir));
	err_clear(&e);
	only_entry("-");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_modes),
		cmocka_unit_test(test_abort_keeps_old),
		cmocka_unit_test(test_signals),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, tmpdir_setup, tmpdir_teardown);
}

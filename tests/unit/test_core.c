/* SPDX-License-Identifier: GPL-2.0-or-later */
/* core/: buffers, strings, escaping, root-prefixed reads, spawning. */
#include <setjmp.h>
#include <fcntl.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/socket.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/json.h"
#include "core/module.h"
#include "core/procself.h"
#include "core/escape.h"
#include "core/root.h"
#include "core/secret.h"
#include "core/spawn.h"
#include "core/util.h"

static void test_buf_grows(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	assert_string_equal(buf_str(&b), "");
	for (int i = 0; i < 1000; i++)
		buf_printf(&b, "%d,", i);
	assert_true(b.len > 3000);
	assert_int_equal(strncmp(b.s, "0,1,2,", 6), 0);
	buf_reset(&b);
	buf_puts(&b, "x");
	buf_putc(&b, 'y');
	char *s = buf_steal(&b);
	assert_string_equal(s, "xy");
	assert_null(b.s);
	free(s);
	/* Grown and not written to, it is still a C string (valgrind saw
	 * strtok_r read an unset byte of buf_grow(b, 0)'s buffer). */
	buf_grow(&b, 0);
	assert_non_null(b.s);
	assert_int_equal(b.s[0], '\0');
	buf_free(&b);
}

/* A size that does not fit is the allocator's failure, not a short buffer
 * written past its end: the child must die, never return. */
static void test_buf_overflow(void **state)
{
	(void)state;
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct buf b = BUF_INIT;
		buf_puts(&b, "0123456789");
		buf_grow(&b, SIZE_MAX - 4);
		_exit(b.alloc > b.len + 16 ? 2 : 0); /* returned: the size wrapped */
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
}

/* /proc/PID/stat with a command name holding spaces and parentheses: the
 * fields count from the last ')'. */
static void test_procself(void **state)
{
	(void)state;
	struct procself p = { 0 };
	const char *line = "4242 (a) b (c) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 50 0 0 20 0 3 0 777 123456789 300 18446744073709551615\n";
	assert_true(procself_parse_stat(line, 100, 4096, &p));
	assert_true(p.have_stat);
	assert_true(p.cpu_seconds > 2.999 && p.cpu_seconds < 3.001);
	assert_int_equal(p.virtual_bytes, 123456789);
	assert_int_equal(p.resident_bytes, 300 * 4096);
	struct procself q = { 0 };
	assert_false(procself_parse_stat("4242 no parenthesis", 100, 4096, &q));
	assert_false(procself_parse_stat("4242 (x) S 1", 100, 4096, &q));
	assert_false(q.have_stat);
	procself_read(&q);
	assert_true(q.have_stat && q.resident_bytes > 0 && q.have_fds && q.open_fds >= 3);
}

/* Deadlines on the monotonic clock: never in the past, never wrapped. */
static void test_clock(void **state)
{
	(void)state;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	struct timespec t = clock_after_ms(1500);
	assert_true(t.tv_sec >= now.tv_sec + 1 && t.tv_nsec >= 0 && t.tv_nsec < 1000000000L);
	t = clock_after_s(1e300);
	assert_true(t.tv_sec > now.tv_sec && t.tv_sec < now.tv_sec + 400L * 86400);
	t = clock_after_s(-5);
	assert_true(t.tv_sec >= now.tv_sec && t.tv_sec <= now.tv_sec + 1);
	t = clock_after_s(0.0 / 0.0);
	assert_true(t.tv_sec >= now.tv_sec && t.tv_sec <= now.tv_sec + 1);
	assert_true(clock_wall() > 1.7e9);
}

static void test_json(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	struct json j;
	json_init(&j, &b, false);
	json_object(&j, NULL, JSON_INLINE);
	json_string(&j, "s", "a \"q\"\n\x01<");
	json_string(&j, "null", NULL);
	json_int(&j, "i", -42);
	json_uint(&j, "u", 18446744073709551615ULL);
	json_double(&j, "d", 1.25, 2);
	json_double(&j, "nan", 0.0 / 0.0, 2);
	json_bool(&j, "t", true);
	json_array(&j, "empty", JSON_LINES);
	json_close(&j);
	json_array(&j, "lines", JSON_LINES);
	json_int(&j, NULL, 1);
	json_object(&j, NULL, JSON_INLINE);
	json_null(&j, "n");
	json_close(&j);
	json_close(&j);
	json_raw(&j, "raw", "[1,2]");
	json_close(&j);
	json_close(&j); /* one too many: ignored */
	assert_string_equal(buf_str(&b), "{\"s\":\"a \\\"q\\\"\\n\\u0001<\",\"null\":null,\"i\":-42,\"u\":18446744073709551615,"
					 "\"d\":1.25,\"nan\":null,\"t\":true,\"empty\":[],\"lines\":[\n1,\n{\"n\":null}\n],\"raw\":[1,2]}");
	buf_reset(&b);
	json_init(&j, &b, true);
	json_object(&j, NULL, JSON_LINES);
	json_object(&j, "o", JSON_INLINE);
	json_int(&j, "a", 1);
	json_int(&j, "b", 2);
	json_close(&j);
	json_array(&j, "l", JSON_LINES);
	json_string(&j, NULL, "x");
	json_close(&j);
	json_close(&j);
	assert_string_equal(buf_str(&b), "{\n  \"o\": {\"a\": 1, \"b\": 2},\n  \"l\": [\n    \"x\"\n  ]\n}");
	/* Nesting past the limit stays balanced. */
	buf_reset(&b);
	json_init(&j, &b, false);
	for (int i = 0; i < JSON_MAX_DEPTH + 4; i++)
		json_array(&j, NULL, JSON_INLINE);
	for (int i = 0; i < JSON_MAX_DEPTH + 4; i++)
		json_close(&j);
	size_t open = 0, close = 0;
	for (const char *p = buf_str(&b); *p; p++)
		open += *p == '[', close += *p == ']';
	assert_int_equal(open, close);
	buf_free(&b);
}

static void test_paths(void **state)
{
	(void)state;
	const char *cases[][2] = { { "/a/b", "/a" }, { "/a", "/" }, { "a", "." }, { "a/b", "a" }, { "/a//b", "/a" }, { "//a", "/" }, { "/", "/" } };
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char *d = path_dir(cases[i][0]);
		if (strcmp(d, cases[i][1]) != 0)
			fail_msg("path_dir(%s) = %s, want %s", cases[i][0], d, cases[i][1]);
		free(d);
	}
	char *self = self_dir();
	assert_non_null(self);
	assert_true(self[0] == '/');
	free(self);
}

/* Figures a stranger's file starts a field with: meminfo's, a version's,
 * df's past 2^64; never wrapped. */
static void test_checked_numbers(void **state)
{
	(void)state;
	long long v;
	const char *end;
	assert_int_equal(str_to_ll_prefix("   65516344 kB", &v, &end), 0);
	assert_int_equal(v, 65516344);
	assert_string_equal(end, " kB");
	assert_int_equal(str_to_ll_prefix("7.9", &v, NULL), 0);
	assert_int_equal(v, 7);
	assert_int_equal(str_to_ll_prefix("-1G", &v, &end), 0);
	assert_int_equal(v, -1);
	assert_string_equal(end, "G");
	assert_int_equal(str_to_ll_prefix(" kB", &v, NULL), -EINVAL);
	assert_int_equal(str_to_ll_prefix("-", &v, NULL), -EINVAL);
	assert_int_equal(str_to_ll_prefix("", &v, NULL), -EINVAL);
	assert_int_equal(str_to_ll_prefix("99999999999999999999 kB", &v, &end), -ERANGE);
	assert_true(v == LLONG_MAX);
	assert_string_equal(end, " kB");
	assert_int_equal(str_to_ll_prefix("-99999999999999999999", &v, NULL), -ERANGE);
	assert_true(v == LLONG_MIN);
	assert_int_equal(str_to_ll_prefix("18446744073709551616", &v, NULL), -ERANGE);
	assert_true(ll_mul_sat(LLONG_MAX / 1024 + 1, 1024) == LLONG_MAX);
	assert_true(ll_mul_sat(-(LLONG_MAX / 1024 + 1), 1024) == LLONG_MIN);
	assert_true(ll_mul_sat(9007199254740991, 1024) == 9223372036854774784);
	assert_true(ll_mul_sat(-4, -5) == 20);
	assert_true(ll_add_sat(LLONG_MAX, 1) == LLONG_MAX);
	assert_true(ll_add_sat(LLONG_MIN, -1) == LLONG_MIN);
	assert_true(ll_add_sat(-3, 5) == 2);
	assert_true(ll_sub_sat(LLONG_MIN, 512) == LLONG_MIN);
	assert_true(ll_sub_sat(0, LLONG_MIN) == LLONG_MAX);
	assert_true(ll_sub_sat(10, 512) == -502);
}

static void test_strings(void **state)
{
	(void)state;
	assert_true(str_has_word("fpu vme pae mce", "pae"));
	assert_false(str_has_word("fpu vme paex mce", "pae"));
	assert_false(str_has_word("fpu vme pae", "vm"));
	assert_true(str_has_word("pae", "pae"));
	assert_false(str_has_word("", "pae"));
	char s[] = "  \t text \n";
	assert_string_equal(str_strip(s), "text");
	long long v;
	assert_int_equal(str_to_ll("42", &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(str_to_ll("42x", &v), -EINVAL);
	assert_int_equal(str_to_ll("", &v), -EINVAL);
	assert_int_equal(str_to_ll("18446744073709551616", &v), -ERANGE);
	struct strv sv = { 0 };
	strv_push(&sv, "a");
	strv_push(&sv, "b");
	assert_true(strv_contains(&sv, "b"));
	assert_false(strv_contains(&sv, "c"));
	assert_null(sv.v[2]);
	strv_free(&sv);
}

static void test_escape(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	esc_json(&b, "a\"b\\c\n\x01\xff\xc3\xa9");
	assert_string_equal(buf_str(&b), "\"a\\\"b\\\\c\\n\\u0001\\ufffd\xc3\xa9\"");
	buf_reset(&b);
	esc_xml(&b, "<a href='x'>&\x02");
	assert_string_equal(buf_str(&b), "&lt;a href=&apos;x&apos;&gt;&amp;?");
	buf_reset(&b);
	esc_prom_label(&b, "a\"b\\c\nd");
	assert_string_equal(buf_str(&b), "a\\\"b\\\\c\\nd");
	buf_free(&b);
}

static void test_root(void **state)
{
	(void)state;
	char *p = root_path("/", "/etc/xen");
	assert_string_equal(p, "/etc/xen");
	free(p);
	p = root_path("/img/", "/etc/xen");
	assert_string_equal(p, "/img/etc/xen");
	free(p);
	assert_true(root_is_live(NULL));
	assert_true(root_is_live("/"));
	assert_false(root_is_live("/img"));

	/* An absolute symlink inside a root stays inside it. */
	char dir[] = "/tmp/hvscope-unit-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *etc = xasprintf("%s/etc", dir), *f = xasprintf("%s/etc/target", dir), *l = xasprintf("%s/link", dir);
	assert_int_equal(mkdir(etc, 0755), 0);
	FILE *fp = fopen(f, "w");
	fputs("inside\nsecond\n", fp);
	fclose(fp);
	assert_int_equal(symlink("/etc/target", l), 0);
	char *line = NULL;
	struct err e = ERR_INIT;
	assert_int_equal(root_read_line(dir, "/link", &line, &e), 0);
	assert_string_equal(line, "inside");
	free(line);
	/* ".." cannot climb out of the root either. */
	char *up = xasprintf("%s/etc/up", dir);
	assert_int_equal(symlink("../../../../etc/target", up), 0);
	assert_int_equal(root_read_line(dir, "/etc/up", &line, &e), 0);
	assert_string_equal(line, "inside");
	free(line);
	unlink(up);
	free(up);
	assert_int_equal(root_read_line(dir, "/missing", &line, &e), -ENOENT);
	assert_non_null(strstr(err_msg(&e), "/missing"));
	struct buf b = BUF_INIT;
	assert_int_equal(root_read(dir, "/etc/target", 4, &b, &e), -EFBIG);
	struct strv names = { 0 };
	assert_int_equal(root_list_dir(dir, "/", &names), 0);
	assert_int_equal(names.n, 2);
	assert_string_equal(names.v[0], "etc");
	strv_free(&names);
	buf_free(&b);
	err_clear(&e);
	unlink(l);
	unlink(f);
	rmdir(etc);
	rmdir(dir);
	free(etc);
	free(f);
	free(l);
}

/* Every way out of a root, on both resolutions (openat2, and the walk
 * that stands in for it on kernels without): each read finds the root's
 * own file or nothing, never this host's; devices, FIFOs and sockets
 * planted in it are never opened. */
static void root_escapes(const char *dir)
{
	char line_out[256];
	struct {
		const char *path, *want; /* want NULL: must fail */
	} reads[] = {
		{ "/etc/target", "inside" },
		{ "/abs", "inside" },              /* -> /etc/target */
		{ "/rel", "inside" },              /* -> ../../../../etc/target */
		{ "/etc/../../../etc/target", "inside" },
		{ "/chain", "inside" },            /* -> /abs -> /etc/target */
		{ "/dirlink/target", "inside" },   /* -> /etc as a directory */
		{ "/hostpasswd", NULL },           /* -> /etc/passwd: absent inside */
		{ "/loop", NULL },                 /* -> /loop */
		{ "/null", NULL },                 /* -> /dev/null: absent inside */
		{ "/fifo", NULL },
		{ "/sock", NULL },
		{ "/chr", NULL },
		{ "/etc/target/x", NULL },         /* a file is no directory */
	};
	for (size_t i = 0; i < ARRAY_SIZE(reads); i++) {
		char *line = NULL;
		struct err e = ERR_INIT;
		int r = root_read_line(dir, reads[i].path, &line, &e);
		snprintf(line_out, sizeof(line_out), "%s: %d %s", reads[i].path, r, r == 0 ? line : err_msg(&e));
		if (reads[i].want) {
			if (r != 0 || strcmp(line, reads[i].want) != 0)
				fail_msg("%s", line_out);
		} else if (r == 0) {
			fail_msg("read, but must not be: %s", line_out);
		}
		free(line);
		err_clear(&e);
	}
	/* the link itself, when asked not to follow it */
	int fd = root_open(dir, "/abs", O_PATH | O_NOFOLLOW);
	assert_true(fd >= 0);
	struct stat st;
	assert_int_equal(fstat(fd, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	close(fd);
	assert_true(root_is_dir(dir, "/dirlink"));
	assert_false(root_is_dir(dir, "/etc/target"));
	char *line = NULL;
	struct err e = ERR_INIT;
	assert_int_equal(root_read_line(dir, "/fifo", &line, &e), -ENXIO);
	assert_non_null(strstr(err_msg(&e), "never opened"));
	err_clear(&e);
}

static void test_root_escapes(void **state)
{
	(void)state;
	char dir[] = "/tmp/hvscope-unit-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *p;
#define AT(rel) (free(p), p = xasprintf("%s%s", dir, rel))
	p = NULL;
	assert_int_equal(mkdir(AT("/etc"), 0755), 0);
	FILE *fp = fopen(AT("/etc/target"), "w");
	fputs("inside\n", fp);
	fclose(fp);
	assert_int_equal(symlink("/etc/target", AT("/abs")), 0);
	assert_int_equal(symlink("../../../../etc/target", AT("/rel")), 0);
	assert_int_equal(symlink("/abs", AT("/chain")), 0);
	assert_int_equal(symlink("/etc", AT("/dirlink")), 0);
	assert_int_equal(symlink("/etc/passwd", AT("/hostpasswd")), 0);
	assert_int_equal(symlink("/loop", AT("/loop")), 0);
	assert_int_equal(symlink("/dev/null", AT("/null")), 0);
	assert_int_equal(mkfifo(AT("/fifo"), 0600), 0);
	int sfd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", AT("/sock"));
	assert_int_equal(bind(sfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	/* a character device where root may make one (the tests run as root
	 * in CI); elsewhere a FIFO stands in */
	if (mknod(AT("/chr"), S_IFCHR | 0600, makedev(1, 3)) < 0)
		assert_int_equal(mkfifo(p, 0600), 0);
	unsetenv("HVSCOPE_ROOT_WALK");
	root_escapes(dir);
	setenv("HVSCOPE_ROOT_WALK", "1", 1);
	root_escapes(dir);
	unsetenv("HVSCOPE_ROOT_WALK");
	close(sfd);
	static const char *const made[] = { "/abs", "/rel", "/chain", "/dirlink", "/hostpasswd", "/loop", "/null", "/fifo", "/sock", "/chr", "/etc/target" };
	for (size_t i = 0; i < ARRAY_SIZE(made); i++)
		unlink(AT(made[i]));
	rmdir(AT("/etc"));
	rmdir(dir);
	free(p);
#undef AT
}

static void test_spawn(void **state)
{
	(void)state;
	struct buf out = BUF_INIT;
	struct err e = ERR_INIT;
	char *echo[] = { "echo", "hello", NULL };
	assert_int_equal(spawn_capture(echo, 2000, 1024, &out, &e), 0);
	assert_string_equal(buf_str(&out), "hello\n");
	char *sleeper[] = { "sleep", "10", NULL };
	assert_int_equal(spawn_capture(sleeper, 100, 1024, NULL, &e), -ETIMEDOUT);
	char *missing[] = { "hvscope-no-such-program", NULL };
	assert_true(spawn_capture(missing, 1000, 1024, NULL, &e) < 0);
	char *no[] = { "false", NULL };
	assert_int_equal(spawn_capture(no, 1000, 1024, NULL, &e), 1);
	/* A child that closes its output and runs on is still under the
	 * deadline: killed, not waited for (it would exit 0 after 20 s). */
	char *closer[] = { "sh", "-c", "exec >&-; sleep 20", NULL };
	assert_int_equal(spawn_capture(closer, 300, 1024, NULL, &e), -ETIMEDOUT);
	buf_free(&out);
	err_clear(&e);
}

/* A child starts with no signal blocked or ignored, whatever its parent
 * (the exporter blocks SIGTERM, SIGINT and SIGHUP to sigwait for them). */
static void test_spawn_signals(void **state)
{
	(void)state;
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	struct sigaction ign = { .sa_handler = SIG_IGN }, was;
	sigaction(SIGUSR1, &ign, &was);
	struct buf out = BUF_INIT;
	struct err e = ERR_INIT;
	char *status[] = { "grep", "-E", "^Sig(Blk|Ign):", "/proc/self/status", NULL };
	assert_int_equal(spawn_capture(status, 2000, 4096, &out, &e), 0);
	/* Signals 1 to 31 (glibc's posix_spawn ignores its own internal
	 * real-time ones in the child, whatever the attributes say). */
	unsigned long long blk = ~0ull, ignored = ~0ull;
	assert_int_equal(sscanf(buf_str(&out), "SigBlk:\t%llx\nSigIgn:\t%llx", &blk, &ignored), 2);
	assert_int_equal(blk & 0x7fffffffull, 0);
	assert_int_equal(ignored & 0x7fffffffull, 0);
	sigaction(SIGUSR1, &was, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	buf_free(&out);
	err_clear(&e);
}

static void test_number_ranges(void **state)
{
	(void)state;
	long long v = 0;
	double d = 0;
	assert_int_equal(str_to_ll_range("42", 1, 100, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(str_to_ll_range("4294967297", 1, 2147483647, &v), -ERANGE);
	assert_int_equal(str_to_ll_range("99999999999999999999", 1, 2147483647, &v), -ERANGE);
	assert_int_equal(str_to_ll_range("0", 1, 10, &v), -ERANGE);
	assert_int_equal(str_to_ll_range("12ms", 1, 10, &v), -EINVAL);
	assert_int_equal(str_to_ll_range("", 1, 10, &v), -EINVAL);
	assert_int_equal(str_to_double_range("2.5", 0.1, 3600, &d), 0);
	assert_true(d == 2.5);
	assert_int_equal(str_to_double_range("nan", 0.1, 3600, &d), -ERANGE);
	assert_int_equal(str_to_double_range("inf", 0.1, 3600, &d), -ERANGE);
	assert_int_equal(str_to_double_range("1e400", 0.1, 1e308, &d), -ERANGE);
	assert_int_equal(str_to_double_range("3s", 0.1, 3600, &d), -EINVAL);
}

static void test_secret_files(void **state)
{
	(void)state;
	assert_true(secret_path("/etc/xen/migrate-key.pem"));
	assert_true(secret_path("/etc/xen/relocation.key"));
	assert_true(secret_path("/etc/libvirt/secrets/2ec1.base64"));
	assert_true(secret_path("/etc/xen/vnc-secret"));
	assert_true(secret_path("/root/.ssh/id_ed25519"));
	assert_false(secret_path("/etc/xen/xend-config.sxp"));
	assert_false(secret_path("/etc/xen/web1.cfg"));
	static const char pem[] = "# kept for migration\n-----BEGIN RSA PRIVATE KEY-----\nMIIE\n";
	static const char ssh[] = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl\n";
	static const char putty[] = "PuTTY-User-Key-File-3: ssh-ed25519\n";
	static const char elf[] = "\x7f" "ELF\x02\x01\x01\x00";
	static const char ctl[] = "\x1b\x01\x02\x03\x04\x05 some text";
	static const char cfg[] = "name = \"web1\"\nmemory = 512\n\tvcpus = 2\r\n";
	assert_int_equal(sniff_content(pem, sizeof(pem) - 1), SNIFF_KEY);
	assert_int_equal(sniff_content(ssh, sizeof(ssh) - 1), SNIFF_KEY);
	assert_int_equal(sniff_content(putty, sizeof(putty) - 1), SNIFF_KEY);
	assert_int_equal(sniff_content(elf, sizeof(elf) - 1), SNIFF_BINARY);
	assert_int_equal(sniff_content(ctl, sizeof(ctl) - 1), SNIFF_BINARY);
	assert_int_equal(sniff_content(cfg, sizeof(cfg) - 1), SNIFF_TEXT);
	assert_int_equal(sniff_content("", 0), SNIFF_TEXT);
}

/* core/module.c: a symbol this program links is its own; a module that is
 * not there, or lacks the symbol, is an error naming the file. */
static void test_module_sym(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	assert_ptr_equal(module_sym("no-such-module", "module_sym", &e), (void *)module_sym);
	assert_null(e.msg);
	setenv("HVSCOPE_MODULE_PATH", "/nonexistent-dir", 1);
	assert_null(module_sym("no-such-module", "no_such_symbol", &e));
	assert_non_null(strstr(err_msg(&e), "the module no-such-module.so is not installed (tried /nonexistent-dir/no-such-module.so, "));
	/* The build tree's modules, beside the tests' directory. */
	_cleanup_free_ char *bin = self_dir();
	_cleanup_free_ char *dir = path_dir(bin);
	setenv("HVSCOPE_MODULE_PATH", dir, 1);
	assert_null(module_sym("probe-xml", "no_such_symbol", &e));
	assert_string_equal(err_msg(&e), "the module probe-xml.so has no no_such_symbol");
	unsetenv("HVSCOPE_MODULE_PATH");
	err_clear(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_grows), cmocka_unit_test(test_buf_overflow), cmocka_unit_test(test_procself), cmocka_unit_test(test_clock), cmocka_unit_test(test_json), cmocka_unit_test(test_paths), cmocka_unit_test(test_strings), cmocka_unit_test(test_checked_numbers),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_root), cmocka_unit_test(test_root_escapes),      cmocka_unit_test(test_spawn), cmocka_unit_test(test_spawn_signals), cmocka_unit_test(test_secret_files), cmocka_unit_test(test_number_ranges),
		cmocka_unit_test(test_module_sym),
	};
	return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}

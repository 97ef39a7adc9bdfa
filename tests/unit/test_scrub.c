/* SPDX-License-Identifier: GPL-2.0-or-later */
/* diag/scrub.c: every form a secret takes in what a bundle collects. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <string.h>

#include "diag/clean.h"
#include "core/scrub.h"

static char *scrub(const char *in, unsigned *n)
{
	struct buf out = BUF_INIT;
	*n = scrub_text(in, strlen(in), &out);
	return buf_steal(&out);
}

/* in -> expected, with the number of values replaced. */
static void check(const char *in, const char *want, unsigned want_n)
{
	unsigned n;
	char *got = scrub(in, &n);
	if (strcmp(got, want) != 0 || n != want_n)
		fail_msg("scrub(%s)\n  got  %s (%u)\n  want %s (%u)", in, got, n, want, want_n);
	free(got);
}

static void test_key_names(void **state)
{
	(void)state;
	static const char *const yes[] = { "password", "PASSWORD", "vncpasswd", "spice_password", "passwd", "rootpw",
					   "db_pass", "smtpPass", "api_key", "X-Auth-Token", "client_secret", "authtok", "Credentials",
					   "ssh-key", "password2", "Authorization", "--password", "privateKey" };
	static const char *const no[] = { "keymap", "keyboard", "passthrough", "name", "vnclisten", "uuid", "type", "bypassed", "Bypass", "compass", "pass", "PWD", "OLDPWD", "" };
	for (size_t i = 0; i < sizeof(yes) / sizeof(*yes); i++)
		if (!scrub_is_secret_key(yes[i], strlen(yes[i])))
			fail_msg("%s should be a secret's key", yes[i]);
	for (size_t i = 0; i < sizeof(no) / sizeof(*no); i++)
		if (scrub_is_secret_key(no[i], strlen(no[i])))
			fail_msg("%s should not be a secret's key", no[i]);
}

static void test_forms(void **state)
{
	(void)state;
	/* Xen configs (xm/xl, python syntax) */
	check("vncpasswd = 's3cret'\n", "vncpasswd = '********'\n", 1);
	check("vncpasswd=\"my secret pass\"\n", "vncpasswd=\"********\"\n", 1);
	check("vfb = [ 'type=vnc,vncpasswd=s3cret,vncdisplay=1' ]\n", "vfb = [ 'type=vnc,vncpasswd=********,vncdisplay=1' ]\n", 1);
	check("vfb = [\"vnc=1, vncpasswd=a b c, keymap=de\"]\n", "vfb = [\"vnc=1, vncpasswd=********, keymap=de\"]\n", 1);
	/* libvirt XML attributes and elements */
	check("<graphics type='vnc' port='-1' passwd='x y' keymap='en-us'/>",
	      "<graphics type='vnc' port='-1' passwd='********' keymap='en-us'/>", 1);
	check("  <password>hunter2</password>\n", "  <password>********</password>\n", 1);
	check("<secret type='ceph' uuid='0b3c'/>", "<secret type='ceph' uuid='0b3c'/>", 0);
	/* INI, shell, YAML, values with spaces (sos issue 3266) */
	check("password = my long pass phrase\n", "password = ********\n", 1);
	check("export DB_PASSWORD=abc def\n", "export DB_PASSWORD=********\n", 1);
	check("  token: abc.def.ghi   \n", "  token: ********   \n", 1);
	check("- secret: x\n", "- secret: ********\n", 1);
	/* JSON, also inside a JSON string */
	check("{\"user\": \"bob\", \"password\": \"p w\", \"id\": 1}", "{\"user\": \"bob\", \"password\": \"********\", \"id\": 1}", 1);
	check("{\"cfg\":\"{\\\"token\\\":\\\"abc\\\"}\"}", "{\"cfg\":\"{\\\"token\\\":\\\"********\\\"}\"}", 1);
	/* mid-line key=value in a log; the next key survives */
	check("auth ok user=bob password=pa ss id=7\n", "auth ok user=bob password=******** id=7\n", 1);
	check("login password=hunter2; next\n", "login password=********; next\n", 1);
	/* command lines */
	check("tool --password hunter2 --verbose\n", "tool --password ******** --verbose\n", 1);
	check("tool --password=hunter2 -v\n", "tool --password=******** -v\n", 1);
	check("-object secret,id=sec0,data=AAAA,format=base64\n", "-object secret,id=sec0,data=********,format=base64\n", 1);
	/* xend's S-expressions */
	check("(vncpasswd 's3cret')\n", "(vncpasswd '********')\n", 1);
	check("    (device (vfb (vncpasswd abc def) (type vnc)))\n", "    (device (vfb (vncpasswd ********) (type vnc)))\n", 1);
	check("(name vm1)\n", "(name vm1)\n", 0);
	/* a line's first words: kickstart, grub.conf */
	check("rootpw --iscrypted $6$abc\n", "rootpw ********\n", 1);
	check("password --md5 $1$saltsalt$hashhashhash\n", "password ********\n", 1);
	check("\trootpw hunter2\n", "\trootpw ********\n", 1);
	/* URLs */
	check("url = http://admin:s3cret@host:8080/x\n", "url = http://admin:********@host:8080/x\n", 1);
	check("see https://example.com:443/a@b\n", "see https://example.com:443/a@b\n", 0);
	/* HTTP header */
	check("Authorization: Basic dXNlcjpwYXNz\n", "Authorization: ********\n", 1);
	/* not secrets */
	check("the password is wrong\n", "the password is wrong\n", 0);
	check("Speculative Store Bypass: Mitigation: SSB disabled\n", "Speculative Store Bypass: Mitigation: SSB disabled\n", 0);
	check("keymap = 'de'\nif a == b\n", "keymap = 'de'\nif a == b\n", 0);
	check("password=\n", "password=\n", 0);
	/* already scrubbed */
	check("passwd='********'\n", "passwd='********'\n", 0);
}

static void test_pem(void **state)
{
	(void)state;
	check("a\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAx\nQWERTYUIOPASDFGH\n-----END RSA PRIVATE KEY-----\nb\n",
	      "a\n-----BEGIN RSA PRIVATE KEY-----\n[private key removed by hvscope]\n-----END RSA PRIVATE KEY-----\nb\n", 1);
	/* a log capped inside the block: no BEGIN */
	check("MIIEowIBAAKCAQEAx1234\nQWERTYUIOPASDFGH12\n-----END PRIVATE KEY-----\nafter\n",
	      "[private key removed by hvscope]\n-----END PRIVATE KEY-----\nafter\n", 1);
	/* one line, as in JSON */
	check("{\"pem\": \"-----BEGIN PRIVATE KEY-----\\nMIIE\\n-----END PRIVATE KEY-----\\n\"}",
	      "{\"pem\": \"-----BEGIN PRIVATE KEY-----[private key removed by hvscope]-----END PRIVATE KEY-----\\n\"}", 1);
	/* a certificate stays */
	check("-----BEGIN CERTIFICATE-----\nMIIEowIBAAKCAQEAx\n-----END CERTIFICATE-----\n",
	      "-----BEGIN CERTIFICATE-----\nMIIEowIBAAKCAQEAx\n-----END CERTIFICATE-----\n", 0);
	/* unterminated: everything after BEGIN goes */
	check("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n",
	      "-----BEGIN OPENSSH PRIVATE KEY-----\n[private key removed by hvscope]\n", 1);
}

static void test_binary_safe(void **state)
{
	(void)state;
	static const char junk[] = "pass\0word=x\xff\xfe:=//@<>\n\r\"'\\";
	struct buf out = BUF_INIT;
	scrub_text(junk, sizeof(junk) - 1, &out);
	buf_free(&out);
	scrub_text("", 0, &out);
	buf_free(&out);
	/* Text that ends right after a key, with no byte after it to read
	 * (found by fuzz_scrub): each in an allocation of exactly its size, so
	 * ASan sees a read past the end. */
	static const char *const ends[] = { "\\\"token\\\":", "\\\"token\\\": \\", "password=", "--password", "\"password\":",
					    "(vncpasswd", "<password>", "http://u:p" };
	for (size_t i = 0; i < sizeof(ends) / sizeof(*ends); i++) {
		size_t n = strlen(ends[i]);
		char *exact = malloc(n);
		memcpy(exact, ends[i], n);
		scrub_text(exact, n, &out);
		buf_free(&out);
		free(exact);
	}
}

static void test_clean(void **state)
{
	(void)state;
	struct cleaner *c = cleaner_new();
	cleaner_add_word(c, CLEAN_HOST, "virt01.example.com");
	cleaner_add_word(c, CLEAN_HOST, "virt01");
	cleaner_add_word(c, CLEAN_USER, "alice");
	const char *in = "virt01 virt01.example.com 192.168.1.20 alice fe80::5054:ff:fe12:3456 52:54:00:12:34:56 127.0.0.1 "
			 "12:30:45 virt012 192.168.1.20\n";
	struct buf out = BUF_INIT;
	unsigned n = cleaner_apply(c, in, strlen(in), &out);
	const char *got = buf_str(&out);
	assert_null(strstr(got, "virt01 "));
	assert_null(strstr(got, "example.com"));
	assert_null(strstr(got, "192.168"));
	assert_null(strstr(got, "alice"));
	assert_null(strstr(got, "fe80::"));
	assert_null(strstr(got, "52:54:00"));
	assert_non_null(strstr(got, "127.0.0.1"));  /* loopback kept */
	assert_non_null(strstr(got, "12:30:45"));   /* a time, not an address */
	assert_non_null(strstr(got, "virt012"));    /* another word */
	assert_true(n >= 7);
	/* the same input, the same placeholder */
	char *first = strstr(got, "240.");
	assert_non_null(first);
	char *second = strstr(first + 1, "240.");
	assert_non_null(second);
	assert_memory_equal(first, second, strcspn(first, " \n"));
	struct buf map = BUF_INIT;
	cleaner_write_map(c, &map);
	assert_non_null(strstr(buf_str(&map), "192.168.1.20"));
	buf_free(&map);
	buf_free(&out);
	cleaner_free(c);
}

/* The --clean map cut short by the file size limit (a full disk or a
 * quota does the same): an error naming the file, never success. */
static void test_clean_map_short_write(void **state)
{
	(void)state;
	char path[] = "/tmp/hvscope-map-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		signal(SIGXFSZ, SIG_IGN);
		struct rlimit rl = { 4096, 4096 };
		setrlimit(RLIMIT_FSIZE, &rl);
		struct cleaner *c = cleaner_new();
		for (int i = 0; i < 500; i++) {
			char w[32];
			snprintf(w, sizeof(w), "host-%04d.example.org", i);
			cleaner_map(c, CLEAN_HOST, w);
		}
		struct err e = ERR_INIT;
		int r = cleaner_save_map(c, path, &e);
		int ok = r < 0 && strstr(err_msg(&e), path) && strstr(err_msg(&e), "too large");
		cleaner_free(c);
		err_clear(&e);
		_exit(ok ? 0 : 1);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	unlink(path);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	/* Without the limit it is whole, mode 0600. */
	struct cleaner *c = cleaner_new();
	cleaner_map(c, CLEAN_HOST, "db1.example.org");
	struct err e = ERR_INIT;
	assert_int_equal(cleaner_save_map(c, path, &e), 0);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_true(st.st_size > 0);
	unlink(path);
	cleaner_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_names), cmocka_unit_test(test_forms), cmocka_unit_test(test_pem),
		cmocka_unit_test(test_binary_safe), cmocka_unit_test(test_clean), cmocka_unit_test(test_clean_map_short_write),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

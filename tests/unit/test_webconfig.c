/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --web.config.file: loading the exporter-toolkit format (and its errors,
 * with file:line:column), and basic authentication against bcrypt hashes
 * made here by libxcrypt, as htpasswd -B makes them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <crypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"
#include "tests/unit/tmpdir.h"
#include "exporter/ratelimit.h"
#include "exporter/webauth.h"
#include "exporter/webconfig.h"


static char *write_file(const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

/* A bcrypt hash of password at cost. */
static char *hash_of(const char *password, unsigned long cost)
{
	char setting[CRYPT_GENSALT_OUTPUT_SIZE];
	assert_non_null(crypt_gensalt_rn("$2y$", cost, NULL, 0, setting, sizeof(setting)));
	struct crypt_data cd;
	memset(&cd, 0, sizeof(cd));
	const char *h = crypt_r(password, setting, &cd);
	assert_non_null(h);
	return xstrdup(h);
}

static void test_auth(void **state)
{
	(void)state;
	_cleanup_free_ char *h = hash_of("s3cret", 5);
	_cleanup_free_ char *text = xasprintf("basic_auth_users:\n  prometheus: '%s'\n", h);
	_cleanup_free_ char *path = write_file("auth.yml", text);
	struct web_config wc;
	struct err e = ERR_INIT;
	assert_int_equal(web_config_load(path, &wc, &e), 0);
	assert_true(web_config_has_users(&wc));
	assert_true(web_config_auth_ok(&wc, "prometheus", "s3cret"));
	assert_int_equal(web_config_bcrypts(&wc), 1);
	/* The same credentials again: remembered, no second bcrypt. */
	for (int i = 0; i < 10; i++)
		assert_true(web_config_auth_ok(&wc, "prometheus", "s3cret"));
	assert_int_equal(web_config_bcrypts(&wc), 1);
	assert_false(web_config_auth_ok(&wc, "prometheus", "wrong"));
	assert_false(web_config_auth_ok(&wc, "prometheus", "wrong"));
	assert_int_equal(web_config_bcrypts(&wc), 2);
	assert_false(web_config_auth_ok(&wc, "prometheus", "s3cret\n"));
	assert_false(web_config_auth_ok(&wc, "prometheu", "s3cret"));
	/* An unknown user costs a bcrypt at the users' own cost. */
	assert_int_equal(web_config_bcrypts(&wc), 4);
	assert_non_null(wc.dummy);
	assert_true(strncmp(wc.dummy, "$2b$05$", 7) == 0);
	assert_false(web_config_auth_ok(&wc, NULL, "s3cret"));
	assert_false(web_config_auth_ok(&wc, "prometheus", NULL));
	/* More credentials than the cache holds: the oldest go, answers stay right. */
	for (int i = 0; i < 70; i++) {
		char pw[16];
		snprintf(pw, sizeof(pw), "guess%d", i);
		assert_false(web_config_auth_ok(&wc, "nobody", pw));
	}
	assert_true(web_config_auth_ok(&wc, "prometheus", "s3cret"));
	web_config_free(&wc);

	/* The highest cost of several users. */
	_cleanup_free_ char *h2 = hash_of("x", 6);
	_cleanup_free_ char *text2 = xasprintf("basic_auth_users:\n  a: %s\n  b: %s\n", h, h2);
	_cleanup_free_ char *path2 = write_file("auth2.yml", text2);
	assert_int_equal(web_config_load(path2, &wc, &e), 0);
	assert_true(strncmp(wc.dummy, "$2b$06$", 7) == 0);
	assert_true(web_config_auth_ok(&wc, "b", "x"));
	assert_false(web_config_auth_ok(&wc, "a", "x"));
	web_config_free(&wc);
	err_clear(&e);
}

static void test_no_users(void **state)
{
	(void)state;
	struct web_config wc = { 0 };
	assert_false(web_config_has_users(&wc));
	assert_true(web_config_auth_ok(&wc, NULL, NULL));
}

/* The TLS settings as a GnuTLS priority string, and the headers. */
static void test_tls_settings(void **state)
{
	(void)state;
	_cleanup_free_ char *cert = write_file("c2.pem", "C\n");
	_cleanup_free_ char *key = write_file("k2.pem", "K\n");
	_cleanup_free_ char *ca = write_file("ca.pem", "CA\n");
	_cleanup_free_ char *path = write_file("t.yml", "tls_server_config:\n  cert_file: c2.pem\n  key_file: k2.pem\n"
							"  client_auth_type: VerifyClientCertIfGiven\n  client_ca_file: ca.pem\n"
							"  min_version: TLS12\n  max_version: TLS12\n"
							"  cipher_suites: [TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384]\n"
							"  curve_preferences: [CurveP384]\n  prefer_server_cipher_suites: true\n"
							"http_server_config:\n  headers:\n    X-Content-Type-Options: nosniff\n  http2: false\n");
	struct web_config wc;
	struct err e = ERR_INIT;
	assert_int_equal(web_config_load(path, &wc, &e), 0);
	assert_int_equal(wc.client_auth, CLIENT_VERIFY_IF_GIVEN);
	assert_string_equal(wc.client_ca_pem, "CA\n");
	assert_string_equal(wc.priorities, "NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:-KX-ALL:+ECDHE-RSA:+AES-256-GCM:+ECDHE-ECDSA"
					   ":-GROUP-ALL:+GROUP-SECP384R1:%SERVER_PRECEDENCE");
	assert_int_equal(wc.headers.n, 2);
	assert_string_equal(wc.headers.v[0], "X-Content-Type-Options");
	assert_string_equal(wc.headers.v[1], "nosniff");
	web_config_free(&wc);
	err_clear(&e);
}

/* TLS files are read relative to the config's directory. */
static void test_tls_paths(void **state)
{
	(void)state;
	_cleanup_free_ char *cert = write_file("c.pem", "-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n");
	_cleanup_free_ char *key = write_file("k.pem", "KEY\n");
	_cleanup_free_ char *path = write_file("tls.yml", "tls_server_config:\n  cert_file: c.pem\n  key_file: k.pem\n");
	struct web_config wc;
	struct err e = ERR_INIT;
	assert_int_equal(web_config_load(path, &wc, &e), 0);
	assert_non_null(wc.cert_pem);
	assert_non_null(strstr(wc.cert_pem, "BEGIN CERTIFICATE"));
	assert_string_equal(wc.key_pem, "KEY\n");
	assert_false(web_config_has_users(&wc));
	web_config_free(&wc);
}

static void expect_error(const char *name, const char *text, const char *where, const char *words)
{
	_cleanup_free_ char *path = write_file(name, text);
	struct web_config wc;
	struct err e = ERR_INIT;
	assert_true(web_config_load(path, &wc, &e) < 0);
	_cleanup_free_ char *want = xasprintf("%s:%s", path, where);
	if (strncmp(err_msg(&e), want, strlen(want)) != 0 || !strstr(err_msg(&e), words))
		fail_msg("%s: got '%s', want '%s...%s'", name, err_msg(&e), want, words);
	err_clear(&e);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("e1.yml", "basic_auth_users:\n  u: plain-password\n", "2:6", "must be a bcrypt hash");
	expect_error("e2.yml", "web_config:\n  http2: true\n", "1:1", "is not supported");
	expect_error("e3.yml", "tls_server_config:\n  cert_file: c.pem\n", "2:3", "needs cert_file and key_file");
	expect_error("e4.yml", "tls_server_config:\n  cert_file: none.pem\n  key_file: k.pem\n", "2:14", "cert_file");
	expect_error("e5.yml", "tls_server_config:\n  cert_file: c.pem\n  key_file: k.pem\n  client_allowed_sans: [a]\n", "4:3", "not supported");
	expect_error("e7.yml", "tls_server_config:\n  cert_file: c.pem\n  key_file: k.pem\n  cipher_suites: [TLS_RSA_WITH_RC4_128_SHA]\n",
		     "4:19", "is not one of");
	expect_error("e8.yml", "tls_server_config:\n  cert_file: c.pem\n  key_file: k.pem\n  min_version: TLS13\n  max_version: TLS12\n",
		     "4:16", "min_version is above max_version");
	expect_error("e9.yml", "http_server_config:\n  headers: [a]\n", "2:12", "maps header names");
	expect_error("e6.yml", "basic_auth_users: [a, b]\n", "1:19", "maps user names");
	expect_error("r1.yml", "rate_limit:\n  interval: 5 seconds\n  burst: 2\n", "2:13", "interval '5 seconds' is not a duration");
	expect_error("r2.yml", "rate_limit:\n  interval: 1s\n  burst: -1\n", "3:10", "burst '-1' is not a whole number");
	expect_error("r3.yml", "rate_limit:\n  interval: 1s\n", "2:3", "burst must be 1 or more");
	expect_error("r4.yml", "rate_limit:\n  interval: 1s\n  burst: 1\n  every: 2\n", "4:3", "'every' is not supported");
	expect_error("r5.yml", "rate_limit: 10\n", "1:13", "rate_limit is a mapping");
}

/* rate_limit as the toolkit has it: interval 0 (or none) is off. */
static void test_rate_limit(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	struct web_config wc;
	_cleanup_free_ char *on = write_file("rl.yml", "rate_limit:\n  interval: 1m30s\n  burst: 3\n");
	assert_int_equal(web_config_load(on, &wc, &e), 0);
	assert_non_null(wc.limit);
	assert_true(rate_limit_allow(wc.limit, 100) && rate_limit_allow(wc.limit, 100) && rate_limit_allow(wc.limit, 100));
	assert_false(rate_limit_allow(wc.limit, 100));
	assert_false(rate_limit_allow(wc.limit, 189));
	assert_true(rate_limit_allow(wc.limit, 190));
	web_config_free(&wc);
	_cleanup_free_ char *off = write_file("rl0.yml", "rate_limit:\n  interval: 0s\n  burst: 3\n");
	assert_int_equal(web_config_load(off, &wc, &e), 0);
	assert_null(wc.limit);
	web_config_free(&wc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auth),
		cmocka_unit_test(test_no_users),
		cmocka_unit_test(test_tls_paths),
		cmocka_unit_test(test_tls_settings),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_rate_limit),
	};
	return cmocka_run_group_tests(tests, tmpdir_setup, tmpdir_teardown);
}

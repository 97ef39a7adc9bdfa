/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The bundle's archive writer, read back with libarchive: every entry under
 * one top directory, scrubbed, listed in manifest.json with its size and
 * SHA-256; the target replaced only when finished; an aborted bundle
 * leaves nothing behind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"
#include "tests/unit/tmpdir.h"
#include "diag/bundle.h"


struct entry {
	char *path;
	struct buf data;
};

/* Every entry of the archive at path. */
static size_t read_all(const char *path, struct entry *out, size_t max)
{
	struct archive *a = archive_read_new();
	archive_read_support_filter_all(a);
	archive_read_support_format_all(a);
	assert_int_equal(archive_read_open_filename(a, path, 65536), ARCHIVE_OK);
	struct archive_entry *ae;
	size_t n = 0;
	while (n < max && archive_read_next_header(a, &ae) == ARCHIVE_OK) {
		out[n].path = xstrdup(archive_entry_pathname(ae));
		out[n].data = (struct buf)BUF_INIT;
		assert_int_equal(archive_entry_filetype(ae), AE_IFREG);
		char chunk[4096];
		la_ssize_t got;
		while ((got = archive_read_data(a, chunk, sizeof(chunk))) > 0)
			buf_add(&out[n].data, chunk, (size_t)got);
		n++;
	}
	archive_read_free(a);
	return n;
}

static const struct entry *find(const struct entry *v, size_t n, const char *suffix)
{
	for (size_t i = 0; i < n; i++)
		if (str_ends(v[i].path, suffix))
			return &v[i];
	return NULL;
}

static void sha_hex(const struct buf *b, char out[65])
{
	struct sha256_ctx c;
	uint8_t d[SHA256_DIGEST_SIZE];
	sha256_init(&c);
	sha256_update(&c, b->len, (const uint8_t *)buf_str(b));
	sha256_digest(&c, sizeof(d), d);
	for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static size_t files_in(const char *d)
{
	DIR *dp = opendir(d);
	assert_non_null(dp);
	size_t n = 0;
	for (struct dirent *de; (de = readdir(dp));)
		n += de->d_name[0] != '.';
	closedir(dp);
	return n;
}

static void test_roundtrip(void **state)
{
	(void)state;
	const char *suffixes[] = { "tar", "tar.gz", "tar.xz" };
	for (size_t s = 0; s < 3; s++) {
		_cleanup_free_ char *out = xasprintf("%s/b.%s", dir, suffixes[s]);
		FILE *f = fopen(out, "w");
		fputs("OLD", f);
		fclose(f);
		struct bundle_opts o = { .output = out, .root = "/", .max_size = 1 << 20, .max_file_size = 1 << 20, .cmd_timeout_ms = 1000 };
		struct bundle b;
		struct err e = ERR_INIT;
		assert_int_equal(bundle_open(&b, &o, NULL, "db1", &e), 0);
		const char *cfg = "name = \"vm1\"\nvncpasswd = \"Hunter22\"\nmemory = 512\n";
		bundle_add(&b, "files/etc/xen/vm1", cfg, strlen(cfg), "/etc/xen/vm1", 1700000000, 0);
		bundle_add(&b, "logs/x.log", "tail\n", 5, "/var/log/x.log", 1700000000, 1234);
		bundle_skip(&b, "/etc/xen/secret \"key\"", "permission denied");
		/* Not yet replaced while being written. */
		f = fopen(out, "r");
		char old[8] = "";
		assert_non_null(fgets(old, sizeof(old), f));
		fclose(f);
		assert_string_equal(old, "OLD");
		assert_int_equal(bundle_finish(&b, "db1", &e), 0);
		assert_int_equal(files_in(dir), 1); /* no temporary left beside it */

		struct entry v[16];
		size_t n = read_all(out, v, 16);
		assert_int_equal(n, 5); /* README.txt, the two, bundle.log, manifest.json */
		for (size_t i = 0; i < n; i++)
			assert_true(str_starts(v[i].path, "hvscope-db1-"));
		const struct entry *c = find(v, n, "/files/etc/xen/vm1");
		assert_non_null(c);
		assert_null(strstr(buf_str(&c->data), "Hunter22"));
		assert_non_null(strstr(buf_str(&c->data), "memory = 512"));
		const struct entry *m = find(v, n, "/manifest.json");
		assert_non_null(m);
		const char *mt = buf_str(&m->data);
		char sha[65];
		sha_hex(&c->data, sha);
		_cleanup_free_ char *want = xasprintf("{\"path\": \"files/etc/xen/vm1\", \"size\": %zu, \"sha256\": \"%s\", \"source\": \"/etc/xen/vm1\", \"scrubbed\": 1}",
						   c->data.len, sha);
		if (!strstr(mt, want))
			fail_msg("manifest lacks %s:\n%s", want, mt);
		assert_non_null(strstr(mt, "\"truncated_bytes\": 1234"));
		assert_non_null(strstr(mt, "{\"source\": \"/etc/xen/secret \\\"key\\\"\", \"reason\": \"permission denied\"}"));
		assert_non_null(strstr(mt, "\"totals\": {\"files\": 4,"));
		const struct entry *l = find(v, n, "/bundle.log");
		assert_non_null(l);
		sha_hex(&l->data, sha);
		assert_non_null(strstr(mt, sha));
		for (size_t i = 0; i < n; i++) {
			free(v[i].path);
			buf_free(&v[i].data);
		}
		unlink(out);
		err_clear(&e);
	}
}

static void test_abort(void **state)
{
	(void)state;
	_cleanup_free_ char *out = xasprintf("%s/a.tar", dir);
	struct bundle_opts o = { .output = out, .root = "/", .max_size = 1 << 20, .max_file_size = 1 << 20, .cmd_timeout_ms = 1000 };
	struct bundle b;
	struct err e = ERR_INIT;
	assert_int_equal(bundle_open(&b, &o, NULL, "h", &e), 0);
	bundle_add(&b, "x", "y", 1, "s", 0, 0);
	bundle_abort(&b);
	assert_int_equal(files_in(dir), 0);
	/* An unknown suffix is refused before anything is written. */
	_cleanup_free_ char *bad = xasprintf("%s/a.zip", dir);
	o.output = bad;
	assert_true(bundle_open(&b, &o, NULL, "h", &e) < 0);
	assert_int_equal(files_in(dir), 0);
	err_clear(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_abort),
	};
	return cmocka_run_group_tests(tests, tmpdir_setup, tmpdir_teardown);
}

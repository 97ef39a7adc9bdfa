/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Accept-Encoding read for gzip (q-values, x-gzip, "*"), and the gzip
 * stream: what it gives out, inflated by zlib, is the source's text,
 * whatever the sizes the connection asks for. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/buf.h"
#include "exporter/gzip.h"

static void test_accept(void **state)
{
	(void)state;
	static const char *const yes[] = { "gzip", "GZIP", "gzip, deflate, br", "deflate, gzip;q=1.0", "gzip;q=0.001", "x-gzip",
					   "*", "br;q=1, *;q=0.5", " gzip ; q=0.5 ", "identity;q=0, gzip", "gzip;level=1;q=0.2",
					   "gzip;q=0, x-gzip;q=0.5" };
	static const char *const no[] = { "", "identity", "deflate, br", "gzip;q=0", "gzip;q=0.000", "gzip; Q=0", "*;q=0",
					  "gzip;q=0, *", "gzip;q=2", "gzip;q=abc", "gzipx", "xgzip", "*;q=0, identity" };
	assert_false(gzip_accepted(NULL));
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (!gzip_accepted(yes[i]))
			fail_msg("'%s' should allow gzip", yes[i]);
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (gzip_accepted(no[i]))
			fail_msg("'%s' should not allow gzip", no[i]);
}

struct source {
	const char *text;
	size_t len, off, step;
};

/* Hands out at most step bytes at a time, as the scrape's parts do. */
static size_t source_read(void *cls, char *out, size_t max)
{
	struct source *s = cls;
	size_t n = s->len - s->off;
	if (n > max)
		n = max;
	if (n > s->step)
		n = s->step;
	memcpy(out, s->text + s->off, n);
	s->off += n;
	return n;
}

static void round_trip(const char *text, size_t len, size_t step, size_t chunk)
{
	struct source src = { text, len, 0, step };
	struct gzip_stream *g = gzip_new(GZIP_LEVEL, source_read, &src);
	assert_non_null(g);
	struct buf packed = BUF_INIT;
	char *out = malloc(chunk);
	ssize_t n;
	while ((n = gzip_read(g, out, chunk)) > 0)
		buf_add(&packed, out, (size_t)n);
	assert_int_equal(n, 0);
	assert_int_equal(gzip_read(g, out, chunk), 0); /* stays ended */
	size_t plain, given;
	gzip_counts(g, &plain, &given);
	assert_int_equal(plain, len);
	assert_int_equal(given, packed.len);
	gzip_free(g);
	free(out);
	assert_true(packed.len >= 18);
	assert_int_equal((unsigned char)packed.s[0], 0x1f);
	assert_int_equal((unsigned char)packed.s[1], 0x8b);
	char *back = malloc(len + 1);
	z_stream z = { 0 };
	assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
	z.next_in = (Bytef *)packed.s;
	z.avail_in = (uInt)packed.len;
	z.next_out = (Bytef *)back;
	z.avail_out = (uInt)len + 1;
	assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
	assert_int_equal(z.total_out, len);
	assert_int_equal(z.avail_in, 0);
	inflateEnd(&z);
	assert_memory_equal(back, text, len);
	free(back);
	buf_free(&packed);
}

static void test_stream(void **state)
{
	(void)state;
	struct buf text = BUF_INIT;
	for (int i = 0; i < 20000; i++)
		buf_printf(&text, "hvscope_domain_cpu_seconds_total{domain=\"vm%05d\",uuid=\"%08x-0000\"} %d.%03d\n", i, i * 2654435761u, i,
			   i % 1000);
	round_trip(text.s, text.len, 64 * 1024, 64 * 1024); /* libmicrohttpd's block */
	round_trip(text.s, text.len, 1000, 7);              /* a tiny window */
	round_trip(text.s, text.len, 1, 100000);
	round_trip("", 0, 1, 10); /* an empty answer is still a gzip stream */
	buf_free(&text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accept),
		cmocka_unit_test(test_stream),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

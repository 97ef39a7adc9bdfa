/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Accept-Encoding read for gzip, and a deflate stream in gzip's wrapper
 * over a source of plain text, handed out as the connection takes it. */
#include "exporter/gzip.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "core/util.h"

/* A qvalue (RFC 9110 12.4.2: 0 to 1, three decimals at most) as
 * thousandths; -1 when it is not one. */
static int qvalue(const char *s, size_t n)
{
	if (n == 0 || (s[0] != '0' && s[0] != '1') || (n > 1 && s[1] != '.') || n > 5)
		return -1;
	int v = (s[0] - '0') * 1000, scale = 100;
	for (size_t i = 2; i < n; i++, scale /= 10) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v += (s[i] - '0') * scale;
	}
	return v > 1000 ? -1 : v;
}

static const char *skip_ows(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* One list member, "coding *( OWS ; OWS param )": its coding's name (its
 * length in *len) and its q in thousandths (1000 when not given, -1 when
 * malformed). */
static int member_q(const char *p, const char *end, const char **name, size_t *len)
{
	p = skip_ows(p, end);
	*name = p;
	while (p < end && *p != ';' && *p != ' ' && *p != '\t')
		p++;
	*len = (size_t)(p - *name);
	int q = 1000;
	while ((p = skip_ows(p, end)) < end && *p == ';') {
		p = skip_ows(p + 1, end);
		const char *k = p;
		while (p < end && *p != ';' && *p != '=')
			p++;
		if (p == end || *p != '=' || p - k != 1 || (*k != 'q' && *k != 'Q')) {
			while (p < end && *p != ';')
				p++; /* another parameter: not q's business */
			continue;
		}
		const char *v = ++p;
		while (p < end && *p != ';' && *p != ' ' && *p != '\t')
			p++;
		q = qvalue(v, (size_t)(p - v));
	}
	return q;
}

bool gzip_accepted(const char *ae)
{
	if (!ae)
		return false;
	int gzip = -2, star = -2; /* -2: not named */
	for (const char *p = ae; *p;) {
		const char *end = strchr(p, ',');
		if (!end)
			end = p + strlen(p);
		const char *name;
		size_t len;
		int q = member_q(p, end, &name, &len);
		if ((len == 4 && strncasecmp(name, "gzip", 4) == 0) || (len == 6 && strncasecmp(name, "x-gzip", 6) == 0))
			gzip = q > gzip ? q : gzip;
		else if (len == 1 && *name == '*')
			star = q;
		p = *end ? end + 1 : end;
	}
	return gzip != -2 ? gzip > 0 : star > 0;
}

struct gzip_stream {
	z_stream z;
	gzip_source src;
	void *cls;
	bool in_end, done;
	size_t plain;
	char in[64 * 1024];
};

struct gzip_stream *gzip_new(int level, gzip_source src, void *cls)
{
	struct gzip_stream *g = calloc(1, sizeof(*g));
	if (!g)
		return NULL;
	g->src = src;
	g->cls = cls;
	/* 15 + 16: a 32 KiB window in gzip's header and trailer. */
	if (deflateInit2(&g->z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		free(g);
		return NULL;
	}
	return g;
}

ssize_t gzip_read(struct gzip_stream *g, char *out, size_t max)
{
	g->z.next_out = (Bytef *)out;
	g->z.avail_out = (uInt)(max > (1u << 30) ? 1u << 30 : max);
	uInt room = g->z.avail_out;
	while (g->z.avail_out > 0 && !g->done) {
		if (g->z.avail_in == 0 && !g->in_end) {
			size_t n = g->src(g->cls, g->in, sizeof(g->in));
			g->in_end = n == 0;
			g->plain += n;
			g->z.next_in = (Bytef *)g->in;
			g->z.avail_in = (uInt)n;
		}
		int r = deflate(&g->z, g->in_end ? Z_FINISH : Z_NO_FLUSH);
		if (r == Z_STREAM_END)
			g->done = true;
		else if (r != Z_OK && r != Z_BUF_ERROR)
			return -1;
	}
	return (ssize_t)(room - g->z.avail_out);
}

void gzip_counts(const struct gzip_stream *g, size_t *plain, size_t *packed)
{
	*plain = g->plain;
	*packed = g->z.total_out;
}

void gzip_free(struct gzip_stream *g)
{
	if (!g)
		return;
	deflateEnd(&g->z);
	free(g);
}

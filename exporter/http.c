/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The exporter's HTTP server over libmicrohttpd: its routes, the client
 * certificate and basic-auth checks before them, and the replies with the
 * web config's headers. */
#include "exporter/http.h"

#include <errno.h>
#include <gnutls/gnutls.h>
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "exporter/exporter.h"
#include "exporter/gzip.h"
#include "exporter/ratelimit.h"
#include "exporter/scrape.h"
#include "exporter/webauth.h"

/* A scrape's answer as it goes out: plain, or through gzip. */
struct body {
	struct exporter *x;
	struct scrape *sc;
	struct gzip_stream *gz; /* NULL: identity */
};

static size_t plain_source(void *cls, char *out, size_t max)
{
	return scrape_read(cls, out, max);
}

static ssize_t body_reader(void *cls, uint64_t pos, char *out, size_t max)
{
	(void)pos;
	struct body *b = cls;
	if (b->gz) {
		ssize_t n = gzip_read(b->gz, out, max);
		return n > 0 ? n : n == 0 ? MHD_CONTENT_READER_END_OF_STREAM : MHD_CONTENT_READER_END_WITH_ERROR;
	}
	size_t n = scrape_read(b->sc, out, max);
	return n ? (ssize_t)n : MHD_CONTENT_READER_END_OF_STREAM;
}

static void body_done(void *cls)
{
	struct body *b = cls;
	gzip_free(b->gz);
	scrape_free(b->sc);
	__atomic_sub_fetch(&b->x->scrapes_in_flight, 1, __ATOMIC_RELAXED);
	free(b);
}

/* Queue r (NULL: libmicrohttpd could not make it, and the connection is
 * closed) with status, and the configured headers. */
static enum MHD_Result queue(struct MHD_Connection *c, const struct exporter *x, unsigned status, struct MHD_Response *r)
{
	if (!r)
		return MHD_NO;
	for (size_t i = 0; i + 1 < x->web.headers.n; i += 2)
		MHD_add_response_header(r, x->web.headers.v[i], x->web.headers.v[i + 1]);
	enum MHD_Result ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static struct MHD_Response *text_response(struct buf *body, const char *type)
{
	size_t len = body->len;
	struct MHD_Response *r = MHD_create_response_from_buffer(len, buf_steal(body), MHD_RESPMEM_MUST_FREE);
	if (r)
		MHD_add_response_header(r, "Content-Type", type);
	return r;
}

/* Over --web.max-requests: promhttp's answer (node_exporter's). */
static enum MHD_Result over_limit(struct MHD_Connection *c, struct exporter *x)
{
	__atomic_sub_fetch(&x->scrapes_in_flight, 1, __ATOMIC_RELAXED);
	struct buf body = BUF_INIT;
	buf_printf(&body, "Limit of concurrent requests reached (%ld), try again later.\n", x->max_requests);
	struct MHD_Response *r = text_response(&body, "text/plain; charset=utf-8");
	if (r)
		MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	return queue(c, x, MHD_HTTP_SERVICE_UNAVAILABLE, r);
}

/* Sent as it is written (chunked), gzip-compressed when the scraper
 * allows it; the scrape is freed with the response. */
static enum MHD_Result reply_scrape(struct MHD_Connection *c, struct exporter *x, bool om, bool gz)
{
	unsigned long n = __atomic_add_fetch(&x->scrapes_in_flight, 1, __ATOMIC_RELAXED);
	if (x->max_requests > 0 && n > (unsigned long)x->max_requests)
		return over_limit(c, x);
	struct body *b = xcalloc(1, sizeof(*b));
	b->x = x;
	b->sc = scrape_new(x, om);
	if (gz && !(b->gz = gzip_new(GZIP_LEVEL, plain_source, b->sc))) {
		body_done(b);
		return MHD_NO;
	}
	struct MHD_Response *r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, body_reader, b, body_done);
	if (!r) {
		body_done(b);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type",
				om ? "application/openmetrics-text; version=1.0.0; charset=utf-8" : "text/plain; version=0.0.4; charset=utf-8");
	if (gz)
		MHD_add_response_header(r, "Content-Encoding", "gzip");
	MHD_add_response_header(r, "Vary", "Accept-Encoding");
	return queue(c, x, MHD_HTTP_OK, r);
}


static enum MHD_Result reply(struct MHD_Connection *c, const struct exporter *x, unsigned status, const char *type, struct buf *body)
{
	struct MHD_Response *r = text_response(body, type);
	if (r && status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, "Allow", "GET, HEAD");
	return queue(c, x, status, r);
}

/* The client certificate client_auth_type asks for: true when it passes;
 * Go's toolkit refuses the handshake, this answers 403. */
static bool client_cert_ok(struct MHD_Connection *c, const struct exporter *x, const char **why)
{
	enum client_auth a = x->web.client_auth;
	if (a == CLIENT_NONE || a == CLIENT_REQUEST || !x->web.cert_pem)
		return true;
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	gnutls_session_t session = ci ? (gnutls_session_t)ci->tls_session : NULL;
	unsigned n = 0;
	if (session)
		gnutls_certificate_get_peers(session, &n);
	if (!n) {
		*why = "a client certificate is required";
		return a == CLIENT_VERIFY_IF_GIVEN;
	}
	if (a == CLIENT_REQUIRE_ANY)
		return true;
	unsigned status = 0;
	if (gnutls_certificate_verify_peers2(session, &status) < 0 || status != 0) {
		*why = "the client certificate is not signed by client_ca_file";
		return false;
	}
	return true;
}

/* Basic authentication when users are configured: true to go on; false
 * when the 401 is queued (*ret) instead. */
static bool authorized(struct MHD_Connection *c, const struct exporter *x, enum MHD_Result *ret)
{
	if (!web_config_has_users(&x->web))
		return true;
	char *pass = NULL;
	char *user = MHD_basic_auth_get_username_password(c, &pass);
	bool ok = web_config_auth_ok(&x->web, user, pass);
	if (user)
		MHD_free(user);
	if (pass)
		MHD_free(pass);
	if (ok)
		return true;
	struct buf body = BUF_INIT;
	buf_puts(&body, "Unauthorized\n");
	struct MHD_Response *r = text_response(&body, "text/plain; charset=utf-8");
	for (size_t i = 0; r && i + 1 < x->web.headers.n; i += 2)
		MHD_add_response_header(r, x->web.headers.v[i], x->web.headers.v[i + 1]);
	*ret = r ? MHD_queue_basic_auth_fail_response(c, "hvscope", r) : MHD_NO;
	if (r)
		MHD_destroy_response(r);
	return false;
}

static enum MHD_Result index_page(struct MHD_Connection *c, const struct exporter *x)
{
	struct buf body = BUF_INIT;
	buf_printf(&body,
		   "<!DOCTYPE html>\n<html><head><title>hvscope exporter</title></head><body>\n"
		   "<h1>hvscope exporter</h1>\n<p>Per-domain statistics from %s and this host's readiness checks.</p>\n"
		   "<ul><li><a href=\"%s\">%s</a>: metrics</li><li><a href=\"/healthz\">/healthz</a>: health</li></ul>\n"
		   "<p>hvscope %s</p></body></html>\n",
		   hv_describe(x->smp.hv), x->telemetry_path, x->telemetry_path, HVSCOPE_VERSION);
	return reply(c, x, MHD_HTTP_OK, "text/html; charset=utf-8", &body);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url, const char *method, const char *version,
			      const char *upload_data, size_t *upload_size, void **req)
{
	(void)version;
	(void)upload_data;
	struct exporter *x = cls;
	/* First call: headers only; answer on the second. */
	if (!*req) {
		*req = (void *)1;
		return MHD_YES;
	}
	struct buf body = BUF_INIT;
	const char *why = NULL;
	if (!client_cert_ok(c, x, &why)) {
		buf_printf(&body, "%s\n", why);
		return reply(c, x, MHD_HTTP_FORBIDDEN, "text/plain; charset=utf-8", &body);
	}
	/* The toolkit's order: the bucket before the credentials. */
	if (x->web.limit && !rate_limit_allow(x->web.limit, clock_mono())) {
		buf_puts(&body, "Too Many Requests\n");
		return reply(c, x, MHD_HTTP_TOO_MANY_REQUESTS, "text/plain; charset=utf-8", &body);
	}
	enum MHD_Result ret;
	if (!authorized(c, x, &ret))
		return ret;
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		*upload_size = 0;
		buf_printf(&body, "method %s not allowed: GET or HEAD\n", method);
		return reply(c, x, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain; charset=utf-8", &body);
	}
	if (strcmp(url, x->telemetry_path) == 0) {
		const char *accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT);
		const char *ae = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING);
		return reply_scrape(c, x, accept && strstr(accept, "application/openmetrics-text"), gzip_accepted(ae));
	}
	if (strcmp(url, "/healthz") == 0 || strcmp(url, "/-/healthy") == 0) {
		buf_puts(&body, "OK\n");
		return reply(c, x, MHD_HTTP_OK, "text/plain; charset=utf-8", &body);
	}
	if (strcmp(url, "/") == 0)
		return index_page(c, x);
	buf_printf(&body, "not found: %s (metrics are at %s)\n", url, x->telemetry_path);
	return reply(c, x, MHD_HTTP_NOT_FOUND, "text/plain; charset=utf-8", &body);
}

struct MHD_Daemon *http_start(struct exporter *x, const struct sockaddr_storage *addr, int listen_fd, struct err *e)
{
	/* A thread per connection: a scrape waits for its sample (up to the
	 * scrape timeout when the hypervisor hangs) on its connection's
	 * thread, and a fixed pool of threads all waiting so would leave none
	 * for /healthz.  The connection limits bound the threads. */
	/* ITC: the daemon can be quiesced, handing its listening socket to the
	 * next one (a reload keeps listening throughout). */
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG | MHD_USE_ITC;
	if (addr && addr->ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	/* A trust list makes libmicrohttpd ask for client certificates; for
	 * the modes that ask without checking, the server's own certificate
	 * stands in (nothing is checked against it). */
	const struct web_config *w = &x->web;
	const char *trust = w->client_ca_pem ? w->client_ca_pem : w->client_auth != CLIENT_NONE ? w->cert_pem : NULL;
	struct MHD_OptionItem tls[] = {
		{ MHD_OPTION_HTTPS_MEM_KEY, 0, w->key_pem },
		{ MHD_OPTION_HTTPS_MEM_CERT, 0, w->cert_pem },
		{ MHD_OPTION_HTTPS_PRIORITIES, 0, w->priorities },
		{ trust ? MHD_OPTION_HTTPS_MEM_TRUST : MHD_OPTION_END, 0, (void *)trust },
		{ MHD_OPTION_END, 0, NULL },
	};
	if (w->cert_pem)
		flags |= MHD_USE_TLS;
	else
		tls[0].option = MHD_OPTION_END;
	if (!w->priorities)
		tls[2] = tls[3], tls[3].option = MHD_OPTION_END;
	/* Bounded: a few scrapers at a time, small requests, slow clients cut. */
	struct MHD_Daemon *d = MHD_start_daemon(flags, 0, NULL, NULL, handle, x,
						listen_fd >= 0 ? MHD_OPTION_LISTEN_SOCKET : MHD_OPTION_SOCK_ADDR,
						listen_fd >= 0 ? (intptr_t)listen_fd : (intptr_t)addr, MHD_OPTION_CONNECTION_LIMIT, 64U, MHD_OPTION_PER_IP_CONNECTION_LIMIT, 16U,
						MHD_OPTION_CONNECTION_TIMEOUT, 15U, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
						MHD_OPTION_ARRAY, tls, MHD_OPTION_END);
	if (!d)
		err_set(e, errno ? -errno : -EIO, "%s", strerror(errno ? errno : EIO));
	return d;
}

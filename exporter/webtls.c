/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The exporter-toolkit's tls_server_config and http_server_config, as
 * GnuTLS (through libmicrohttpd) takes them: a certificate and key, the
 * client certificates asked for and checked, the TLS versions, groups and
 * cipher suites as one priority string, and the headers added to every
 * answer.  Go's names, as the toolkit's documentation gives them. */
#include "exporter/webtls.h"

#include <errno.h>
#include <string.h>

#include "core/buf.h"
#include "core/root.h"
#include "core/yaml.h"

#define AT(file, n) (file), (n)->line, (n)->col

static int read_pem(const char *cfg, const struct ynode *n, const char *what, char **out, struct err *e)
{
	if (n->kind != Y_SCALAR || !*n->s)
		return err_set(e, -EINVAL, "%s:%d:%d: %s is a file name", AT(cfg, n), what);
	_cleanup_free_ char *dir = path_dir(cfg);
	_cleanup_free_ char *path = n->s[0] == '/' ? xstrdup(n->s) : xasprintf("%s/%s", dir, n->s);
	struct buf b = BUF_INIT;
	struct err re = ERR_INIT;
	int r = root_read("/", path, 1u << 20, &b, &re);
	if (r < 0) {
		r = err_set(e, r, "%s:%d:%d: %s: %s", AT(cfg, n), what, err_msg(&re));
		err_clear(&re);
		buf_free(&b);
		return r;
	}
	*out = buf_steal(&b);
	return 0;
}

/* One of names (a scalar); its index, or an error naming the choices. */
static int pick(const char *cfg, const struct ynode *n, const char *what, const char *const *names, size_t count, struct err *e)
{
	for (size_t i = 0; n->kind == Y_SCALAR && i < count; i++)
		if (strcmp(n->s, names[i]) == 0)
			return (int)i;
	struct buf all = BUF_INIT;
	for (size_t i = 0; i < count; i++)
		buf_printf(&all, "%s%s", i ? ", " : "", names[i]);
	int r = err_set(e, -EINVAL, "%s:%d:%d: %s: '%s' is not one of %s", AT(cfg, n), what, n->kind == Y_SCALAR ? n->s : "(not a word)",
			buf_str(&all));
	buf_free(&all);
	return r;
}

static const char *const auth_names[] = { "NoClientCert", "RequestClientCert", "RequireAnyClientCert", "VerifyClientCertIfGiven",
					  "RequireAndVerifyClientCert" };
static const char *const version_names[] = { "TLS10", "TLS11", "TLS12", "TLS13" };
static const char *const version_prio[] = { "+VERS-TLS1.0", "+VERS-TLS1.1", "+VERS-TLS1.2", "+VERS-TLS1.3" };
static const char *const curve_names[] = { "CurveP256", "CurveP384", "CurveP521", "X25519" };
static const char *const curve_prio[] = { "+GROUP-SECP256R1", "+GROUP-SECP384R1", "+GROUP-SECP521R1", "+GROUP-X25519" };
/* The TLS 1.2 suites Go offers with AEAD ciphers, as key exchange and
 * cipher; GnuTLS combines what the list names, and TLS 1.3 uses the
 * ciphers named (Go leaves TLS 1.3 alone: the one difference). */
static const char *const suite_names[] = {
	"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
	"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
	"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305",  "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305",
	"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
	"TLS_RSA_WITH_AES_128_GCM_SHA256",         "TLS_RSA_WITH_AES_256_GCM_SHA384",
	"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
};
static const char *const suite_prio[][2] = {
	{ "+ECDHE-ECDSA", "+AES-128-GCM" }, { "+ECDHE-RSA", "+AES-128-GCM" },       { "+ECDHE-ECDSA", "+AES-256-GCM" },
	{ "+ECDHE-RSA", "+AES-256-GCM" },   { "+ECDHE-ECDSA", "+CHACHA20-POLY1305" }, { "+ECDHE-RSA", "+CHACHA20-POLY1305" },
	{ "+ECDHE-ECDSA", "+CHACHA20-POLY1305" }, { "+ECDHE-RSA", "+CHACHA20-POLY1305" }, { "+RSA", "+AES-128-GCM" },
	{ "+RSA", "+AES-256-GCM" },         { NULL, "+AES-128-GCM" },                 { NULL, "+AES-256-GCM" },
	{ NULL, "+CHACHA20-POLY1305" },
};
#define N(a) (sizeof(a) / sizeof(*(a)))

/* A list of Go names as GnuTLS priority items appended to prio. */
static int list_prio(const char *cfg, const struct ynode *v, const char *what, const char *const *names, size_t count,
		     const char *const *prio, size_t stride, struct buf *out, struct err *e)
{
	if (v->kind != Y_SEQ || !v->n)
		return err_set(e, -EINVAL, "%s:%d:%d: %s is a list", AT(cfg, v), what);
	for (size_t i = 0; i < v->n; i++) {
		int k = pick(cfg, v->items[i], what, names, count, e);
		if (k < 0)
			return k;
		for (size_t s = 0; s < stride; s++)
			if (prio[k * stride + s] && !strstr(buf_str(out), prio[k * stride + s]))
				buf_printf(out, ":%s", prio[k * stride + s]);
	}
	return 0;
}

static int parse_versions(const char *cfg, const struct ynode *v, struct buf *prio, struct err *e)
{
	int lo = 2, hi = 3; /* the toolkit's default: TLS 1.2 and up */
	const struct ynode *min = ynode_get(v, "min_version"), *max = ynode_get(v, "max_version");
	if (min && (lo = pick(cfg, min, "min_version", version_names, N(version_names), e)) < 0)
		return lo;
	if (max && (hi = pick(cfg, max, "max_version", version_names, N(version_names), e)) < 0)
		return hi;
	if (lo > hi)
		return err_set(e, -EINVAL, "%s:%d:%d: min_version is above max_version", AT(cfg, min ? min : max));
	buf_puts(prio, ":-VERS-ALL");
	for (int i = lo; i <= hi; i++)
		buf_printf(prio, ":%s", version_prio[i]);
	return 0;
}

static const char *const tls_keys[] = { "cert_file", "key_file", "client_auth_type", "client_ca_file", "min_version", "max_version",
					"cipher_suites", "curve_preferences", "prefer_server_cipher_suites" };

static int check_keys(const char *cfg, const struct ynode *v, const char *section, const char *const *keys, size_t n, struct err *e)
{
	for (size_t j = 0; j + 1 < v->n; j += 2) {
		bool known = false;
		for (size_t k = 0; k < n && !known; k++)
			known = strcmp(v->items[j]->s, keys[k]) == 0;
		if (!known)
			return err_set(e, -EINVAL, "%s:%d:%d: %s: '%s' is not supported", AT(cfg, v->items[j]), section, v->items[j]->s);
	}
	return 0;
}

int web_tls_parse(const char *cfg, const struct ynode *v, struct web_config *wc, struct err *e)
{
	if (v->kind != Y_MAP)
		return err_set(e, -EINVAL, "%s:%d:%d: tls_server_config is a mapping", AT(cfg, v));
	int r = check_keys(cfg, v, "tls_server_config", tls_keys, N(tls_keys), e);
	if (r < 0)
		return r;
	const struct ynode *cert = ynode_get(v, "cert_file"), *key = ynode_get(v, "key_file");
	if (!cert || !key)
		return err_set(e, -EINVAL, "%s:%d:%d: tls_server_config needs cert_file and key_file", AT(cfg, v));
	if ((r = read_pem(cfg, cert, "cert_file", &wc->cert_pem, e)) < 0 || (r = read_pem(cfg, key, "key_file", &wc->key_pem, e)) < 0)
		return r;
	const struct ynode *auth = ynode_get(v, "client_auth_type"), *ca = ynode_get(v, "client_ca_file");
	if (auth && (r = pick(cfg, auth, "client_auth_type", auth_names, N(auth_names), e)) < 0)
		return r;
	wc->client_auth = auth ? (enum client_auth)r : CLIENT_NONE;
	if (ca && (r = read_pem(cfg, ca, "client_ca_file", &wc->client_ca_pem, e)) < 0)
		return r;
	if ((wc->client_auth == CLIENT_VERIFY_IF_GIVEN || wc->client_auth == CLIENT_REQUIRE_VERIFY) && !ca)
		return err_set(e, -EINVAL, "%s:%d:%d: client_auth_type %s needs client_ca_file", AT(cfg, auth), auth->s);
	struct buf prio = BUF_INIT;
	buf_puts(&prio, "NORMAL");
	r = parse_versions(cfg, v, &prio, e);
	const struct ynode *suites = ynode_get(v, "cipher_suites"), *curves = ynode_get(v, "curve_preferences");
	if (r == 0 && suites) {
		buf_puts(&prio, ":-CIPHER-ALL:-KX-ALL");
		r = list_prio(cfg, suites, "cipher_suites", suite_names, N(suite_names), &suite_prio[0][0], 2, &prio, e);
	}
	if (r == 0 && curves) {
		buf_puts(&prio, ":-GROUP-ALL");
		r = list_prio(cfg, curves, "curve_preferences", curve_names, N(curve_names), curve_prio, 1, &prio, e);
	}
	const struct ynode *pref = ynode_get(v, "prefer_server_cipher_suites");
	if (r == 0 && pref && pref->kind == Y_SCALAR && strcmp(pref->s, "true") == 0)
		buf_puts(&prio, ":%SERVER_PRECEDENCE");
	if (r < 0) {
		buf_free(&prio);
		return r;
	}
	wc->priorities = buf_steal(&prio);
	return 0;
}

/* The headers the toolkit lets a config set. */
static const char *const header_names[] = { "Strict-Transport-Security", "X-Content-Type-Options", "X-Frame-Options",
					    "X-XSS-Protection", "Content-Security-Policy" };

int web_http_parse(const char *cfg, const struct ynode *v, struct web_config *wc, struct err *e)
{
	static const char *const keys[] = { "headers", "http2" };
	if (v->kind != Y_MAP)
		return err_set(e, -EINVAL, "%s:%d:%d: http_server_config is a mapping", AT(cfg, v));
	int r = check_keys(cfg, v, "http_server_config", keys, N(keys), e);
	if (r < 0)
		return r;
	/* http2 is taken and has no effect: libmicrohttpd speaks HTTP/1.1. */
	const struct ynode *h = ynode_get(v, "headers");
	if (!h)
		return 0;
	if (h->kind != Y_MAP)
		return err_set(e, -EINVAL, "%s:%d:%d: headers maps header names to values", AT(cfg, h));
	for (size_t j = 0; j + 1 < h->n; j += 2) {
		const struct ynode *name = h->items[j], *val = h->items[j + 1];
		int k = pick(cfg, name, "headers", header_names, N(header_names), e);
		if (k < 0)
			return k;
		if (val->kind != Y_SCALAR)
			return err_set(e, -EINVAL, "%s:%d:%d: the value of %s is a string", AT(cfg, val), name->s);
		strv_push(&wc->headers, header_names[k]);
		strv_push(&wc->headers, val->s);
	}
	return 0;
}

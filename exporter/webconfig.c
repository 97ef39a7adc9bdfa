/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --web.config.file: the file read, its sections handed to their readers
 * (exporter/webtls.c; basic_auth_users here), and what it holds freed. */
#include "exporter/webconfig.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/root.h"
#include "core/yaml.h"
#include "exporter/ratelimit.h"
#include "exporter/webauth.h"
#include "exporter/webtls.h"

#define AT(file, n) (file), (n)->line, (n)->col

int web_config_load(const char *path, struct web_config *wc, struct err *e)
{
	memset(wc, 0, sizeof(*wc));
	struct buf text = BUF_INIT;
	int r = root_read("/", path, 1u << 20, &text, e);
	if (r < 0) {
		buf_free(&text);
		return r;
	}
	struct ynode *doc = NULL;
	r = yaml_load(path, text.s ? text.s : "", text.len, &doc, e);
	buf_free(&text);
	if (r < 0)
		return r;
	if (doc->kind != Y_MAP) {
		r = err_set(e, -EINVAL, "%s:%d:%d: a web config is a mapping", AT(path, doc));
		goto out;
	}
	for (size_t i = 0; i + 1 < doc->n && r == 0; i += 2) {
		const struct ynode *k = doc->items[i], *v = doc->items[i + 1];
		if (strcmp(k->s, "tls_server_config") == 0) {
			r = web_tls_parse(path, v, wc, e);
		} else if (strcmp(k->s, "http_server_config") == 0) {
			r = web_http_parse(path, v, wc, e);
		} else if (strcmp(k->s, "basic_auth_users") == 0) {
			if (v->kind != Y_MAP) {
				r = err_set(e, -EINVAL, "%s:%d:%d: basic_auth_users maps user names to bcrypt hashes", AT(path, v));
				break;
			}
			for (size_t j = 0; j + 1 < v->n; j += 2) {
				const struct ynode *u = v->items[j], *h = v->items[j + 1];
				if (h->kind != Y_SCALAR || !(str_starts(h->s, "$2y$") || str_starts(h->s, "$2b$") || str_starts(h->s, "$2a$"))) {
					r = err_set(e, -EINVAL, "%s:%d:%d: the password of '%s' must be a bcrypt hash ($2y$...)", AT(path, h), u->s);
					break;
				}
				strv_push(&wc->users, u->s);
				strv_push(&wc->hashes, h->s);
			}
		} else if (strcmp(k->s, "rate_limit") == 0) {
			rate_limit_free(wc->limit);
			r = rate_limit_parse(path, v, &wc->limit, e);
		} else {
			r = err_set(e, -EINVAL,
				    "%s:%d:%d: '%s' is not supported (tls_server_config, http_server_config, basic_auth_users and rate_limit are)",
				    AT(path, k), k->s);
		}
	}
	if (r == 0 && wc->users.n)
		r = web_auth_setup(wc, e);
out:
	ynode_free(doc);
	if (r < 0)
		web_config_free(wc);
	return r;
}

bool web_config_has_users(const struct web_config *wc)
{
	return wc->users.n > 0;
}

void web_config_free(struct web_config *wc)
{
	web_auth_free(wc);
	rate_limit_free(wc->limit);
	free(wc->dummy);
	free(wc->client_ca_pem);
	free(wc->priorities);
	strv_free(&wc->headers);
	free(wc->cert_pem);
	free(wc->key_pem);
	strv_free(&wc->users);
	strv_free(&wc->hashes);
	memset(wc, 0, sizeof(*wc));
}

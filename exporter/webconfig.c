/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "exporter/webconfig.h"

#include <crypt.h>
#include <errno.h>
#include <string.h>

#include "core/root.h"
#include "rules/yaml.h"

#define AT(file, n) (file), (n)->line, (n)->col

static int read_pem(const char *cfg, const struct ynode *n, const char *what, char **out, struct err *e)
{
	if (n->kind != Y_SCALAR || !*n->s)
		return err_set(e, -EINVAL, "%s:%d:%d: %s is a file name", AT(cfg, n), what);
	_cleanup_free_ char *path = NULL;
	if (n->s[0] == '/') {
		path = xstrdup(n->s);
	} else {
		const char *slash = strrchr(cfg, '/');
		path = slash ? xasprintf("%.*s/%s", (int)(slash - cfg), cfg, n->s) : xstrdup(n->s);
	}
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
			if (v->kind != Y_MAP) {
				r = err_set(e, -EINVAL, "%s:%d:%d: tls_server_config is a mapping", AT(path, v));
				break;
			}
			const struct ynode *cert = ynode_get(v, "cert_file"), *key = ynode_get(v, "key_file");
			for (size_t j = 0; j + 1 < v->n; j += 2)
				if (strcmp(v->items[j]->s, "cert_file") && strcmp(v->items[j]->s, "key_file")) {
					r = err_set(e, -EINVAL, "%s:%d:%d: tls_server_config: '%s' is not supported (cert_file and key_file are)",
						    AT(path, v->items[j]), v->items[j]->s);
					break;
				}
			if (r == 0 && (!cert || !key))
				r = err_set(e, -EINVAL, "%s:%d:%d: tls_server_config needs cert_file and key_file", AT(path, v));
			if (r == 0)
				r = read_pem(path, cert, "cert_file", &wc->cert_pem, e);
			if (r == 0)
				r = read_pem(path, key, "key_file", &wc->key_pem, e);
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
		} else {
			r = err_set(e, -EINVAL, "%s:%d:%d: '%s' is not supported (tls_server_config and basic_auth_users are)", AT(path, k),
				    k->s);
		}
	}
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

/* Same time whatever the first difference. */
static bool equal_ct(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char d = la != lb;
	for (size_t i = 0; i < la && i < lb; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

bool web_config_auth_ok(const struct web_config *wc, const char *user, const char *password)
{
	if (!wc->users.n)
		return true;
	if (!user || !password)
		return false;
	for (size_t i = 0; i < wc->users.n; i++) {
		if (strcmp(wc->users.v[i], user) != 0)
			continue;
		struct crypt_data cd;
		memset(&cd, 0, sizeof(cd));
		const char *h = crypt_r(password, wc->hashes.v[i], &cd);
		return h && h[0] != '*' && equal_ct(h, wc->hashes.v[i]);
	}
	/* Unknown users cost a bcrypt too, so timing does not tell names. */
	struct crypt_data cd;
	memset(&cd, 0, sizeof(cd));
	crypt_r(password, "$2b$10$abcdefghijklmnopqrstuu", &cd);
	return false;
}

void web_config_free(struct web_config *wc)
{
	free(wc->cert_pem);
	free(wc->key_pem);
	strv_free(&wc->users);
	strv_free(&wc->hashes);
	memset(wc, 0, sizeof(*wc));
}

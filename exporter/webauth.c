/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Basic-auth credentials checked against the web config's bcrypt hashes,
 * with a cache of the answers, in the same time for known and unknown
 * user names. */
#include "exporter/webauth.h"

#include <crypt.h>
#include <ctype.h>
#include <errno.h>
#include <nettle/hmac.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

/* Same time whatever the first difference. */
static bool equal_ct(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char d = la != lb;
	for (size_t i = 0; i < la && i < lb; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

/* Verified credentials, remembered so that a scraper's every request does
 * not cost a bcrypt (slow by design, and run on one of the HTTP
 * threads).  Keyed by an HMAC under a key of this process's own:
 * no password is kept.  Wrong ones are remembered too, so that answers for
 * known and unknown user names cost the same the second time as well. */
#define AUTH_CACHE 64

struct auth_entry {
	uint8_t mac[SHA256_DIGEST_SIZE];
	bool used, ok;
};

struct auth_cache {
	pthread_mutex_t mu;
	uint8_t key[32];
	struct auth_entry e[AUTH_CACHE];
	size_t next; /* replaced in turn */
	unsigned long bcrypts;
};

static void auth_mac(const struct auth_cache *c, const char *user, const char *password, uint8_t out[SHA256_DIGEST_SIZE])
{
	struct hmac_sha256_ctx h;
	hmac_sha256_set_key(&h, sizeof(c->key), c->key);
	hmac_sha256_update(&h, strlen(user) + 1, (const uint8_t *)user);
	hmac_sha256_update(&h, strlen(password), (const uint8_t *)password);
	hmac_sha256_digest(&h, SHA256_DIGEST_SIZE, out);
}

/* The bcrypt cost of a hash ("$2y$12$..." -> 12), 0 when not one. */
static unsigned long bcrypt_cost(const char *hash)
{
	if (strlen(hash) < 7 || hash[6] != '$' || !isdigit((unsigned char)hash[4]) || !isdigit((unsigned char)hash[5]))
		return 0;
	return (unsigned long)((hash[4] - '0') * 10 + (hash[5] - '0'));
}

/* The cache, and the setting unknown users are hashed with: a random salt
 * at the highest cost of the configured hashes, so that an unknown name
 * costs what a known one does. */
int web_auth_setup(struct web_config *wc, struct err *e)
{
	struct auth_cache *c = xcalloc(1, sizeof(*c));
	pthread_mutex_init(&c->mu, NULL);
	wc->cache = c;
	if (getrandom(c->key, sizeof(c->key), 0) != (ssize_t)sizeof(c->key))
		return err_set(e, -errno, "no random bytes for the credential cache: %s", strerror(errno));
	unsigned long cost = 0;
	for (size_t i = 0; i < wc->hashes.n; i++)
		if (bcrypt_cost(wc->hashes.v[i]) > cost)
			cost = bcrypt_cost(wc->hashes.v[i]);
	char setting[CRYPT_GENSALT_OUTPUT_SIZE];
	if (!crypt_gensalt_rn("$2b$", cost, NULL, 0, setting, sizeof(setting)))
		return err_set(e, -EINVAL, "bcrypt cost %lu: %s", cost, strerror(errno));
	wc->dummy = xstrdup(setting);
	return 0;
}

/* One bcrypt of password against hash (the setting, for unknown users). */
static bool bcrypt_ok(struct auth_cache *c, const char *password, const char *hash, bool known)
{
	struct crypt_data cd;
	memset(&cd, 0, sizeof(cd));
	const char *h = crypt_r(password, hash, &cd);
	__atomic_add_fetch(&c->bcrypts, 1, __ATOMIC_RELAXED);
	return known && h && h[0] != '*' && equal_ct(h, hash);
}

bool web_config_auth_ok(const struct web_config *wc, const char *user, const char *password)
{
	if (!wc->users.n)
		return true;
	if (!user || !password)
		return false;
	struct auth_cache *c = wc->cache;
	uint8_t mac[SHA256_DIGEST_SIZE];
	auth_mac(c, user, password, mac);
	pthread_mutex_lock(&c->mu);
	for (size_t i = 0; i < AUTH_CACHE; i++)
		if (c->e[i].used && memcmp(c->e[i].mac, mac, sizeof(mac)) == 0) {
			bool ok = c->e[i].ok;
			pthread_mutex_unlock(&c->mu);
			return ok;
		}
	pthread_mutex_unlock(&c->mu);
	const char *hash = wc->dummy;
	bool known = false;
	for (size_t i = 0; i < wc->users.n && !known; i++)
		if (strcmp(wc->users.v[i], user) == 0) {
			hash = wc->hashes.v[i];
			known = true;
		}
	bool ok = bcrypt_ok(c, password, hash, known);
	pthread_mutex_lock(&c->mu);
	struct auth_entry *slot = &c->e[c->next];
	c->next = (c->next + 1) % AUTH_CACHE;
	memcpy(slot->mac, mac, sizeof(mac));
	slot->used = true;
	slot->ok = ok;
	pthread_mutex_unlock(&c->mu);
	return ok;
}

unsigned long web_config_bcrypts(const struct web_config *wc)
{
	return wc->cache ? __atomic_load_n(&wc->cache->bcrypts, __ATOMIC_RELAXED) : 0;
}

void web_auth_free(struct web_config *wc)
{
	if (wc->cache) {
		explicit_bzero(wc->cache, sizeof(*wc->cache));
		free(wc->cache);
		wc->cache = NULL;
	}
}

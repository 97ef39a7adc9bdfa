/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --clean: host names, IP and MAC addresses and user names replaced by
 * the same placeholder wherever they appear in the bundle. */
#include "diag/clean.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <ctype.h>
#include <string.h>

#include "core/escape.h"
#include "core/json.h"
#include "core/util.h"

struct mapping {
	enum clean_kind kind;
	char *orig, *ph;
};

struct cleaner {
	struct mapping *v;
	size_t n, alloc;
	unsigned next[CLEAN__KINDS];
	/* whole words to look for, longest first */
	struct mapping **words;
	size_t nwords;
};

static const char *const kind_key[CLEAN__KINDS] = { "host", "user", "ipv4", "ipv6", "mac" };

struct cleaner *cleaner_new(void)
{
	return xcalloc(1, sizeof(struct cleaner));
}

void cleaner_free(struct cleaner *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].orig);
		free(c->v[i].ph);
	}
	free(c->v);
	free(c->words);
	free(c);
}

static struct mapping *find(const struct cleaner *c, enum clean_kind kind, const char *orig, size_t len)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].kind == kind && strlen(c->v[i].orig) == len && memcmp(c->v[i].orig, orig, len) == 0)
			return &c->v[i];
	return NULL;
}

static struct mapping *add(struct cleaner *c, enum clean_kind kind, const char *orig, size_t len)
{
	struct mapping *m = find(c, kind, orig, len);
	if (m)
		return m;
	if (c->n == c->alloc) {
		/* words[] points into v: rebuild it after growing */
		c->alloc = c->alloc ? c->alloc * 2 : 16;
		struct mapping *old = c->v;
		c->v = xrealloc(c->v, c->alloc * sizeof(*c->v));
		for (size_t i = 0; i < c->nwords; i++)
			c->words[i] = c->v + (c->words[i] - old);
	}
	m = &c->v[c->n++];
	m->kind = kind;
	m->orig = xstrndup(orig, len);
	unsigned k = ++c->next[kind];
	switch (kind) {
	case CLEAN_HOST: m->ph = xasprintf("host%u", k); break;
	case CLEAN_USER: m->ph = xasprintf("user%u", k); break;
	/* 240.0.0.0/4 is reserved, 2001:db8::/32 is for documentation,
	 * 02:... is a locally administered MAC: none is a real peer's. */
	case CLEAN_IP4: m->ph = xasprintf("240.%u.%u.%u", (k >> 16) & 255, (k >> 8) & 255, k & 255); break;
	case CLEAN_IP6: m->ph = xasprintf("2001:db8::%x", k); break;
	case CLEAN_MAC: m->ph = xasprintf("02:00:00:%02x:%02x:%02x", (k >> 16) & 255, (k >> 8) & 255, k & 255); break;
	case CLEAN__KINDS: m->ph = xstrdup("?"); break;
	}
	return m;
}

const char *cleaner_map(struct cleaner *c, enum clean_kind kind, const char *orig)
{
	return add(c, kind, orig, strlen(orig))->ph;
}

void cleaner_add_word(struct cleaner *c, enum clean_kind kind, const char *word)
{
	size_t len = strlen(word);
	if (len < 2)
		return;
	struct mapping *m = add(c, kind, word, len);
	for (size_t i = 0; i < c->nwords; i++)
		if (c->words[i] == m)
			return;
	c->words = xrealloc(c->words, (c->nwords + 1) * sizeof(*c->words));
	size_t i = c->nwords++;
	while (i > 0 && strlen(c->words[i - 1]->orig) < len) {
		c->words[i] = c->words[i - 1];
		i--;
	}
	c->words[i] = m;
}

static bool word_ch(char ch)
{
	return isalnum((unsigned char)ch) || ch == '_' || ch == '-';
}

static bool hex(char ch)
{
	return isxdigit((unsigned char)ch) != 0;
}

/* aa:bb:cc:dd:ee:ff (or with '-'): 17 characters. */
static size_t mac_at(const char *s, size_t n)
{
	if (n < 17)
		return 0;
	char sep = s[2];
	if (sep != ':' && sep != '-')
		return 0;
	for (int i = 0; i < 6; i++) {
		if (!hex(s[i * 3]) || !hex(s[i * 3 + 1]))
			return 0;
		if (i < 5 && s[i * 3 + 2] != sep)
			return 0;
	}
	if (n > 17 && (hex(s[17]) || s[17] == sep))
		return 0;
	return 17;
}

static size_t ip4_at(const char *s, size_t n, bool *keep)
{
	size_t e = 0;
	while (e < n && e < 15 && (isdigit((unsigned char)s[e]) || s[e] == '.'))
		e++;
	while (e > 0 && s[e - 1] == '.')
		e--;
	if (e < 7 || (e < n && (isdigit((unsigned char)s[e]) || word_ch(s[e]))))
		return 0;
	char tmp[16];
	memcpy(tmp, s, e);
	tmp[e] = '\0';
	struct in_addr a;
	if (inet_pton(AF_INET, tmp, &a) != 1)
		return 0;
	uint32_t h = ntohl(a.s_addr);
	/* loopback, any, netmasks and broadcast say nothing about the site */
	*keep = (h >> 24) == 127 || h == 0 || (h >> 24) == 255 || (h >> 28) == 15;
	return e;
}

static size_t ip6_at(const char *s, size_t n, bool *keep)
{
	size_t e = 0, colons = 0;
	while (e < n && e < 45 && (hex(s[e]) || s[e] == ':' || s[e] == '.')) {
		colons += s[e] == ':';
		e++;
	}
	while (e > 0 && s[e - 1] == '.')
		e--;
	if (colons < 2 || (e < n && word_ch(s[e])))
		return 0;
	char tmp[46];
	memcpy(tmp, s, e);
	tmp[e] = '\0';
	struct in6_addr a;
	if (inet_pton(AF_INET6, tmp, &a) != 1) {
		/* "fe80::1:" at a sentence's end */
		if (e > 0 && s[e - 1] == ':') {
			tmp[--e] = '\0';
			if (inet_pton(AF_INET6, tmp, &a) != 1)
				return 0;
		} else {
			return 0;
		}
	}
	*keep = IN6_IS_ADDR_UNSPECIFIED(&a) || IN6_IS_ADDR_LOOPBACK(&a) || (a.s6_addr[0] == 0x20 && a.s6_addr[1] == 0x01 &&
									     a.s6_addr[2] == 0x0d && a.s6_addr[3] == 0xb8);
	return e;
}

unsigned cleaner_apply(struct cleaner *c, const char *s, size_t n, struct buf *out)
{
	unsigned count = 0;
	size_t copied = 0, p = 0;
	while (p < n) {
		if (p > 0 && (word_ch(s[p - 1]) || s[p - 1] == '.' || s[p - 1] == ':')) {
			p++;
			continue;
		}
		size_t len = 0;
		enum clean_kind kind = CLEAN__KINDS;
		bool keep = false;
		if (hex(s[p]) || s[p] == ':') {
			if ((len = mac_at(s + p, n - p)))
				kind = CLEAN_MAC;
			else if ((len = ip4_at(s + p, n - p, &keep)))
				kind = CLEAN_IP4;
			else if ((len = ip6_at(s + p, n - p, &keep)))
				kind = CLEAN_IP6;
		}
		if (kind == CLEAN__KINDS) {
			for (size_t i = 0; i < c->nwords; i++) {
				size_t wl = strlen(c->words[i]->orig);
				if (wl <= n - p && memcmp(s + p, c->words[i]->orig, wl) == 0 && (p + wl == n || !word_ch(s[p + wl]))) {
					len = wl;
					kind = c->words[i]->kind;
					break;
				}
			}
		}
		if (kind == CLEAN__KINDS || keep) {
			p += len ? len : 1;
			continue;
		}
		struct mapping *m = add(c, kind, s + p, len);
		buf_add(out, s + copied, p - copied);
		buf_puts(out, m->ph);
		count++;
		p += len;
		copied = p;
	}
	buf_add(out, s + copied, n - copied);
	return count;
}

void cleaner_write_map(const struct cleaner *c, struct buf *out)
{
	struct json j;
	json_init(&j, out, true);
	json_object(&j, NULL, JSON_LINES);
	for (int k = 0; k < CLEAN__KINDS; k++) {
		json_object(&j, kind_key[k], JSON_LINES);
		for (size_t i = 0; i < c->n; i++)
			if (c->v[i].kind == (enum clean_kind)k)
				json_string(&j, c->v[i].orig, c->v[i].ph);
		json_close(&j);
	}
	json_close(&j);
	buf_putc(out, '\n');
}

int cleaner_save_map(const struct cleaner *c, const char *path, struct err *e)
{
	struct buf map = BUF_INIT;
	cleaner_write_map(c, &map);
	int r = 0;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || fchmod(fd, 0600) < 0)
		r = -errno;
	else
		r = write_full(fd, map.s, map.len);
	if (fd >= 0 && close(fd) < 0 && r == 0)
		r = -errno;
	buf_free(&map);
	return r < 0 ? err_set(e, r, "%s: %s", path, strerror(-r)) : 0;
}

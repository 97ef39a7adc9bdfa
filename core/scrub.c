/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Secrets replaced in collected text. */
#include "core/scrub.h"

#include <ctype.h>
#include <string.h>

#define PEM_REMOVED "[private key removed by hvscope]"

static bool is_keych(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-' || c == '.';
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

bool scrub_is_secret_key(const char *name, size_t len)
{
	static const char *const anywhere[] = { "password", "passwd", "secret", "token", "credential", "authtok", "passphrase",
						"authorization", "apikey", "privatekey" };
	static const char *const at_end[] = { "key", "pw", "pwd" };
	char low[128];
	while (len && (name[0] == '-' || name[0] == '.'))
		name++, len--;
	if (!len || len >= sizeof(low))
		return false;
	for (size_t i = 0; i < len; i++)
		low[i] = (char)tolower((unsigned char)name[i]);
	low[len] = '\0';
	for (size_t i = 0; i < sizeof(anywhere) / sizeof(*anywhere); i++)
		if (strstr(low, anywhere[i]))
			return true;
	/* password2, api_key_, vnc-pw */
	while (len && (isdigit((unsigned char)low[len - 1]) || low[len - 1] == '_' || low[len - 1] == '-'))
		low[--len] = '\0';
	/* the shell's working directories, not passwords */
	if (!strcmp(low, "pwd") || !strcmp(low, "oldpwd"))
		return false;
	for (size_t i = 0; i < sizeof(at_end) / sizeof(*at_end); i++) {
		size_t el = strlen(at_end[i]);
		if (len >= el && memcmp(low + len - el, at_end[i], el) == 0)
			return true;
	}
	/* "pass" only as the last word of a longer name (db_pass, smtpPass),
	 * not the end of another (Bypass: the CPU's Spectre mitigations) nor
	 * alone (a report's "pass": 20). */
	if (len > 4 && memcmp(low + len - 4, "pass", 4) == 0) {
		char before = name[len - 5];
		if (before == '_' || before == '-' || before == '.' ||
		    (name[len - 4] == 'P' && islower((unsigned char)before)))
			return true;
	}
	return false;
}

static bool has(const char *s, size_t n, const char *what)
{
	return memmem(s, n, what, strlen(what)) != NULL;
}

/* Only blanks (or a YAML "- ", a shell "export ", a quote) before pos: the
 * key starts a line, so an unquoted value runs to its end. */
static bool starts_line(const char *s, size_t pos)
{
	size_t i = 0;
	while (i < pos && (is_blank(s[i]) || s[i] == '-' || s[i] == '"' || s[i] == '\''))
		i++;
	if (pos - i >= 7 && memcmp(s + i, "export ", 7) == 0)
		i += 7;
	while (i < pos && is_blank(s[i]))
		i++;
	return i == pos || (i + 1 == pos && (s[i] == '"' || s[i] == '\''));
}

/* Where an unquoted value ends.  At the start of a line: at its end (a
 * password with spaces, sos issue 3266).  Inside a line: at a delimiter of
 * the surrounding syntax, or at a blank followed by the next key=. */
static size_t unquoted_end(const char *s, size_t n, size_t v, bool whole_line, bool one_word)
{
	size_t e = v;
	if (whole_line) {
		e = n;
	} else {
		while (e < n) {
			char c = s[e];
			if (c == '\r' || strchr(",;&'\"<>)]}", c))
				break;
			if (is_blank(c)) {
				if (one_word)
					break;
				size_t k = e;
				while (k < n && is_blank(s[k]))
					k++;
				size_t w = k;
				while (w < n && is_keych(s[w]))
					w++;
				if (k == n || (w > k && w < n && (s[w] == '=' || s[w] == ':')))
					break;
				e = k;
				continue;
			}
			e++;
		}
	}
	while (e > v && (is_blank(s[e - 1]) || s[e - 1] == '\r'))
		e--;
	return e;
}

struct line {
	const char *s;
	size_t n, copied;
	struct buf *out;
	unsigned count;
};

static void mask(struct line *l, size_t from, size_t to)
{
	if (to <= from)
		return;
	if (to - from == strlen(SCRUB_MASK) && memcmp(l->s + from, SCRUB_MASK, to - from) == 0)
		return; /* already scrubbed (a bundle of a bundle) */
	buf_add(l->out, l->s + l->copied, from - l->copied);
	buf_puts(l->out, SCRUB_MASK);
	l->copied = to;
	l->count++;
}

/* scheme://user:password@host: masks the password; returns where to go on. */
static size_t url_userinfo(struct line *l, size_t p)
{
	const char *s = l->s;
	size_t u = p + 3, q = u;
	while (q < l->n && !strchr("/@ \t\"'<>", s[q]))
		q++;
	if (q < l->n && s[q] == '@') {
		const char *colon = memchr(s + u, ':', q - u);
		if (colon)
			mask(l, (size_t)(colon - s) + 1, q);
	}
	return q > p + 3 ? q : p + 3;
}

/* <password>value</password>: masks value. */
static size_t xml_element(struct line *l, size_t p)
{
	const char *s = l->s;
	size_t k = p + 1;
	while (k < l->n && is_keych(s[k]))
		k++;
	if (k < l->n && s[k] == '>' && scrub_is_secret_key(s + p + 1, k - p - 1)) {
		size_t e = k + 1;
		while (e < l->n && s[e] != '<')
			e++;
		mask(l, k + 1, e);
		return e;
	}
	return k;
}

/* A key at p (ending at k): if it is a secret's and a separator follows,
 * mask the value; returns where to go on. */
static size_t key_value(struct line *l, size_t p, size_t k)
{
	const char *s = l->s;
	size_t n = l->n;
	size_t dashes = 0;
	while (p + dashes < k && s[p + dashes] == '-')
		dashes++;
	bool secret = scrub_is_secret_key(s + p, k - p);
	/* QEMU's -object secret,id=x,data=VALUE and its JSON form. */
	if (!secret && k - p == 4 && memcmp(s + p, "data", 4) == 0 && has(s, p, "secret"))
		secret = true;
	if (!secret)
		return k;
	size_t v = k;
	bool escaped_json = false;
	if (p > 0 && (s[p - 1] == '"' || s[p - 1] == '\'') && v < n && s[v] == s[p - 1]) {
		v++; /* "key": */
	} else if (p > 1 && s[p - 1] == '"' && s[p - 2] == '\\' && v + 1 < n && s[v] == '\\' && s[v + 1] == '"') {
		v += 2; /* \"key\": inside a JSON string */
		escaped_json = true;
	}
	while (v < n && is_blank(s[v]))
		v++;
	if (v < n && (s[v] == '=' || s[v] == ':')) {
		if (v + 1 < n && (s[v + 1] == '=' || (s[v] == ':' && s[v + 1] == ':')))
			return k; /* ==, :: are not assignments */
		v++;
		if (v < n && s[v] == '>')
			v++; /* => */
	} else if (!((dashes || (p > 0 && s[p - 1] == '(') || (p == 0 || starts_line(s, p))) && v > k && v < n)) {
		/* not --key value, nor xend's S-expressions (vncpasswd 'x'), nor
		 * a line's first word (kickstart's rootpw, grub's password) */
		return k; /* a bare word: "the password is wrong" */
	}
	while (v < n && is_blank(s[v]))
		v++;
	size_t vs, ve;
	if (escaped_json || (v + 1 < n && s[v] == '\\' && s[v + 1] == '"')) {
		/* the value may be missing: the line can end right after the key */
		if (v + 1 < n && s[v] == '\\' && s[v + 1] == '"')
			v += 2;
		vs = v;
		const char *end = vs < n ? memmem(s + vs, n - vs, "\\\"", 2) : NULL;
		ve = end ? (size_t)(end - s) : n;
	} else if (v < n && (s[v] == '"' || s[v] == '\'')) {
		char q = s[v];
		vs = ve = v + 1;
		while (ve < n && s[ve] != q)
			ve += (s[ve] == '\\' && ve + 1 < n) ? 2 : 1;
		if (ve > n)
			ve = n;
	} else {
		vs = v;
		ve = unquoted_end(s, n, vs, !dashes && starts_line(s, p), dashes > 0);
	}
	mask(l, vs, ve);
	return ve > k ? ve : k;
}

static unsigned scrub_line(const char *s, size_t n, struct buf *out)
{
	struct line l = { .s = s, .n = n, .out = out };
	size_t p = 0;
	while (p < n) {
		char c = s[p];
		if (c == ':' && p + 2 < n && s[p + 1] == '/' && s[p + 2] == '/') {
			p = url_userinfo(&l, p);
		} else if (c == '<' && p + 1 < n && is_keych(s[p + 1])) {
			p = xml_element(&l, p);
		} else if (is_keych(c)) {
			size_t k = p;
			while (k < n && is_keych(s[k]))
				k++;
			p = key_value(&l, p, k);
		} else {
			p++;
		}
	}
	buf_add(out, s + l.copied, n - l.copied);
	return l.count;
}

static bool pem_begin(const char *s, size_t n)
{
	const char *b = memmem(s, n, "-----BEGIN ", 11);
	return b && has(b, n - (size_t)(b - s), "PRIVATE KEY");
}

static bool pem_end(const char *s, size_t n)
{
	const char *b = memmem(s, n, "-----END ", 9);
	return b && has(b, n - (size_t)(b - s), "PRIVATE KEY");
}

/* A line of a PEM body: base64 only, long enough not to be a word. */
static bool base64_line(const char *s, size_t n)
{
	while (n && (s[n - 1] == '\r' || is_blank(s[n - 1])))
		n--;
	if (n < 16)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '+' && s[i] != '/' && s[i] != '=')
			return false;
	return true;
}

/* BEGIN and END on one line (a key inside a JSON string): mask between. */
static bool pem_one_line(const char *s, size_t n, struct buf *out, unsigned *count)
{
	const char *b = memmem(s, n, "-----BEGIN ", 11);
	if (!b)
		return false;
	const char *pk = memmem(b, n - (size_t)(b - s), "PRIVATE KEY-----", 16);
	if (!pk)
		return false;
	const char *body = pk + 16;
	const char *e = memmem(body, n - (size_t)(body - s), "-----END ", 9);
	if (!e)
		return false;
	buf_add(out, s, (size_t)(body - s));
	buf_puts(out, PEM_REMOVED);
	/* What follows the block may hold more. */
	*count += 1 + scrub_line(e, n - (size_t)(e - s), out);
	return true;
}

unsigned scrub_text(const char *t, size_t len, struct buf *out)
{
	unsigned count = 0;
	bool in_pem = false, in_run = false;
	size_t run_start = 0;
	size_t i = 0;
	while (i < len) {
		const char *nl = memchr(t + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - t) : len;
		const char *s = t + i;
		size_t n = e - i;
		size_t before = out->len;
		bool b64 = false;
		if (in_pem) {
			if (has(s, n, "-----END ")) {
				in_pem = false;
				buf_add(out, s, n);
			} else {
				i = e + 1;
				continue; /* the key's body: dropped */
			}
		} else if (pem_one_line(s, n, out, &count)) {
		} else if (pem_begin(s, n)) {
			buf_add(out, s, n);
			buf_puts(out, "\n" PEM_REMOVED);
			in_pem = true;
			count++;
		} else if (pem_end(s, n)) {
			/* No BEGIN seen: a capped log starts inside the block.
			 * Drop the base64 lines before this one. */
			if (in_run)
				out->len = run_start;
			buf_puts(out, PEM_REMOVED "\n");
			buf_add(out, s, n);
			count++;
		} else {
			count += scrub_line(s, n, out);
			b64 = base64_line(s, n);
		}
		if (b64 && !in_run)
			run_start = before;
		in_run = b64;
		if (nl)
			buf_putc(out, '\n');
		i = e + 1;
	}
	if (out->s)
		out->s[out->len] = '\0';
	return count;
}

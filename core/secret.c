/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Files that hold secrets, told apart by name and content. */
#include "core/secret.h"

#include <fnmatch.h>
#include <string.h>

#include "core/util.h"

/* Patterns are matched against the whole path; a pattern without '*'
 * also covers everything below it. */
static const char *const refused[] = {
	"/etc/libvirt/secrets", "/etc/libvirt/passwd.db", "/etc/libvirt/krb5.tab", "/etc/pki", "/etc/xen/*.key",
	"*/master-key.aes",     "*.base64",               "*.pem",                 "*.key",    "*.p12",
	"*.pfx",                "*.keytab",               "*/*token*",             "*/*secret*", "*/*passw*",
	"*/*pass",              "*/*.pass",
	"*/id_rsa*",            "*/id_ecdsa*",            "*/id_ed25519*",         "*/id_dsa*",
};

bool secret_path(const char *path)
{
	for (size_t i = 0; i < ARRAY_SIZE(refused); i++) {
		const char *pat = refused[i];
		if (fnmatch(pat, path, 0) == 0)
			return true;
		size_t n = strlen(pat);
		if (!strchr(pat, '*') && strncmp(path, pat, n) == 0 && path[n] == '/')
			return true;
	}
	return false;
}

static bool has_marker(const char *data, size_t len, const char *what)
{
	size_t n = strlen(what);
	for (size_t i = 0; i + n <= len; i++)
		if (data[i] == what[0] && memcmp(data + i, what, n) == 0)
			return true;
	return false;
}

enum sniff sniff_content(const char *data, size_t len)
{
	if (has_marker(data, len, "-----BEGIN ") || has_marker(data, len, "PuTTY-User-Key-File-"))
		return SNIFF_KEY;
	if (memchr(data, '\0', len))
		return SNIFF_BINARY;
	/* Control bytes other than tab, newline, CR and form feed: a text
	 * config has none; allow a few (a stray escape in a comment). */
	size_t ctl = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)data[i];
		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7f)
			ctl++;
	}
	return ctl > 2 && ctl * 100 > len ? SNIFF_BINARY : SNIFF_TEXT;
}

const char *sniff_name(enum sniff s)
{
	switch (s) {
	case SNIFF_KEY: return "a private key or certificate";
	case SNIFF_BINARY: return "binary content";
	default: return "text";
	}
}

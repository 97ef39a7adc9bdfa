/* SPDX-License-Identifier: GPL-2.0-or-later */
/* /boot/loader/entries/\*.conf: "key value" lines (title, version, linux,
 * initrd, options, ...), one entry a file.  blscfg lists them newest
 * version first and expands $kernelopts (RHEL 8's options live in
 * grubenv) in options. */
#include <stdlib.h>
#include <string.h>

#include "core/root.h"
#include "probe/bls.h"

#define BLS_FILE_MAX (64u << 10)
#define BLS_ENTRIES_MAX 256

static char *grubenv_value(const char *root, const char *grubenv, const char *key)
{
	struct buf b = BUF_INIT;
	char *val = NULL;
	if (grubenv && root_read(root, grubenv, 65536, &b, NULL) == 0 && b.s) {
		_cleanup_free_ char *pat = xasprintf("%s=", key);
		for (char *l = b.s, *nl; l && !val; l = nl) {
			nl = strchr(l, '\n');
			if (nl)
				*nl++ = '\0';
			if (str_starts(l, pat))
				val = xstrdup(l + strlen(pat));
		}
	}
	buf_free(&b);
	return val;
}

static void read_entry(const char *root, const char *path, struct bls_entry *e)
{
	struct buf b = BUF_INIT;
	if (root_read(root, path, BLS_FILE_MAX, &b, NULL) < 0 || !b.s) {
		buf_free(&b);
		return;
	}
	for (char *l = b.s, *nl; l; l = nl) {
		nl = strchr(l, '\n');
		if (nl)
			*nl++ = '\0';
		l = str_strip(l);
		size_t k = strcspn(l, " \t");
		char **dst = !strncmp(l, "title", k) && k == 5     ? &e->title
			     : !strncmp(l, "version", k) && k == 7 ? &e->version
			     : !strncmp(l, "options", k) && k == 7 ? &e->options
								   : NULL;
		if (dst && !*dst && l[k])
			*dst = xstrdup(str_strip(l + k));
	}
	buf_free(&b);
}

static int by_version_desc(const void *a, const void *b)
{
	const struct bls_entry *x = a, *y = b;
	int c = strverscmp(y->version ? y->version : "", x->version ? x->version : "");
	return c ? c : strverscmp(y->id, x->id);
}

void bls_read(const char *root, const char *grubenv, struct bls_entry **out, size_t *n)
{
	struct strv names = { 0 };
	*out = NULL;
	*n = 0;
	root_list_dir(root, "/boot/loader/entries", &names);
	_cleanup_free_ char *kernelopts = NULL;
	for (size_t i = 0; i < names.n && *n < BLS_ENTRIES_MAX; i++) {
		if (!str_ends(names.v[i], ".conf"))
			continue;
		_cleanup_free_ char *p = xasprintf("/boot/loader/entries/%s", names.v[i]);
		struct bls_entry e = { .id = xstrndup(names.v[i], strlen(names.v[i]) - strlen(".conf")) };
		read_entry(root, p, &e);
		if (!e.title)
			e.title = xstrdup(e.id);
		if (e.options && strstr(e.options, "$kernelopts")) {
			if (!kernelopts)
				kernelopts = grubenv_value(root, grubenv, "kernelopts");
			char *at = strstr(e.options, "$kernelopts");
			char *x = xasprintf("%.*s%s%s", (int)(at - e.options), e.options, kernelopts ? kernelopts : "",
					    at + strlen("$kernelopts"));
			free(e.options);
			e.options = x;
		}
		*out = xrealloc(*out, (*n + 1) * sizeof(**out));
		(*out)[(*n)++] = e;
	}
	strv_free(&names);
	if (*n > 1)
		qsort(*out, *n, sizeof(**out), by_version_desc);
}

void bls_free(struct bls_entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].id);
		free(v[i].title);
		free(v[i].version);
		free(v[i].options);
	}
	free(v);
}

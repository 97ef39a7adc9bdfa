/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Copies of a guest config that admins keep beside it.  A file is a copy
 * when its name is another config's name plus a copy suffix and it
 * declares the same guest: the same domain name, and nothing of its own
 * (a UUID, or disks and MACs none of which the other has) that would make
 * it a second machine.  Content need not be identical: a copy is kept
 * because the config was about to change.  A clone that got its own disk
 * and MAC but kept the name is a real duplicate whatever its file name. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "probe/guest_copy.h"

/* Words admins put after a config's name to keep it aside.  "new" and
 * "next" are absent on purpose: such a file is the config meant to run
 * next, and two configs meant to run under one name are what
 * guest-name-unique is for. */
static const char *const copy_words[] = { "b", "bak", "bk", "bkp", "bck", "backup", "old", "orig", "original",
					  "sav", "save", "saved", "prev", "previous", "copy", "disabled", "disable",
					  "off", "unused", "inactive", NULL };

static bool is_sep(char c)
{
	return c == '.' || c == '-' || c == '_';
}

/* One token's body (between separators): digits, or a copy word with
 * optional digits after it ("orig2"). */
static bool token_ok(const char *s, size_t len)
{
	size_t alpha = 0;
	while (alpha < len && isalpha((unsigned char)s[alpha]))
		alpha++;
	for (size_t k = alpha; k < len; k++)
		if (!isdigit((unsigned char)s[k]))
			return false;
	if (alpha == 0)
		return len > 0;
	for (size_t w = 0; copy_words[w]; w++)
		if (strlen(copy_words[w]) == alpha && strncasecmp(s, copy_words[w], alpha) == 0)
			return true;
	return false;
}

bool guest_copy_suffix_ok(const char *text)
{
	const char *p = text;
	if (!*p)
		return false;
	while (*p) {
		if (!is_sep(*p))
			return false;
		const char *body = ++p;
		while (*p && !is_sep(*p))
			p++;
		if (!token_ok(body, (size_t)(p - body)))
			return false;
	}
	return true;
}

char *guest_copy_suffix(const char *file, const char *base)
{
	size_t lb = strlen(base);
	if (str_starts(file, base) && guest_copy_suffix_ok(file + lb))
		return xstrdup(file + lb);
	if (lb <= 4 || !str_ends(base, ".cfg"))
		return NULL;
	size_t stem = lb - 4;
	if (strncmp(file, base, stem) != 0)
		return NULL;
	const char *rest = file + stem;
	if (guest_copy_suffix_ok(rest))
		return xstrdup(rest);
	size_t lr = strlen(rest);
	if (lr <= 4 || !str_ends(rest, ".cfg"))
		return NULL;
	_cleanup_free_ char *mid = xstrndup(rest, lr - 4);
	return guest_copy_suffix_ok(mid) ? TAKE_PTR(mid) : NULL;
}

/* The first string of a also in b, or NULL. */
static const char *shared(const struct strv *a, const struct strv *b, bool nocase)
{
	for (size_t i = 0; i < a->n; i++)
		for (size_t k = 0; k < b->n; k++)
			if ((nocase ? strcasecmp(a->v[i], b->v[k]) : strcmp(a->v[i], b->v[k])) == 0)
				return a->v[i];
	return NULL;
}

char *guest_copy_same(const struct guest *a, const struct guest *b)
{
	if (a->uuid && b->uuid)
		return strcmp(a->uuid, b->uuid) == 0 ? xasprintf("the same uuid %s", a->uuid) : NULL;
	const char *s;
	if ((s = shared(&a->disks, &b->disks, false)) || (s = shared(&a->remote_disks, &b->remote_disks, false)))
		return xasprintf("the same disk %s", s);
	if ((s = shared(&a->macs, &b->macs, true)))
		return xasprintf("the same MAC %s", s);
	bool disks = a->disks.n + a->remote_disks.n && b->disks.n + b->remote_disks.n;
	if (disks || (a->macs.n && b->macs.n))
		return NULL; /* its own disks or MACs: a second machine */
	return xstrdup("no uuid, disk or MAC of its own");
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

ssize_t guest_copy_find(struct guest *const *v, size_t n, size_t i, char **why)
{
	const struct guest *g = v[i];
	_cleanup_free_ char *dir = path_dir(g->file);
	ssize_t best = -1;
	*why = NULL;
	for (size_t j = 0; j < n; j++) {
		const struct guest *o = v[j];
		if (j == i || strcmp(o->name, g->name) != 0)
			continue;
		_cleanup_free_ char *odir = path_dir(o->file);
		if (strcmp(dir, odir) != 0)
			continue;
		/* The original, not a copy of a copy: the shortest name. */
		if (best >= 0 && strlen(o->file) >= strlen(v[best]->file))
			continue;
		_cleanup_free_ char *suffix = guest_copy_suffix(base_name(g->file), base_name(o->file));
		_cleanup_free_ char *same = suffix ? guest_copy_same(g, o) : NULL;
		if (!same)
			continue;
		free(*why);
		*why = xasprintf("a copy of %s (copy suffix \"%s\"; the same domain name %s; %s): not a guest", o->file, suffix,
				 g->name, same);
		best = (ssize_t)j;
	}
	return best;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading and copying the fields of a rule file's YAML tree. */
#include "rules/field.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

int field_check_keys(const char *file, const struct ynode *map, const char *const *known, const char *what, struct err *e)
{
	for (size_t i = 0; i < map->n; i += 2) {
		const struct ynode *k = map->items[i];
		bool ok = false;
		for (const char *const *p = known; *p && !ok; p++)
			ok = strcmp(*p, k->s) == 0;
		if (!ok) {
			struct buf list = BUF_INIT;
			for (const char *const *p = known; *p; p++)
				buf_printf(&list, "%s%s", p == known ? "" : ", ", *p);
			int r = err_set(e, -EINVAL, "%s:%d:%d: unknown key '%s' in %s (known: %s)", AT(file, k), k->s, what, buf_str(&list));
			buf_free(&list);
			return r;
		}
	}
	return 0;
}

int field_text(const char *file, const struct ynode *n, const char *key, char **out, struct err *e)
{
	if (n->kind != Y_SCALAR)
		return err_set(e, -EINVAL, "%s:%d:%d: '%s' must be text, not %s", AT(file, n), key, ynode_kind_name(n->kind));
	free(*out);
	*out = xstrdup(n->s);
	return 0;
}

char *field_dup(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void field_strv_copy(struct strv *dst, const struct strv *src)
{
	memset(dst, 0, sizeof(*dst));
	for (size_t i = 0; i < src->n; i++)
		strv_push(dst, src->v[i]);
}

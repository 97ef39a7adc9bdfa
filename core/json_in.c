/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A stranger's JSON document read through core/root, refused above a
 * ceiling before it is parsed. */
#include "core/json_in.h"

#include <errno.h>
#include <stdbool.h>

#include "core/buf.h"
#include "core/root.h"

/* What jansson's tree of text will take, roughly: an object's table, an
 * array's, each scalar and string with its bytes.  The dense inputs
 * ("{},{},..." or "1,1,...") cost tens of times their size; hvscope's own
 * documents about ten. */
static size_t tree_estimate(const char *s, size_t n)
{
	size_t est = 0;
	bool in_str = false, in_bare = false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = false;
			est++;
			continue;
		}
		bool bare = c == '-' || (c >= '0' && c <= '9') || c == 't' || c == 'f' || c == 'n' || c == '.' || c == 'e' || c == 'E' || c == '+';
		if (c == '"')
			in_str = true, est += 48;
		else if (c == '{')
			est += 192;
		else if (c == '[')
			est += 96;
		else if (bare && !in_bare)
			est += 48;
		in_bare = bare;
	}
	return est;
}

json_t *json_in_read(const char *top, const char *rel, size_t max, const char *shown, struct err *e)
{
	struct buf b = BUF_INIT;
	struct err re = ERR_INIT;
	int r = root_read(top, rel, max, &b, &re);
	if (r == -EFBIG)
		err_set(e, r, "%s: over %zu MiB, the most hvscope writes there or reads back: not read", shown, max >> 20);
	else if (r < 0)
		err_set(e, r, "%s: %s", shown, err_msg(&re));
	err_clear(&re);
	if (r < 0) {
		buf_free(&b);
		return NULL;
	}
	if (tree_estimate(b.s ? b.s : "", b.len) > max * JSON_IN_TREE_FACTOR) {
		err_set(e, -EFBIG, "%s: too many values for its size (about %zu MiB to hold): not read", shown,
			tree_estimate(b.s, b.len) >> 20);
		buf_free(&b);
		return NULL;
	}
	json_error_t je;
	json_t *root = json_loadb(b.s ? b.s : "", b.len, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		err_set(e, -EINVAL, "%s:%d:%d: %s", shown, je.line, je.column, je.text);
	buf_free(&b);
	return root;
}

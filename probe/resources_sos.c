/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Free space and bridges from an sosreport: what sos's filesys plugin
 * recorded of df and its networking (or, on sos 1.7 and 2.2, xen) plugin
 * of brctl show and ip -d link stand for statvfs and /sys/class/net.  The
 * files are those the table of sources names (probe/offline.c). */
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "core/root.h"
#include "probe/offline.h"
#include "probe/resources_sos.h"

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* Is the mount point mp path itself or one of its parents? */
static bool mount_holds(const char *mp, const char *path)
{
	size_t n = strlen(mp);
	if (!strcmp(mp, "/"))
		return path[0] == '/';
	return !strncmp(path, mp, n) && (path[n] == '/' || path[n] == '\0');
}

struct df_pick {
	char dev[256], mp[1024];
	long long avail_kib;
	char bad[64]; /* its available figure when past a long long */
};

/* One df line (device, 1K-blocks, used, available, use%, mount point):
 * the nearest mount above path so far, the later of equals (a mount hides
 * what was mounted there before it). */
static void df_line(char *line, const char *path, struct df_pick *best)
{
	char *f[6];
	if (str_fields(line, f, 6) < 6 || !all_digits(f[3]) || !mount_holds(str_strip(f[5]), path))
		return;
	if (best->mp[0] && strlen(f[5]) < strlen(best->mp))
		return;
	snprintf(best->dev, sizeof(best->dev), "%s", f[0]);
	snprintf(best->mp, sizeof(best->mp), "%s", f[5]);
	best->bad[0] = '\0';
	if (str_to_ll(f[3], &best->avail_kib) < 0) {
		best->avail_kib = -1;
		snprintf(best->bad, sizeof(best->bad), "%s", f[3]);
	}
}

/* df's text: a header, then a line per file system; coreutils before 8.11
 * (RHEL 5 and 6) puts a long device name on a line of its own, the
 * figures on the next. */
static int df_parse(char *text, const char *path, struct df_pick *best)
{
	char *save = NULL, *held = NULL;
	char *l = strtok_r(text, "\n", &save);
	if (!l || !str_starts(l, "Filesystem") || (!strstr(l, "1K-blocks") && !strstr(l, "1024-blocks")))
		return -EINVAL;
	for (l = strtok_r(NULL, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *f[2];
		_cleanup_free_ char *copy = xstrdup(l);
		if (!held && str_fields(copy, f, 2) == 1) {
			held = xstrdup(str_strip(l));
			continue;
		}
		_cleanup_free_ char *joined = held ? xasprintf("%s %s", held, l) : xstrdup(l);
		free(held);
		held = NULL;
		df_line(joined, path, best);
	}
	free(held);
	return 0;
}

void sos_disk_free(struct probe_ctx *ctx, const char *name, const char *path)
{
	struct buf text = BUF_INIT;
	const char *src = offline_sos_read(ctx->root, name, 16u << 20, &text);
	struct df_pick best = { .avail_kib = -1 };
	if (!src)
		facts_set_status(&ctx->facts, name, FACT_MISSING, "the sosreport holds no df output");
	else if (df_parse(text.s, path, &best) < 0)
		facts_set_status(&ctx->facts, name, FACT_ERROR, "%s: not df's output in 1K blocks (no \"Filesystem 1K-blocks\" header)", src);
	else if (!best.mp[0])
		facts_set_status(&ctx->facts, name, FACT_MISSING, "%s lists no file system holding %s", src, path);
	else if (best.bad[0])
		facts_set_status(&ctx->facts, name, FACT_ERROR, "%s: %s is on %s (%s), %s 1K-blocks available: out of range", src, path,
				 best.mp, best.dev, best.bad);
	else
		facts_set_int(&ctx->facts, name, best.avail_kib / 1024, "%s: %s is on %s (%s), %lld 1K-blocks available", src, path, best.mp,
			      best.dev, best.avail_kib);
	buf_free(&text);
}

/* brctl show: "bridge name<TAB>bridge id<TAB>STP enabled<TAB>interfaces",
 * then a line per bridge (its first port beside it) and a line per
 * further port, indented. */
static bool brctl_parse(char *text, struct strv *br)
{
	char *save = NULL;
	char *l = strtok_r(text, "\n", &save);
	if (!l || !str_starts(l, "bridge name"))
		return false;
	for (l = strtok_r(NULL, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		if (*l != ' ' && *l != '\t' && *l)
			strv_push_take(br, xstrndup(l, strcspn(l, " \t")));
	return true;
}

/* ip -d link: "3: virbr0: <BROADCAST,...> mtu 1500 ...", then indented
 * lines; a bridge's details start with "bridge " (a port's with
 * "bridge_slave"). */
static bool iplink_parse(char *text, struct strv *br)
{
	char *save = NULL, *cur = NULL;
	bool any = false;
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (isdigit((unsigned char)*l)) {
			char *name = strstr(l, ": ");
			free(cur);
			cur = name ? xstrndup(name + 2, strcspn(name + 2, ":@ ")) : NULL;
			any |= cur != NULL;
		} else if (cur && str_starts(l + strspn(l, " \t"), "bridge ")) {
			strv_push(br, cur);
		}
	}
	free(cur);
	return any;
}

void sos_bridges(struct probe_ctx *ctx)
{
	const char *const *paths = offline_sos_paths("net.bridges");
	struct buf text = BUF_INIT;
	for (size_t i = 0; paths && paths[i]; i++) {
		struct strv br = { 0 };
		buf_reset(&text);
		if (root_read(ctx->root, paths[i], 16u << 20, &text, NULL) < 0)
			continue;
		buf_grow(&text, 0);
		bool told = strstr(paths[i], "brctl") ? brctl_parse(text.s, &br) : iplink_parse(text.s, &br);
		if (told) {
			size_t n = br.n;
			struct buf names = BUF_INIT;
			for (size_t k = 0; k < br.n; k++)
				buf_printf(&names, "%s%s", k ? ", " : "", br.v[k]);
			facts_set_list_take(&ctx->facts, "net.bridges", &br, "%s lists %zu bridge%s%s%s", paths[i] + 1, n, n == 1 ? "" : "s",
					    n ? ": " : "", buf_str(&names));
			buf_free(&names);
			buf_free(&text);
			return;
		}
		strv_free(&br);
	}
	buf_free(&text);
	facts_set_status(&ctx->facts, "net.bridges", FACT_MISSING, "the sosreport holds no brctl show or ip -d link output that lists interfaces");
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Host memory as the guests use it: huge pages reserved per size and per
 * NUMA node against what the guests backed by them ask for, and whether
 * KSM merges their pages (/sys/kernel/mm/hugepages, /sys/devices/system/
 * node/node*\/hugepages, /sys/kernel/mm/ksm: Documentation/admin-guide/
 * mm/hugetlbpage.rst and ksm.rst).  sos's memory plugin copies
 * /sys/kernel/mm/hugepages and ksm, its numa plugin the nodes' huge pages. */
#include <errno.h>
#include <string.h>

#include "core/root.h"
#include "probe/ask.h"
#include "probe/cpuset.h"

#define HP_DIR "/sys/kernel/mm/hugepages"
#define NODE_DIR "/sys/devices/system/node"

static const char *const patterns[] = { "hugepages.*", "ksm.*", NULL };

/* A number file's value, or a negative errno (-EINVAL: not a number). */
static int read_ll(struct probe_ctx *ctx, const char *path, long long *v)
{
	_cleanup_free_ char *line = NULL;
	int r = root_read_line(ctx->root, path, &line, NULL);
	if (r < 0)
		return r;
	return str_to_ll(line, v) < 0 ? -EINVAL : 0;
}

/* "hugepages-2048kB" -> 2048; 0 for any other name. */
static long long size_of_dir(const char *name)
{
	long long kib = 0;
	const char *end = NULL;
	if (!str_starts(name, "hugepages-") || str_to_ll_prefix(name + strlen("hugepages-"), &kib, &end) < 0 || !end || strcmp(end, "kB"))
		return 0;
	return kib;
}

/* Each NUMA node's reservation of one size, as facts and as evidence. */
static void node_pages(struct probe_ctx *ctx, long long kib, struct buf *ev)
{
	struct strv nodes = { 0 };
	if (root_list_dir(ctx->root, NODE_DIR, &nodes) < 0)
		return;
	for (size_t i = 0; i < nodes.n; i++) {
		if (!str_starts(nodes.v[i], "node"))
			continue;
		long long n;
		_cleanup_free_ char *p = xasprintf(NODE_DIR "/%s/hugepages/hugepages-%lldkB/nr_hugepages", nodes.v[i], kib);
		if (read_ll(ctx, p, &n) < 0)
			continue;
		_cleanup_free_ char *fname = xasprintf("hugepages.%lldkB.%s", kib, nodes.v[i]);
		facts_set_int(&ctx->facts, fname, n, "%s", p);
		buf_printf(ev, "%s%s %lld", ev->len ? ", " : "; per node: ", nodes.v[i], n);
	}
	strv_free(&nodes);
}

static void probe_sizes(struct probe_ctx *ctx)
{
	struct facts *fs = &ctx->facts;
	struct strv dirs = { 0 }, sizes = { 0 };
	int r = root_list_dir(ctx->root, HP_DIR, &dirs);
	if (r < 0) {
		facts_set_errno(fs, "hugepages.sizes", r, ctx->is_root, HP_DIR ": %s (no hugetlbfs in this kernel)", strerror(-r));
		strv_free(&dirs);
		return;
	}
	for (size_t i = 0; i < dirs.n; i++) {
		long long kib = size_of_dir(dirs.v[i]), total, free_pages;
		if (!kib)
			continue;
		_cleanup_free_ char *pt = xasprintf(HP_DIR "/%s/nr_hugepages", dirs.v[i]);
		_cleanup_free_ char *pf = xasprintf(HP_DIR "/%s/free_hugepages", dirs.v[i]);
		_cleanup_free_ char *ft = xasprintf("hugepages.%lldkB.total", kib), *ff = xasprintf("hugepages.%lldkB.free", kib);
		strv_push_take(&sizes, xasprintf("%lldkB", kib));
		if ((r = read_ll(ctx, pt, &total)) < 0) {
			facts_set_errno(fs, ft, r == -EINVAL ? -EIO : r, ctx->is_root, "%s: %s", pt, r == -EINVAL ? "not a number" : strerror(-r));
			continue;
		}
		struct buf ev = BUF_INIT;
		buf_puts(&ev, pt);
		node_pages(ctx, kib, &ev);
		facts_set_int(fs, ft, total, "%s", buf_str(&ev));
		buf_free(&ev);
		if (read_ll(ctx, pf, &free_pages) == 0)
			facts_set_int(fs, ff, free_pages, "%s", pf);
		else
			facts_set_status(fs, ff, FACT_MISSING, "%s unreadable", pf);
	}
	facts_set_list_take(fs, "hugepages.sizes", &sizes, "the hugepages-*kB directories of " HP_DIR);
	strv_free(&dirs);
	/* Hugepagesize: the size a guest that names none gets */
	struct buf mi = BUF_INIT;
	const char *hs;
	long long def = 0;
	if (root_read(ctx->root, "/proc/meminfo", ROOT_READ_MAX, &mi, NULL) == 0 && (buf_grow(&mi, 0), hs = strstr(mi.s, "Hugepagesize:")) &&
	    str_to_ll_prefix(hs + strlen("Hugepagesize:") + strspn(hs + strlen("Hugepagesize:"), " \t"), &def, NULL) >= 0 && def > 0)
		facts_set_int(fs, "hugepages.default_kib", def, "/proc/meminfo Hugepagesize");
	else
		facts_set_status(fs, "hugepages.default_kib", FACT_MISSING, "/proc/meminfo has no Hugepagesize");
	buf_free(&mi);
}

/* The guests' demand for one page size, on every node or on one
 * <numatune> nodeset (a guest bound there finds its pages only there). */
struct demand {
	long long kib, pages;
	char *nodeset; /* NULL: any node */
	struct buf who;
};

static struct demand *demand_for(struct demand *d, size_t *n, long long kib, const char *nodeset)
{
	for (size_t i = 0; i < *n; i++)
		if (d[i].kib == kib && (d[i].nodeset && nodeset ? !strcmp(d[i].nodeset, nodeset) : d[i].nodeset == nodeset))
			return &d[i];
	d[*n] = (struct demand){ .kib = kib, .nodeset = nodeset ? xstrdup(nodeset) : NULL, .who = BUF_INIT };
	return &d[(*n)++];
}

/* Pages of size kib reserved on the nodes of nodeset; -1 when unknown. */
static long long pool_pages(struct probe_ctx *ctx, long long kib, const char *nodeset)
{
	_cleanup_free_ char *ft = xasprintf("hugepages.%lldkB.total", kib);
	const struct fact *t = probe_fact(ctx, ft);
	if (!nodeset)
		return t->status == FACT_OK ? t->i : -1;
	struct cpuset *set = xcalloc(1, sizeof(*set));
	char *why = NULL;
	long long have = 0;
	if (cpuset_parse(nodeset, set, &why) < 0) {
		free(why);
		free(set);
		return -1;
	}
	for (unsigned n = 0; n < 1024 && have >= 0; n++) {
		if (!cpuset_has(set, n))
			continue;
		_cleanup_free_ char *fn = xasprintf("hugepages.%lldkB.node%u", kib, n);
		const struct fact *f = probe_fact(ctx, fn);
		have = f->status == FACT_OK ? have + f->i : -1;
	}
	free(set);
	return have;
}

/* One guest's demand added to d. */
static void guest_demand(struct probe_ctx *ctx, const char *name, long long def, struct demand *d, size_t *n, struct strv *users)
{
	_cleanup_free_ char *fk = xasprintf("guest.%s.hugepage_kib", name), *fm = xasprintf("guest.%s.maxmem_mib", name);
	_cleanup_free_ char *fn = xasprintf("guest.%s.numa_nodeset", name);
	const struct fact *k = probe_fact(ctx, fk);
	if (k->status != FACT_OK || k->i == 0)
		return;
	strv_push(users, name);
	long long kib = k->i > 0 ? k->i : def;
	const struct fact *m = probe_fact(ctx, fm), *ns = probe_fact(ctx, fn);
	if (kib <= 0 || m->status != FACT_OK)
		return;
	struct demand *e = demand_for(d, n, kib, ns->status == FACT_OK && ns->s[0] ? ns->s : NULL);
	e->pages += (m->i * 1024 + kib - 1) / kib;
	buf_printf(&e->who, "%s%s %lld MiB", e->who.len ? ", " : "", name, m->i);
}

/* What the guests backed by huge pages ask for, per page size: their whole
 * <memory> (QEMU maps it all from hugetlbfs at start), in pages of the
 * size they name or the host's default, against the pages reserved: on
 * every node, or on the nodes a guest's <numatune> binds it to. */
static void probe_demand(struct probe_ctx *ctx)
{
	const struct fact *names = probe_fact(ctx, "guest.names");
	const struct fact *def = probe_fact(ctx, "hugepages.default_kib");
	struct strv users = { 0 }, shortfall = { 0 }, gnames = { 0 };
	size_t n = 0, cap = names->status == FACT_OK ? names->list.n : 0;
	struct demand *d = xcalloc(cap + 1, sizeof(*d));
	for (size_t i = 0; i < cap; i++)
		strv_push(&gnames, names->list.v[i]);
	for (size_t i = 0; i < gnames.n; i++)
		guest_demand(ctx, gnames.v[i], def->status == FACT_OK ? def->i : 0, d, &n, &users);
	for (size_t i = 0; i < n; i++) {
		long long have = pool_pages(ctx, d[i].kib, d[i].nodeset);
		_cleanup_free_ char *where = d[i].nodeset ? xasprintf(" on node %s", d[i].nodeset) : xstrdup("");
		if (d[i].pages > (have < 0 ? 0 : have))
			strv_push_take(&shortfall, xasprintf("%lldkB%s: the guests need %lld pages (%s), %s%lld reserved", d[i].kib, where,
							     d[i].pages, buf_str(&d[i].who), have < 0 ? "unknown: taken as " : "", have < 0 ? 0 : have));
		buf_free(&d[i].who);
		free(d[i].nodeset);
	}
	free(d);
	strv_free(&gnames);
	facts_set_list_take(&ctx->facts, "hugepages.guests", &users, "the guests whose configuration has <memoryBacking><hugepages>");
	facts_set_list_take(&ctx->facts, "hugepages.shortfall", &shortfall,
			    "each page size the guests use (and <numatune> nodeset): their <memory> in pages against " HP_DIR
			    "/hugepages-*kB/nr_hugepages (the nodes' under " NODE_DIR ")");
}

/* run: 0 stopped (merged pages stay merged), 1 running, 2 stopped after
 * unmerging every page (Documentation/admin-guide/mm/ksm.rst). */
static void probe_ksm(struct probe_ctx *ctx)
{
	struct facts *fs = &ctx->facts;
	long long run, sharing = 0;
	int r = read_ll(ctx, "/sys/kernel/mm/ksm/run", &run);
	if (r < 0) {
		facts_set_errno(fs, "ksm.run", r == -EINVAL ? -EIO : r, ctx->is_root, "/sys/kernel/mm/ksm/run: %s",
				r == -EINVAL ? "not a number" : strerror(-r));
		facts_set_errno(fs, "ksm.state", r == -EINVAL ? -EIO : r, ctx->is_root, "/sys/kernel/mm/ksm/run: %s (no KSM in this kernel)",
				r == -EINVAL ? "not a number" : strerror(-r));
		return;
	}
	facts_set_int(fs, "ksm.run", run, "/sys/kernel/mm/ksm/run");
	bool have_sharing = read_ll(ctx, "/sys/kernel/mm/ksm/pages_sharing", &sharing) == 0;
	if (have_sharing)
		facts_set_int(fs, "ksm.pages_sharing", sharing, "/sys/kernel/mm/ksm/pages_sharing");
	else
		facts_set_status(fs, "ksm.pages_sharing", FACT_MISSING, "/sys/kernel/mm/ksm/pages_sharing unreadable");
	const char *state = run == 1 ? "running" : run == 2 ? "unmerged" : run == 0 && sharing > 0 ? "stopped-merged" : run == 0 ? "stopped" : "unknown";
	facts_set_str(fs, "ksm.state", state, "/sys/kernel/mm/ksm/run = %lld, pages_sharing = %s%lld", run, have_sharing ? "" : "unknown ",
		      sharing);
}

static void resolve(struct probe_ctx *ctx, const char *name)
{
	if (str_starts(name, "ksm.") && probe_once(ctx, "ksm"))
		probe_ksm(ctx);
	else if ((!strcmp(name, "hugepages.guests") || !strcmp(name, "hugepages.shortfall")) && probe_once(ctx, "hugepages.demand"))
		probe_demand(ctx);
	else if (str_starts(name, "hugepages.") && probe_once(ctx, "hugepages"))
		probe_sizes(ctx);
}

const struct probe probe_mm = {
	.name = "mm",
	.summary = "huge pages reserved per size and NUMA node against the guests that use them, KSM",
	.patterns = patterns,
	.resolve = resolve,
};

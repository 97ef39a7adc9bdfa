/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What each domain's XML says, read once while it runs and cached by
 * (UUID, id): its devices' target names (for the per-device calls of a
 * driver whose bulk answer lacks their counters), and the info the
 * exporter's info series carry: the domain's OS type, architecture and
 * machine, each interface's MAC, source and model, each disk's source,
 * bus, driver, cache mode and serial, and metadata (OpenStack nova's, and
 * the XPaths the user names). */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <string.h>

#include "hv/lv.h"

/* OpenStack nova's instance metadata, whatever its namespace version
 * (http://openstack.org/xmlns/libvirt/nova/1.0, 1.1, ...). */
#define NOVA "/domain/metadata/*[local-name()='instance' and starts-with(namespace-uri(), 'http://openstack.org/xmlns/libvirt/nova/')]"
static const char *const nova[][2] = {
	{ "nova:instance_name", "string(" NOVA "/*[local-name()='name'])" },
	{ "nova:flavor_name", "string(" NOVA "/*[local-name()='flavor']/@name)" },
	{ "nova:user_name", "string(" NOVA "/*[local-name()='owner']/*[local-name()='user'])" },
	{ "nova:user_id", "string(" NOVA "/*[local-name()='owner']/*[local-name()='user']/@uuid)" },
	{ "nova:project_name", "string(" NOVA "/*[local-name()='owner']/*[local-name()='project'])" },
	{ "nova:project_id", "string(" NOVA "/*[local-name()='owner']/*[local-name()='project']/@uuid)" },
	{ "nova:root_type", "string(" NOVA "/*[local-name()='root']/@type)" },
};

static int dc_cmp(const char *uuid, int id, const struct devcache *dc)
{
	int c = strcmp(uuid, dc->uuid);
	return c ? c : (id > dc->id) - (id < dc->id);
}

/* The cache is sorted by (uuid, id): every domain is looked up every
 * sample.  The entry of d, or NULL with *at where it would go. */
static struct devcache *dc_find(const struct lv *lv, const struct hv_domain *d, size_t *at)
{
	size_t lo = 0, hi = lv->ndc;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = dc_cmp(d->uuid, d->id, &lv->dc[mid]);
		if (c == 0)
			return &lv->dc[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	if (at)
		*at = lo;
	return NULL;
}

static bool is(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static const xmlNode *child(const xmlNode *n, const char *name)
{
	for (const xmlNode *c = n ? n->children : NULL; c; c = c->next)
		if (is(c, name))
			return c;
	return NULL;
}

/* An attribute as an info pair, when present. */
static void attr_pair(struct hv_labels *l, const char *key, const xmlNode *n, const char *attr)
{
	xmlChar *v = n ? xmlGetProp(n, (const xmlChar *)attr) : NULL;
	if (v && *v)
		hv_labels_add(l, key, (const char *)v);
	xmlFree(v);
}

static void text_pair(struct hv_labels *l, const char *key, const xmlNode *n)
{
	xmlChar *v = n ? xmlNodeGetContent(n) : NULL;
	if (v && *v)
		hv_labels_add(l, key, (const char *)v);
	xmlFree(v);
}

/* <source file|dev|bridge|network|name|pool=...>: the first of them. */
static void source_pair(struct hv_labels *l, const xmlNode *src)
{
	static const char *const attrs[] = { "file", "dev", "bridge", "network", "name", "pool", "volume", "path" };
	for (size_t i = 0; src && i < sizeof(attrs) / sizeof(*attrs); i++) {
		xmlChar *v = xmlGetProp(src, (const xmlChar *)attrs[i]);
		if (v && *v) {
			hv_labels_add(l, "source", (const char *)v);
			xmlFree(v);
			return;
		}
		xmlFree(v);
	}
}

/* A device by its <target dev=...>, with room for its info pairs beside
 * it; NULL when it names no target. */
static struct hv_labels *add_device(struct strv *names, struct hv_labels **info, const xmlNode *target)
{
	xmlChar *dev = target ? xmlGetProp(target, (const xmlChar *)"dev") : NULL;
	if (!dev)
		return NULL;
	strv_push(names, (const char *)dev);
	xmlFree(dev);
	*info = xrealloc(*info, names->n * sizeof(**info));
	struct hv_labels *l = &(*info)[names->n - 1];
	*l = (struct hv_labels){ 0 };
	return l;
}

static void read_disk(struct devcache *dc, const xmlNode *disk)
{
	const xmlNode *target = child(disk, "target");
	struct hv_labels *l = add_device(&dc->disks, &dc->disk_info, target);
	if (!l)
		return;
	attr_pair(l, "disk_type", disk, "device"); /* disk, cdrom, lun: "device" names the target */
	source_pair(l, child(disk, "source"));
	attr_pair(l, "bus", target, "bus");
	attr_pair(l, "driver", child(disk, "driver"), "type");
	attr_pair(l, "cache", child(disk, "driver"), "cache");
	text_pair(l, "serial", child(disk, "serial"));
}

static void read_interface(struct devcache *dc, const xmlNode *nic)
{
	struct hv_labels *l = add_device(&dc->nets, &dc->net_info, child(nic, "target"));
	if (!l)
		return;
	attr_pair(l, "type", nic, "type");
	attr_pair(l, "mac", child(nic, "mac"), "address");
	source_pair(l, child(nic, "source"));
	attr_pair(l, "model", child(nic, "model"), "type");
}

/* Each name=XPath pair's string value, kept when not empty; the
 * namespaces declared on <metadata>'s children are known by their
 * prefixes. */
static void read_metadata(struct devcache *dc, xmlDoc *doc, const struct strv *user)
{
	xmlXPathContext *x = xmlXPathNewContext(doc);
	if (!x)
		return;
	const xmlNode *md = child(xmlDocGetRootElement(doc), "metadata");
	for (const xmlNode *c = md ? md->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && c->ns && c->ns->prefix && c->ns->href)
			xmlXPathRegisterNs(x, c->ns->prefix, c->ns->href);
	size_t nnova = sizeof(nova) / sizeof(*nova), nuser = user ? user->n / 2 : 0;
	for (size_t i = 0; i < nnova + nuser; i++) {
		_cleanup_free_ char *key = i < nnova ? xstrdup(nova[i][0]) : xasprintf("meta:%s", user->v[2 * (i - nnova)]);
		const char *path = i < nnova ? nova[i][1] : user->v[2 * (i - nnova) + 1];
		_cleanup_free_ char *expr = i < nnova ? xstrdup(path) : xasprintf("string(%s)", path);
		xmlXPathObject *r = xmlXPathEvalExpression((const xmlChar *)expr, x);
		if (r && r->type == XPATH_STRING && r->stringval && *r->stringval)
			hv_labels_add(&dc->info, key, (const char *)r->stringval);
		xmlXPathFreeObject(r);
	}
	xmlXPathFreeContext(x);
}

/* The domain's XML into dc. */
static void read_config(virDomainPtr dom, struct devcache *dc, const struct strv *metadata)
{
	char *xml = virDomainGetXMLDesc(dom, 0);
	if (!xml)
		return;
	xmlDoc *doc = xmlReadMemory(xml, (int)strlen(xml), "domain.xml", NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	free(xml);
	xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
	if (!root) {
		xmlFreeDoc(doc);
		return;
	}
	const xmlNode *type = child(child(root, "os"), "type");
	text_pair(&dc->info, "os_type", type);
	attr_pair(&dc->info, "arch", type, "arch");
	attr_pair(&dc->info, "machine", type, "machine");
	for (const xmlNode *devs = root->children; devs; devs = devs->next)
		for (const xmlNode *dev = is(devs, "devices") ? devs->children : NULL; dev; dev = dev->next) {
			if (is(dev, "disk"))
				read_disk(dc, dev);
			else if (is(dev, "interface"))
				read_interface(dc, dev);
		}
	read_metadata(dc, doc, metadata);
	xmlFreeDoc(doc);
}

static struct devcache *cache_lookup(struct lv *lv, virDomainPtr dom, const struct hv_domain *d, size_t pos)
{
	if (pos < lv->ndc_at && lv->dc_at[pos] < lv->ndc && dc_cmp(d->uuid, d->id, &lv->dc[lv->dc_at[pos]]) == 0)
		return &lv->dc[lv->dc_at[pos]];
	if (pos >= lv->ndc_at) {
		lv->dc_at = xrealloc(lv->dc_at, (pos + 1) * sizeof(*lv->dc_at));
		for (size_t i = lv->ndc_at; i <= pos; i++)
			lv->dc_at[i] = (size_t)-1;
		lv->ndc_at = pos + 1;
	}
	size_t lo = 0;
	struct devcache *found = dc_find(lv, d, &lo);
	if (found) {
		lv->dc_at[pos] = (size_t)(found - lv->dc);
		return found;
	}
	lv->dc_at[pos] = lo;
	lv->dc = xrealloc(lv->dc, (lv->ndc + 1) * sizeof(*lv->dc));
	memmove(&lv->dc[lo + 1], &lv->dc[lo], (lv->ndc - lo) * sizeof(*lv->dc));
	lv->ndc++;
	struct devcache *dc = &lv->dc[lo];
	memset(dc, 0, sizeof(*dc));
	snprintf(dc->uuid, sizeof(dc->uuid), "%s", d->uuid);
	dc->id = d->id;
	read_config(dom, dc, lv->metadata);
	return dc;
}

struct devcache *lv_devices_of(struct lv *lv, virDomainPtr dom, const struct hv_domain *d, size_t pos)
{
	struct devcache *dc = cache_lookup(lv, dom, d, pos);
	dc->used = lv->dc_gen;
	return dc;
}

static void copy_labels(struct hv_labels *dst, const struct hv_labels *src)
{
	hv_labels_free(dst);
	for (size_t i = 0; i < src->n; i++)
		hv_labels_add(dst, src->v[2 * i], src->v[2 * i + 1]);
}

void lv_fill_info(struct lv *lv, virDomainPtr dom, struct hv_domain *d, size_t pos)
{
	const struct devcache *dc = lv_devices_of(lv, dom, d, pos);
	copy_labels(&d->info, &dc->info);
	d->guest_type = hv_guest_type(hv_labels_get(&dc->info, "os_type"));
	for (size_t i = 0; i < d->nnet; i++)
		for (size_t k = 0; d->net[i].name && k < dc->nets.n; k++)
			if (strcmp(d->net[i].name, dc->nets.v[k]) == 0)
				copy_labels(&d->net[i].info, &dc->net_info[k]);
	for (size_t i = 0; i < d->nblk; i++)
		for (size_t k = 0; d->blk[i].name && k < dc->disks.n; k++)
			if (strcmp(d->blk[i].name, dc->disks.v[k]) == 0)
				copy_labels(&d->blk[i].info, &dc->disk_info[k]);
}

/* One listing of the running domains that are not defined (few, on most
 * hosts) answers for all: a call per domain would cost a round trip each
 * sample. */
void lv_fill_persistence(virConnectPtr conn, struct hv_snapshot *snap, const size_t *slot, int n)
{
	virDomainPtr *doms = NULL;
	int nt = virConnectListAllDomains(conn, &doms, VIR_CONNECT_LIST_DOMAINS_ACTIVE | VIR_CONNECT_LIST_DOMAINS_TRANSIENT);
	if (nt < 0)
		return;
	struct strv transient = { 0 };
	for (int i = 0; i < nt; i++) {
		char uuid[VIR_UUID_STRING_BUFLEN];
		if (virDomainGetUUIDString(doms[i], uuid) == 0)
			strv_push(&transient, uuid);
		virDomainFree(doms[i]);
	}
	free(doms);
	for (int i = 0; i < n; i++) {
		struct hv_domain *d = &snap->dom[slot[i]];
		if (!d->uuid[0])
			continue;
		d->persistent = !strv_contains(&transient, d->uuid);
		d->have |= HV_HAVE_PERSISTENT;
	}
	strv_free(&transient);
}

static void devcache_free(struct devcache *dc)
{
	for (size_t k = 0; k < dc->disks.n; k++)
		hv_labels_free(&dc->disk_info[k]);
	for (size_t k = 0; k < dc->nets.n; k++)
		hv_labels_free(&dc->net_info[k]);
	free(dc->disk_info);
	free(dc->net_info);
	strv_free(&dc->disks);
	strv_free(&dc->nets);
	hv_labels_free(&dc->info);
}

void lv_devcache_clear(struct lv *lv)
{
	for (size_t i = 0; i < lv->ndc; i++)
		devcache_free(&lv->dc[i]);
	free(lv->dc);
	lv->dc = NULL;
	lv->ndc = 0;
}

void lv_devcache_prune(struct lv *lv)
{
	size_t kept = 0;
	for (size_t i = 0; i < lv->ndc; i++) {
		if (lv->dc[i].used == lv->dc_gen)
			lv->dc[kept++] = lv->dc[i];
		else
			devcache_free(&lv->dc[i]);
	}
	lv->ndc = kept;
	/* Positions point at moved entries now; a stale one is checked and
	 * looked up again. */
	for (size_t i = 0; i < lv->ndc_at; i++)
		lv->dc_at[i] = (size_t)-1;
	lv->dc_gen++;
}

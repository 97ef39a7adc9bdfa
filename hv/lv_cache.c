/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What each domain's XML says, parsed once while it runs and cached by
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

#include "hv/lv_cache.h"

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

static void read_disk(struct lv_dev *dc, const xmlNode *disk)
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

static void read_interface(struct lv_dev *dc, const xmlNode *nic)
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
static void read_metadata(struct lv_dev *dc, xmlDoc *doc, const struct strv *user)
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

void lv_dev_parse(struct lv_dev *dc, const char *xml, const struct strv *metadata)
{
	xmlDoc *doc = xml ? xmlReadMemory(xml, (int)strlen(xml), "domain.xml", NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)
			  : NULL;
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

void lv_dev_free(struct lv_dev *dc)
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
	memset(dc, 0, sizeof(*dc));
}

static int dc_cmp(const char *uuid, int id, const struct lv_dev *e)
{
	int c = strcmp(uuid, e->uuid);
	return c ? c : (id > e->id) - (id < e->id);
}

/* Every domain is looked up every sample: a binary search.  The entry of
 * (uuid, id), or NULL with *at where it would go. */
static struct lv_dev *dc_find(const struct lv_devcache *dc, const char *uuid, int id, size_t *at)
{
	size_t lo = 0, hi = dc->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = dc_cmp(uuid, id, &dc->v[mid]);
		if (c == 0)
			return &dc->v[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	*at = lo;
	return NULL;
}

/* Room in dc->at for position pos. */
static void at_room(struct lv_devcache *dc, size_t pos)
{
	if (pos < dc->nat)
		return;
	dc->at = xrealloc(dc->at, (pos + 1) * sizeof(*dc->at));
	for (size_t i = dc->nat; i <= pos; i++)
		dc->at[i] = (size_t)-1;
	dc->nat = pos + 1;
}

struct lv_dev *lv_devcache_get(struct lv_devcache *dc, const char *uuid, int id, size_t pos)
{
	struct lv_dev *e = NULL;
	size_t lo = 0;
	if (pos < dc->nat && dc->at[pos] < dc->n && dc_cmp(uuid, id, &dc->v[dc->at[pos]]) == 0)
		e = &dc->v[dc->at[pos]];
	else if ((e = dc_find(dc, uuid, id, &lo)) != NULL) {
		at_room(dc, pos);
		dc->at[pos] = (size_t)(e - dc->v);
	}
	if (e)
		e->used = dc->gen;
	return e;
}

struct lv_dev *lv_devcache_put(struct lv_devcache *dc, size_t pos, struct lv_dev *take)
{
	size_t lo = 0;
	struct lv_dev *e = dc_find(dc, take->uuid, take->id, &lo);
	if (e) { /* asked twice in one sample: the first answer holds */
		lv_dev_free(take);
	} else {
		dc->v = xrealloc(dc->v, (dc->n + 1) * sizeof(*dc->v));
		memmove(&dc->v[lo + 1], &dc->v[lo], (dc->n - lo) * sizeof(*dc->v));
		dc->n++;
		e = &dc->v[lo];
		*e = *take;
		memset(take, 0, sizeof(*take));
		/* Positions after lo point one entry short now: checked on use. */
	}
	at_room(dc, pos);
	dc->at[pos] = (size_t)(e - dc->v);
	e->used = dc->gen;
	return e;
}

void lv_devcache_clear(struct lv_devcache *dc)
{
	for (size_t i = 0; i < dc->n; i++)
		lv_dev_free(&dc->v[i]);
	free(dc->v);
	dc->v = NULL;
	dc->n = 0;
}

void lv_devcache_prune(struct lv_devcache *dc)
{
	size_t kept = 0;
	for (size_t i = 0; i < dc->n; i++) {
		if (dc->v[i].used == dc->gen)
			dc->v[kept++] = dc->v[i];
		else
			lv_dev_free(&dc->v[i]);
	}
	dc->n = kept;
	/* Positions point at moved entries now; a stale one is checked and
	 * looked up again. */
	for (size_t i = 0; i < dc->nat; i++)
		dc->at[i] = (size_t)-1;
	dc->gen++;
}

void lv_devcache_free(struct lv_devcache *dc)
{
	lv_devcache_clear(dc);
	free(dc->at);
	dc->at = NULL;
	dc->nat = 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libvirt domain XML (/etc/libvirt/qemu, /etc/libvirt/libxl), read with
 * the meanings Xen's files have: memory is <currentMemory> (what the guest
 * boots with, Xen's memory=) and maxmem <memory>; vCPUs are <vcpu> (the
 * most, Xen's maxvcpus) and its current= (at boot). */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <stdlib.h>
#include <strings.h>

#include "core/root.h"
#include "core/secret.h"
#include "probe/guest_xml.h"
#include "probe/xenspec.h"

static const char *xml_text(xmlNode *n)
{
	return n && n->children && n->children->type == XML_TEXT_NODE ? (const char *)n->children->content : NULL;
}

static xmlNode *xml_child(xmlNode *n, const char *name)
{
	for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
			return c;
	return NULL;
}

static char *prop(xmlNode *n, const char *name)
{
	xmlChar *v = n ? xmlGetProp(n, (const xmlChar *)name) : NULL;
	char *s = v ? xstrdup((const char *)v) : NULL;
	xmlFree(v);
	return s;
}

/* libvirt's scaled integers: a whole number of bytes times the unit (b or
 * bytes; k, M, G, T, P, E alone or with iB powers of 1024, with B powers of
 * 1000; KiB when none).  0 and *mib, or a message naming what is wrong: a
 * size that does not fit is refused, never wrapped. */
static char *bytes_from(const char *text, const char *unit, unsigned long long *out)
{
	static const char powers[] = "kmgtpe";
	unsigned long long base = 1024, power = 1, v, bytes;
	if (unit && *unit && (!strcasecmp(unit, "b") || !strcasecmp(unit, "bytes"))) {
		power = 0;
	} else if (unit && *unit) {
		const char *p = strchr(powers, tolower((unsigned char)unit[0]));
		if (!p)
			return xasprintf("unit '%s' is not one libvirt knows", unit);
		power = (unsigned long long)(p - powers) + 1;
		if (!strcasecmp(unit + 1, "B"))
			base = 1000;
		else if (unit[1] && strcasecmp(unit + 1, "iB"))
			return xasprintf("unit '%s' is not one libvirt knows", unit);
	}
	char *end = NULL;
	errno = 0;
	const char *t = text;
	while (isspace((unsigned char)*t))
		t++;
	v = strtoull(t, &end, 10);
	if (*t == '-' || !isdigit((unsigned char)*t) || errno || !end || *str_strip(end))
		return xasprintf("'%s' is not a whole number", text);
	bytes = v;
	for (unsigned long long i = 0; i < power; i++)
		if (__builtin_mul_overflow(bytes, base, &bytes))
			return xasprintf("%s %s is too large", text, unit && *unit ? unit : "KiB");
	*out = bytes;
	return NULL;
}

static char *mib_from(const char *text, const char *unit, long long *mib)
{
	unsigned long long bytes = 0;
	char *why = bytes_from(text, unit, &bytes);
	if (why)
		return why;
	if (bytes / (1024 * 1024) > (unsigned long long)LLONG_MAX)
		return xasprintf("%s %s is too large", text, unit && *unit ? unit : "KiB");
	*mib = (long long)(bytes / (1024 * 1024));
	return NULL;
}

/* The size in MiB, or -1: absent, or refused (recorded in errors). */
static long long memory_of(struct guests *gs, const char *path, xmlNode *root, const char *element)
{
	xmlNode *mem = xml_child(root, element);
	if (!xml_text(mem))
		return -1;
	_cleanup_free_ char *unit = prop(mem, "unit");
	_cleanup_free_ char *text = xstrdup(xml_text(mem));
	long long mib = -1;
	char *why = mib_from(text, unit, &mib);
	if (why) {
		strv_push_take(&gs->errors, xasprintf("%s:%d: <%s>: %s", path, mem->line, element, why));
		free(why);
		return -1;
	}
	return mib;
}

/* <memoryBacking><hugepages/> backs the whole <memory> with the host's
 * default huge page size; a <page size= unit=> without nodeset names
 * another (libvirt's formatdomain, "Memory Backing"); with nodeset only,
 * the first one's size stands for the guest. */
static void hugepages_of(struct guests *gs, const char *path, xmlNode *root, struct guest *g)
{
	xmlNode *hp = xml_child(xml_child(root, "memoryBacking"), "hugepages");
	if (!hp)
		return;
	g->hugepage_kib = -1;
	xmlNode *pick = NULL;
	for (xmlNode *c = hp->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "page"))
			continue;
		_cleanup_free_ char *nodeset = prop(c, "nodeset");
		if (!pick || !nodeset)
			pick = c;
		if (!nodeset)
			break;
	}
	_cleanup_free_ char *size = prop(pick, "size"), *unit = prop(pick, "unit");
	if (!size)
		return;
	unsigned long long bytes = 0;
	char *why = bytes_from(size, unit, &bytes);
	if (!why && (bytes < 4096 || bytes / 1024 > (unsigned long long)LLONG_MAX))
		why = xasprintf("%s %s is no page size", size, unit && *unit ? unit : "KiB");
	if (why) {
		strv_push_take(&gs->errors, xasprintf("%s:%d: <page size='%s'>: %s", path, pick->line, size, why));
		free(why);
		return;
	}
	g->hugepage_kib = (long long)(bytes / 1024);
}

/* <numatune><memory mode= nodeset=>: strict (the default), interleave and
 * restrictive keep the guest's memory on those nodes; preferred may fall
 * back to others. */
static void numatune_of(xmlNode *root, struct guest *g)
{
	xmlNode *mem = xml_child(xml_child(root, "numatune"), "memory");
	_cleanup_free_ char *mode = prop(mem, "mode"), *nodeset = prop(mem, "nodeset");
	if (nodeset && (!mode || strcmp(mode, "preferred")))
		g->numa_nodeset = xstrdup(nodeset);
}

static void disk_of(xmlNode *d, struct guest *g)
{
	xmlNode *src = xml_child(d, "source");
	if (!src)
		return; /* an empty CD-ROM drive */
	_cleanup_free_ char *type = prop(d, "type"), *file = prop(src, "file"), *dev = prop(src, "dev"),
			    *dir = prop(src, "dir"), *protocol = prop(src, "protocol"), *name = prop(src, "name"),
			    *pool = prop(src, "pool"), *volume = prop(src, "volume");
	if (file || dev || dir) {
		strv_push(&g->disks, file ? file : dev ? dev : dir);
	} else if (protocol) {
		strv_push_take(&g->remote_disks, xspec_remote_name(protocol, name ? name : ""));
	} else if (pool && volume) {
		strv_push_take(&g->remote_disks, xasprintf("volume:%s/%s", pool, volume));
	}
}

/* <cpu mode=...>: host-passthrough and maximum give the guest the host's
 * CPU as KVM offers it, vmx/svm included when nested is on; host-model
 * copies vmx/svm too (libvirt 2.x on); a custom model passes it through
 * only with <feature name='vmx|svm'> required or forced. */
static void cpu_of(xmlNode *root, struct guest *g)
{
	xmlNode *cpu = xml_child(root, "cpu");
	if (!cpu)
		return;
	_cleanup_free_ char *mode = prop(cpu, "mode");
	if (mode && (!strcmp(mode, "host-passthrough") || !strcmp(mode, "maximum") || !strcmp(mode, "host-model"))) {
		g->nested = true;
		return;
	}
	for (xmlNode *c = cpu->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "feature"))
			continue;
		_cleanup_free_ char *name = prop(c, "name"), *policy = prop(c, "policy");
		if (name && (!strcmp(name, "vmx") || !strcmp(name, "svm")) && (!policy || !strcmp(policy, "require") || !strcmp(policy, "force")))
			g->nested = true;
	}
}

/* <launchSecurity type='sev'> with <policy> bit 2 (0x4) asks for SEV-ES
 * (libvirt formatdomain, "Launch Security"; AMD's SEV API, guest policy). */
static void launch_security_of(xmlNode *root, struct guest *g)
{
	xmlNode *ls = xml_child(root, "launchSecurity");
	_cleanup_free_ char *type = prop(ls, "type");
	if (!type)
		return;
	const char *policy = xml_text(xml_child(ls, "policy"));
	unsigned long long bits = policy ? strtoull(policy, NULL, 0) : 0;
	g->launch_security = xstrdup(!strcmp(type, "sev") && (bits & 0x4) ? "sev-es" : type);
}

/* <cputune><vcpupin vcpu='N' cpuset='...'/><emulatorpin cpuset='...'/> */
static void pins_of(xmlNode *root, struct guest *g)
{
	xmlNode *tune = xml_child(root, "cputune");
	for (xmlNode *c = tune ? tune->children : NULL; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		_cleanup_free_ char *cpuset = prop(c, "cpuset"), *vcpu = prop(c, "vcpu");
		if (!cpuset)
			continue;
		if (!strcmp((const char *)c->name, "vcpupin") && vcpu)
			strv_push_take(&g->pins, xasprintf("vcpu %s:%s", vcpu, cpuset));
		else if (!strcmp((const char *)c->name, "emulatorpin"))
			strv_push_take(&g->pins, xasprintf("emulator:%s", cpuset));
	}
}

static void devices_of(xmlNode *root, struct guest *g)
{
	xmlNode *devs = xml_child(root, "devices");
	for (xmlNode *d = devs ? devs->children : NULL; d; d = d->next) {
		if (d->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp((const char *)d->name, "disk") == 0) {
			disk_of(d, g);
		} else if (strcmp((const char *)d->name, "interface") == 0) {
			_cleanup_free_ char *a = prop(xml_child(d, "mac"), "address");
			if (a)
				strv_push(&g->macs, a);
		} else if (strcmp((const char *)d->name, "vsock") == 0) {
			g->vsock = true;
		}
	}
}

/* libvirt keeps vCPU counts in an unsigned int: anything else is refused. */
static void vcpus_of(struct guests *gs, const char *path, xmlNode *root, struct guest *g)
{
	xmlNode *vcpu = xml_child(root, "vcpu");
	if (!xml_text(vcpu))
		return;
	_cleanup_free_ char *text = xstrdup(xml_text(vcpu));
	_cleanup_free_ char *current = prop(vcpu, "current");
	long long n = 0, on = 0;
	if (str_to_ll_range(str_strip(text), 1, UINT_MAX, &n) < 0) {
		strv_push_take(&gs->errors, xasprintf("%s:%d: <vcpu>: '%s' is not a vCPU count (1 to %u)", path, vcpu->line, text, UINT_MAX));
		g->vcpus = g->vcpus_online = -1; /* unknown, not a default */
		return;
	}
	g->vcpus = g->vcpus_online = n;
	if (!current)
		return;
	if (str_to_ll_range(str_strip(current), 1, n, &on) < 0)
		strv_push_take(&gs->errors, xasprintf("%s:%d: <vcpu current='%s'>: not a count from 1 to %lld", path, vcpu->line, current, n));
	else
		g->vcpus_online = on;
}

static xmlDoc *parse(struct probe_ctx *ctx, struct guests *gs, const char *path)
{
	struct buf text = BUF_INIT;
	struct err e = ERR_INIT;
	if (root_read(ctx->root, path, 4u << 20, &text, &e) < 0) {
		strv_push_take(&gs->skipped, xasprintf("%s: %s", path, err_msg(&e)));
		err_clear(&e);
		buf_free(&text);
		return NULL;
	}
	enum sniff s = sniff_content(text.s ? text.s : "", text.len);
	if (s != SNIFF_TEXT) {
		strv_push_take(&gs->skipped, xasprintf("%s: %s", path, sniff_name(s)));
		buf_free(&text);
		return NULL;
	}
	strv_push(&gs->configs, path);
	xmlResetLastError();
	xmlDoc *doc = xmlReadMemory(text.s ? text.s : "", (int)text.len, path, NULL,
				    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	buf_free(&text);
	if (!doc) {
		const xmlError *xe = xmlGetLastError();
		if (xe) {
			_cleanup_free_ char *msg = xstrdup(xe->message ? xe->message : "malformed XML");
			strv_push_take(&gs->errors, xasprintf("%s:%d:%d: %s", path, xe->line, xe->int2, str_strip(msg)));
		} else {
			strv_push_take(&gs->errors, xasprintf("%s: malformed XML", path));
		}
	}
	return doc;
}

int guest_read_libvirt(struct probe_ctx *ctx, struct guests *gs, const char *path, struct guest *g)
{
	xmlDoc *doc = parse(ctx, gs, path);
	if (!doc)
		return 0;
	xmlNode *root = xmlDocGetRootElement(doc);
	const char *name = xml_text(xml_child(root, "name"));
	if (!root || strcmp((const char *)root->name, "domain") != 0 || !name) {
		strv_push_take(&gs->errors, xasprintf("%s:%d: not a libvirt <domain> with a <name>", path, root ? root->line : 1));
		xmlFreeDoc(doc);
		return 0;
	}
	guest_init(g, path);
	g->name = xstrdup(name);
	const char *uuid = xml_text(xml_child(root, "uuid"));
	if (uuid) {
		g->uuid = guest_uuid_canonical(uuid);
		if (!g->uuid)
			strv_push_take(&gs->errors, xasprintf("%s: <uuid> is not a UUID (32 hexadecimal digits)", path));
	}
	vcpus_of(gs, path, root, g);
	size_t nerr = gs->errors.n;
	long long max = memory_of(gs, path, root, "memory"), cur = memory_of(gs, path, root, "currentMemory");
	if (max >= 0)
		g->memory_mib = g->maxmem_mib = max;
	if (cur >= 0)
		g->memory_mib = cur;
	if (gs->errors.n > nerr)
		g->memory_mib = g->maxmem_mib = -1; /* unknown, not a default */
	hugepages_of(gs, path, root, g);
	numatune_of(root, g);
	cpu_of(root, g);
	pins_of(root, g);
	launch_security_of(root, g);
	devices_of(root, g);
	xmlFreeDoc(doc);
	return 1;
}

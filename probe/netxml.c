/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A libvirt network's XML read for its bridge.  Built into the module
 * probe-xml.so with the domain XML reader, so that libxml2 (and the ICU it
 * brings) loads only where there is XML to read. */
#include "probe/netxml.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <string.h>

void netxml_bridges(const char *text, const char *path,
		    void (*found)(void *arg, const char *bridge, const char *path, unsigned line), void *arg)
{
	xmlDoc *doc = xmlReadMemory(text, (int)strlen(text), path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	xmlNode *top = doc ? xmlDocGetRootElement(doc) : NULL;
	if (top && strcmp((const char *)top->name, "network") == 0)
		for (xmlNode *c = top->children; c; c = c->next) {
			if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "bridge") != 0)
				continue;
			xmlChar *br = xmlGetProp(c, (const xmlChar *)"name");
			if (br)
				found(arg, (const char *)br, path, (unsigned)xmlGetLineNo(c));
			xmlFree(br);
		}
	xmlFreeDoc(doc);
}

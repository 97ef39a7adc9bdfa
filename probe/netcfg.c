/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Bridges from a root file system's network configuration, read the way
 * each tool that would create them at boot reads it:
 * - ifupdown, interfaces(5): "iface NAME FAMILY METHOD" stanzas whose
 *   options include bridge_ports (bridge-utils' hook; ifupdown2 and
 *   ifupdown-ng spell it bridge-ports), with "source GLOB" and
 *   "source-directory DIR" followed;
 * - systemd-networkd, systemd.netdev(5): [NetDev] Kind=bridge, Name=, from
 *   /etc, /run and /usr/lib/systemd/network, an earlier directory's file
 *   hiding a later one of the same name and an empty one masking it;
 * - NetworkManager's keyfiles, nm-settings-keyfile(5): [connection]
 *   type=bridge, interface-name=;
 * - RHEL's initscripts (and NM's ifcfg-rh): ifcfg-NAME with TYPE=Bridge,
 *   DEVICE= (else NAME); SUSE's /etc/sysconfig/network/ifcfg-NAME with
 *   BRIDGE='yes';
 * - netplan: network: bridges: NAME (Ubuntu images hold only these: the
 *   networkd or NetworkManager files are generated at boot);
 * - libvirt's networks that autostart (their <bridge name=...>). */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "core/module.h"
#include "core/root.h"
#include "probe/netcfg.h"
#include "probe/netxml.h"

/* Network configuration files are small; a larger one is not one. */
#define NETCFG_FILE_MAX (1u << 20)
/* source loops and fan-outs end here. */
#define NETCFG_DEPTH_MAX 8
#define NETCFG_FILES_MAX 512

static void add_bridge(struct netcfg *nc, const char *name, const char *path, unsigned line, const char *how)
{
	if (!*name || netcfg_find(nc, name))
		return;
	nc->v = xrealloc(nc->v, (nc->n + 1) * sizeof(*nc->v));
	nc->v[nc->n].name = xstrdup(name);
	nc->v[nc->n].where = xasprintf("%s:%u", path, line);
	nc->v[nc->n].how = how;
	nc->n++;
}

/* The whole file, NUL-terminated, noted as read; -errno when it is not
 * there or too large. */
static int read_cfg(const char *root, const char *path, struct netcfg *nc, struct buf *b)
{
	if (nc->read.n >= NETCFG_FILES_MAX)
		return -E2BIG;
	buf_reset(b);
	int r = root_read(root, path, NETCFG_FILE_MAX, b, NULL);
	if (r < 0)
		return r;
	buf_grow(b, 0);
	strv_push(&nc->read, path);
	return 0;
}

/* Backup and package-manager copies that NetworkManager and initscripts
 * pass over in their configuration directories. */
static bool ignored_name(const char *n)
{
	static const char *const suffixes[] = { "~", ".bak", ".orig", ".rej", ".swp", ".tmp", ".old", ".rpmnew", ".rpmsave", ".rpmorig",
						".dpkg-old", ".dpkg-dist", ".dpkg-new", ".dpkg-bak", ".ucf-old", ".ucf-dist" };
	if (n[0] == '.')
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(suffixes); i++)
		if (str_ends(n, suffixes[i]))
			return true;
	return false;
}

/* Line by line through text (modified in place): the next line, its
 * number counted from 1, or NULL at the end. */
struct lines {
	char *p;
	unsigned no;
};

static char *next_line(struct lines *it)
{
	if (!it->p || !*it->p)
		return NULL;
	char *l = it->p;
	char *nl = strchr(l, '\n');
	it->p = nl ? nl + 1 : NULL;
	if (nl)
		*nl = '\0';
	it->no++;
	return l;
}

/* The value of key in [sect] of an INI-style text (systemd's units,
 * NetworkManager's keyfiles): the last assignment, as both read it, and
 * its line; NULL when none. */
static char *ini_value(const char *text, const char *sect, const char *key, unsigned *lineno)
{
	char *val = NULL;
	bool in = false;
	unsigned no = 0;
	size_t sl = strlen(sect);
	for (const char *p = text; *p;) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		_cleanup_free_ char *line = xstrndup(p, n);
		char *l = str_strip(line);
		no++;
		p = e ? e + 1 : p + n;
		if (*l == '[') {
			in = strncmp(l + 1, sect, sl) == 0 && l[1 + sl] == ']';
			continue;
		}
		char *eq = strchr(l, '=');
		if (!in || *l == '#' || *l == ';' || !eq)
			continue;
		*eq = '\0';
		if (strcmp(str_strip(l), key) == 0) {
			free(val);
			val = xstrdup(str_strip(eq + 1));
			*lineno = no;
		}
	}
	return val;
}

/* --- ifupdown ------------------------------------------------------------ */

static void ifupdown_file(const char *root, const char *path, struct netcfg *nc, int depth);

/* "source GLOB" (a pattern in its last component) or "source-directory
 * DIR" (the files whose names are letters, digits, _ and -), a relative
 * path taken from the including file's directory. */
static void ifupdown_source(const char *root, const char *from, const char *arg, bool directory, struct netcfg *nc, int depth)
{
	_cleanup_free_ char *fromdir = path_dir(from);
	_cleanup_free_ char *full = arg[0] == '/' ? xstrdup(arg) : xasprintf("%s/%s", fromdir, arg);
	_cleanup_free_ char *dir = directory ? xstrdup(full) : path_dir(full);
	const char *pat = directory ? "*" : strrchr(full, '/') + 1;
	if (!directory && !strpbrk(pat, "*?[")) {
		ifupdown_file(root, full, nc, depth + 1);
		return;
	}
	if (strpbrk(dir, "*?["))
		return; /* wildcards above the last component: not seen in the wild */
	struct strv names = { 0 };
	root_list_dir(root, dir, &names);
	for (size_t i = 0; i < names.n; i++) {
		const char *n = names.v[i];
		if (directory ? strspn(n, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") != strlen(n)
			      : fnmatch(pat, n, FNM_PERIOD) != 0)
			continue;
		_cleanup_free_ char *p = xasprintf("%s/%s", strcmp(dir, "/") ? dir : "", n);
		if (!root_is_dir(root, p))
			ifupdown_file(root, p, nc, depth + 1);
	}
	strv_free(&names);
}

static void ifupdown_file(const char *root, const char *path, struct netcfg *nc, int depth)
{
	struct buf b = BUF_INIT;
	if (depth > NETCFG_DEPTH_MAX || read_cfg(root, path, nc, &b) < 0) {
		buf_free(&b);
		return;
	}
	struct lines it = { b.s, 0 };
	const char *iface = NULL;
	unsigned iface_line = 0;
	for (char *line; (line = next_line(&it));) {
		char *l = str_strip(line);
		if (!*l || *l == '#')
			continue;
		char *arg = l + strcspn(l, " \t");
		if (*arg)
			*arg++ = '\0';
		arg = str_strip(arg);
		if (strcmp(l, "iface") == 0) {
			arg[strcspn(arg, " \t")] = '\0';
			iface = arg;
			iface_line = it.no;
		} else if (strcmp(l, "source") == 0 || strcmp(l, "source-directory") == 0 || strcmp(l, "source-dir") == 0) {
			iface = NULL;
			if (*arg)
				ifupdown_source(root, path, arg, strcmp(l, "source") != 0, nc, depth);
		} else if (strcmp(l, "auto") == 0 || strcmp(l, "mapping") == 0 || strcmp(l, "rename") == 0 ||
			   str_starts(l, "allow-")) {
			iface = NULL;
		} else if (iface && (strcmp(l, "bridge_ports") == 0 || strcmp(l, "bridge-ports") == 0)) {
			add_bridge(nc, iface, path, iface_line, "ifupdown");
		}
	}
	buf_free(&b);
}

/* --- systemd-networkd, NetworkManager, ifcfg --------------------------- */

/* Each file of the directories (earlier ones hiding a later one's file of
 * the same name), passed to fn with its text. */
typedef void (*cfg_fn)(const char *root, const char *path, const char *name, char *text, struct netcfg *nc);

static void each_file(const char *root, const char *const *dirs, const char *prefix, const char *suffix, cfg_fn fn,
		      struct netcfg *nc)
{
	struct strv seen = { 0 };
	struct buf b = BUF_INIT;
	for (size_t d = 0; dirs[d]; d++) {
		struct strv names = { 0 };
		root_list_dir(root, dirs[d], &names);
		for (size_t i = 0; i < names.n; i++) {
			const char *n = names.v[i];
			if (!str_starts(n, prefix) || (suffix && !str_ends(n, suffix)) || ignored_name(n) || strv_contains(&seen, n))
				continue;
			strv_push(&seen, n);
			_cleanup_free_ char *p = xasprintf("%s/%s", dirs[d], n);
			if (!root_is_dir(root, p) && read_cfg(root, p, nc, &b) == 0)
				fn(root, p, n, b.s, nc);
		}
		strv_free(&names);
	}
	strv_free(&seen);
	buf_free(&b);
}

static void networkd_netdev(const char *root, const char *path, const char *name, char *text, struct netcfg *nc)
{
	(void)root;
	(void)name;
	unsigned kl = 0, nl = 0;
	_cleanup_free_ char *kind = ini_value(text, "NetDev", "Kind", &kl);
	_cleanup_free_ char *ifname = ini_value(text, "NetDev", "Name", &nl);
	if (kind && ifname && strcmp(kind, "bridge") == 0)
		add_bridge(nc, ifname, path, kl, "systemd-networkd");
}

/* NetworkManager refuses a keyfile that others than its owner may read
 * or write ("File permissions ... are insecure"); the owner must be root
 * too, which an image's files are, and a test tree's may not be. */
static void nm_keyfile(const char *root, const char *path, const char *name, char *text, struct netcfg *nc)
{
	(void)name;
	unsigned tl = 0, il = 0;
	_cleanup_free_ char *type = ini_value(text, "connection", "type", &tl);
	_cleanup_free_ char *ifname = ini_value(text, "connection", "interface-name", &il);
	if (!type || !ifname || strcmp(type, "bridge") != 0)
		return;
	struct stat st;
	int fd = root_open(root, path, O_RDONLY);
	bool loose = fd >= 0 && fstat(fd, &st) == 0 && (st.st_mode & 0077);
	if (fd >= 0)
		close(fd);
	if (!loose) {
		add_bridge(nc, ifname, path, tl, "NetworkManager");
		return;
	}
	/* the read list is the evidence: say why this one defines nothing */
	free(nc->read.v[nc->read.n - 1]);
	nc->read.v[nc->read.n - 1] = xasprintf("%s (mode %04o: NetworkManager refuses a keyfile others may read)", path,
					       (unsigned)(st.st_mode & 07777));
}

/* A shell assignment's value without its quotes. */
static char *shell_value(char *v)
{
	size_t n = strlen(v);
	if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
		v[n - 1] = '\0';
		v++;
	}
	return v;
}

static void ifcfg_file(const char *root, const char *path, const char *name, char *text, struct netcfg *nc)
{
	(void)root;
	const char *device = name + strlen("ifcfg-");
	unsigned type_line = 0;
	struct lines it = { text, 0 };
	for (char *line; (line = next_line(&it));) {
		char *l = str_strip(line);
		char *eq = strchr(l, '=');
		if (*l == '#' || !eq)
			continue;
		*eq = '\0';
		char *v = shell_value(str_strip(eq + 1));
		if (strcmp(l, "TYPE") == 0)
			type_line = strcasecmp(v, "Bridge") == 0 ? it.no : 0;
		else if (strcmp(l, "BRIDGE") == 0 && strcasecmp(v, "yes") == 0)
			type_line = it.no; /* SUSE's; RHEL's BRIDGE=NAME makes a port */
		else if (strcmp(l, "DEVICE") == 0 && *v)
			device = v;
	}
	if (type_line)
		add_bridge(nc, device, path, type_line, "ifcfg");
}

/* --- netplan --------------------------------------------------------------- */

static yaml_node_t *yaml_map_get(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(doc, p->key);
		if (k && k->type == YAML_SCALAR_NODE && strcmp((const char *)k->data.scalar.value, key) == 0)
			return yaml_document_get_node(doc, p->value);
	}
	return NULL;
}

/* netplan(5): network: bridges: NAME: ..., which netplan generate turns
 * into systemd-networkd or NetworkManager files at boot (so an Ubuntu
 * image holds only these). */
static void netplan_file(const char *root, const char *path, const char *name, char *text, struct netcfg *nc)
{
	(void)root;
	(void)name;
	yaml_parser_t parser;
	yaml_document_t doc;
	if (!yaml_parser_initialize(&parser))
		return;
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, strlen(text));
	if (yaml_parser_load(&parser, &doc)) {
		yaml_node_t *bridges = yaml_map_get(&doc, yaml_map_get(&doc, yaml_document_get_root_node(&doc), "network"), "bridges");
		if (bridges && bridges->type == YAML_MAPPING_NODE)
			for (yaml_node_pair_t *p = bridges->data.mapping.pairs.start; p < bridges->data.mapping.pairs.top; p++) {
				yaml_node_t *k = yaml_document_get_node(&doc, p->key);
				if (k && k->type == YAML_SCALAR_NODE)
					add_bridge(nc, (const char *)k->data.scalar.value, path, (unsigned)k->start_mark.line + 1, "netplan");
			}
		yaml_document_delete(&doc);
	}
	yaml_parser_delete(&parser);
}

/* --- libvirt's networks ------------------------------------------------- */

static void found_bridge(void *arg, const char *bridge, const char *path, unsigned line)
{
	add_bridge(arg, bridge, path, line, "libvirt network, autostarted");
}

/* libxml2 only where there is a network to read; without the module the
 * file is passed over, as one that does not parse is. */
static void libvirt_network(const char *root, const char *path, const char *name, char *text, struct netcfg *nc)
{
	(void)root;
	(void)name;
	__typeof__(&netxml_bridges) bridges = MODULE_FN("probe-xml", netxml_bridges, NULL);
	if (bridges)
		bridges(text, path, found_bridge, nc);
}

void netcfg_read(const char *root, struct netcfg *nc)
{
	static const char *const networkd[] = { "/etc/systemd/network", "/run/systemd/network", "/usr/lib/systemd/network",
						"/lib/systemd/network", NULL };
	static const char *const nm[] = { "/etc/NetworkManager/system-connections", "/run/NetworkManager/system-connections",
					  "/usr/lib/NetworkManager/system-connections", NULL };
	static const char *const ifcfg[] = { "/etc/sysconfig/network-scripts", NULL };
	static const char *const autostart[] = { "/etc/libvirt/qemu/networks/autostart", NULL };
	/* netplan: /run's file hides /etc's of the same name, /etc's /lib's */
	static const char *const netplan[] = { "/run/netplan", "/etc/netplan", "/lib/netplan", "/usr/lib/netplan", NULL };
	/* SUSE's wicked (and its ifup): BRIDGE='yes', the name from the file */
	static const char *const suse[] = { "/etc/sysconfig/network", NULL };
	memset(nc, 0, sizeof(*nc));
	ifupdown_file(root, "/etc/network/interfaces", nc, 0);
	each_file(root, networkd, "", ".netdev", networkd_netdev, nc);
	each_file(root, nm, "", NULL, nm_keyfile, nc);
	each_file(root, ifcfg, "ifcfg-", NULL, ifcfg_file, nc);
	each_file(root, netplan, "", ".yaml", netplan_file, nc);
	each_file(root, suse, "ifcfg-", NULL, ifcfg_file, nc);
	each_file(root, autostart, "", ".xml", libvirt_network, nc);
}

const struct netcfg_bridge *netcfg_find(const struct netcfg *nc, const char *name)
{
	for (size_t i = 0; i < nc->n; i++)
		if (strcmp(nc->v[i].name, name) == 0)
			return &nc->v[i];
	return NULL;
}

void netcfg_free(struct netcfg *nc)
{
	for (size_t i = 0; i < nc->n; i++) {
		free(nc->v[i].name);
		free(nc->v[i].where);
	}
	free(nc->v);
	strv_free(&nc->read);
	memset(nc, 0, sizeof(*nc));
}

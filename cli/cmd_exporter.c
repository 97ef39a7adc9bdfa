/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hvscope exporter: its options, then exporter/serve.c's run. */
#include "cli/cmds.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/opts.h"
#include "exporter/serve.h"
#include "hv/hv.h"

/* The collectors beside the domains' own figures, as node_exporter names
 * them (--collector.NAME, --no-collector.NAME); on by default those that
 * cost no monitor round trip or domain job per guest (hvscope-exporter(1)
 * has the measured costs). */
static const struct collector {
	const char *name;
	unsigned want;
	bool on;
} collectors[] = {
	{ "memory", HV_WANT_BALLOON, false }, /* the balloon statistics: two monitor round trips a guest */
	{ "vcpu", HV_WANT_VCPU, false },      /* wait and steal time: each domain's job */
	{ "info", HV_WANT_INFO, true },       /* each domain's XML, once while it runs */
	{ "jobs", HV_WANT_JOB, false },       /* a call per domain */
	{ "inactive", HV_WANT_INACTIVE, true },
	{ "pools", HV_WANT_POOLS, true },
};
#define NCOLL (sizeof(collectors) / sizeof(*collectors))

/* --domain.metadata NAME=XPATH: NAME a label name of its own. */
static int add_metadata(struct strv *md, const char *arg)
{
	const char *eq = strchr(arg, '=');
	if (!eq || eq == arg || !eq[1])
		return -1;
	_cleanup_free_ char *name = xstrndup(arg, (size_t)(eq - arg));
	if (!(isalpha((unsigned char)name[0]) || name[0] == '_') || str_starts(name, "__"))
		return -1;
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			return -1;
	if (!strcmp(name, "domain") || !strcmp(name, "uuid"))
		return -1;
	strv_push(md, name);
	strv_push(md, eq + 1);
	return 0;
}

static int set_metadata(void *opts, const struct opt *row, const char *arg)
{
	(void)row;
	return add_metadata(&((struct exporter_opts *)opts)->metadata, arg);
}

static int set_path(void *opts, const struct opt *row, const char *arg)
{
	(void)row;
	if (arg[0] != '/')
		return -1;
	((struct exporter_opts *)opts)->telemetry_path = arg;
	return 0;
}

/* --collector.NAME, --no-collector.NAME: the row's data is the
 * collector, its kind says which. */
static int set_collector(void *opts, const struct opt *row, const char *arg)
{
	(void)arg;
	struct exporter_opts *o = opts;
	const struct collector *k = row->data;
	o->want = str_starts(row->name, "no-") ? o->want & ~k->want : o->want | k->want;
	return 0;
}

#define O(f) offsetof(struct exporter_opts, f)
static const struct opt fixed_rows[] = {
	{ ROW(0, "web.listen-address", OPT_STR, O(listen), "ADDR", "host:port or :port to listen on (default " EXPORTER_DEFAULT_LISTEN ")") },
	{ ROW(0, "web.telemetry-path", OPT_CALL, O(telemetry_path), "PATH", "where the metrics are (default /metrics)"), .call = set_path, .give = "a path that starts with /" },
	{ ROW(0, "web.config.file", OPT_STR, O(web_config), "FILE", "TLS, client certificates, headers and basic auth\n"
	  "(the exporter-toolkit format); read again on SIGHUP") },
	{ ROW('c', "connect", OPT_STR, O(uri), "URI", "xen, or a libvirt URI (default: auto, as hvscope top)") },
	{ ROW(0, "scrape.timeout", OPT_DOUBLE, O(scrape_timeout), "SECONDS", "longest a scrape waits for the hypervisor (default 8)"), .lo = 0.001, .hi = 600, .give = "seconds between 0.001 and 600" },
	{ ROW(0, "deadline", OPT_LL, O(deadline), "MS", "how long one domain may take to answer (default 1500)"), .lo = 1, .hi = 3600000, .give = "milliseconds between 1 and 3600000" },
	{ ROW('p', "profile", OPT_STR, O(profile), "NAME", "readiness profile (default auto)") },
	{ ROW(0, "check.interval", OPT_DOUBLE, O(check_interval), "SECONDS", "how often the checks run (default 300)"), .lo = 1, .hi = 31536000, .give = "seconds between 1 and 31536000 (a year)" },
	{ ROW(0, "--[no-]collector.NAME", OPT_DOC, 0, NULL, "turn a collector on or off: memory (balloon statistics\n"
	  "and RSS; off), vcpu (wait and steal time; off),\n"
	  "jobs (migrations, saves; off), info (configuration\n"
	  "and metadata; on), inactive (defined domains; on),\n"
	  "pools (storage pools; on); rss: memory's old name") },
	{ ROW(0, "domain.metadata", OPT_CALL, O(metadata), "NAME=XPATH", "a label of hvscope_domain_metadata_info (repeatable)"), .call = set_metadata, .give = "NAME=XPATH, NAME a label name ([a-zA-Z_][a-zA-Z0-9_]*, not domain or uuid)" },
	{ ROW(0, "libvirt.connections", OPT_LL, O(connections), "N", "connections the block, memory and vcpu groups are\n"
	  "dealt over (1 to 16, default 4)"), .lo = 1, .hi = 16, .give = "1 to 16" },
	{ ROW('h', "help", OPT_HELP, 0, NULL, "this text") },
};
#undef O
#define NFIXED (sizeof(fixed_rows) / sizeof(fixed_rows[0]))
/* rss: memory's old name */
static const struct collector rss = { "rss", HV_WANT_BALLOON, false };

/* The fixed rows, then --collector.NAME and --no-collector.NAME of each
 * collector (not in the usage text: its --[no-]collector.NAME line says
 * them). */
static struct opt rows[NFIXED + 2 * (NCOLL + 1)];
static char names[2 * (NCOLL + 1)][40];

static void collector_rows(struct opt *r, char *on, char *off, const struct collector *k)
{
	snprintf(on, sizeof(names[0]), "collector.%s", k->name);
	snprintf(off, sizeof(names[0]), "no-collector.%s", k->name);
	r[0] = (struct opt){ ROW(0, on, OPT_CALL, 0, NULL, NULL), .call = set_collector, .data = k };
	r[1] = (struct opt){ ROW(0, off, OPT_CALL, 0, NULL, NULL), .call = set_collector, .data = k };
}

static const struct opt_cmd *command(void)
{
	static struct opt_cmd cmd = {
		.name = "exporter",
		.about = "Serve per-domain statistics and the readiness checks to Prometheus.\n",
		.width = 31,
		.rows = rows,
		.n = sizeof(rows) / sizeof(rows[0]),
	};
	if (!rows[0].name) {
		memcpy(rows, fixed_rows, sizeof(fixed_rows));
		for (size_t i = 0; i < NCOLL; i++)
			collector_rows(&rows[NFIXED + 2 * i], names[2 * i], names[2 * i + 1], &collectors[i]);
		collector_rows(&rows[NFIXED + 2 * NCOLL], names[2 * NCOLL], names[2 * NCOLL + 1], &rss);
	}
	return &cmd;
}

void cmd_exporter_usage(FILE *f)
{
	opts_usage(command(), f);
}

static void opts_free(struct exporter_opts *o)
{
	strv_free(&o->metadata);
}

int cmd_exporter(int argc, char **argv)
{
	_cleanup_(opts_free) struct exporter_opts o = {
		.listen = EXPORTER_DEFAULT_LISTEN, .telemetry_path = "/metrics", .scrape_timeout = 8, .check_interval = 300,
		.deadline = 1500, .connections = HV_DEFAULT_CONNECTIONS,
	};
	for (size_t i = 0; i < NCOLL; i++)
		o.want |= collectors[i].on ? collectors[i].want : 0;
	int pr = opts_parse(command(), argc, argv, &o);
	if (pr != OPTS_OK)
		return pr == OPTS_HELP ? 0 : 3;
	return exporter_run(&o);
}

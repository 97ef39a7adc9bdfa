/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hvscope exporter: its options, then exporter/serve.c's run. */
#include "cli/cmds.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/module.h"
#include "core/opts.h"
#include "exporter/collectors.h"
#include "exporter/serve.h"
#include "hv/hv.h"

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
static const struct opt rows_before[] = {
	{ ROW(0, "web.listen-address", OPT_STRV, O(listen), "ADDR", "host:port or :port to listen on (default " EXPORTER_DEFAULT_LISTEN ");\n"
	  "repeatable: one listener each") },
	{ ROW(0, "web.systemd-socket", OPT_TRUE, O(systemd_socket), NULL, "listen on the sockets systemd passes (socket\n"
	  "activation) instead of --web.listen-address") },
	{ ROW(0, "web.max-requests", OPT_LL, O(max_requests), "N", "scrapes served at once, more are answered 503\n"
	  "(default 40, 0: no limit)"), .lo = 0, .hi = 1000000, .give = "a count from 0 (no limit) to 1000000" },
	{ ROW(0, "web.telemetry-path", OPT_CALL, O(telemetry_path), "PATH", "where the metrics are (default /metrics)"), .call = set_path, .give = "a path that starts with /" },
	{ ROW(0, "web.config.file", OPT_STR, O(web_config), "FILE", "TLS, client certificates, headers and basic auth\n"
	  "(the exporter-toolkit format); read again on SIGHUP") },
	{ ROW('c', "connect", OPT_STR, O(uri), "URI", "xen, or a libvirt URI (default: auto, as hvscope top)") },
	{ ROW(0, "scrape.timeout", OPT_DOUBLE, O(scrape_timeout), "SECONDS", "longest a scrape waits for the hypervisor (default 8)"), .lo = 0.001, .hi = 600, .give = "seconds between 0.001 and 600" },
	{ ROW(0, "deadline", OPT_LL, O(deadline), "MS", "how long one domain may take to answer (default 1500)"), .lo = 1, .hi = 3600000, .give = "milliseconds between 1 and 3600000" },
	{ ROW('p', "profile", OPT_STR, O(profile), "NAME", "readiness profile (default auto)") },
	{ ROW(0, "check.interval", OPT_DOUBLE, O(check_interval), "SECONDS", "how often the checks run (default 300)"), .lo = 1, .hi = 31536000, .give = "seconds between 1 and 31536000 (a year)" },
	{ ROW(0, "--[no-]collector.NAME", OPT_DOC, 0, NULL,
	      "turn a collector on or off; the collectors, their\n"
	      "defaults, what they add and what they cost:") },
};
static const struct opt rows_after[] = {
	{ ROW(0, "domain.metadata", OPT_CALL, O(metadata), "NAME=XPATH", "a label of hvscope_domain_metadata_info (repeatable)"), .call = set_metadata, .give = "NAME=XPATH, NAME a label name ([a-zA-Z_][a-zA-Z0-9_]*, not domain or uuid)" },
	{ ROW(0, "libvirt.connections", OPT_LL, O(connections), "N", "connections the block, memory and vcpu groups are\n"
	  "dealt over (1 to 16, default 4)"), .lo = 1, .hi = 16, .give = "1 to 16" },
	{ ROW('h', "help", OPT_HELP, 0, NULL, "this text") },
};
#undef O
#define NBEFORE (sizeof(rows_before) / sizeof(rows_before[0]))
#define NAFTER (sizeof(rows_after) / sizeof(rows_after[0]))

/* The rows before the collectors' lines, a line for each collector (its
 * default, what it adds and costs), the rows after; then, not in the
 * usage text, --collector.NAME and --no-collector.NAME of each collector
 * and of its old name. */
static struct opt rows[NBEFORE + COLLECTORS + NAFTER + 4 * COLLECTORS];
static char names[4 * COLLECTORS][40];
static char *lines[COLLECTORS];

static size_t collector_rows(struct opt *r, size_t n, const struct collector *k)
{
	for (int a = 0; a < 2; a++) {
		const char *name = a ? k->alias : k->name;
		for (int no = 0; name && no < 2; no++, n++) {
			char *flag = names[n - NBEFORE - COLLECTORS - NAFTER];
			snprintf(flag, sizeof(names[0]), "%scollector.%s", no ? "no-" : "", name);
			r[n] = (struct opt){ ROW(0, flag, OPT_CALL, 0, NULL, NULL), .call = set_collector, .data = k };
		}
	}
	return n;
}

static size_t build_rows(void)
{
	size_t n = 0;
	for (size_t i = 0; i < NBEFORE; i++)
		rows[n++] = rows_before[i];
	for (size_t i = 0; i < COLLECTORS; i++) {
		const struct collector *k = &collectors[i];
		lines[i] = xasprintf("      %-9s %-4s %s%s%s%s\n                     %s", k->name, k->on ? "on" : "off", k->help,
				     k->alias ? " (old name: " : "", k->alias ? k->alias : "", k->alias ? ")" : "", k->cost);
		rows[n++] = (struct opt){ ROW(0, NULL, OPT_DOC, 0, NULL, lines[i]) };
	}
	for (size_t i = 0; i < NAFTER; i++)
		rows[n++] = rows_after[i];
	for (size_t i = 0; i < COLLECTORS; i++)
		n = collector_rows(rows, n, &collectors[i]);
	return n;
}

static const struct opt_cmd *command(void)
{
	static struct opt_cmd cmd = {
		.name = "exporter",
		.about = "Serve per-domain statistics and the readiness checks to Prometheus.\n",
		.width = 31,
		.rows = rows,
	};
	if (!cmd.n)
		cmd.n = build_rows();
	return &cmd;
}

void cmd_exporter_usage(FILE *f)
{
	opts_usage(command(), f);
}

static void opts_free(struct exporter_opts *o)
{
	strv_free(&o->metadata);
	strv_free(&o->listen);
}

int cmd_exporter(int argc, char **argv)
{
	_cleanup_(opts_free) struct exporter_opts o = {
		.telemetry_path = "/metrics", .scrape_timeout = 8, .check_interval = 300,
		.deadline = 1500, .connections = HV_DEFAULT_CONNECTIONS, .max_requests = 40,
	};
	for (size_t i = 0; i < COLLECTORS; i++)
		o.want |= collectors[i].on ? collectors[i].want : 0;
	int pr = opts_parse(command(), argc, argv, &o);
	if (pr != OPTS_OK)
		return pr == OPTS_HELP ? 0 : 3;
	/* The job's libraries come with its module, so that the other
	 * commands do not load them. */
	struct err e = ERR_INIT;
	__typeof__(&exporter_run) run = MODULE_FN("cmd-exporter", exporter_run, &e);
	if (!run) {
		fprintf(stderr, "hvscope exporter: %s\n", err_msg(&e));
		err_clear(&e);
		return 3;
	}
	return run(&o);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hvscope exporter: options, then the sampler, the readiness checks and
 * the HTTP server started (exporter/exporter.h says which file does what),
 * until SIGINT or SIGTERM. */
#include "exporter/cmd_exporter.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/clock.h"
#include "core/util.h"
#include "exporter/collectors.h"
#include "exporter/exporter.h"
#include "exporter/http.h"

/* Not in the ranges the common exporters take (node 9100, libvirt 9177,
 * ...); see README. */
#define DEFAULT_LISTEN ":9869"

void cmd_exporter_usage(FILE *f)
{
	fputs("Usage: hvscope exporter [OPTION]...\n"
	      "Serve per-domain statistics and the readiness checks to Prometheus.\n"
	      "\n"
	      "  --web.listen-address ADDR   host:port or :port to listen on (default " DEFAULT_LISTEN ")\n"
	      "  --web.telemetry-path PATH   where the metrics are (default /metrics)\n"
	      "  --web.config.file FILE      TLS, client certificates, headers and basic auth\n"
	      "                              (the exporter-toolkit format); read again on SIGHUP\n"
	      "  -c, --connect URI           xen, or a libvirt URI (default: auto, as hvscope top)\n"
	      "  --scrape.timeout SECONDS    longest a scrape waits for the hypervisor (default 8)\n"
	      "  --deadline MS               how long one domain may take to answer (default 1500)\n"
	      "  -p, --profile NAME          readiness profile (default auto)\n"
	      "  --check.interval SECONDS    how often the checks run (default 300)\n"
	      "  --[no-]collector.NAME       turn a collector on or off; the collectors, their\n"
	      "                              defaults, what they add and what they cost:\n",
	      f);
	for (size_t i = 0; i < COLLECTORS; i++) {
		const struct collector *k = &collectors[i];
		fprintf(f, "      %-9s %-4s %s%s%s%s\n", k->name, k->on ? "on" : "off", k->help, k->alias ? " (old name: " : "",
			k->alias ? k->alias : "", k->alias ? ")" : "");
		fprintf(f, "                     %s\n", k->cost);
	}
	fputs("  --domain.metadata NAME=XPATH  a label of hvscope_domain_metadata_info (repeatable)\n"
	      "  --libvirt.connections N     connections the block, memory and vcpu groups are\n"
	      "                              dealt over (1 to 16, default 4)\n"
	      "  -h, --help                  this text\n",
	      f);
}

/* ":9869", "127.0.0.1:9869", "[::1]:9869" -> a socket address. */
static int parse_listen(const char *spec, struct sockaddr_storage *ss, socklen_t *len, struct err *e)
{
	const char *colon = strrchr(spec, ':');
	if (!colon || !colon[1])
		return err_set(e, -EINVAL, "--web.listen-address %s: give host:port or :port", spec);
	_cleanup_free_ char *host = xstrndup(spec, (size_t)(colon - spec));
	if (host[0] == '[' && str_ends(host, "]")) {
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = '\0';
	}
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE | AI_NUMERICSERV };
	struct addrinfo *res = NULL;
	int r = getaddrinfo(*host ? host : NULL, colon + 1, &hints, &res);
	if (r != 0)
		return err_set(e, -EINVAL, "--web.listen-address %s: %s", spec, gai_strerror(r));
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

/* A quiesced server's connections in flight, given up to limit seconds to
 * end; SIGINT or SIGTERM meanwhile is returned (0: none came). */
static int drain(struct MHD_Daemon *d, const sigset_t *stop_set, double limit)
{
	for (double t0 = clock_mono(); clock_mono() - t0 < limit;) {
		const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
		if (!info || info->num_connections == 0)
			return 0;
		struct timespec step = { 0, 20 * 1000 * 1000 };
		int sig = sigtimedwait(stop_set, NULL, &step);
		if (sig == SIGINT || sig == SIGTERM)
			return sig;
	}
	return 0;
}

/* SIGHUP: the web config read again (the toolkit reads it on every
 * request; here the server restarts with it).  The old server stops
 * accepting and ends its scrapes in flight while the connections that
 * arrive wait in the listening socket's backlog; the socket then passes to
 * the new server: none is refused or cut.  A config that does not load, or
 * does not serve, keeps the old one.  *stop: a SIGINT or SIGTERM that came
 * meanwhile. */
static struct MHD_Daemon *reload(struct exporter *x, struct MHD_Daemon *d, const struct sockaddr_storage *ss, const sigset_t *stop_set,
				 int *stop)
{
	struct err e = ERR_INIT;
	struct web_config nw;
	if (!x->web_config_path) {
		fprintf(stderr, "hvscope exporter: SIGHUP: no --web.config.file to read again\n");
		return d;
	}
	if (web_config_load(x->web_config_path, &nw, &e) < 0) {
		fprintf(stderr, "hvscope exporter: SIGHUP: %s; the old web config stays\n", err_msg(&e));
		err_clear(&e);
		return d;
	}
	MHD_socket fd = MHD_quiesce_daemon(d);
	*stop = drain(d, stop_set, 5);
	MHD_stop_daemon(d);
	struct web_config old = x->web;
	x->web = nw;
	/* libmicrohttpd closes a socket it was given and could not serve on:
	 * each attempt gets a copy. */
	struct MHD_Daemon *nd = http_start(x, ss, fd == MHD_INVALID_SOCKET ? -1 : dup(fd), &e);
	if (!nd) {
		fprintf(stderr, "hvscope exporter: SIGHUP: the new web config does not serve (%s); the old one stays\n", err_msg(&e));
		err_clear(&e);
		web_config_free(&x->web);
		x->web = old;
		nd = http_start(x, ss, fd == MHD_INVALID_SOCKET ? -1 : dup(fd), &e);
		if (!nd) {
			/* Not to run on listening nowhere: the service manager
			 * restarts what exits. */
			fprintf(stderr, "hvscope exporter: SIGHUP: cannot serve again (%s); exiting\n", err_msg(&e));
			err_clear(&e);
		}
		if (fd != MHD_INVALID_SOCKET)
			close(fd);
		return nd;
	}
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	web_config_free(&old);
	fprintf(stderr, "hvscope exporter: SIGHUP: web config %s read again\n", x->web_config_path);
	return nd;
}

/* Run until SIGINT or SIGTERM (blocked in stop_set, with SIGHUP); the
 * exit status. */
static int serve(struct exporter *x, struct hv *hv, const char *profile, double check_interval, const char *listen,
		 const struct sockaddr_storage *ss, sigset_t *stop_set)
{
	struct err e = ERR_INIT;
	if (sampling_start(&x->smp, hv, &e) < 0 || readiness_start(&x->rd, profile, check_interval, &e) < 0) {
		fprintf(stderr, "hvscope exporter: %s\n", err_msg(&e));
		err_clear(&e);
		return 1; /* threads that did start end with the process */
	}
	int rc = 0;
	struct MHD_Daemon *d = http_start(x, ss, -1, &e);
	if (!d) {
		fprintf(stderr, "hvscope exporter: cannot listen on %s: %s\n", listen, err_msg(&e));
		err_clear(&e);
		rc = 1;
	} else {
		fprintf(stderr, "hvscope exporter: listening on %s%s%s%s, sampling %s\n", x->web.cert_pem ? "https://" : "http://", listen,
			x->telemetry_path, web_config_has_users(&x->web) ? " (basic auth)" : "", hv_describe(hv));
		int sig = 0;
		while (d && !sig && sigwait(stop_set, &sig) == 0 && sig == SIGHUP) {
			sig = 0;
			d = reload(x, d, ss, stop_set, &sig);
		}
		if (d) {
			fprintf(stderr, "hvscope exporter: %s, stopping\n", strsignal(sig));
			MHD_stop_daemon(d);
		} else {
			rc = 1;
		}
	}
	readiness_stop(&x->rd);
	/* The sampler may sit in a hypervisor call that does not return. */
	if (sampling_stop(&x->smp, 3))
		hv_close(hv);
	return rc;
}

enum { O_COLLECTOR = 1000, O_METADATA = 2000, O_CONNECTIONS };

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

/* What the options say beside what goes straight into the exporter. */
struct opts {
	const char *listen, *uri, *web_config, *profile;
	double check_interval;
	long long deadline, connections;
	unsigned want; /* HV_WANT_* */
	struct strv metadata;
};

/* getopt's table: the options of their own, then each collector's flags
 * and its old name's. */
static const struct option *long_options(void)
{
	enum { OWN = 11 };
	static struct option longopts[OWN + 4 * COLLECTORS + 1] = {
		{ "web.listen-address", required_argument, NULL, 'L' }, { "web.telemetry-path", required_argument, NULL, 'T' },
		{ "connect", required_argument, NULL, 'c' },            { "scrape.timeout", required_argument, NULL, 'S' },
		{ "deadline", required_argument, NULL, 'D' },           { "profile", required_argument, NULL, 'p' },
		{ "check.interval", required_argument, NULL, 'I' },     { "web.config.file", required_argument, NULL, 'W' },
		{ "domain.metadata", required_argument, NULL, O_METADATA }, { "help", no_argument, NULL, 'h' },
		{ "libvirt.connections", required_argument, NULL, O_CONNECTIONS },
	};
	static char names[4 * COLLECTORS][40];
	size_t n = OWN;
	for (size_t i = 0; i < COLLECTORS; i++)
		for (int a = 0; a < 2; a++) {
			const char *name = a ? collectors[i].alias : collectors[i].name;
			for (int no = 0; name && no < 2; no++, n++) {
				snprintf(names[n - OWN], sizeof(names[0]), "%scollector.%s", no ? "no-" : "", name);
				longopts[n] = (struct option){ names[n - OWN], no_argument, NULL, O_COLLECTOR + 2 * (int)i + no };
			}
		}
	return longopts;
}

/* The options into o and x: -1 to go on, else the exit status. */
static int parse_options(int argc, char **argv, struct opts *o, struct exporter *x)
{
	const struct option *longopts = long_options();
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "c:p:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'L': o->listen = optarg; break;
		case 'T':
			if (optarg[0] != '/') {
				fprintf(stderr, "hvscope exporter: --web.telemetry-path must start with /\n");
				return 3;
			}
			x->telemetry_path = optarg;
			break;
		case 'c': o->uri = optarg; break;
		case 'S':
			if (str_to_double_range(optarg, 0.001, 600, &x->scrape_timeout) < 0) {
				fprintf(stderr, "hvscope exporter: --scrape.timeout %s: give seconds\n", optarg);
				return 3;
			}
			break;
		case 'D':
			if (str_to_ll_range(optarg, 1, 3600000, &o->deadline) < 0) {
				fprintf(stderr, "hvscope exporter: --deadline %s: give milliseconds between 1 and 3600000\n", optarg);
				return 3;
			}
			break;
		case 'p': o->profile = optarg; break;
		case 'I':
			if (str_to_double_range(optarg, 1, 31536000, &o->check_interval) < 0) {
				fprintf(stderr, "hvscope exporter: --check.interval %s: give seconds between 1 and 31536000 (a year)\n", optarg);
				return 3;
			}
			break;
		case 'W': o->web_config = optarg; break;
		case O_METADATA:
			if (add_metadata(&o->metadata, optarg) < 0) {
				fprintf(stderr, "hvscope exporter: --domain.metadata %s: give NAME=XPATH, NAME a label name ([a-zA-Z_][a-zA-Z0-9_]*, "
						"not domain or uuid)\n", optarg);
				return 3;
			}
			break;
		case O_CONNECTIONS:
			if (str_to_ll_range(optarg, 1, 16, &o->connections) < 0) {
				fprintf(stderr, "hvscope exporter: --libvirt.connections %s: give 1 to 16\n", optarg);
				return 3;
			}
			break;
		case 'h': cmd_exporter_usage(stdout); return 0;
		default:
			if (c >= O_COLLECTOR && c < O_COLLECTOR + 2 * COLLECTORS) {
				const struct collector *k = &collectors[(c - O_COLLECTOR) / 2];
				o->want = (c - O_COLLECTOR) % 2 ? o->want & ~k->want : o->want | k->want;
				break;
			}
			cmd_exporter_usage(stderr);
			return 3;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "hvscope exporter: unexpected argument '%s'\n", argv[optind]);
		return 3;
	}
	return -1;
}

static void opts_free(struct opts *o)
{
	strv_free(&o->metadata);
}

int cmd_exporter(int argc, char **argv)
{
	struct exporter x = { .telemetry_path = "/metrics", .scrape_timeout = 8, .start_time = clock_wall() };
	_cleanup_(opts_free) struct opts o = {
		.listen = DEFAULT_LISTEN, .check_interval = 300, .deadline = 1500, .connections = HV_DEFAULT_CONNECTIONS,
	};
	for (size_t i = 0; i < COLLECTORS; i++)
		o.want |= collectors[i].on ? collectors[i].want : 0;
	int rc = parse_options(argc, argv, &o, &x);
	if (rc >= 0)
		return rc;
	struct sockaddr_storage ss;
	socklen_t sslen;
	struct err e = ERR_INIT;
	if (parse_listen(o.listen, &ss, &sslen, &e) < 0) {
		fprintf(stderr, "hvscope exporter: %s\n", err_msg(&e));
		err_clear(&e);
		return 3;
	}
	/* One malloc arena: the scrape threads build large texts, and
	 * per-thread arenas keep their pages long after the scrape. */
	mallopt(M_ARENA_MAX, 1);
	/* SIGINT and SIGTERM are taken by sigwait() in this thread: blocked
	 * before any thread starts (libvirt's, libmicrohttpd's, ours), so no
	 * other thread can swallow them. */
	sigset_t stop_set;
	sigemptyset(&stop_set);
	sigaddset(&stop_set, SIGINT);
	sigaddset(&stop_set, SIGTERM);
	sigaddset(&stop_set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &stop_set, NULL);
	x.web_config_path = o.web_config;
	if (o.web_config && web_config_load(o.web_config, &x.web, &e) < 0) {
		fprintf(stderr, "hvscope exporter: %s\n", err_msg(&e));
		err_clear(&e);
		return 3;
	}
	if (x.web.cert_pem && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
		fprintf(stderr, "hvscope exporter: this libmicrohttpd has no TLS support\n");
		web_config_free(&x.web);
		return 3;
	}
	struct hv *hv;
	if (hv_open(o.uri, &hv, &e) < 0) {
		fprintf(stderr, "hvscope exporter: %s\n", err_msg(&e));
		web_config_free(&x.web);
		err_clear(&e);
		return 1;
	}
	hv_set_deadline(hv, (int)o.deadline);
	hv_set_want(hv, o.want | (o.metadata.n ? HV_WANT_INFO : 0));
	hv_set_connections(hv, (int)o.connections);
	hv_set_metadata(hv, (const char *const *)o.metadata.v, o.metadata.n / 2);
	rc = serve(&x, hv, o.profile, o.check_interval, o.listen, &ss, &stop_set);
	web_config_free(&x.web);
	return rc;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The exporter's run once its options are read: the web config, the
 * hypervisor, the sampler, the readiness checks and the HTTP server
 * started, then SIGHUP reloads until SIGINT or SIGTERM. */
#include "exporter/serve.h"

#include <errno.h>
#include <libxml/parser.h>
#include <malloc.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/util.h"
#include "exporter/exporter.h"
#include "exporter/http.h"

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

int exporter_run(const struct exporter_opts *o)
{
	struct exporter x = { .telemetry_path = o->telemetry_path, .scrape_timeout = o->scrape_timeout, .start_time = clock_wall() };
	int rc;
	struct sockaddr_storage ss;
	socklen_t sslen;
	struct err e = ERR_INIT;
	if (parse_listen(o->listen, &ss, &sslen, &e) < 0) {
		fprintf(stderr, "hvscope exporter: %s\n", err_msg(&e));
		err_clear(&e);
		return 3;
	}
	/* Before any thread: the readiness checks parse guest XML on a
	 * thread of their own, and libxml2's first initialisation is not
	 * thread-safe (the libvirt backend makes the same call for its own
	 * threads; top and bundle parse XML on theirs only through it). */
	xmlInitParser();
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
	x.web_config_path = o->web_config;
	if (o->web_config && web_config_load(o->web_config, &x.web, &e) < 0) {
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
	if (hv_open(o->uri, &hv, &e) < 0) {
		fprintf(stderr, "hvscope exporter: %s\n", err_msg(&e));
		web_config_free(&x.web);
		err_clear(&e);
		return 1;
	}
	hv_set_deadline(hv, (int)o->deadline);
	hv_set_want(hv, o->want | (o->metadata.n ? HV_WANT_INFO : 0));
	hv_set_connections(hv, (int)o->connections);
	hv_set_metadata(hv, (const char *const *)o->metadata.v, o->metadata.n / 2);
	rc = serve(&x, hv, o->profile, o->check_interval, o->listen, &ss, &stop_set);
	web_config_free(&x.web);
	return rc;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The exporter's run once its options are read: the web config, the
 * hypervisor, the sampler, the readiness checks and the HTTP server
 * started, then SIGHUP reloads until SIGINT or SIGTERM. */
#include "exporter/serve.h"

#include <errno.h>
#include <libxml/parser.h>
#include <malloc.h>
#include <microhttpd.h>
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
#include "exporter/listen.h"
#include "exporter/ratelimit.h"

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

/* Every listener served by a server with x's web config, each on its
 * address, or on fds[i] (>= 0: the listening socket it hands over, a copy
 * given, as libmicrohttpd closes a socket it could not serve on); false,
 * with none left running, when one cannot be. */
static bool start_all(struct exporter *x, struct listener *ls, size_t n, const int *fds, struct err *e)
{
	for (size_t i = 0; i < n; i++) {
		int fd = fds ? (fds[i] >= 0 ? dup(fds[i]) : -1) : ls[i].fd;
		ls[i].d = http_start(x, fd >= 0 ? NULL : &ls[i].ss, fd, e);
		if (!ls[i].d) {
			_cleanup_free_ char *why = xstrdup(err_msg(e));
			err_set(e, e->code, "%s: %s", ls[i].name, why);
			while (i-- > 0) {
				MHD_stop_daemon(ls[i].d);
				ls[i].d = NULL;
			}
			return false;
		}
	}
	return true;
}

/* SIGHUP: the web config read again (the toolkit reads it on every
 * request; here the servers restart with it).  The old servers stop
 * accepting and end their scrapes in flight while the connections that
 * arrive wait in the listening sockets' backlogs; the sockets then pass
 * to the new servers: none is refused or cut.  A config that does not
 * load, or does not serve, keeps the old one; a rate_limit that did not
 * change keeps its bucket.  False when nothing serves any more.  *stop: a
 * SIGINT or SIGTERM that came meanwhile. */
static bool reload(struct exporter *x, struct listener *ls, size_t n, const sigset_t *stop_set, int *stop)
{
	struct err e = ERR_INIT;
	struct web_config nw;
	if (!x->web_config_path) {
		fprintf(stderr, "hvscope exporter: SIGHUP: no --web.config.file to read again\n");
		return true;
	}
	if (web_config_load(x->web_config_path, &nw, &e) < 0) {
		fprintf(stderr, "hvscope exporter: SIGHUP: %s; the old web config stays\n", err_msg(&e));
		err_clear(&e);
		return true;
	}
	_cleanup_free_ int *fds = xcalloc(n, sizeof(*fds));
	for (size_t i = 0; i < n; i++) {
		MHD_socket fd = MHD_quiesce_daemon(ls[i].d);
		fds[i] = fd == MHD_INVALID_SOCKET ? -1 : fd;
	}
	for (size_t i = 0; i < n; i++) {
		int sig = drain(ls[i].d, stop_set, 5);
		*stop = *stop ? *stop : sig;
		MHD_stop_daemon(ls[i].d);
		ls[i].d = NULL;
	}
	if (rate_limit_same(x->web.limit, nw.limit)) {
		struct rate_limit *keep = x->web.limit;
		x->web.limit = nw.limit;
		nw.limit = keep;
	}
	struct web_config old = x->web;
	x->web = nw;
	bool ok = start_all(x, ls, n, fds, &e);
	if (!ok) {
		fprintf(stderr, "hvscope exporter: SIGHUP: the new web config does not serve (%s); the old one stays\n", err_msg(&e));
		err_clear(&e);
		web_config_free(&x->web);
		x->web = old;
		/* Not to run on listening nowhere: the service manager
		 * restarts what exits. */
		if (!(ok = start_all(x, ls, n, fds, &e)))
			fprintf(stderr, "hvscope exporter: SIGHUP: cannot serve again (%s); exiting\n", err_msg(&e));
		err_clear(&e);
	} else {
		web_config_free(&old);
		fprintf(stderr, "hvscope exporter: SIGHUP: web config %s read again\n", x->web_config_path);
	}
	for (size_t i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return ok;
}

static void stop_all(struct listener *ls, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (ls[i].d) {
			MHD_stop_daemon(ls[i].d);
			ls[i].d = NULL;
		}
}

/* Run until SIGINT or SIGTERM (blocked in stop_set, with SIGHUP); the
 * exit status. */
static int serve(struct exporter *x, struct hv *hv, const char *profile, double check_interval, struct listener *ls, size_t n,
		 sigset_t *stop_set)
{
	struct err e = ERR_INIT;
	if (sampling_start(&x->smp, hv, &e) < 0 || readiness_start(&x->rd, profile, check_interval, &e) < 0) {
		fprintf(stderr, "hvscope exporter: %s\n", err_msg(&e));
		err_clear(&e);
		return 1; /* threads that did start end with the process */
	}
	int rc = 0;
	if (!start_all(x, ls, n, NULL, &e)) {
		fprintf(stderr, "hvscope exporter: cannot listen on %s\n", err_msg(&e));
		err_clear(&e);
		rc = 1;
	} else {
		for (size_t i = 0; i < n; i++)
			fprintf(stderr, "hvscope exporter: listening on %s%s%s%s%s, sampling %s\n", x->web.cert_pem ? "https://" : "http://",
				ls[i].name, x->telemetry_path, ls[i].fd >= 0 ? " (from systemd)" : "",
				web_config_has_users(&x->web) ? " (basic auth)" : "", hv_describe(hv));
		int sig = 0;
		bool up = true;
		while (up && !sig && sigwait(stop_set, &sig) == 0 && sig == SIGHUP) {
			sig = 0;
			up = reload(x, ls, n, stop_set, &sig);
		}
		if (up) {
			fprintf(stderr, "hvscope exporter: %s, stopping\n", strsignal(sig));
			stop_all(ls, n);
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

/* The listeners the options name: systemd's sockets, or each
 * --web.listen-address (the default when none). */
static int listeners(const struct exporter_opts *o, struct listener **ls, size_t *n, struct err *e)
{
	if (o->systemd_socket)
		return listen_systemd(ls, n, e);
	static const char *const dflt[] = { EXPORTER_DEFAULT_LISTEN };
	const char *const *specs = o->listen.n ? (const char *const *)o->listen.v : dflt;
	size_t count = o->listen.n ? o->listen.n : 1;
	*ls = xcalloc(count, sizeof(**ls));
	*n = 0;
	for (; *n < count; (*n)++) {
		int r = listen_parse(specs[*n], &(*ls)[*n], e);
		if (r < 0)
			return r;
	}
	return 0;
}

int exporter_run(const struct exporter_opts *o)
{
	struct exporter x = { .telemetry_path = o->telemetry_path, .scrape_timeout = o->scrape_timeout, .start_time = clock_wall(),
			      .max_requests = (long)o->max_requests };
	int rc;
	struct err e = ERR_INIT;
	struct listener *ls = NULL;
	size_t nls = 0;
	if (listeners(o, &ls, &nls, &e) < 0) {
		fprintf(stderr, "hvscope exporter: %s\n", err_msg(&e));
		err_clear(&e);
		listen_free(ls, nls);
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
		listen_free(ls, nls);
		return 3;
	}
	if (x.web.cert_pem && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
		fprintf(stderr, "hvscope exporter: this libmicrohttpd has no TLS support\n");
		web_config_free(&x.web);
		listen_free(ls, nls);
		return 3;
	}
	struct hv *hv;
	if (hv_open(o->uri, &hv, &e) < 0) {
		fprintf(stderr, "hvscope exporter: %s\n", err_msg(&e));
		web_config_free(&x.web);
		listen_free(ls, nls);
		err_clear(&e);
		return 1;
	}
	hv_set_deadline(hv, (int)o->deadline);
	hv_set_want(hv, o->want | (o->metadata.n ? HV_WANT_INFO : 0));
	hv_set_connections(hv, (int)o->connections);
	hv_set_metadata(hv, (const char *const *)o->metadata.v, o->metadata.n / 2);
	rc = serve(&x, hv, o->profile, o->check_interval, ls, nls, &stop_set);
	web_config_free(&x.web);
	listen_free(ls, nls);
	return rc;
}

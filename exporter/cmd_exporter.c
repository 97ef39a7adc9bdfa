/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hvscope exporter: per-domain figures from hv/ and the readiness checks,
 * for Prometheus, over libmicrohttpd.
 *
 * Every scrape asks for a fresh sample; scrapes that arrive while one is
 * being taken share it.  A scrape waits at most --scrape.timeout for it:
 * a hypervisor that hangs gives hvscope_up 0 in time, never a hung scrape.
 * One stuck domain does not spoil the rest: hv/ marks it
 * (hvscope_domain_stats_stuck 1) and the others are fresh.  The checks run
 * on their own interval, never on a scrape. */
#include "exporter/cmd_exporter.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <math.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/root.h"
#include "core/util.h"
#include "exporter/metrics.h"
#include "exporter/webconfig.h"
#include "hv/hv.h"
#include "rules/cmd_check.h"
#include "rules/report.h"

/* Not in the ranges the common exporters take (node 9100, libvirt 9177,
 * ...); see README. */
#define DEFAULT_LISTEN ":9869"

/* One sample, shared by every scrape that waited for it.  Each scrape
 * writes its text a family at a time while the response is sent, so no
 * scrape holds the whole text (2.5 MB for 1,000 domains): four at once
 * cost four families in flight, not four texts.  The last scrape done
 * with the sample frees it. */
struct shared {
	unsigned refs; /* under exporter.mu */
	double took;   /* how long the sample took, in seconds */
	struct hv_snapshot snap;
};

struct exporter {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct hv *hv;
	/* sampling */
	bool in_flight;
	unsigned long done_gen, want_gen;
	struct shared *cur; /* the newest sample, referenced; NULL while the next is taken */
	unsigned scrapes;   /* waiting for a sample or sending one */
	unsigned long long scrape_errors, samples;
	/* readiness */
	char *profile;
	double check_interval;
	char *check_text; /* Prometheus text of the last check run */
	/* http */
	struct web_config web;
	const char *telemetry_path;
	double scrape_timeout;
	double start_time;
	bool quit;
};

static void shared_free(struct shared *sh)
{
	hv_snapshot_free(&sh->snap);
	free(sh);
}

static void shared_put_locked(struct shared *sh)
{
	if (!sh || --sh->refs)
		return;
	shared_free(sh);
}

static void *sampler(void *arg)
{
	struct exporter *x = arg;
	pthread_mutex_lock(&x->mu);
	while (!x->quit) {
		while (!x->quit && x->want_gen <= x->done_gen)
			pthread_cond_wait(&x->cv, &x->mu);
		if (x->quit)
			break;
		unsigned long gen = x->want_gen;
		x->in_flight = true;
		/* No scrape asks for the last sample again (each wants one
		 * newer than what it found): scrapes still sending it keep
		 * their own references.  When none does, it is freed after
		 * the new one is out (1,000 domains: 0.5 ms less before the
		 * scrapes can write it). */
		struct shared *old = x->cur;
		if (old && --old->refs)
			old = NULL;
		x->cur = NULL;
		pthread_mutex_unlock(&x->mu);
		struct shared *sh = xcalloc(1, sizeof(*sh));
		sh->refs = 1;
		double t0 = hv_now_mono();
		hv_sample(x->hv, &sh->snap);
		sh->took = hv_now_mono() - t0;
		pthread_mutex_lock(&x->mu);
		x->cur = sh;
		x->samples++;
		x->done_gen = gen;
		x->in_flight = false;
		pthread_cond_broadcast(&x->cv);
		/* That, and what hv/ left to free, once the scrapes are sent
		 * (or the next sample is wanted): freed while they were
		 * written and sent, it cost them 1 ms of their 16 with 1,000
		 * domains on 2 CPUs. */
		while (!x->quit && x->scrapes && x->want_gen <= x->done_gen)
			pthread_cond_wait(&x->cv, &x->mu);
		pthread_mutex_unlock(&x->mu);
		hv_tidy(x->hv);
		if (old)
			shared_free(old);
		pthread_mutex_lock(&x->mu);
	}
	pthread_mutex_unlock(&x->mu);
	return NULL;
}

static void *checker(void *arg)
{
	struct exporter *x = arg;
	for (;;) {
		struct report rep = { 0 };
		struct ruleset set = { 0 };
		struct err e = ERR_INIT;
		int r = check_report(x->profile, NULL, "/", &set, &rep, &e);
		struct buf b = BUF_INIT;
		if (r == 0)
			report_write_prometheus(&rep, &b);
		else
			fprintf(stderr, "hvscope exporter: readiness checks could not run: %s\n", err_msg(&e));
		pthread_mutex_lock(&x->mu);
		free(x->check_text);
		x->check_text = r == 0 ? buf_steal(&b) : NULL;
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += (time_t)x->check_interval;
		while (!x->quit && pthread_cond_timedwait(&x->cv, &x->mu, &until) != ETIMEDOUT)
			;
		bool q = x->quit;
		pthread_mutex_unlock(&x->mu);
		buf_free(&b);
		report_free(&rep);
		ruleset_free(&set);
		err_clear(&e);
		if (q)
			break;
	}
	return NULL;
}

/* A fresh sample (shared with scrapes already waiting for one;
 * referenced, the caller puts it back), or NULL at the deadline. */
static struct shared *fresh_sample(struct exporter *x)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	double t = x->scrape_timeout;
	until.tv_sec += (time_t)t;
	until.tv_nsec += (long)((t - floor(t)) * 1e9);
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&x->mu);
	x->scrapes++; /* until scrape_free */
	/* A sample already under way started before this scrape asked: its
	 * figures may be older than the scrape, but sharing it is what keeps
	 * a burst of scrapes from queueing samples. */
	unsigned long want = x->in_flight ? x->want_gen : x->done_gen + 1;
	if (want > x->want_gen) {
		x->want_gen = want;
		pthread_cond_broadcast(&x->cv);
	}
	struct shared *sh = NULL;
	for (;;) {
		if (x->done_gen >= want) {
			if (x->cur) {
				sh = x->cur;
				sh->refs++;
				break;
			}
			/* Woken too late: the sampler has dropped that
			 * sample for a newer one, which is under way. */
			want = x->want_gen;
		}
		if (pthread_cond_timedwait(&x->cv, &x->mu, &until) == ETIMEDOUT)
			break;
	}
	pthread_mutex_unlock(&x->mu);
	return sh;
}

/* The process_* families every Prometheus client library exports, read
 * from /proc/self as theirs are. */
static void write_process(struct buf *o, double start_time)
{
	struct buf st = BUF_INIT;
	if (root_read("/", "/proc/self/stat", 4096, &st, NULL) == 0 && st.s) {
		/* Fields after the ")" of the command name: state is the 3rd. */
		const char *p = strrchr(st.s, ')');
		unsigned long long ut = 0, stt = 0, vsize = 0;
		long long rss = 0;
		if (p && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %*d %*d %*d %*d %*d %*d %*u %llu %lld", &ut,
				&stt, &vsize, &rss) == 4) {
			double hz = (double)sysconf(_SC_CLK_TCK);
			buf_printf(o, "# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.\n"
				      "# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total %.2f\n",
				   (double)(ut + stt) / hz);
			buf_printf(o, "# HELP process_virtual_memory_bytes Virtual memory size in bytes.\n"
				      "# TYPE process_virtual_memory_bytes gauge\nprocess_virtual_memory_bytes %llu\n",
				   vsize);
			buf_printf(o, "# HELP process_resident_memory_bytes Resident memory size in bytes.\n"
				      "# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes %lld\n",
				   rss * (long long)sysconf(_SC_PAGESIZE));
		}
	}
	buf_free(&st);
	struct strv fds = { 0 };
	if (root_list_dir("/", "/proc/self/fd", &fds) == 0)
		buf_printf(o, "# HELP process_open_fds Number of open file descriptors.\n# TYPE process_open_fds gauge\nprocess_open_fds %zu\n",
			   fds.n);
	strv_free(&fds);
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0)
		buf_printf(o, "# HELP process_max_fds Maximum number of open file descriptors.\n# TYPE process_max_fds gauge\nprocess_max_fds %llu\n",
			   (unsigned long long)rl.rlim_cur);
	buf_printf(o, "# HELP process_start_time_seconds Start time of the process since unix epoch in seconds.\n"
		      "# TYPE process_start_time_seconds gauge\nprocess_start_time_seconds %.2f\n",
		   start_time);
}

/* A scrape of this many domains or more, when no other is under way, has
 * its families written on a thread of its own, one ahead of the one being
 * sent: 1,000 domains' text took 0.7 ms to write and 1.6 ms to send, one
 * after the other on the connection's thread.  Scrapes that come
 * together keep the CPUs busy as it is, and the families they would hold
 * ahead cost memory (4 at once, three ahead each: 2-3 MB more peak RSS). */
#define AHEAD_MIN_DOMAINS 64
#define AHEAD 1

struct ahead {
	pthread_t t;
	bool started;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct buf q[AHEAD]; /* written, not yet sent: n from first, a ring */
	size_t first, n;
	bool done, stop;
};

/* One scrape's answer, written while it is sent: its own first lines, the
 * sample's families one at a time, then its own last lines. */
struct scrape {
	struct exporter *x;
	struct shared *sh; /* NULL when the sample missed the deadline */
	struct metrics_writer w;
	struct ahead ahead;
	bool om;           /* OpenMetrics */
	int part;          /* 0: head, 1: families, 2: tail, 3: done */
	struct buf head;   /* hvscope_up */
	struct buf tail;   /* readiness, self and process families */
	struct buf chunk;  /* what is being sent */
	size_t off;        /* of chunk, sent */
};

static void *ahead_run(void *arg)
{
	struct scrape *sc = arg;
	struct ahead *a = &sc->ahead;
	for (;;) {
		struct buf f = BUF_INIT;
		bool more = metrics_writer_next(&sc->w, &f);
		pthread_mutex_lock(&a->mu);
		while (more && a->n == AHEAD && !a->stop)
			pthread_cond_wait(&a->cv, &a->mu);
		if (!more || a->stop) {
			a->done = true;
			pthread_cond_broadcast(&a->cv);
			pthread_mutex_unlock(&a->mu);
			buf_free(&f);
			return NULL;
		}
		a->q[(a->first + a->n++) % AHEAD] = f;
		pthread_cond_broadcast(&a->cv);
		pthread_mutex_unlock(&a->mu);
	}
}

static void ahead_start(struct scrape *sc)
{
	struct ahead *a = &sc->ahead;
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->cv, NULL);
	a->started = pthread_create(&a->t, NULL, ahead_run, sc) == 0;
	if (!a->started) { /* written on the connection's thread, then */
		pthread_mutex_destroy(&a->mu);
		pthread_cond_destroy(&a->cv);
	}
}

/* The next family written ahead into *f; false when none is left. */
static bool ahead_next(struct ahead *a, struct buf *f)
{
	pthread_mutex_lock(&a->mu);
	while (!a->n && !a->done)
		pthread_cond_wait(&a->cv, &a->mu);
	bool got = a->n > 0;
	if (got) {
		*f = a->q[a->first];
		a->q[a->first] = (struct buf)BUF_INIT;
		a->first = (a->first + 1) % AHEAD;
		a->n--;
		pthread_cond_broadcast(&a->cv);
	}
	pthread_mutex_unlock(&a->mu);
	return got;
}

static void ahead_stop(struct ahead *a)
{
	if (!a->started)
		return;
	pthread_mutex_lock(&a->mu);
	a->stop = true;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
	pthread_join(a->t, NULL);
	for (size_t i = 0; i < AHEAD; i++)
		buf_free(&a->q[i]);
	pthread_mutex_destroy(&a->mu);
	pthread_cond_destroy(&a->cv);
}

static void scrape_free(void *arg)
{
	struct scrape *sc = arg;
	ahead_stop(&sc->ahead);
	metrics_writer_free(&sc->w);
	pthread_mutex_lock(&sc->x->mu);
	shared_put_locked(sc->sh);
	if (!--sc->x->scrapes)
		pthread_cond_broadcast(&sc->x->cv);
	pthread_mutex_unlock(&sc->x->mu);
	buf_free(&sc->head);
	buf_free(&sc->tail);
	buf_free(&sc->chunk);
	free(sc);
}

static struct scrape *write_scrape(struct exporter *x)
{
	double t0 = hv_now_mono();
	struct scrape *sc = xcalloc(1, sizeof(*sc));
	sc->x = x;
	sc->sh = fresh_sample(x);
	bool up = sc->sh && sc->sh->snap.up;
	if (sc->sh)
		metrics_writer_init(&sc->w, &sc->sh->snap);
	pthread_mutex_lock(&x->mu);
	bool alone = x->scrapes == 1;
	if (!up)
		x->scrape_errors++;
	unsigned long long errors = x->scrape_errors, samples = x->samples;
	char *checks = x->check_text ? xstrdup(x->check_text) : NULL;
	pthread_mutex_unlock(&x->mu);
	if (up && alone && sc->sh->snap.ndom >= AHEAD_MIN_DOMAINS)
		ahead_start(sc);

	buf_puts(&sc->head, "# HELP hvscope_up 1 when the hypervisor answered this scrape's sample in time.\n# TYPE hvscope_up gauge\n");
	buf_printf(&sc->head, "hvscope_up %d\n", up);
	struct buf *o = &sc->tail;
	if (checks)
		buf_puts(o, checks);
	buf_puts(o, "# HELP hvscope_check_up 1 when the readiness checks could run.\n# TYPE hvscope_check_up gauge\n");
	buf_printf(o, "hvscope_check_up %d\n", checks ? 1 : 0);
	buf_puts(o, "# HELP hvscope_scrape_errors_total Scrapes whose sample failed or missed the deadline.\n"
		    "# TYPE hvscope_scrape_errors_total counter\n");
	buf_printf(o, "hvscope_scrape_errors_total %llu\n", errors);
	buf_puts(o, "# HELP hvscope_samples_total Samples taken of the hypervisor (scrapes arriving together share one).\n"
		    "# TYPE hvscope_samples_total counter\n");
	buf_printf(o, "hvscope_samples_total %llu\n", samples);
	buf_puts(o, "# HELP hvscope_sample_duration_seconds How long the hypervisor sample took.\n"
		    "# TYPE hvscope_sample_duration_seconds gauge\n");
	buf_printf(o, "hvscope_sample_duration_seconds %.6f\n", sc->sh ? sc->sh->took : x->scrape_timeout);
	buf_puts(o, "# HELP hvscope_build_info hvscope's version.\n# TYPE hvscope_build_info gauge\n");
	buf_printf(o, "hvscope_build_info{version=\"%s\"} 1\n", HVSCOPE_VERSION);
	/* Until the answer is ready to send: the families are written as it
	 * goes out, which the scraper's own timing covers. */
	buf_puts(o, "# HELP hvscope_scrape_duration_seconds How long this scrape took to be ready to send.\n"
		    "# TYPE hvscope_scrape_duration_seconds gauge\n");
	buf_printf(o, "hvscope_scrape_duration_seconds %.6f\n", hv_now_mono() - t0);
	write_process(o, x->start_time);
	free(checks);
	return sc;
}

/* The same families as OpenMetrics 1.0.0, for scrapers that ask for it:
 * a counter family is named without its _total suffix (its samples keep
 * it).  Whole lines in, whole lines out; the caller ends the exposition
 * with "# EOF". */
static void to_openmetrics(const struct buf *text, struct buf *om)
{
	const char *p = buf_str(text);
	buf_grow(om, text->len + 64);
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) + 1 : strlen(p);
		if (str_starts(p, "# HELP ") || str_starts(p, "# TYPE ")) {
			const char *name = p + 7;
			size_t nlen = strcspn(name, " \n");
			if (nlen > 6 && strncmp(name + nlen - 6, "_total", 6) == 0) {
				buf_add(om, p, (size_t)(name - p) + nlen - 6);
				buf_add(om, name + nlen, len - (size_t)(name + nlen - p));
				p += len;
				continue;
			}
		}
		buf_add(om, p, len);
		p += len;
	}
}

/* The next part of the answer, as it goes out (OpenMetrics when asked). */
static void scrape_put(struct scrape *sc, struct buf *part)
{
	if (sc->om) {
		to_openmetrics(part, &sc->chunk);
		buf_free(part);
	} else {
		buf_free(&sc->chunk);
		sc->chunk = *part;
		*part = (struct buf)BUF_INIT;
	}
}

/* The next part of the answer into sc->chunk; false when all is sent. */
static bool scrape_next_chunk(struct scrape *sc)
{
	buf_reset(&sc->chunk);
	sc->off = 0;
	while (sc->part < 3 && !sc->chunk.len) {
		if (sc->part == 0) {
			scrape_put(sc, &sc->head);
			sc->part = 1;
		} else if (sc->part == 1) {
			struct buf family = BUF_INIT;
			if (sc->ahead.started ? ahead_next(&sc->ahead, &family) : sc->sh && metrics_writer_next(&sc->w, &family))
				scrape_put(sc, &family);
			else
				sc->part = 2;
			buf_free(&family);
		} else {
			if (sc->om)
				buf_puts(&sc->tail, "# EOF\n");
			scrape_put(sc, &sc->tail);
			sc->part = 3;
		}
	}
	return sc->chunk.len > 0;
}

static ssize_t scrape_read(void *cls, uint64_t pos, char *out, size_t max)
{
	(void)pos;
	struct scrape *sc = cls;
	if (sc->off == sc->chunk.len && !scrape_next_chunk(sc))
		return MHD_CONTENT_READER_END_OF_STREAM;
	size_t n = sc->chunk.len - sc->off < max ? sc->chunk.len - sc->off : max;
	memcpy(out, sc->chunk.s + sc->off, n);
	sc->off += n;
	return (ssize_t)n;
}

/* Sent as it is written (chunked); the scrape is freed with the response. */
static enum MHD_Result reply_scrape(struct MHD_Connection *c, struct scrape *sc, bool om)
{
	sc->om = om;
	struct MHD_Response *r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, scrape_read, sc, scrape_free);
	if (!r) {
		scrape_free(sc);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type",
				om ? "application/openmetrics-text; version=1.0.0; charset=utf-8" : "text/plain; version=0.0.4; charset=utf-8");
	enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *type, struct buf *body)
{
	size_t len = body->len;
	char *data = buf_steal(body);
	struct MHD_Response *r = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(r, "Content-Type", type);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, "Allow", "GET, HEAD");
	enum MHD_Result ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url, const char *method, const char *version,
			      const char *upload_data, size_t *upload_size, void **req)
{
	(void)version;
	(void)upload_data;
	struct exporter *x = cls;
	/* First call: headers only; answer on the second. */
	if (!*req) {
		*req = (void *)1;
		return MHD_YES;
	}
	struct buf body = BUF_INIT;
	if (web_config_has_users(&x->web)) {
		char *pass = NULL;
		char *user = MHD_basic_auth_get_username_password(c, &pass);
		bool ok = web_config_auth_ok(&x->web, user, pass);
		if (user)
			MHD_free(user);
		if (pass)
			MHD_free(pass);
		if (!ok) {
			buf_puts(&body, "Unauthorized\n");
			size_t len = body.len;
			struct MHD_Response *r = MHD_create_response_from_buffer(len, buf_steal(&body), MHD_RESPMEM_MUST_FREE);
			enum MHD_Result ret = MHD_queue_basic_auth_fail_response(c, "hvscope", r);
			MHD_destroy_response(r);
			return ret;
		}
	}
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		*upload_size = 0;
		buf_printf(&body, "method %s not allowed: GET or HEAD\n", method);
		return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain; charset=utf-8", &body);
	}
	if (strcmp(url, x->telemetry_path) == 0) {
		struct scrape *sc = write_scrape(x);
		const char *accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT);
		return reply_scrape(c, sc, accept && strstr(accept, "application/openmetrics-text"));
	}
	if (strcmp(url, "/healthz") == 0 || strcmp(url, "/-/healthy") == 0) {
		buf_puts(&body, "OK\n");
		return reply(c, MHD_HTTP_OK, "text/plain; charset=utf-8", &body);
	}
	if (strcmp(url, "/") == 0) {
		buf_printf(&body,
			   "<!DOCTYPE html>\n<html><head><title>hvscope exporter</title></head><body>\n"
			   "<h1>hvscope exporter</h1>\n<p>Per-domain statistics from %s and this host's readiness checks.</p>\n"
			   "<ul><li><a href=\"%s\">%s</a>: metrics</li><li><a href=\"/healthz\">/healthz</a>: health</li></ul>\n"
			   "<p>hvscope %s</p></body></html>\n",
			   hv_describe(x->hv), x->telemetry_path, x->telemetry_path, HVSCOPE_VERSION);
		return reply(c, MHD_HTTP_OK, "text/html; charset=utf-8", &body);
	}
	buf_printf(&body, "not found: %s (metrics are at %s)\n", url, x->telemetry_path);
	return reply(c, MHD_HTTP_NOT_FOUND, "text/plain; charset=utf-8", &body);
}

void cmd_exporter_usage(FILE *f)
{
	fputs("Usage: hvscope exporter [OPTION]...\n"
	      "Serve per-domain statistics and the readiness checks to Prometheus.\n"
	      "\n"
	      "  --web.listen-address ADDR   host:port or :port to listen on (default " DEFAULT_LISTEN ")\n"
	      "  --web.telemetry-path PATH   where the metrics are (default /metrics)\n"
	      "  --web.config.file FILE      TLS and basic auth (exporter-toolkit format:\n"
	      "                              tls_server_config, basic_auth_users with bcrypt hashes)\n"
	      "  -c, --connect URI           xen, or a libvirt URI (default: auto, as hvscope top)\n"
	      "  --scrape.timeout SECONDS    longest a scrape waits for the hypervisor (default 8)\n"
	      "  --deadline MS               how long one domain may take to answer (default 1500)\n"
	      "  -p, --profile NAME          readiness profile (default auto)\n"
	      "  --check.interval SECONDS    how often the checks run (default 300)\n"
	      "  --[no-]collector.rss        each QEMU guest's resident memory\n"
	      "                              (hvscope_domain_memory_rss_bytes; default off:\n"
	      "                              libvirt has it only with the balloon statistics,\n"
	      "                              two QEMU monitor round trips per guest and scrape)\n"
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

int cmd_exporter(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "web.listen-address", required_argument, NULL, 'L' }, { "web.telemetry-path", required_argument, NULL, 'T' },
		{ "connect", required_argument, NULL, 'c' },            { "scrape.timeout", required_argument, NULL, 'S' },
		{ "deadline", required_argument, NULL, 'D' },           { "profile", required_argument, NULL, 'p' },
		{ "check.interval", required_argument, NULL, 'I' },     { "web.config.file", required_argument, NULL, 'W' },
		{ "collector.rss", no_argument, NULL, 'R' },            { "no-collector.rss", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *listen = DEFAULT_LISTEN, *uri = NULL, *web_config = NULL;
	struct exporter x = { .telemetry_path = "/metrics", .scrape_timeout = 8, .check_interval = 300, .start_time = hv_now_wall() };
	long long deadline = 1500;
	unsigned want = 0;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "c:p:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'L': listen = optarg; break;
		case 'T':
			if (optarg[0] != '/') {
				fprintf(stderr, "hvscope exporter: --web.telemetry-path must start with /\n");
				return 3;
			}
			x.telemetry_path = optarg;
			break;
		case 'c': uri = optarg; break;
		case 'S':
			if (str_to_double_range(optarg, 0.001, 600, &x.scrape_timeout) < 0) {
				fprintf(stderr, "hvscope exporter: --scrape.timeout %s: give seconds\n", optarg);
				return 3;
			}
			break;
		case 'D':
			if (str_to_ll_range(optarg, 1, 3600000, &deadline) < 0) {
				fprintf(stderr, "hvscope exporter: --deadline %s: give milliseconds between 1 and 3600000\n", optarg);
				return 3;
			}
			break;
		case 'p': x.profile = optarg; break;
		case 'I':
			/* bounded: it is added to a struct timespec's seconds */
			if (str_to_double_range(optarg, 1, 31536000, &x.check_interval) < 0) {
				fprintf(stderr, "hvscope exporter: --check.interval %s: give seconds between 1 and 31536000 (a year)\n", optarg);
				return 3;
			}
			break;
		case 'W': web_config = optarg; break;
		case 'R': want |= HV_WANT_RSS; break;
		case 'r': want &= ~(unsigned)HV_WANT_RSS; break;
		case 'h': cmd_exporter_usage(stdout); return 0;
		default: cmd_exporter_usage(stderr); return 3;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "hvscope exporter: unexpected argument '%s'\n", argv[optind]);
		return 3;
	}
	struct sockaddr_storage ss;
	socklen_t sslen;
	struct err e = ERR_INIT;
	if (parse_listen(listen, &ss, &sslen, &e) < 0) {
		fprintf(stderr, "hvscope exporter: %s\n", err_msg(&e));
		err_clear(&e);
		return 3;
	}
	/* One malloc arena: the scrape threads each build a text of ~2.5 MB
	 * for 1,000 domains, and per-thread arenas kept those pages (12 MB of
	 * RSS measured with 1,000 test-driver domains). */
	mallopt(M_ARENA_MAX, 1);
	/* SIGINT and SIGTERM are taken by sigwait() in this thread: blocked
	 * before any thread starts (libvirt's, libmicrohttpd's, ours), so no
	 * other thread can swallow them. */
	sigset_t stop_set;
	sigemptyset(&stop_set);
	sigaddset(&stop_set, SIGINT);
	sigaddset(&stop_set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop_set, NULL);
	if (web_config && web_config_load(web_config, &x.web, &e) < 0) {
		fprintf(stderr, "hvscope exporter: %s\n", err_msg(&e));
		err_clear(&e);
		return 3;
	}
	if (x.web.cert_pem && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
		fprintf(stderr, "hvscope exporter: this libmicrohttpd has no TLS support\n");
		web_config_free(&x.web);
		return 3;
	}
	if (hv_open(uri, &x.hv, &e) < 0) {
		fprintf(stderr, "hvscope exporter: %s\n", err_msg(&e));
		web_config_free(&x.web);
		err_clear(&e);
		return 1;
	}
	hv_set_deadline(x.hv, (int)deadline);
	hv_set_want(x.hv, want);
	pthread_mutex_init(&x.mu, NULL);
	pthread_cond_init(&x.cv, NULL);
	pthread_t ts, tc;
	pthread_create(&ts, NULL, sampler, &x);
	pthread_create(&tc, NULL, checker, &x);
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	/* Bounded: a few scrapers at a time, small requests, slow clients cut. */
	struct MHD_OptionItem tls[] = {
		{ MHD_OPTION_HTTPS_MEM_KEY, 0, x.web.key_pem },
		{ MHD_OPTION_HTTPS_MEM_CERT, 0, x.web.cert_pem },
		{ MHD_OPTION_END, 0, NULL },
	};
	if (x.web.cert_pem)
		flags |= MHD_USE_TLS;
	else
		tls[0].option = MHD_OPTION_END;
	struct MHD_Daemon *d = MHD_start_daemon(flags, 0, NULL, NULL, handle, &x, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
						MHD_OPTION_THREAD_POOL_SIZE, 4U, MHD_OPTION_CONNECTION_LIMIT, 64U,
						MHD_OPTION_PER_IP_CONNECTION_LIMIT, 16U, MHD_OPTION_CONNECTION_TIMEOUT, 15U,
						MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024), MHD_OPTION_ARRAY, tls,
						MHD_OPTION_END);
	int rc = 0;
	if (!d) {
		fprintf(stderr, "hvscope exporter: cannot listen on %s: %s\n", listen, strerror(errno));
		rc = 1;
	} else {
		fprintf(stderr, "hvscope exporter: listening on %s%s%s%s, sampling %s\n", x.web.cert_pem ? "https://" : "http://", listen,
			x.telemetry_path, web_config_has_users(&x.web) ? " (basic auth)" : "", hv_describe(x.hv));
		int sig;
		sigwait(&stop_set, &sig);
		fprintf(stderr, "hvscope exporter: %s, stopping\n", strsignal(sig));
		MHD_stop_daemon(d);
	}
	pthread_mutex_lock(&x.mu);
	x.quit = true;
	pthread_cond_broadcast(&x.cv);
	pthread_mutex_unlock(&x.mu);
	pthread_join(tc, NULL);
	/* The sampler may sit in a hypervisor call that does not return. */
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 3;
	if (pthread_timedjoin_np(ts, NULL, &until) == 0) {
		hv_close(x.hv);
		shared_put_locked(x.cur);
	}
	free(x.check_text);
	web_config_free(&x.web);
	return rc;
}

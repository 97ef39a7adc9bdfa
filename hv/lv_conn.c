/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The libvirt backend's connections: libvirt set up once a process, the
 * read-only connection with back-off, the host facts read on connecting,
 * the device-added events, and the pool of kept connections. */
#include <errno.h>
#include <libxml/parser.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/tmpguard.h"
#include "hv/lv_conn.h"

const char *lv_errmsg(void)
{
	const char *m = virGetLastErrorMessage();
	return m && *m ? m : "unknown libvirt error";
}

/* Formatted here from the raw bytes: virDomainGetUUIDString goes through
 * g_snprintf, a format parser run for every domain once or twice a
 * sample. */
int lv_uuid(virDomainPtr dom, char out[VIR_UUID_STRING_BUFLEN])
{
	unsigned char raw[VIR_UUID_BUFLEN];
	static const char hex[] = "0123456789abcdef";
	if (virDomainGetUUID(dom, raw) < 0) {
		out[0] = '\0';
		return -1;
	}
	char *p = out;
	for (int i = 0; i < VIR_UUID_BUFLEN; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*p++ = '-';
		*p++ = hex[raw[i] >> 4];
		*p++ = hex[raw[i] & 15];
	}
	*p = '\0';
	return 0;
}

static void sink_put(void *opaque)
{
	struct evsink *k = opaque;
	if (__atomic_sub_fetch(&k->refs, 1, __ATOMIC_ACQ_REL) == 0)
		free(k);
}

static int sink_gen(struct evsink *k)
{
	return __atomic_load_n(&k->gen, __ATOMIC_ACQUIRE);
}

static pthread_once_t lv_once = PTHREAD_ONCE_INIT;

/* libvirt prints every error to stderr unless told otherwise; callers
 * (a curses screen) must not get that. */
static void lv_silent(void *opaque, virErrorPtr err)
{
	(void)opaque;
	(void)err;
}

static void *lv_event_loop(void *arg)
{
	(void)arg;
	for (;;)
		if (virEventRunDefaultImpl() < 0)
			usleep(100000);
	return NULL;
}

/* Process-wide by libvirt's design: the error handler and the event loop
 * the device-added events need, set up once before the first connection.
 * libxml2 is set up here too: the device cache parses domain XML on the
 * sampler's thread while other threads (the exporter's readiness checks)
 * may parse too, and its first initialisation is not thread-safe. */
static void lv_global_init(void)
{
	xmlInitParser();
	virInitialize();
	virSetErrorFunc(NULL, lv_silent);
	if (virEventRegisterDefaultImpl() == 0) {
		pthread_t t;
		pthread_attr_t a;
		pthread_attr_init(&a);
		pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
		if (tmpguard_thread(&t, &a, lv_event_loop, NULL) != 0)
			fprintf(stderr, "hvscope: libvirt event loop: no thread (%s); hot-plugged disks are seen late\n", strerror(errno));
		pthread_attr_destroy(&a);
	}
}

void lv_disconnect(struct lv *lv, const char *why)
{
	lv->retire = false;
	if (lv->conn) {
		virConnectClose(lv->conn);
		lv->conn = NULL;
	}
	free(lv->down);
	lv->down = xstrdup(why);
	lv->backoff = lv->backoff ? (lv->backoff * 2 > 30 ? 30 : lv->backoff * 2) : 1;
	lv->next_retry = clock_mono() + lv->backoff;
	lv_devcache_clear(&lv->dc);
	lv_pool_close(lv);
}

static void on_device_added(virConnectPtr conn, virDomainPtr dom, const char *alias, void *opaque)
{
	(void)conn;
	(void)dom;
	(void)alias;
	struct evsink *k = opaque;
	__atomic_add_fetch(&k->gen, 1, __ATOMIC_ACQ_REL);
}

/* Host facts that do not change while connected. */
static void read_host_facts(struct lv *lv, virConnectPtr c)
{
	virNodeInfo ni;
	if (virNodeGetInfo(c, &ni) == 0) {
		lv->cpus = ni.cpus;
		lv->mem_total_kib = ni.memory;
	}
	free(lv->hostname);
	lv->hostname = virConnectGetHostname(c);
	const char *type = virConnectGetType(c);
	free(lv->type);
	lv->type = xstrdup(type ? type : "?");
	unsigned long v = 0;
	free(lv->version);
	if (virConnectGetVersion(c, &v) == 0 && v)
		lv->version = xasprintf("%lu.%lu.%lu", v / 1000000, v / 1000 % 1000, v % 1000);
	else
		lv->version = xstrdup("?");
	if (!lv->uri)
		lv->uri = virConnectGetURI(c); /* the default the library picked */
}

int lv_connect(struct lv *lv, struct err *e)
{
	virConnectPtr c = virConnectOpenReadOnly(lv->uri);
	if (!c) {
		_cleanup_free_ char *why = xstrdup(lv_errmsg());
		lv_disconnect(lv, why);
		return err_set(e, -ENOTCONN, "libvirt %s: %s; next attempt in %.0f s", lv->uri ? lv->uri : "(default URI)", why,
			       lv->backoff);
	}
	lv->conn = c;
	lv->no_bulk = false; /* asked again: the daemon may have changed */
	lv->block_in_bulk = false;
	lv->known_gen = -1;
	/* Device-added events tell when a guest known to have no disks gets
	 * one.  Without them every sample asks every guest's block group. */
	__atomic_add_fetch(&lv->sink->refs, 1, __ATOMIC_ACQ_REL);
	lv->events = virConnectDomainEventRegisterAny(c, NULL, VIR_DOMAIN_EVENT_ID_DEVICE_ADDED, VIR_DOMAIN_EVENT_CALLBACK(on_device_added),
						      lv->sink, sink_put) >= 0;
	if (!lv->events)
		sink_put(lv->sink);
	/* No client keepalive: with calls left waiting on a stuck guest it
	 * stalls other calls on the connection until its next ping.  Every
	 * call of a sample has a deadline instead, which also catches a daemon
	 * that hangs. */
	lv->backoff = 0;
	free(lv->down);
	lv->down = NULL;
	read_host_facts(lv, c);
	return 0;
}

int lv_ensure_connected(struct lv *lv, struct err *e)
{
	if (lv->conn)
		return 0;
	double now = clock_mono();
	if (now < lv->next_retry)
		return err_set(e, -ENOTCONN, "libvirt %s: %s; next attempt in %.0f s", lv->uri ? lv->uri : "(default URI)",
			       lv->down ? lv->down : "not connected", lv->next_retry - now + 0.5);
	return lv_connect(lv, e);
}

int lv_sink_gen(const struct lv *lv)
{
	return sink_gen(lv->sink);
}

struct lv *lv_new(const char *uri)
{
	pthread_once(&lv_once, lv_global_init);
	struct lv *lv = xcalloc(1, sizeof(*lv));
	pthread_mutex_init(&lv->mu, NULL);
	clock_cond_init(&lv->cv);
	lv->uri = uri ? xstrdup(uri) : NULL;
	lv->sink = xcalloc(1, sizeof(*lv->sink));
	lv->sink->refs = 1;
	return lv;
}

void lv_free(struct lv *lv, bool busy)
{
	if (lv->conn)
		virConnectClose(lv->conn);
	lv_devcache_free(&lv->dc);
	lv_pool_close(lv);
	hv_snapshot_free_packed(&lv->last);
	sink_put(lv->sink);
	free(lv->uri);
	free(lv->down);
	free(lv->hostname);
	free(lv->type);
	free(lv->version);
	if (!busy) {
		pthread_mutex_destroy(&lv->mu);
		pthread_cond_destroy(&lv->cv);
		free(lv);
	}
	/* else: a stuck call still points at lv; leaving it is the price of
	 * never blocking on a guest that does not answer. */
}

void lv_pool_close(struct lv *lv)
{
	for (int k = 0; k < lv->npool; k++)
		if (lv->pool[k])
			virConnectClose(lv->pool[k]);
	free(lv->pool);
	lv->pool = NULL;
	lv->npool = 0;
}

virConnectPtr lv_pool_conn(struct lv *lv, int want, int k)
{
	if (lv->npool != want) {
		lv_pool_close(lv);
		lv->pool = xcalloc((size_t)want, sizeof(*lv->pool));
		lv->npool = want;
	}
	if (!lv->pool[k])
		lv->pool[k] = virConnectOpenReadOnly(lv->uri);
	return lv->pool[k];
}

void lv_pool_drop(struct lv *lv, int k)
{
	if (k < lv->npool && lv->pool[k]) {
		virConnectClose(lv->pool[k]);
		lv->pool[k] = NULL;
	}
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Calls into libvirt, each on a thread of its own with a deadline.  A call
 * that misses its deadline is left to finish alone (a guest's monitor that
 * does not answer holds it) and frees itself when it returns; the sample
 * goes on without it.  What a call asks is its owner's run function. */
#include <errno.h>
#include <string.h>

#include "core/clock.h"
#include "core/tmpguard.h"
#include "hv/lv_call.h"

void call_init(struct call *c, struct lv *lv, int (*run)(struct call *), void (*free_fn)(struct call *))
{
	c->lv = lv;
	c->run = run;
	c->free = free_fn;
	c->retires = true;
}

void call_free(struct call *c)
{
	free(c->error);
	c->error = NULL;
	c->free(c);
}

/* Unlink c from the outstanding calls (lv->mu held). */
static void unlink_outstanding(struct lv *lv, struct call *c)
{
	for (struct call **pp = &lv->outstanding; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			return;
		}
}

static void *call_main(void *arg)
{
	struct call *c = arg;
	int n = c->run(c);
	c->took = clock_mono() - c->t0;
	struct lv *lv = c->lv;
	/* What the call got is read by the waiter only once it sees done,
	 * under the lock. */
	char *error = n < 0 ? xstrdup(lv_errmsg()) : NULL;
	int errcode = n < 0 ? virGetLastErrorCode() : 0;
	pthread_mutex_lock(&lv->mu);
	c->result = n;
	c->error = error;
	c->errcode = errcode;
	c->done = true;
	if (c->abandoned) { /* nobody waits for it any more */
		unlink_outstanding(lv, c);
		pthread_mutex_unlock(&lv->mu);
		call_free(c);
		return NULL;
	}
	pthread_cond_broadcast(&lv->cv);
	if (c->linger) {
		while (!c->released)
			pthread_cond_wait(&lv->cv, &lv->mu);
		lv->lingering--;
		pthread_cond_broadcast(&lv->cv);
		pthread_mutex_unlock(&lv->mu);
		call_free(c);
		return NULL;
	}
	pthread_mutex_unlock(&lv->mu);
	return NULL;
}

void call_release(struct lv *lv, struct call *c)
{
	if (!c->linger) {
		call_free(c);
		return;
	}
	pthread_mutex_lock(&lv->mu);
	c->released = true;
	pthread_cond_broadcast(&lv->cv);
	pthread_mutex_unlock(&lv->mu);
}

bool call_start(struct call *c)
{
	pthread_t t;
	pthread_attr_t a;
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	if (c->linger) {
		pthread_mutex_lock(&c->lv->mu);
		c->lv->lingering++;
		pthread_mutex_unlock(&c->lv->mu);
	}
	c->t0 = clock_mono();
	bool started = tmpguard_thread(&t, &a, call_main, c) == 0;
	pthread_attr_destroy(&a);
	if (!started) {
		if (c->linger) {
			c->linger = false;
			pthread_mutex_lock(&c->lv->mu);
			c->lv->lingering--;
			pthread_mutex_unlock(&c->lv->mu);
		}
		call_main(c); /* no thread to be had: ask inline */
	}
	return started;
}

struct call *call_wait(struct lv *lv, struct call *c, const struct timespec *until)
{
	pthread_mutex_lock(&lv->mu);
	while (!c->done)
		if (pthread_cond_timedwait(&lv->cv, &lv->mu, until) == ETIMEDOUT)
			break;
	if (c->done) {
		pthread_mutex_unlock(&lv->mu);
		return c;
	}
	if (c->on_abandon)
		c->on_abandon(c);
	c->abandoned = true;
	if (c->linger) { /* it frees itself when it returns */
		c->linger = false;
		lv->lingering--;
	}
	/* libvirt's client stalls other calls on a connection whose replies
	 * are outstanding: the sample's connection is retired after it. */
	if (c->retires)
		lv->retire = true;
	c->next = lv->outstanding;
	lv->outstanding = c;
	pthread_mutex_unlock(&lv->mu);
	return NULL;
}

struct call *call_run_with_deadline(struct lv *lv, struct call *c, int deadline_ms)
{
	if (!call_start(c))
		return c;
	struct timespec until = clock_after_ms(deadline_ms);
	return call_wait(lv, c, &until);
}

bool call_pending(struct lv *lv, const char *uuid)
{
	bool yes = false;
	pthread_mutex_lock(&lv->mu);
	for (struct call *c = lv->outstanding; c && !yes; c = c->next)
		yes = c->key[0] && strcmp(c->key, uuid) == 0;
	pthread_mutex_unlock(&lv->mu);
	return yes;
}

void call_set_key(struct call *c, const char *uuid)
{
	pthread_mutex_lock(&c->lv->mu);
	snprintf(c->key, sizeof(c->key), "%s", uuid);
	pthread_mutex_unlock(&c->lv->mu);
}

virDomainPtr *lv_doms_ref(virDomainPtr *doms, int n)
{
	virDomainPtr *v = xcalloc((size_t)n + 1, sizeof(*v));
	for (int i = 0; i < n; i++) {
		virDomainRef(doms[i]);
		v[i] = doms[i];
	}
	return v;
}

void lv_doms_free(virDomainPtr *doms, int n)
{
	for (int i = 0; i < n; i++)
		virDomainFree(doms[i]);
	free(doms);
}

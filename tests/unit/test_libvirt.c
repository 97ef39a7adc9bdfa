/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The libvirt backend against libvirt's own test driver.  test:///default
 * is one state for every connection of a process, so the test starts,
 * stops and restarts domains on a connection of its own between the
 * backend's samples: each domain must keep its own figures when the
 * others come and go (what the last sample knew is looked up by
 * position first, then by UUID and id), and a restarted domain (a new id)
 * must not inherit what was known of its previous run.  The test driver's
 * statistics give the state alone, so every sample asks each device by
 * name: a guest whose device call hangs must cost the sample no more than
 * its deadline. */
#include <dlfcn.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/err.h"
#include "core/util.h"
#include "hv/hv.h"

/* How long the domain named "slow" takes to answer an interface's
 * counters, in ms.  The module's calls into libvirt resolve to this
 * binary's definition first (it is linked -rdynamic), so this stands in
 * for a guest whose monitor is slow to answer. */
static int slow_ms;

int virDomainInterfaceStats(virDomainPtr dom, const char *device, virDomainInterfaceStatsPtr stats, size_t size)
{
	static int (*real)(virDomainPtr, const char *, virDomainInterfaceStatsPtr, size_t);
	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "virDomainInterfaceStats");
	int ms = __atomic_load_n(&slow_ms, __ATOMIC_ACQUIRE);
	const char *name = virDomainGetName(dom);
	if (ms && name && strcmp(name, "slow") == 0)
		usleep((useconds_t)ms * 1000);
	return real(dom, device, stats, size);
}

/* libxml2 keeps a state per thread, freed by a destructor as the thread
 * exits: the test driver formats domain XML on the backend's call
 * threads, which are detached, and one still exiting as the process ends
 * holds an allocation LeakSanitizer can no longer reach. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:xmlGetGlobalState\n";
}

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void quiet(void *opaque, virErrorPtr err)
{
	(void)opaque;
	(void)err;
}

/* A running domain with vcpus vCPUs online of max, a disk vda and an
 * interface tap-NAME; its UUID is its name's, run after run, as a defined
 * guest's is. */
static void start(virConnectPtr c, const char *name, int vcpus, int max)
{
	unsigned h = 2166136261u;
	for (const char *p = name; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	char xml[1024];
	snprintf(xml, sizeof(xml),
		 "<domain type='test'><name>%s</name><uuid>%08x-0000-4000-8000-000000000001</uuid><memory unit='KiB'>131072</memory><vcpu current='%d'>%d</vcpu>"
		 "<os><type>hvm</type></os><devices>"
		 "<disk type='file' device='disk'><source file='/guest/%s.img'/><target dev='vda' bus='virtio'/></disk>"
		 "<interface type='network'><source network='default'/><target dev='tap-%s'/></interface>"
		 "</devices></domain>",
		 name, h, vcpus, max, name, name);
	virDomainPtr d = virDomainCreateXML(c, xml, 0);
	assert_non_null(d);
	virDomainFree(d);
}

static void stop(virConnectPtr c, const char *name)
{
	virDomainPtr d = virDomainLookupByName(c, name);
	assert_non_null(d);
	assert_int_equal(virDomainDestroy(d), 0);
	virDomainFree(d);
}

static const struct hv_domain *find(const struct hv_snapshot *s, const char *name)
{
	for (size_t i = 0; i < s->ndom; i++)
		if (s->dom[i].name && strcmp(s->dom[i].name, name) == 0)
			return &s->dom[i];
	return NULL;
}

/* name runs with vcpus vCPUs online of max, one disk and one interface of
 * its own. */
static void expect(const struct hv_snapshot *s, const char *name, unsigned vcpus, unsigned max)
{
	const struct hv_domain *d = find(s, name);
	assert_non_null(d);
	assert_int_equal(d->vcpus_online, vcpus);
	assert_int_equal(d->vcpus_max, max);
	assert_int_equal(d->nblk, 1);
	assert_string_equal(d->blk[0].name, "vda");
	assert_int_equal(d->nnet, 1);
	char tap[64];
	snprintf(tap, sizeof(tap), "tap-%s", name);
	assert_string_equal(d->net[0].name, tap);
}

static void sample(struct hv *hv, struct hv_snapshot *s)
{
	assert_int_equal(hv_sample(hv, s), 0);
	assert_true(s->up);
	hv_tidy(hv);
}

static void test_domains_come_and_go(void **state)
{
	(void)state;
	virConnectPtr c = virConnectOpen("test:///default");
	assert_non_null(c);
	start(c, "alpha", 1, 2);
	start(c, "beta", 2, 4);
	start(c, "gamma", 3, 8);

	struct hv *hv = NULL;
	struct err e = ERR_INIT;
	if (hv_open("test:///default", &hv, &e) < 0)
		fail_msg("%s", err_msg(&e));
	struct hv_snapshot s = { 0 };
	sample(hv, &s);
	expect(&s, "alpha", 1, 2);
	expect(&s, "beta", 2, 4);
	expect(&s, "gamma", 3, 8);

	/* One goes, two come: the others move in the listing. */
	stop(c, "beta");
	start(c, "delta", 4, 5);
	start(c, "beta", 2, 4);
	sample(hv, &s);
	expect(&s, "alpha", 1, 2);
	expect(&s, "beta", 2, 4);
	expect(&s, "gamma", 3, 8);
	expect(&s, "delta", 4, 5);

	/* Restarted with more vCPUs: a new id, so not the maximum of 2 known
	 * of its last run. */
	stop(c, "alpha");
	start(c, "alpha", 6, 12);
	sample(hv, &s);
	expect(&s, "alpha", 6, 12);
	expect(&s, "gamma", 3, 8);
	expect(&s, "delta", 4, 5);

	/* And again, unchanged: what is known now holds. */
	sample(hv, &s);
	expect(&s, "alpha", 6, 12);
	expect(&s, "beta", 2, 4);
	assert_null(find(&s, "epsilon"));

	hv_snapshot_free(&s);
	hv_close(hv);
	err_clear(&e);
	for (const char *const *n = (const char *const[]){ "alpha", "beta", "gamma", "delta", NULL }; *n; n++)
		stop(c, *n);
	virConnectClose(c);
}

/* Bytes the allocator has handed out and not had back; 0 where it cannot
 * say (ASan's and valgrind's allocators report nothing here). */
static size_t heap_in_use(void)
{
	struct mallinfo2 mi = mallinfo2();
	return mi.uordblks + mi.hblkhd;
}

/* Guests started and stopped thousands of times (each run a new id, as on
 * an OpenStack node) while the backend samples with their XML asked for:
 * what it keeps of them must not grow with the count. */
static void test_churn(void **state)
{
	(void)state;
	virConnectPtr c = virConnectOpen("test:///default");
	assert_non_null(c);
	struct hv *hv = NULL;
	struct err e = ERR_INIT;
	if (hv_open("test:///default", &hv, &e) < 0)
		fail_msg("%s", err_msg(&e));
	hv_set_want(hv, HV_WANT_INFO);
	struct hv_snapshot s = { 0 };
	size_t at_warm = 0;
	/* Where the heap cannot be measured the cycles only run the code
	 * (for the sanitizers and valgrind): a few suffice. */
	enum { WARM = 300 };
	const int cycles = heap_in_use() ? 3000 : 100;
	for (int i = 0; i < cycles; i++) {
		char name[32];
		snprintf(name, sizeof(name), "churn%d", i % 3);
		start(c, name, 1, 2);
		sample(hv, &s);
		expect(&s, name, 1, 2);
		stop(c, name);
		if (i == WARM)
			at_warm = heap_in_use();
	}
	sample(hv, &s);
	size_t at_end = heap_in_use();
	print_message("heap in use after %d cycles: %zu bytes, after %d: %zu\n", WARM, at_warm, cycles, at_end);
	/* Each forgotten run kept its disk, interface and labels: well over
	 * 256 bytes, so 2,700 of them would be over 700 KB. */
	if (at_warm)
		assert_true(at_end < at_warm + 256 * 1024);
	hv_snapshot_free(&s);
	hv_close(hv);
	err_clear(&e);
	virConnectClose(c);
}

/* A guest whose device calls hang: the sample returns within its
 * deadline (and one more for the domains listed after it, asked alone),
 * that guest marked stuck with its last figures, the others unaffected;
 * the next sample, with its call still out, does
 * not ask it again; once it answers it is back. */
static void test_slow_device_call(void **state)
{
	(void)state;
	enum { DEADLINE = 300, SLOW = 2500 };
	virConnectPtr c = virConnectOpen("test:///default");
	assert_non_null(c);
	start(c, "quick", 1, 2);
	start(c, "slow", 2, 4);
	start(c, "later", 1, 1);
	struct hv *hv = NULL;
	struct err e = ERR_INIT;
	if (hv_open("test:///default", &hv, &e) < 0)
		fail_msg("%s", err_msg(&e));
	hv_set_deadline(hv, DEADLINE);
	struct hv_snapshot s = { 0 };
	sample(hv, &s);
	expect(&s, "slow", 2, 4);

	__atomic_store_n(&slow_ms, SLOW, __ATOMIC_RELEASE);
	double t0 = now_ms();
	sample(hv, &s);
	double took = now_ms() - t0;
	print_message("sample with a device call hung for %d ms: %.0f ms (deadline %d ms)\n", SLOW, took, DEADLINE);
	assert_true(took < SLOW - 500);
	const struct hv_domain *d = find(&s, "slow");
	assert_non_null(d);
	assert_true(d->stuck);
	assert_non_null(strstr(d->note, "no answer within 300 ms"));
	expect(&s, "slow", 2, 4); /* its last figures */
	/* The others answered, whichever side of it the listing put them. */
	assert_false(find(&s, "quick")->stuck);
	expect(&s, "quick", 1, 2);
	assert_false(find(&s, "later")->stuck);
	expect(&s, "later", 1, 1);

	/* Its call still out: not asked again, the others asked in full. */
	t0 = now_ms();
	sample(hv, &s);
	took = now_ms() - t0;
	assert_true(took < SLOW - 500);
	assert_true(find(&s, "slow")->stuck);
	assert_false(find(&s, "later")->stuck);
	expect(&s, "later", 1, 1);
	assert_false(find(&s, "quick")->stuck);

	/* Answered: back, with figures of its own. */
	__atomic_store_n(&slow_ms, 0, __ATOMIC_RELEASE);
	usleep(SLOW * 1000);
	sample(hv, &s);
	assert_false(find(&s, "slow")->stuck);
	expect(&s, "slow", 2, 4);

	hv_snapshot_free(&s);
	hv_close(hv);
	err_clear(&e);
	for (const char *const *n = (const char *const[]){ "quick", "slow", "later", NULL }; *n; n++)
		stop(c, *n);
	virConnectClose(c);
}

int main(void)
{
	/* The backend is a module beside the hvscope binary: BUILD/, with
	 * this test in BUILD/tests/. */
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0 && !getenv("HVSCOPE_MODULE_PATH")) {
		exe[n] = '\0';
		for (int up = 0; up < 2; up++) {
			char *slash = strrchr(exe, '/');
			if (slash)
				*slash = '\0';
		}
		setenv("HVSCOPE_MODULE_PATH", exe, 1);
	}
	virSetErrorFunc(NULL, quiet);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_domains_come_and_go),
		cmocka_unit_test(test_churn),
		cmocka_unit_test(test_slow_device_call),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

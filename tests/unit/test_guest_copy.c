/* SPDX-License-Identifier: GPL-2.0-or-later */
/* probe/guest_copy.c: which file names read as a copy of another config,
 * and which contents make a copy a second guest after all. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "probe/guest_copy.h"

static void test_suffix_tokens(void **state)
{
	(void)state;
	static const char *const ok[] = { ".b", "-old", ".disabled", ".20210101", "-2021-01-01", ".orig2", ".1",
					  "_bak", ".BAK", ".old.1", ".bak-20210101", "-copy", ".save3",
					  "_20210101_1030", ".prev", NULL };
	static const char *const bad[] = { "", ".", "-", "..", ".new", "-new", "-next", ".test", "2", "old",
					   ".cfg", ".b.cfg", ".2021a", ".b~", ".xml", ".old 1", "-web2", ".1.new",
					   NULL };
	for (size_t i = 0; ok[i]; i++)
		if (!guest_copy_suffix_ok(ok[i]))
			fail_msg("\"%s\" is a copy suffix", ok[i]);
	for (size_t i = 0; bad[i]; i++)
		if (guest_copy_suffix_ok(bad[i]))
			fail_msg("\"%s\" is not a copy suffix", bad[i]);
}

static void test_suffix_names(void **state)
{
	(void)state;
	static const struct {
		const char *file, *base, *suffix;
	} cases[] = {
		/* after the whole name */
		{ "web1.cfg.b", "web1.cfg", ".b" },
		{ "web1.cfg-old", "web1.cfg", "-old" },
		{ "web1.cfg.disabled", "web1.cfg", ".disabled" },
		{ "web1.cfg.20210101", "web1.cfg", ".20210101" },
		{ "web1.cfg-2021-01-01", "web1.cfg", "-2021-01-01" },
		{ "rhel5pv.1", "rhel5pv", ".1" },
		{ "rhel5pv-old", "rhel5pv", "-old" },
		{ "rhel5pv.orig2", "rhel5pv", ".orig2" },
		/* after the stem of NAME.cfg, instead of .cfg or before it */
		{ "web1.orig2", "web1.cfg", ".orig2" },
		{ "web1.1", "web1.cfg", ".1" },
		{ "web1-old.cfg", "web1.cfg", "-old" },
		{ "web1.bak.cfg", "web1.cfg", ".bak" },
		{ "web1-2021-01-01.cfg", "web1.cfg", "-2021-01-01" },
		/* not named as a copy */
		{ "web1.cfg", "web1.cfg", NULL },
		{ "web1-new.cfg", "web1.cfg", NULL },
		{ "web1.cfg.new", "web1.cfg", NULL },
		{ "web2.cfg", "web1.cfg", NULL },
		{ "web12.cfg", "web1.cfg", NULL },
		{ "web1", "web1.cfg", NULL },
		{ "web1.cfg", "web1", NULL },
		{ "web1.cfg.old", "web1", NULL },
		{ "web1-db.cfg", "web1.cfg", NULL },
		{ "web1.cfg", "web1.cfg.b", NULL },
		{ "x.1", "x", ".1" },
		{ ".cfg.1", ".cfg", ".1" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *s = guest_copy_suffix(cases[i].file, cases[i].base);
		if (!cases[i].suffix && s)
			fail_msg("%s is no copy of %s (got \"%s\")", cases[i].file, cases[i].base, s);
		if (cases[i].suffix && (!s || strcmp(s, cases[i].suffix) != 0))
			fail_msg("%s: suffix \"%s\" of %s expected, got \"%s\"", cases[i].file, cases[i].suffix, cases[i].base,
				 s ? s : "(none)");
		free(s);
	}
}

static void make(struct guest *g, const char *file, const char *name, const char *uuid, const char *disk,
		 const char *mac)
{
	guest_init(g, file);
	g->name = xstrdup(name);
	g->uuid = uuid ? xstrdup(uuid) : NULL;
	if (disk)
		strv_push(&g->disks, disk);
	if (mac)
		strv_push(&g->macs, mac);
}

static void expect_same(const struct guest *a, const struct guest *b, const char *why)
{
	char *s = guest_copy_same(a, b);
	if (!why && s)
		fail_msg("%s and %s are two guests, got \"%s\"", a->file, b->file, s);
	if (why && (!s || strcmp(s, why) != 0))
		fail_msg("%s and %s: \"%s\" expected, got \"%s\"", a->file, b->file, why, s ? s : "(two guests)");
	free(s);
}

static void test_same_guest(void **state)
{
	(void)state;
	struct guest live, bak, clone, bare, bare2, idb, other;
	make(&live, "/etc/xen/web1.cfg", "web1", NULL, "/dev/vg0/web1-disk", "00:16:3e:4a:2b:1c");
	/* an older memory= but the same disk: one machine */
	make(&bak, "/etc/xen/web1.cfg.b", "web1", NULL, "/dev/vg0/web1-disk", "00:16:3e:4a:2b:1c");
	bak.memory_mib = 512;
	/* cloned, given its own disk and MAC, name not changed: two */
	make(&clone, "/etc/xen/web1.cfg.2", "web1", NULL, "/dev/vg0/web2-disk", "00:16:3e:4a:2b:1d");
	/* nothing to tell them apart (a PV kernel and ramdisk, no vif) */
	make(&bare, "/etc/xen/guest1.cfg", "guest1", NULL, NULL, NULL);
	make(&bare2, "/etc/xen/guest1.cfg.old1", "guest1", NULL, NULL, NULL);
	/* the same uuid wins over a moved disk; another uuid is another domain */
	make(&idb, "/etc/xen/db", "db", "3f2504e0-4f89-11d3-9a0c-0305e82c3301", "/srv/db.img", NULL);
	make(&other, "/etc/xen/db.1", "db", "3f2504e0-4f89-11d3-9a0c-0305e82c3301", "/srv/new/db.img", NULL);
	expect_same(&bak, &live, "the same disk /dev/vg0/web1-disk");
	expect_same(&clone, &live, NULL);
	expect_same(&bare2, &bare, "no uuid, disk or MAC of its own");
	expect_same(&other, &idb, "the same uuid 3f2504e0-4f89-11d3-9a0c-0305e82c3301");
	free(other.uuid);
	other.uuid = xstrdup("9847a069-51e4-8173-9d1b-2d033cf63d5b");
	expect_same(&other, &idb, NULL);
	/* a MAC in any case */
	strv_free(&clone.disks);
	strv_free(&live.disks);
	free(clone.macs.v[0]);
	clone.macs.v[0] = xstrdup("00:16:3E:4A:2B:1C");
	expect_same(&clone, &live, "the same MAC 00:16:3E:4A:2B:1C");
	struct guest *all[] = { &live, &bak, &clone, &bare, &bare2, &idb, &other };
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		guest_free(all[i]);
}

static void test_find(void **state)
{
	(void)state;
	struct guest v[5];
	make(&v[0], "/etc/xen/web1.cfg.b.1", "web1", NULL, "/dev/vg0/web1-disk", NULL);
	make(&v[1], "/etc/xen/web1.cfg.b", "web1", NULL, "/dev/vg0/web1-disk", NULL);
	make(&v[2], "/etc/xen/web1.cfg", "web1", NULL, "/dev/vg0/web1-disk", NULL);
	make(&v[3], "/etc/xen/web1-new.cfg", "web1", NULL, "/dev/vg0/web1-disk", NULL);
	make(&v[4], "/etc/xen/auto/web1.cfg.b", "web1", NULL, "/dev/vg0/web1-disk", NULL);
	struct guest *p[] = { &v[0], &v[1], &v[2], &v[3], &v[4] };
	char *why = NULL;
	/* the original, not the copy it was copied from */
	assert_int_equal(guest_copy_find(p, 5, 0, &why), 2);
	assert_string_equal(why, "a copy of /etc/xen/web1.cfg (copy suffix \".b.1\"; the same domain name web1; "
				 "the same disk /dev/vg0/web1-disk): not a guest");
	free(why);
	assert_int_equal(guest_copy_find(p, 5, 1, &why), 2);
	free(why);
	assert_int_equal(guest_copy_find(p, 5, 2, &why), -1);
	assert_null(why);
	assert_int_equal(guest_copy_find(p, 5, 3, &why), -1); /* "new": meant to run */
	assert_null(why);
	assert_int_equal(guest_copy_find(p, 5, 4, &why), -1); /* another directory */
	assert_null(why);
	/* another domain name: a guest of its own, whatever its file name */
	free(v[1].name);
	v[1].name = xstrdup("web1-old");
	assert_int_equal(guest_copy_find(p, 5, 1, &why), -1);
	for (size_t i = 0; i < 5; i++)
		guest_free(&v[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_suffix_tokens),
		cmocka_unit_test(test_suffix_names),
		cmocka_unit_test(test_same_guest),
		cmocka_unit_test(test_find),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

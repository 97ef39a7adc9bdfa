/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hvscope's own records in an sosreport (probe/sos_own.c), found by the
 * names sos_extras gives its commands' outputs, and read first by
 * probe/bundle_in.c; a record that does not load leaves sos's files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/util.h"
#include "probe/bundle_in.h"
#include "probe/sos_own.h"
#include "tests/unit/tmpdir.h"

static void put(const char *top, const char *rel, const char *text)
{
	_cleanup_free_ char *path = xasprintf("%s/%s", top, rel);
	_cleanup_free_ char *cmd = xasprintf("mkdir -p \"$(dirname '%s')\"", path);
	assert_int_equal(system(cmd), 0);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* an sosreport's top with sos 4's own directories */
static char *sos_top(const char *name)
{
	char *top = xasprintf("%s/%s", dir, name);
	put(top, "sos_logs/sos.log", "sos 4.0\n");
	put(top, "sos_commands/kernel/uname_-a", "Linux h 6.1.0 #1 SMP x86_64 GNU/Linux\n");
	return top;
}

#define EX "sos_commands/sos_extras/"

static void test_find(void **state)
{
	(void)state;
	_cleanup_free_ char *top = sos_top("find");
	char *facts, *samples;
	sos_own_find(top, &facts, &samples);
	assert_null(facts);
	assert_null(samples);
	/* near misses: the report, another program, a flag inside a word */
	put(top, EX "hvscope/hvscope_check_--format_json", "{}");
	put(top, EX "hvscope/myhvscope_check_--facts_--format_json", "[]");
	put(top, EX "hvscope/hvscope_top_-b_-f_snapshots", "{}");
	sos_own_find(top, &facts, &samples);
	assert_null(facts);
	assert_null(samples);
	/* another extras file's, a staged binary, more flags */
	put(top, EX "site/opt.hv.bin.hvscope_check_--profile_kvm_--facts_-f_json", "[]");
	put(top, EX "site/hvscope_top_-b_-f_snapshot_-i_3_-d_1_--connect_test_...default", "{}");
	sos_own_find(top, &facts, &samples);
	assert_string_equal(facts, EX "site/opt.hv.bin.hvscope_check_--profile_kvm_--facts_-f_json");
	assert_string_equal(samples, EX "site/hvscope_top_-b_-f_snapshot_-i_3_-d_1_--connect_test_...default");
	free(facts);
	free(samples);
	/* the shipped file's directory first */
	put(top, EX "hvscope/hvscope_check_--facts_--format_json", "[]");
	sos_own_find(top, &facts, &samples);
	assert_string_equal(facts, EX "hvscope/hvscope_check_--facts_--format_json");
	free(facts);
	free(samples);
}

static const char one_fact[] = "[\n{\"name\":\"os.id\",\"status\":\"ok\",\"type\":\"string\",\"value\":\"plan9\",\"evidence\":\"recorded\"}\n]\n";

static void test_read_first(void **state)
{
	(void)state;
	_cleanup_free_ char *top = sos_top("read");
	put(top, EX "hvscope/hvscope_check_--facts_--format_json", one_fact);
	struct bundle_in in;
	struct err e = ERR_INIT;
	assert_int_equal(bundle_in_open(top, &in, &e), 0);
	assert_int_equal(in.kind, BUNDLE_SOS);
	assert_null(in.samples);
	struct probe_ctx ctx;
	assert_int_equal(bundle_in_context(&in, &ctx, &e), 0);
	const struct fact *f = probe_fact(&ctx, "os.id");
	assert_int_equal(f->status, FACT_OK);
	assert_string_equal(f->s, "plan9");
	/* what the record lacks, from sos's files */
	f = probe_fact(&ctx, "kernel.release");
	assert_int_equal(f->status, FACT_OK);
	probe_ctx_free(&ctx);
	bundle_in_close(&in);
}

static void test_broken_record(void **state)
{
	(void)state;
	_cleanup_free_ char *top = sos_top("broken");
	put(top, EX "hvscope/hvscope_check_--facts_--format_json", "[\n{\"name\":\"os.id\",\"sta");
	struct bundle_in in;
	struct err e = ERR_INIT;
	assert_int_equal(bundle_in_open(top, &in, &e), 0);
	struct probe_ctx ctx;
	assert_int_equal(bundle_in_context(&in, &ctx, &e), 1);
	assert_non_null(strstr(err_msg(&e), EX "hvscope/hvscope_check_--facts_--format_json:"));
	err_clear(&e);
	assert_int_equal(probe_fact(&ctx, "kernel.release")->status, FACT_OK);
	assert_int_not_equal(probe_fact(&ctx, "os.id")->status, FACT_ERROR);
	probe_ctx_free(&ctx);
	bundle_in_close(&in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_read_first),
		cmocka_unit_test(test_broken_record),
	};
	return cmocka_run_group_tests_name("sos_own", tests, tmpdir_setup, tmpdir_teardown);
}

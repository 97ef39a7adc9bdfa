/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: hvscope check --bundle's reader over any bytes, as an
 * archive (libarchive's every compression, tar and zip) unpacked into a
 * private directory, then its facts.json and its hypervisor samples (top
 * --replay) read back.  Besides memory errors
 * it checks one property: nothing is left in the private directories'
 * parent, whatever the archive held. */
#include <stdbool.h>
#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "probe/bundle_in.h"
#include "hv/hv.h"
#include "probe/fact_load.h"

static char dir[] = "/tmp/hvscope-fuzz-bundle-XXXXXX";

static size_t entries(const char *path)
{
	DIR *d = opendir(path);
	size_t n = 0;
	for (struct dirent *e; d && (e = readdir(d));)
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* made once, by a flag: mkdtemp may end the name in an X itself, and
	 * a second mkdtemp of that name fails */
	static bool made;
	if (!made) {
		made = true;
		if (!mkdtemp(dir)) {
			perror("fuzz_bundle: mkdtemp");
			abort();
		}
		setenv("TMPDIR", dir, 1);
	}
	char input[sizeof(dir) + 16];
	snprintf(input, sizeof(input), "%s.in", dir);
	FILE *f = fopen(input, "wb");
	if (!f) {
		perror(input); /* the private directory went: removed from outside? */
		abort();
	}
	fwrite(data, 1, size, f);
	fclose(f);
	struct bundle_in in;
	struct err e = ERR_INIT;
	if (bundle_in_open(input, &in, &e) == 0) {
		struct facts fs = { 0 };
		facts_load_json(&fs, in.top, "check/facts.json", &e);
		facts_free(&fs);
		err_clear(&e);
		struct hv_history h;
		if (hv_history_load(in.top, "hypervisor/samples.json", "samples.json", &h, &e) == 0)
			hv_history_free(&h);
		bundle_in_close(&in);
	}
	err_clear(&e);
	unlink(input);
	if (entries(dir) != 0) {
		fprintf(stderr, "fuzz_bundle: %s: an unpacked copy left behind\n", dir);
		abort();
	}
	return 0;
}

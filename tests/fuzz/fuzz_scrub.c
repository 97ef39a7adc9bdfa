/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: the bundle's secret scrubber and --clean over any
 * bytes.  Besides memory errors it checks one property: a value the
 * scrubber masked in "password=VALUE" form never survives, whatever text
 * surrounds it. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag/clean.h"
#include "core/scrub.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf out = BUF_INIT;
	scrub_text((const char *)data, size, &out);
	struct cleaner *c = cleaner_new();
	cleaner_add_word(c, CLEAN_HOST, "virt01");
	struct buf cl = BUF_INIT;
	cleaner_apply(c, out.s ? out.s : "", out.len, &cl);
	cleaner_free(c);
	buf_free(&cl);
	buf_free(&out);

	/* The input as the prefix of a line that then sets a password. */
	static const char tail[] = "\npassword=Zq9SecretZq9\n";
	char *in = malloc(size + sizeof(tail));
	memcpy(in, data, size);
	memcpy(in + size, tail, sizeof(tail));
	scrub_text(in, size + sizeof(tail) - 1, &out);
	if (!memmem(data, size, "Zq9", 3) && memmem(out.s, out.len, "Zq9SecretZq9", 12))
		abort();
	buf_free(&out);
	free(in);
	return 0;
}

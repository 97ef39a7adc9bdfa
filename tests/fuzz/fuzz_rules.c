/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: the rule-file loader (YAML through libyaml, then the
 * rule schema).  Any input must give a rule set or an error, never a crash
 * or a leak. */
#include <stddef.h>
#include <stdint.h>

#include "rules/ruleset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ruleset set = { 0 };
	struct err e = ERR_INIT;
	ruleset_load_text(&set, "fuzz.yaml", (const char *)data, size, &e);
	err_clear(&e);
	ruleset_free(&set);
	return 0;
}

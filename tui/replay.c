/* SPDX-License-Identifier: GPL-2.0-or-later */
/* top --replay: loading the hypervisor samples a support bundle recorded. */
#include "tui/replay.h"

#include <errno.h>
#include <stdlib.h>

#include "core/root.h"
#include "core/util.h"
#include "probe/bundle_in.h"

int top_replay_load(const char *path, struct hv_history *h, char **desc, struct err *e)
{
	struct bundle_in in = { 0 };
	*desc = NULL;
	int r = bundle_in_open(path, &in, e);
	if (r < 0)
		return r;
	if (in.kind == BUNDLE_SOS) {
		bundle_in_close(&in);
		return err_set(e, -ENOENT, "%s: an sosreport records no hypervisor samples (hvscope bundle does)", path);
	}
	/* samples.json; a bundle of format 1 has one sample in domains.json */
	const char *hist = "hypervisor/samples.json", *one = "hypervisor/domains.json";
	const char *file = root_exists(in.top, hist) ? hist : root_exists(in.top, one) ? one : NULL;
	_cleanup_free_ char *shown = file ? xasprintf("%s: %s", path, file) : NULL;
	if (!file)
		r = err_set(e, -ENOENT, "%s: the bundle holds no samples of the hypervisor (made with --no-hypervisor, "
				       "or the hypervisor did not answer: its manifest.json says which)", path);
	else
		r = hv_history_load(in.top, file, shown, h, e);
	if (r == 0) {
		const struct hv_host *host = &h->snap[0].host;
		*desc = xasprintf("replay of %s (%s)", path, host->source ? host->source : "?");
	}
	bundle_in_close(&in);
	return r;
}

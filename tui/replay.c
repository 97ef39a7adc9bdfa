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
	_cleanup_free_ char *shown = in.samples ? xasprintf("%s: %s", path, in.samples) : NULL;
	if (in.samples)
		r = hv_history_load(in.top, in.samples, shown, h, e);
	else if (in.kind == BUNDLE_SOS)
		r = err_set(e, -ENOENT, "%s: an sosreport records no hypervisor samples of its own, and this one holds "
				       "none of hvscope's (its /etc/sos/extras.d/hvscope file adds them: hvscope-bundle(1), SOS)", path);
	else
		r = err_set(e, -ENOENT, "%s: the bundle holds no samples of the hypervisor (made with --no-hypervisor, "
				       "or the hypervisor did not answer: its manifest.json says which)", path);
	if (r == 0) {
		const struct hv_host *host = &h->snap[0].host;
		*desc = xasprintf("replay of %s (%s)", path, host->source ? host->source : "?");
	}
	bundle_in_close(&in);
	return r;
}

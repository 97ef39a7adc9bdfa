/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The exporter's run, once its options are read. */
#ifndef HVSCOPE_EXPORTER_SERVE_H
#define HVSCOPE_EXPORTER_SERVE_H

#include "core/util.h"

/* Not in the ranges the common exporters take (node 9100, libvirt 9177,
 * ...); see README. */
#define EXPORTER_DEFAULT_LISTEN ":9869"

struct exporter_opts {
	const char *telemetry_path, *uri, *web_config, *profile;
	struct strv listen; /* --web.listen-address, repeatable; none: the default */
	bool systemd_socket;
	double check_interval, scrape_timeout;
	long long deadline, connections, max_requests;
	unsigned want; /* HV_WANT_* */
	/* --domain.metadata: label name, XPath, label name, XPath... */
	struct strv metadata;
};

/* Serves until SIGINT or SIGTERM: the exit status (3 a listen address or
 * web config that cannot be used, 1 no hypervisor or no listener). */
int exporter_run(const struct exporter_opts *o);

#endif

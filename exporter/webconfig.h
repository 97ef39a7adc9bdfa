/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --web.config.file, the Prometheus exporter-toolkit format:
 *   tls_server_config: {cert_file, key_file, client_auth_type,
 *     client_ca_file, min_version, max_version, cipher_suites,
 *     curve_preferences, prefer_server_cipher_suites}
 *   http_server_config: {headers: {NAME: VALUE}, http2}
 *   basic_auth_users: {NAME: BCRYPT-HASH, ...}
 *   rate_limit: {interval: DURATION, burst: N} (exporter/ratelimit.c)
 * Relative paths are relative to the file's directory.  Its server
 * sections are read by exporter/webtls.c, credentials checked against its
 * users by exporter/webauth.c. */
#ifndef HVSCOPE_EXPORTER_WEBCONFIG_H
#define HVSCOPE_EXPORTER_WEBCONFIG_H

#include <stdbool.h>

#include "core/err.h"
#include "exporter/websettings.h"

int web_config_load(const char *path, struct web_config *wc, struct err *e);
bool web_config_has_users(const struct web_config *wc);
void web_config_free(struct web_config *wc);

#endif

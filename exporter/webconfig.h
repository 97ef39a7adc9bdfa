/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --web.config.file, the Prometheus exporter-toolkit format:
 *   tls_server_config: {cert_file: ..., key_file: ...}
 *   basic_auth_users: {NAME: BCRYPT-HASH, ...}
 * Relative paths are relative to the file's directory. */
#ifndef HVSCOPE_EXPORTER_WEBCONFIG_H
#define HVSCOPE_EXPORTER_WEBCONFIG_H

#include <stdbool.h>

#include "core/err.h"
#include "core/util.h"

struct web_config {
	char *cert_pem, *key_pem; /* NULL: plain HTTP */
	struct strv users, hashes;
};

int web_config_load(const char *path, struct web_config *wc, struct err *e);
/* True when no users are configured, or user/password match a hash. */
bool web_config_auth_ok(const struct web_config *wc, const char *user, const char *password);
bool web_config_has_users(const struct web_config *wc);
void web_config_free(struct web_config *wc);

#endif

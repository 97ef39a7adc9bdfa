/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What a web config says, as the HTTP server takes it: the plain data the
 * readers of its sections fill (exporter/webtls.c, exporter/webconfig.c)
 * and exporter/http.c serves with. */
#ifndef HVSCOPE_EXPORTER_WEBSETTINGS_H
#define HVSCOPE_EXPORTER_WEBSETTINGS_H

#include "core/util.h"

struct auth_cache;
struct rate_limit;
/* client_auth_type, Go's order. */
enum client_auth { CLIENT_NONE, CLIENT_REQUEST, CLIENT_REQUIRE_ANY, CLIENT_VERIFY_IF_GIVEN, CLIENT_REQUIRE_VERIFY };
struct web_config {
	char *cert_pem, *key_pem; /* NULL: plain HTTP */
	char *client_ca_pem;       /* client_ca_file */
	enum client_auth client_auth;
	char *priorities;          /* GnuTLS priority string: versions, suites, curves */
	struct strv headers;       /* name, value, ...: added to every answer */
	struct strv users, hashes;
	char *dummy;               /* the bcrypt setting unknown users are hashed with */
	struct auth_cache *cache;  /* verified credentials */
	struct rate_limit *limit;  /* rate_limit; NULL: none */
};

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Basic-auth credentials checked against a web config's
 * basic_auth_users. */
#ifndef HVSCOPE_EXPORTER_WEBAUTH_H
#define HVSCOPE_EXPORTER_WEBAUTH_H

#include <stdbool.h>

#include "core/err.h"
#include "exporter/websettings.h"

/* The credential cache of wc and the setting unknown users are hashed
 * with; wc's users and hashes read. */
int web_auth_setup(struct web_config *wc, struct err *e);
/* True when no users are configured, or user/password match a hash.
 * Answers are cached: the same credentials cost one bcrypt, and an
 * unknown user costs what a known one does.  Thread-safe. */
bool web_config_auth_ok(const struct web_config *wc, const char *user, const char *password);
/* How many bcrypt hashes auth_ok computed (for tests). */
unsigned long web_config_bcrypts(const struct web_config *wc);
/* Frees what web_auth_setup made. */
void web_auth_free(struct web_config *wc);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The web config's server sections, tls_server_config and
 * http_server_config, read into a struct web_config. */
#ifndef HVSCOPE_EXPORTER_WEBTLS_H
#define HVSCOPE_EXPORTER_WEBTLS_H

#include "core/err.h"
#include "exporter/websettings.h"

struct ynode;
/* Section v of the config file cfg (named in messages) into wc: 0, or a
 * negative errno with e saying where in cfg and why. */
int web_tls_parse(const char *cfg, const struct ynode *v, struct web_config *wc, struct err *e);
int web_http_parse(const char *cfg, const struct ynode *v, struct web_config *wc, struct err *e);

#endif

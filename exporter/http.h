/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The exporter's HTTP side, over libmicrohttpd: the metrics path, /healthz,
 * an index page; basic authentication and TLS from --web.config.file. */
#ifndef HVSCOPE_EXPORTER_HTTP_H
#define HVSCOPE_EXPORTER_HTTP_H

#include <sys/socket.h>

#include "core/err.h"

struct exporter;
struct MHD_Daemon;

/* Listening on addr, or on listen_fd (>= 0: a socket already listening,
 * quiesced from a server before or passed by systemd; addr may then be
 * NULL); libmicrohttpd owns listen_fd from then on. */
struct MHD_Daemon *http_start(struct exporter *x, const struct sockaddr_storage *addr, int listen_fd, struct err *e);

#endif

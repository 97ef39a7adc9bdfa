/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where the exporter listens: each --web.listen-address, or the sockets
 * systemd passes (--web.systemd-socket, sd_listen_fds(3)'s protocol). */
#ifndef HVSCOPE_EXPORTER_LISTEN_H
#define HVSCOPE_EXPORTER_LISTEN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "core/err.h"

struct MHD_Daemon;

struct listener {
	char *name;                 /* for messages: the address as given, or as the socket says */
	struct sockaddr_storage ss; /* when fd < 0 */
	int fd;                     /* a socket already listening (systemd's), or -1 */
	struct MHD_Daemon *d;       /* serving it; NULL: not yet */
};

/* ":9869", "127.0.0.1:9869", "[::1]:9869" -> l (fd -1). */
int listen_parse(const char *spec, struct listener *l, struct err *e);
/* The listening sockets systemd passed this process (LISTEN_PID,
 * LISTEN_FDS; from fd 3 on), the variables then unset: *ls of *n. */
int listen_systemd(struct listener **ls, size_t *n, struct err *e);
void listen_free(struct listener *ls, size_t n);

#endif

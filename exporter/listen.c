/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The exporter's listening sockets: the addresses it is given, or the
 * sockets systemd's socket activation passes (sd_listen_fds(3): fds from
 * 3 on, LISTEN_FDS of them, when LISTEN_PID is this process). */
#include "exporter/listen.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"

#define SD_LISTEN_FDS_START 3

int listen_parse(const char *spec, struct listener *l, struct err *e)
{
	memset(l, 0, sizeof(*l));
	l->fd = -1;
	const char *colon = strrchr(spec, ':');
	if (!colon || !colon[1])
		return err_set(e, -EINVAL, "--web.listen-address %s: give host:port or :port", spec);
	_cleanup_free_ char *host = xstrndup(spec, (size_t)(colon - spec));
	if (host[0] == '[' && str_ends(host, "]")) {
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = '\0';
	}
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE | AI_NUMERICSERV };
	struct addrinfo *res = NULL;
	int r = getaddrinfo(*host ? host : NULL, colon + 1, &hints, &res);
	if (r != 0)
		return err_set(e, -EINVAL, "--web.listen-address %s: %s", spec, gai_strerror(r));
	memcpy(&l->ss, res->ai_addr, res->ai_addrlen);
	freeaddrinfo(res);
	l->name = xstrdup(spec);
	return 0;
}

/* "127.0.0.1:9869", "[::1]:9869" or "unix socket" for fd. */
static char *socket_name(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char host[INET6_ADDRSTRLEN] = "?";
	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return xasprintf("fd %d", fd);
	if (ss.ss_family == AF_INET) {
		const struct sockaddr_in *a = (const struct sockaddr_in *)&ss;
		inet_ntop(AF_INET, &a->sin_addr, host, sizeof(host));
		return xasprintf("%s:%u", host, ntohs(a->sin_port));
	}
	if (ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)&ss;
		inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof(host));
		return xasprintf("[%s]:%u", host, ntohs(a->sin6_port));
	}
	return xasprintf("fd %d (family %d)", fd, ss.ss_family);
}

/* fd is a stream socket that listens: 0, or why not. */
static int check_listening(int fd, struct err *e)
{
	int val = 0;
	socklen_t len = sizeof(val);
	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &val, &len) < 0)
		return err_set(e, -errno, "--web.systemd-socket: fd %d from systemd is not a socket: %s", fd, strerror(errno));
	if (!val)
		return err_set(e, -EINVAL, "--web.systemd-socket: fd %d from systemd is not listening (a .socket unit with Accept=no is wanted)", fd);
	int type = 0;
	len = sizeof(type);
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0 || type != SOCK_STREAM)
		return err_set(e, -EINVAL, "--web.systemd-socket: fd %d from systemd is not a stream socket (ListenStream= is wanted)", fd);
	return 0;
}

int listen_systemd(struct listener **ls, size_t *n, struct err *e)
{
	*ls = NULL;
	*n = 0;
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
	if (!pid || !fds)
		return err_set(e, -ENOENT, "--web.systemd-socket: no sockets from systemd (LISTEN_PID and LISTEN_FDS are not set)");
	char *end;
	long p = strtol(pid, &end, 10);
	if (*end || p != (long)getpid())
		return err_set(e, -EINVAL, "--web.systemd-socket: LISTEN_PID %s is not this process (%ld)", pid, (long)getpid());
	long count = strtol(fds, &end, 10);
	if (*end || count < 1 || count > 64)
		return err_set(e, -EINVAL, "--web.systemd-socket: LISTEN_FDS '%s' is not a count of sockets from 1 to 64", fds);
	for (int fd = SD_LISTEN_FDS_START; fd < SD_LISTEN_FDS_START + count; fd++) {
		int r = check_listening(fd, e);
		if (r < 0)
			return r;
	}
	/* Not for the processes this one starts (sd_listen_fds(1) does the same). */
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	*ls = xcalloc((size_t)count, sizeof(**ls));
	for (int i = 0; i < count; i++) {
		int fd = SD_LISTEN_FDS_START + i;
		fcntl(fd, F_SETFD, FD_CLOEXEC);
		(*ls)[i].fd = fd;
		(*ls)[i].name = socket_name(fd);
	}
	*n = (size_t)count;
	return 0;
}

void listen_free(struct listener *ls, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(ls[i].name);
	free(ls);
}

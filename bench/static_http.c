/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A yardstick for bench/exporter-vs-libvirt-exporter.sh: serves one file's
 * bytes, read once into memory, at every path on 127.0.0.1 over libmicrohttpd with the
 * exporter's threading, so that timing a fetch of it gives what sending
 * an exporter's text costs with nothing computed.
 *   static_http FILE PORT     serves until killed */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char *body;
static size_t len;

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url, const char *method, const char *version,
			      const char *upload, size_t *upload_size, void **req)
{
	(void)cls;
	(void)url;
	(void)method;
	(void)version;
	(void)upload;
	(void)upload_size;
	if (!*req) { /* headers first, as the exporter */
		*req = (void *)1;
		return MHD_YES;
	}
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(r, "Content-Type", "text/plain; version=0.0.4; charset=utf-8");
	enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: static_http FILE PORT\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "rb");
	if (!f || fseek(f, 0, SEEK_END) != 0)
		return 1;
	long n = ftell(f);
	rewind(f);
	body = malloc(n > 0 ? (size_t)n : 1);
	len = n > 0 ? fread(body, 1, (size_t)n, f) : 0;
	fclose(f);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[2])) };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	struct MHD_Daemon *d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, answer, NULL, MHD_OPTION_SOCK_ADDR,
						(struct sockaddr *)&sa, MHD_OPTION_THREAD_POOL_SIZE, 4U, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
						MHD_OPTION_END);
	if (!d)
		return 1;
	for (;;)
		pause();
}

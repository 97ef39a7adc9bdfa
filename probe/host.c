/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Which distribution this is: /etc/os-release, or /etc/redhat-release on
 * hosts as old as RHEL 5, which have no os-release; and the host's name:
 * the running kernel's on the live host, the image's own under --root. */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "core/root.h"
#include "probe/offline.h"
#include "probe/ask.h"

static const char *const patterns[] = { "os.id", "os.version_id", "os.pretty", "os.rhel_major", "host.name", NULL };

/* Value of KEY= in os-release text, unquoted; caller frees. */
static char *osrel_get(const char *text, const char *key)
{
	size_t kl = strlen(key);
	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		if (strncmp(l, key, kl) == 0 && l[kl] == '=') {
			const char *v = l + kl + 1;
			size_t n = strcspn(v, "\n");
			if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
				v++;
				n -= 2;
			}
			return xstrndup(v, n);
		}
	}
	return NULL;
}

/* In an sosreport: what its hostname command printed (the running
 * name), else its copy of /etc/hostname. */
static bool sos_host_name(struct probe_ctx *ctx)
{
	struct buf b = BUF_INIT;
	const char *src = offline_sos_read(ctx->root, "host.name", 4096, &b);
	char *h = src ? str_strip(b.s) : NULL;
	bool ok = h && *h && !strchr(h, '\n') && !strchr(h, ' ');
	if (ok)
		facts_set_str(&ctx->facts, "host.name", h, "%s", src);
	buf_free(&b);
	return ok;
}

/* Under --root: /etc/hostname, RHEL 5's HOSTNAME= in
 * /etc/sysconfig/network, or a copy of /proc/sys/kernel/hostname. */
static void host_name(struct probe_ctx *ctx)
{
	if (ctx->sos && sos_host_name(ctx))
		return;
	if (root_is_live(ctx->root)) {
		char h[256] = "";
		gethostname(h, sizeof(h) - 1);
		facts_set_str(&ctx->facts, "host.name", h, "gethostname()");
		return;
	}
	_cleanup_free_ char *line = NULL;
	if (root_read_line(ctx->root, "/etc/hostname", &line, NULL) == 0 && *line) {
		facts_set_str(&ctx->facts, "host.name", line, "/etc/hostname");
		return;
	}
	struct buf net = BUF_INIT;
	if (root_read(ctx->root, "/etc/sysconfig/network", 65536, &net, NULL) == 0) {
		buf_grow(&net, 0);
		_cleanup_free_ char *h = osrel_get(net.s, "HOSTNAME");
		buf_free(&net);
		if (h && *h) {
			facts_set_str(&ctx->facts, "host.name", h, "/etc/sysconfig/network HOSTNAME");
			return;
		}
	}
	buf_free(&net);
	free(line);
	line = NULL;
	if (root_read_line(ctx->root, "/proc/sys/kernel/hostname", &line, NULL) == 0 && *line)
		facts_set_str(&ctx->facts, "host.name", line, "/proc/sys/kernel/hostname");
	else
		facts_set_status(&ctx->facts, "host.name", FACT_MISSING, "no /etc/hostname, /etc/sysconfig/network HOSTNAME or /proc/sys/kernel/hostname under %s", ctx->root);
}

static void resolve(struct probe_ctx *ctx, const char *name)
{
	if (strcmp(name, "host.name") == 0) {
		host_name(ctx);
		return;
	}
	if (!probe_once(ctx, "os"))
		return;
	struct facts *fs = &ctx->facts;
	_cleanup_free_ char *rh = NULL;
	root_read_line(ctx->root, "/etc/redhat-release", &rh, NULL);
	struct buf b = BUF_INIT;
	const char *src = "/etc/os-release";
	int r = root_read(ctx->root, src, 65536, &b, NULL);
	if (r < 0) {
		src = "/usr/lib/os-release";
		r = root_read(ctx->root, src, 65536, &b, NULL);
	}
	if (r == 0) {
		buf_grow(&b, 0);
		_cleanup_free_ char *id = osrel_get(b.s, "ID"), *ver = osrel_get(b.s, "VERSION_ID"),
				   *pretty = osrel_get(b.s, "PRETTY_NAME");
		facts_set_str(fs, "os.id", id ? id : "linux", "%s ID", src);
		facts_set_str(fs, "os.version_id", ver ? ver : "", "%s VERSION_ID", src);
		facts_set_str(fs, "os.pretty", pretty ? pretty : (id ? id : "Linux"), "%s PRETTY_NAME", src);
	} else if (rh) {
		/* "Red Hat Enterprise Linux Server release 5.1 (Tikanga)" */
		const char *rel = strstr(rh, "release ");
		_cleanup_free_ char *ver = NULL;
		if (rel) {
			rel += strlen("release ");
			ver = xstrndup(rel, strspn(rel, "0123456789."));
		}
		const char *id = strstr(rh, "CentOS") ? "centos" : strstr(rh, "Fedora") ? "fedora" : "rhel";
		facts_set_str(fs, "os.id", id, "/etc/redhat-release: \"%s\"", rh);
		facts_set_str(fs, "os.version_id", ver ? ver : "", "/etc/redhat-release: \"%s\"", rh);
		facts_set_str(fs, "os.pretty", rh, "/etc/redhat-release");
	} else {
		for (const char *const *p = patterns; *p; p++)
			facts_set_status(fs, *p, FACT_MISSING, "neither /etc/os-release, /usr/lib/os-release nor /etc/redhat-release");
		buf_free(&b);
		return;
	}
	const struct fact *id = facts_get(fs, "os.id"), *ver = facts_get(fs, "os.version_id");
	bool rh_family = strcmp(id->s, "rhel") == 0 || strcmp(id->s, "centos") == 0 || strcmp(id->s, "rocky") == 0 ||
			 strcmp(id->s, "almalinux") == 0 || strcmp(id->s, "ol") == 0;
	long long major;
	int rm = rh_family && isdigit((unsigned char)ver->s[0]) ? str_to_ll_prefix(ver->s, &major, NULL) : -EINVAL;
	if (rm == 0)
		facts_set_int(fs, "os.rhel_major", major, "%s %s", id->s, ver->s);
	else if (rm == -ERANGE)
		facts_set_status(fs, "os.rhel_major", FACT_ERROR, "%s VERSION_ID %s: out of range", id->s, ver->s);
	else
		facts_set_int(fs, "os.rhel_major", 0, "%s is not RHEL or a rebuild of it", id->s);
	buf_free(&b);
}

const struct probe probe_host = {
	.name = "host",
	.summary = "the distribution (/etc/os-release, /etc/redhat-release)",
	.patterns = patterns,
	.resolve = resolve,
};

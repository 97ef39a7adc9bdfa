/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Host resources: memory (/proc/meminfo), free space where images live
 * (statvfs of the nearest existing directory), network bridges
 * (/sys/class/net/NAME/bridge; in an image, which has no /sys/class/net,
 * the bridges its network configuration sets up at boot: probe/netcfg.c;
 * in an sosreport sos's df and brctl show or ip -d link outputs stand for
 * the last two: probe/resources_sos.c).
 * Facts: mem.total_mib, mem.available_mib, mem.guest_headroom_mib,
 * disk.free_mib.PATH, net.bridges, net.bridge.NAME. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "core/root.h"
#include "probe/netcfg.h"
#include "probe/ask.h"
#include "probe/resources_sos.h"

static const char *const patterns[] = { "mem.total_mib", "mem.available_mib", "mem.guest_headroom_mib", "mem.dom0_mib",
					"disk.free_mib./*", "net.bridges", "net.bridge.*", NULL };

/* What dom0 keeps for itself when the kernel line does not say: RHEL 5's
 * guidance and Xen's own dom0_mem examples use 512 MiB as the floor. */
#define DOM0_DEFAULT_MIB 512
/* The most of a refused figure an evidence line quotes. */
#define QUOTE_MAX 64

/* key's figure in meminfo's text ("MemTotal:       65516344 kB"): 0 with
 * *kib set; -ENOENT when no line has it; -EINVAL or -ERANGE when its
 * figure is not a count of kB a long long holds, *bad (owned) then
 * quoting the line's figure. */
static int meminfo_kib(const char *text, const char *key, long long *kib, char **bad)
{
	const char *p = strstr(text, key);
	while (p && p != text && p[-1] != '\n')
		p = strstr(p + 1, key);
	if (!p)
		return -ENOENT;
	p += strlen(key);
	const char *end;
	int r = str_to_ll_prefix(p, kib, &end);
	if (r == 0 && *kib < 0)
		r = -ERANGE;
	if (r < 0) {
		p += strspn(p, " \t");
		size_t n = strcspn(p, "\n");
		*bad = xstrndup(p, n < QUOTE_MAX ? n : QUOTE_MAX);
	}
	return r;
}

static void mem_status(struct facts *fs, enum fact_status st, const char *why)
{
	facts_set_status(fs, "mem.total_mib", st, "%s", why);
	facts_set_status(fs, "mem.available_mib", st, "%s", why);
	facts_set_status(fs, "mem.guest_headroom_mib", st, "%s", why);
	facts_set_status(fs, "mem.dom0_mib", st, "%s", why);
}

/* What dom0 keeps, in MiB, from dom0_mem= on the kernel line (its
 * figure with G, M or K; MiB without): 0, or -ERANGE or -EINVAL with a
 * problem naming the value in why. */
static int dom0_mem_mib(const char *cmdline, long long *mib, struct buf *why)
{
	const char *p = strstr(cmdline, "dom0_mem=") + strlen("dom0_mem=");
	const char *unit;
	long long v;
	int r = str_to_ll_prefix(p, &v, &unit);
	if (r == 0 && v < 0)
		r = -EINVAL; /* Xen's "all but" form is not a reserve hvscope reads */
	if (r < 0) {
		size_t n = strcspn(p, " \t\n");
		buf_printf(why, "dom0_mem=%.*s on the kernel line: %s", (int)(n < QUOTE_MAX ? n : QUOTE_MAX), p,
			   r == -ERANGE ? "out of range" : "not a size in M, G or K");
		return r;
	}
	*mib = (*unit == 'G' || *unit == 'g') ? ll_mul_sat(v, 1024) : (*unit == 'K' || *unit == 'k') ? v / 1024 : v;
	return 0;
}

/* dom0's reserve and what is left for guests: host MiB less dom0's less
 * what the guests are configured with, held at LLONG_MIN/MAX rather
 * than wrapped. */
static void mem_headroom(struct probe_ctx *ctx, long long host)
{
	struct facts *fs = &ctx->facts;
	/* dom0_mem=1024M[,max:...] on the hypervisor line; a Xen dom0's own
	 * MemTotal is already its share. */
	long long dom0 = DOM0_DEFAULT_MIB;
	const char *dom0_src = "default reserve";
	const struct fact *isdom0 = probe_fact(ctx, "xen.dom0");
	const struct fact *cmd = probe_fact(ctx, "kernel.cmdline");
	if (cmd->status == FACT_OK && strstr(cmd->s, "dom0_mem=")) {
		struct buf why = BUF_INIT;
		if (dom0_mem_mib(cmd->s, &dom0, &why) < 0) {
			facts_set_status(fs, "mem.dom0_mib", FACT_ERROR, "%s", buf_str(&why));
			facts_set_status(fs, "mem.guest_headroom_mib", FACT_ERROR, "%s", buf_str(&why));
			buf_free(&why);
			return;
		}
		dom0_src = "dom0_mem= on the kernel line";
	}
	facts_set_int(fs, "mem.dom0_mib", dom0, "%s", dom0_src);
	const struct fact *gm = probe_fact(ctx, "guest.memory_total_mib");
	long long guests = gm->status == FACT_OK ? gm->i : 0;
	bool in_dom0 = isdom0->status == FACT_OK && isdom0->b;
	long long headroom = ll_sub_sat(ll_sub_sat(host, dom0), guests);
	/* A dom0 booted without dom0_mem= starts with all memory and balloons
	 * it out to guests, so its MemTotal is the machine's; with dom0_mem=
	 * on Xen's own line it is dom0's share only. */
	facts_set_int(fs, "mem.guest_headroom_mib", headroom, "%lld MiB %s - %lld MiB dom0 (%s) - %lld MiB configured for guests", host,
		      in_dom0 ? "in dom0 (MemTotal: all memory unless Xen was booted with dom0_mem=)" : "host", dom0, dom0_src,
		      guests);
}

static void probe_mem(struct probe_ctx *ctx)
{
	struct facts *fs = &ctx->facts;
	struct buf b = BUF_INIT, why = BUF_INIT;
	struct err e = ERR_INIT;
	_cleanup_free_ char *bad_total = NULL, *bad_avail = NULL;
	long long total = -1, avail = -1;
	int r = root_read(ctx->root, "/proc/meminfo", ROOT_READ_MAX, &b, &e);
	int rt = r == 0 ? meminfo_kib(buf_str(&b), "MemTotal:", &total, &bad_total) : r;
	int ra = r == 0 ? meminfo_kib(buf_str(&b), "MemAvailable:", &avail, &bad_avail) : r;
	if (rt < 0) {
		/* absent: the source says nothing (an sosreport without it); there
		 * but unreadable, without MemTotal or with a figure no host has:
		 * an error */
		if (r < 0)
			buf_puts(&why, err_msg(&e));
		else if (bad_total)
			buf_printf(&why, "/proc/meminfo MemTotal: %s: %s", bad_total, rt == -ERANGE ? "out of range" : "not a count of kB");
		else
			buf_puts(&why, "/proc/meminfo has no MemTotal line");
		mem_status(fs, r == -ENOENT ? FACT_MISSING : FACT_ERROR, buf_str(&why));
		goto out;
	}
	facts_set_int(fs, "mem.total_mib", total / 1024, "/proc/meminfo MemTotal: %lld kB", total);
	if (ra == 0)
		facts_set_int(fs, "mem.available_mib", avail / 1024, "/proc/meminfo MemAvailable: %lld kB", avail);
	else if (bad_avail)
		facts_set_status(fs, "mem.available_mib", FACT_ERROR, "/proc/meminfo MemAvailable: %s: %s", bad_avail,
				 ra == -ERANGE ? "out of range" : "not a count of kB");
	else
		facts_set_status(fs, "mem.available_mib", FACT_MISSING, "/proc/meminfo has no MemAvailable line (kernel before 3.14)");
	mem_headroom(ctx, total / 1024);
out:
	buf_free(&b);
	buf_free(&why);
	err_clear(&e);
}

static void probe_disk(struct probe_ctx *ctx, const char *name)
{
	const char *path = name + strlen("disk.free_mib.");
	if (ctx->sos) {
		sos_disk_free(ctx, name, path);
		return;
	}
	_cleanup_free_ char *p = xstrdup(path);
	/* Walk up to the nearest directory that exists: the images dir may be
	 * yet to be created, its filesystem is what matters. */
	for (;;) {
		if (root_is_dir(ctx->root, p))
			break;
		char *slash = strrchr(p, '/');
		if (!slash || slash == p) {
			strcpy(p, "/");
			break;
		}
		*slash = '\0';
	}
	int fd = root_open(ctx->root, p, O_RDONLY | O_DIRECTORY);
	struct statvfs sv;
	if (fd < 0 || fstatvfs(fd, &sv) < 0) {
		int r = fd < 0 ? fd : -errno;
		facts_set_errno(&ctx->facts, name, r, ctx->is_root, "statvfs(%s): %s", p, strerror(-r));
	} else {
		long long mib = (long long)((unsigned long long)sv.f_bavail * sv.f_frsize / (1024 * 1024));
		facts_set_int(&ctx->facts, name, mib, "statvfs(%s)%s: %lld MiB free for unprivileged use", p,
			      strcmp(p, path) ? " (nearest existing directory)" : "", mib);
	}
	if (fd >= 0)
		close(fd);
}

/* What the configuration files say, for the evidence. */
static void netcfg_read_list(const struct netcfg *nc, struct buf *ev)
{
	if (!nc->read.n) {
		buf_puts(ev, "none of /etc/network/interfaces, /etc/systemd/network/*.netdev (nor /run's, /usr/lib's), "
			     "/etc/NetworkManager/system-connections/*, /etc/sysconfig/network-scripts/ifcfg-*, "
			     "/etc/sysconfig/network/ifcfg-*, /etc/netplan/*.yaml, "
			     "/etc/libvirt/qemu/networks/autostart/*.xml is there");
		return;
	}
	buf_puts(ev, "read ");
	for (size_t i = 0; i < nc->read.n; i++)
		buf_printf(ev, "%s%s", i ? ", " : "", nc->read.v[i]);
}

/* An image (a root file system not running: no /sys/class/net): the
 * bridges its network configuration creates when it boots. */
static void image_bridges(struct probe_ctx *ctx, const char *name)
{
	static const char not_running[] = "the image is not running (no /sys/class/net): its network configuration";
	struct netcfg nc;
	struct buf ev = BUF_INIT;
	netcfg_read(ctx->root, &nc);
	if (strcmp(name, "net.bridges") == 0) {
		struct strv br = { 0 };
		for (size_t i = 0; i < nc.n; i++) {
			strv_push(&br, nc.v[i].name);
			buf_printf(&ev, "%s%s at %s (%s)", i ? ", " : "", nc.v[i].name, nc.v[i].where, nc.v[i].how);
		}
		if (!nc.n) {
			buf_printf(&ev, "%s defines no bridge: ", not_running);
			netcfg_read_list(&nc, &ev);
		} else {
			buf_printf(&ev, "; %s defines %zu", not_running, nc.n);
		}
		facts_set_list_take(&ctx->facts, name, &br, "%s", buf_str(&ev));
		strv_free(&br);
	} else {
		const char *ifname = name + strlen("net.bridge.");
		const struct netcfg_bridge *b = netcfg_find(&nc, ifname);
		if (b) {
			facts_set_bool(&ctx->facts, name, true, "%s defines %s at %s (%s)", not_running, ifname, b->where, b->how);
		} else {
			netcfg_read_list(&nc, &ev);
			facts_set_bool(&ctx->facts, name, false, "%s defines no bridge %s: %s", not_running, ifname, buf_str(&ev));
		}
	}
	buf_free(&ev);
	netcfg_free(&nc);
}

static void probe_bridges(struct probe_ctx *ctx, const char *name)
{
	/* an sosreport has no /sys/class/net either: sos's outputs answer */
	if (!ctx->sos && !root_is_live(ctx->root) && !root_exists(ctx->root, "/sys/class/net")) {
		image_bridges(ctx, name);
		return;
	}
	bool list_all = strcmp(name, "net.bridges") == 0 || probe_once(ctx, "net.bridges");
	if (list_all && ctx->sos) {
		sos_bridges(ctx);
	} else if (list_all) {
		struct strv ifs = { 0 }, br = { 0 };
		int r = root_list_dir(ctx->root, "/sys/class/net", &ifs);
		for (size_t i = 0; i < ifs.n; i++) {
			_cleanup_free_ char *p = xasprintf("/sys/class/net/%s/bridge", ifs.v[i]);
			if (root_is_dir(ctx->root, p))
				strv_push(&br, ifs.v[i]);
		}
		size_t n = br.n;
		if (r < 0)
			facts_set_errno(&ctx->facts, "net.bridges", r, ctx->is_root, "/sys/class/net: %s", strerror(-r));
		else
			facts_set_list_take(&ctx->facts, "net.bridges", &br, "%zu bridges among %zu interfaces in /sys/class/net", n, ifs.n);
		strv_free(&ifs);
		strv_free(&br);
	}
	if (str_starts(name, "net.bridge.")) {
		const char *ifname = name + strlen("net.bridge.");
		const struct fact *all = facts_get(&ctx->facts, "net.bridges");
		if (all && all->status != FACT_OK) { /* what is not known of all is not known of one */
			facts_set_status(&ctx->facts, name, all->status, "%s", all->evidence);
			return;
		}
		if (ctx->sos) {
			bool is = strv_contains(&all->list, ifname);
			facts_set_bool(&ctx->facts, name, is, "%s %s %s", all->evidence, is ? "names" : "does not name", ifname);
			return;
		}
		bool is = all && all->status == FACT_OK && strv_contains(&all->list, ifname);
		_cleanup_free_ char *p = xasprintf("/sys/class/net/%s", ifname);
		bool exists = root_exists(ctx->root, p);
		facts_set_bool(&ctx->facts, name, is, "/sys/class/net/%s %s", ifname,
			       is ? "is a bridge" : exists ? "exists but is not a bridge" : "absent");
	}
}

static void resolve(struct probe_ctx *ctx, const char *name)
{
	if (str_starts(name, "mem.")) {
		if (probe_once(ctx, "mem"))
			probe_mem(ctx);
	} else if (str_starts(name, "disk.free_mib.")) {
		probe_disk(ctx, name);
	} else {
		probe_bridges(ctx, name);
	}
}

const struct probe probe_resources = {
	.name = "resources",
	.summary = "memory, free disk space where images live, network bridges",
	.patterns = patterns,
	.resolve = resolve,
};

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Guests pinned onto host CPUs: each <vcpupin> and <emulatorpin> cpuset
 * against the CPUs the host has (/sys/devices/system/cpu/present) and those
 * it isolates from the scheduler (/sys/devices/system/cpu/isolated, else
 * isolcpus= on the kernel command line).  A pin onto an absent CPU stops
 * the guest from starting; QEMU's emulator threads on isolated CPUs take
 * them from the vCPUs they were isolated for, and a vCPU allowed several
 * isolated CPUs stays on the first, as the scheduler balances nothing
 * there (Documentation/admin-guide/kernel-parameters.txt, isolcpus). */
#include <string.h>

#include "core/root.h"
#include "probe/ask.h"
#include "probe/cpuset.h"

static const char *const patterns[] = { "cpu.present", "cpu.isolated", "pinning.*", NULL };

/* isolcpus=[flag,...,]LIST: the list after the flags (nohz, domain,
 * managed_irq); NULL when the line has none.  Caller frees. */
static char *isolcpus_of(const char *cmdline)
{
	const char *p = cmdline;
	while ((p = strstr(p, "isolcpus="))) {
		if (p == cmdline || p[-1] == ' ') {
			p += strlen("isolcpus=");
			size_t n = strcspn(p, " \n");
			_cleanup_free_ char *v = xstrndup(p, n);
			char *list = v, *c;
			while ((c = strchr(list, ',')) && (str_starts(list, "nohz") || str_starts(list, "domain") || str_starts(list, "managed_irq")))
				list = c + 1;
			return xstrdup(list);
		}
		p++;
	}
	return NULL;
}

static void probe_host_cpus(struct probe_ctx *ctx)
{
	struct facts *fs = &ctx->facts;
	_cleanup_free_ char *present = NULL, *isolated = NULL;
	int r = root_read_line(ctx->root, "/sys/devices/system/cpu/present", &present, NULL);
	if (r == 0)
		facts_set_str(fs, "cpu.present", present, "/sys/devices/system/cpu/present");
	else
		facts_set_errno(fs, "cpu.present", r, ctx->is_root, "/sys/devices/system/cpu/present: %s", strerror(-r));
	if (root_read_line(ctx->root, "/sys/devices/system/cpu/isolated", &isolated, NULL) == 0) {
		facts_set_str(fs, "cpu.isolated", isolated, "/sys/devices/system/cpu/isolated%s", *isolated ? "" : " (empty: none)");
		return;
	}
	const struct fact *cmd = probe_fact(ctx, "kernel.cmdline");
	if (cmd->status != FACT_OK) {
		facts_set_status(fs, "cpu.isolated", cmd->status, "no /sys/devices/system/cpu/isolated; %s", cmd->evidence);
		return;
	}
	_cleanup_free_ char *list = isolcpus_of(cmd->s);
	facts_set_str(fs, "cpu.isolated", list ? list : "", "isolcpus= on the kernel command line (%s)%s", cmd->evidence,
		      list ? "" : ": none");
}

struct host_cpus {
	struct cpuset present, isolated;
	const char *present_text, *isolated_text;
};

/* One pin ("vcpu N:CPUSET" or "emulator:CPUSET") of guest name. */
static void check_pin(const struct host_cpus *h, const char *name, const char *pin, struct strv *absent, struct strv *isolated)
{
	const char *colon = strrchr(pin, ':');
	if (!colon)
		return;
	_cleanup_free_ char *who = xstrndup(pin, (size_t)(colon - pin));
	char *why = NULL;
	struct cpuset *set = xcalloc(1, sizeof(*set));
	if (cpuset_parse(colon + 1, set, &why) < 0) {
		strv_push_take(absent, xasprintf("%s %s: %s", name, who, why));
		free(why);
		free(set);
		return;
	}
	struct buf out = BUF_INIT;
	if (h->present_text && cpuset_minus(set, &h->present, &out))
		strv_push_take(absent, xasprintf("%s %s: cpuset %s names CPU %s, not present (present: %s)", name, who, colon + 1,
						 buf_str(&out), h->present_text));
	buf_reset(&out);
	size_t n = h->isolated_text ? cpuset_and(set, &h->isolated, &out) : 0;
	if (n && str_starts(who, "emulator"))
		strv_push_take(isolated, xasprintf("%s: emulator threads on isolated CPU %s (isolated: %s)", name, buf_str(&out),
						   h->isolated_text));
	else if (n && cpuset_count(set) > 1)
		strv_push_take(isolated, xasprintf("%s %s: cpuset %s spans isolated CPUs %s, and the scheduler does not move a vCPU between them",
						   name, who, colon + 1, buf_str(&out)));
	buf_free(&out);
	free(set);
}

static void probe_pins(struct probe_ctx *ctx)
{
	struct facts *fs = &ctx->facts;
	struct host_cpus *h = xcalloc(1, sizeof(*h));
	const struct fact *p = probe_fact(ctx, "cpu.present");
	char *why = NULL;
	if (p->status == FACT_OK && cpuset_parse(p->s, &h->present, &why) == 0)
		h->present_text = p->s;
	free(why);
	why = NULL;
	const struct fact *iso = probe_fact(ctx, "cpu.isolated");
	if (iso->status == FACT_OK && cpuset_parse(iso->s, &h->isolated, &why) == 0)
		h->isolated_text = iso->s;
	free(why);
	const struct fact *names = probe_fact(ctx, "guest.names");
	struct strv gnames = { 0 }, pinned = { 0 }, absent = { 0 }, isolated = { 0 };
	for (size_t i = 0; names->status == FACT_OK && i < names->list.n; i++)
		strv_push(&gnames, names->list.v[i]);
	for (size_t i = 0; i < gnames.n; i++) {
		_cleanup_free_ char *fp = xasprintf("guest.%s.pins", gnames.v[i]);
		const struct fact *pins = probe_fact(ctx, fp);
		if (pins->status != FACT_OK || !pins->list.n)
			continue;
		strv_push(&pinned, gnames.v[i]);
		for (size_t k = 0; k < pins->list.n; k++)
			check_pin(h, gnames.v[i], pins->list.v[k], &absent, &isolated);
	}
	facts_set_list_take(fs, "pinning.guests", &pinned, "the guests with <vcpupin> or <emulatorpin>");
	if (h->present_text)
		facts_set_list_take(fs, "pinning.absent", &absent, "the guests' cpusets against /sys/devices/system/cpu/present (%s)",
				    h->present_text);
	else
		facts_set_status(fs, "pinning.absent", p->status == FACT_OK ? FACT_ERROR : p->status, "cpu.present: %s", p->evidence);
	if (h->isolated_text)
		facts_set_list_take(fs, "pinning.isolated", &isolated, "the guests' cpusets against the isolated CPUs (%s; %s)",
				    *h->isolated_text ? h->isolated_text : "none", iso->evidence);
	else
		facts_set_status(fs, "pinning.isolated", iso->status == FACT_OK ? FACT_ERROR : iso->status, "cpu.isolated: %s", iso->evidence);
	strv_free(&absent);
	strv_free(&isolated);
	strv_free(&gnames);
	free(h);
}

static void resolve(struct probe_ctx *ctx, const char *name)
{
	if (str_starts(name, "pinning.") && probe_once(ctx, "pinning"))
		probe_pins(ctx);
	else if (str_starts(name, "cpu.") && probe_once(ctx, "cpu.hostcpus"))
		probe_host_cpus(ctx);
}

const struct probe probe_pinning = {
	.name = "pinning",
	.summary = "guests' <vcpupin> and <emulatorpin> against the host's present and isolated CPUs",
	.patterns = patterns,
	.resolve = resolve,
};

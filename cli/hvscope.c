/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hvscope: argument parsing and subcommand dispatch only. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli/cmds.h"

static const struct cmd {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
	void (*usage)(FILE *f);
} cmds[] = {
	{ "check", "is this host ready to run Xen or KVM guests? (the readiness checklist)", cmd_check, cmd_check_usage },
	{ "top", "live per-domain CPU, memory, vCPU, network and block usage, like xentop", cmd_top, cmd_top_usage },
	{ "exporter", "serve per-domain statistics and readiness checks to Prometheus", cmd_exporter, cmd_exporter_usage },
	{ "bundle", "one archive of logs, configs and facts for a support case, secrets scrubbed", cmd_bundle, cmd_bundle_usage },
	{ "fleet", "one HTML page of many hosts' check reports: hosts by checks, worst first", cmd_fleet, cmd_fleet_usage },
};

static void usage(FILE *f)
{
	fputs("Usage: hvscope COMMAND [OPTION]...\n       hvscope help [COMMAND]\n       hvscope --version\n\nCommands:\n", f);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %-10s %s\n", cmds[i].name, cmds[i].summary);
	fputs("\nhvscope COMMAND --help describes each command.\n", f);
}

static const struct cmd *find(const char *name)
{
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(cmds[i].name, name) == 0)
			return &cmds[i];
	return NULL;
}

#if defined(__SANITIZE_ADDRESS__)
/* The sanitizer build's defaults.  LeakSanitizer's interception of
 * __tls_get_addr keeps a record of each thread's dynamic TLS that goes
 * stale under glibc 2.36 once dlopen brings in libraries with TLS of
 * their own (the hypervisor modules do), and its tracer faults reading it
 * at exit, failing runs that leaked nothing; the static TLS and the
 * threads' stacks, which it scans without the interception, hold every
 * pointer hvscope keeps. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "intercept_tls_get_addr=0";
}
#endif

int main(int argc, char **argv)
{
	/* libvirt asks its callers to ignore SIGPIPE: a write to the socket of
	 * a daemon that just died would otherwise kill top or the exporter
	 * instead of being reported and retried.  Writers check for EPIPE. */
	signal(SIGPIPE, SIG_IGN);
	if (argc < 2) {
		usage(stderr);
		return 3;
	}
	const char *c = argv[1];
	if (!strcmp(c, "--version") || !strcmp(c, "-V")) {
		printf("hvscope %s\n", HVSCOPE_VERSION);
		return 0;
	}
	if (!strcmp(c, "--help") || !strcmp(c, "-h") || !strcmp(c, "help")) {
		const struct cmd *sub = argc > 2 && !strcmp(c, "help") ? find(argv[2]) : NULL;
		if (argc > 2 && !strcmp(c, "help") && !sub) {
			fprintf(stderr, "hvscope: no command '%s'\n", argv[2]);
			return 3;
		}
		if (sub)
			sub->usage(stdout);
		else
			usage(stdout);
		return 0;
	}
	const struct cmd *cmd = find(c);
	if (!cmd) {
		fprintf(stderr, "hvscope: unknown command '%s'\n\n", c);
		usage(stderr);
		return 3;
	}
	return cmd->run(argc - 1, argv + 1);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hvscope top: per-domain CPU, memory, vCPU, network and block usage, as a
 * curses screen or in batch mode. */
#include "tui/cmd_top.h"

#include <limits.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/util.h"
#include "hv/hv.h"
#include "tui/batch.h"
#include "tui/fields.h"
#include "tui/replay.h"
#include "tui/screen.h"

void cmd_top_usage(FILE *f)
{
	fputs("Usage: hvscope top [OPTION]...\n"
	      "Per-domain CPU, memory, vCPU, network and block usage, like xentop.\n"
	      "\n"
	      "  -c, --connect URI    xen (native libxenstat), or a libvirt URI such as\n"
	      "                       qemu:///system, xen:///system, test:///default (a demo that\n"
	      "                       needs nothing running); default: auto (Xen dom0 -> xen,\n"
	      "                       else libvirt's default URI)\n"
	      "  -d, --delay SECONDS  between samples (default 3)\n"
	      "  -b, --batch          no screen: print every sample to stdout\n"
	      "  -i, --iterations N   stop after N samples (batch mode; default: forever)\n"
	      "  -f, --format FMT     batch output: text (default, xentop -b's layout), csv, json\n"
	      "  -s, --sort COLUMN    sort by a column: name, cpu_pct, mem_kib ... (default name)\n"
	      "  -r, --reverse        reverse the sort order\n"
	      "      --filter TEXT    only domains whose name contains TEXT\n"
	      "  -v, --vcpus          show each domain's vCPUs\n"
	      "  -n, --networks       show each domain's network interfaces\n"
	      "  -x, --vbds           show each domain's block devices\n"
	      "      --deadline MS    how long one domain may take to answer (default 2000)\n"
	      "      --connections N  libvirt connections the block, memory and vCPU figures\n"
	      "                       are asked over at once, 1 to 16 (default 4)\n"
	      "      --replay BUNDLE  play the samples a support bundle recorded (hvscope\n"
	      "                       bundle's archive or directory) in place of a live source:\n"
	      "                       on the screen with keys to step and seek, with -b all\n"
	      "                       of them at once\n"
	      "  -h, --help           this text\n"
	      "\n"
	      "Keys on the screen: h or ? for help, q to quit.\n"
	      "Exit status: 0, or 1 when the hypervisor never answered (batch), 3 bad options.\n",
	      f);
}

static volatile sig_atomic_t stop;
static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void sleep_s(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - floor(s)) * 1e9) };
	while (!stop && nanosleep(&ts, &ts) != 0)
		;
}

struct batch_view {
	const struct batch_opts *bo;
	bool vcpus, nets, vbds;
};

/* One sample printed: the table, then per domain its detail lines (as
 * xentop -b); false when stdout has gone (| head). */
static bool print_sample(const struct hv_snapshot *prev, const struct hv_snapshot *cur, int no, bool first, const struct batch_view *v)
{
	const struct batch_opts *bo = v->bo;
	struct buf out = BUF_INIT;
	top_batch_write(prev, cur, no, bo, first, &out);
	if (bo->fmt == BATCH_TEXT && (v->vcpus || v->nets || v->vbds)) {
		size_t n;
		struct top_row *rows = top_rows(prev, cur, &n);
		top_sort(rows, n, bo->sort, bo->reverse);
		for (size_t k = 0; k < n; k++) {
			if (bo->filter && *bo->filter && !strcasestr(rows[k].d->name, bo->filter))
				continue;
			struct buf det = BUF_INIT;
			top_detail_lines(&rows[k], v->vcpus, v->nets, v->vbds, &det);
			if (det.len)
				buf_printf(&out, "%s:\n%s", rows[k].d->name, buf_str(&det));
			buf_free(&det);
		}
		top_rows_free(rows, n);
	}
	fwrite(buf_str(&out), 1, out.len, stdout);
	buf_free(&out);
	if (fflush(stdout) != 0) {
		if (errno != EPIPE)
			fprintf(stderr, "hvscope top: stdout: %s\n", strerror(errno));
		return false;
	}
	return true;
}

static int run_batch(struct hv *hv, int iterations, double delay, const struct batch_view *v)
{
	struct hv_snapshot prev = { 0 }, cur = { 0 };
	int good = 0;
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	for (int i = 1; !stop && (iterations <= 0 || i <= iterations); i++) {
		struct hv_snapshot s = { 0 };
		if (hv_sample(hv, &s) < 0) {
			fprintf(stderr, "hvscope top: %s\n", s.error ? s.error : "no answer");
			hv_snapshot_free(&s);
		} else {
			hv_snapshot_free(&prev);
			prev = cur;
			cur = s;
			if (!print_sample(good ? &prev : NULL, &cur, i, good == 0, v))
				stop = 1;
			good++;
		}
		hv_tidy(hv);
		if (iterations <= 0 || i < iterations)
			sleep_s(delay);
	}
	hv_snapshot_free(&prev);
	hv_snapshot_free(&cur);
	return good ? 0 : 1;
}

/* The recorded samples, one after another, as fast as stdout takes them:
 * a script reading a bundle wants them all, not the recorded pace. */
static int replay_batch(const struct hv_history *h, int iterations, const struct batch_view *v)
{
	for (size_t i = 0; i < h->n && (iterations <= 0 || i < (size_t)iterations); i++)
		if (!print_sample(i ? &h->snap[i - 1] : NULL, &h->snap[i], (int)i + 1, i == 0, v))
			break;
	return 0;
}

static int run_replay(const char *path, bool batch, int iterations, const struct batch_view *v, struct screen_opts *so)
{
	struct hv_history h;
	char *desc = NULL;
	struct err e = ERR_INIT;
	if (top_replay_load(path, &h, &desc, &e) < 0) {
		fprintf(stderr, "hvscope top: --replay %s\n", err_msg(&e));
		err_clear(&e);
		return 1;
	}
	int rc = batch ? replay_batch(&h, iterations, v) : top_screen_replay(&h, desc, so);
	hv_history_free(&h);
	free(desc);
	return rc;
}

int cmd_top(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "connect", required_argument, NULL, 'c' }, { "delay", required_argument, NULL, 'd' },
		{ "batch", no_argument, NULL, 'b' },         { "iterations", required_argument, NULL, 'i' },
		{ "format", required_argument, NULL, 'f' },  { "sort", required_argument, NULL, 's' },
		{ "reverse", no_argument, NULL, 'r' },       { "filter", required_argument, NULL, 'F' },
		{ "vcpus", no_argument, NULL, 'v' },         { "networks", no_argument, NULL, 'n' },
		{ "vbds", no_argument, NULL, 'x' },          { "deadline", required_argument, NULL, 'D' },
		{ "connections", required_argument, NULL, 'C' }, { "replay", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *uri = NULL, *replay = NULL;
	double delay = 3;
	bool batch = false, vcpus = false, nets = false, vbds = false;
	long long iterations = 0, deadline = 2000, connections = HV_DEFAULT_CONNECTIONS;
	struct batch_opts bo = { .fmt = BATCH_TEXT };
	char *filter = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "c:d:bi:f:s:rvnxh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': uri = optarg; break;
		case 'd':
			if (str_to_double_range(optarg, 0.1, 3600, &delay) < 0) {
				fprintf(stderr, "hvscope top: --delay %s: give seconds between 0.1 and 3600\n", optarg);
				return 3;
			}
			break;
		case 'b': batch = true; break;
		case 'i':
			if (str_to_ll_range(optarg, 1, INT_MAX, &iterations) < 0) {
				fprintf(stderr, "hvscope top: --iterations %s: give a count between 1 and 2147483647\n", optarg);
				return 3;
			}
			break;
		case 'f':
			if (!strcmp(optarg, "text")) bo.fmt = BATCH_TEXT;
			else if (!strcmp(optarg, "csv")) bo.fmt = BATCH_CSV;
			else if (!strcmp(optarg, "json")) bo.fmt = BATCH_JSON;
			else {
				fprintf(stderr, "hvscope top: unknown format '%s' (text, csv, json)\n", optarg);
				return 3;
			}
			break;
		case 's':
			bo.sort = top_field_by_key(optarg);
			if (bo.sort < 0) {
				fprintf(stderr, "hvscope top: no column '%s'; columns:", optarg);
				for (int f = 0; f < top_nfields; f++)
					fprintf(stderr, " %s", top_fields[f].key);
				fputc('\n', stderr);
				return 3;
			}
			break;
		case 'r': bo.reverse = true; break;
		case 'F': free(filter); filter = xstrdup(optarg); break;
		case 'v': vcpus = true; break;
		case 'n': nets = true; break;
		case 'x': vbds = true; break;
		case 'D':
			if (str_to_ll_range(optarg, 1, 3600000, &deadline) < 0) {
				fprintf(stderr, "hvscope top: --deadline %s: give milliseconds between 1 and 3600000\n", optarg);
				return 3;
			}
			break;
		case 'C':
			if (str_to_ll_range(optarg, 1, 16, &connections) < 0) {
				fprintf(stderr, "hvscope top: --connections %s: give 1 to 16\n", optarg);
				return 3;
			}
			break;
		case 'P': replay = optarg; break;
		case 'h': cmd_top_usage(stdout); free(filter); return 0;
		default: cmd_top_usage(stderr); free(filter); return 3;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "hvscope top: unexpected argument '%s'\n", argv[optind]);
		free(filter);
		return 3;
	}
	if (!batch && !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "hvscope top: stdout is not a terminal; use -b for batch mode\n");
		free(filter);
		return 3;
	}
	bo.filter = filter;
	struct batch_view bv = { .bo = &bo, .vcpus = vcpus, .nets = nets, .vbds = vbds };
	struct screen_opts so = { .delay = delay, .sort = bo.sort, .reverse = bo.reverse, .show_vcpus = vcpus,
				  .show_nets = nets, .show_vbds = vbds, .filter = filter };
	if (replay) {
		int rc = run_replay(replay, batch, (int)iterations, &bv, &so);
		free(so.filter);
		return rc;
	}
	struct hv *hv = NULL;
	struct err e = ERR_INIT;
	if (hv_open(uri, &hv, &e) < 0) {
		fprintf(stderr, "hvscope top: %s\n", err_msg(&e));
		err_clear(&e);
		free(filter);
		return 1;
	}
	hv_set_deadline(hv, (int)deadline);
	hv_set_connections(hv, (int)connections);
	/* the TYPE column: libvirt tells it in each domain's XML, read once
	 * while it runs */
	hv_set_want(hv, HV_WANT_INFO);
	int rc = batch ? run_batch(hv, (int)iterations, delay, &bv) : top_screen_run(hv, &so);
	hv_close(hv);
	free(so.filter);
	return rc;
}

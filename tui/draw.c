/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Drawing top's screen from the shared samples: summary, columns, body,
 * help. */
#include "tui/draw.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/util.h"
#include "tui/detail.h"
#include "tui/fields.h"
#include "tui/pcpu.h"
#include "tui/term.h"

static const char *const help_text[] = {
	"hvscope top - keys",
	"",
	"  q, Q        quit",
	"  h, ?        this help (any key returns)",
	"  < >         sort by the previous / next column",
	"  r           reverse the sort order",
	"  d           change the delay between samples (seconds)",
	"  /           filter by name (empty clears)",
	"  v           show / hide each domain's vCPUs",
	"  n           show / hide each domain's network interfaces",
	"  b, x        show / hide each domain's block devices",
	"  1           physical CPUs: each one's use and the vCPUs on it / the domains",
	"  z           Domain-0 first whatever the sort (xentop -z)",
	"  space       sample now (replay: play / pause)",
	"  arrows, PgUp, PgDn, Home, End   scroll",
	"",
	"State letters (xentop's): d dying, s shutdown, b blocked, c crashed,",
	"p paused, r running.  STUCK: no answer in time, last figures shown.",
	NULL,
};

static const char *const help_replay[] = {
	"",
	"Replay of a bundle's samples:",
	"  right, .    the next sample          left, ,    the one before",
	"  [ ]         the first / last sample  g          go to a sample (its number",
	"                                                   or its time, HH:MM:SS)",
	NULL,
};

static void draw_help(int rows, int cols, bool replay)
{
	int y = 0;
	for (int i = 0; help_text[i] && y < rows; i++)
		mvaddnstr(y++, 0, help_text[i], cols);
	for (int i = 0; replay && help_replay[i] && y < rows; i++)
		mvaddnstr(y++, 0, help_replay[i], cols);
}

/* Lines 0-3: the source, the domains by state, memory and CPUs, and the
 * source's error or the filter. */
static void draw_summary(const struct screen_shared *sh, const struct screen_view *v, const struct top_row *tr, size_t n, int cols)
{
	const struct hv_snapshot *cur = &sh->cur;
	struct buf line = BUF_INIT;
	char tbuf[40];
	/* a replay shows when the sample was taken, in UTC: the engineer
	 * reading it is seldom in the host's time zone */
	time_t now = sh->replay ? (time_t)cur->wall : time(NULL);
	struct tm tm;
	if (sh->replay)
		gmtime_r(&now, &tm);
	else
		localtime_r(&now, &tm);
	strftime(tbuf, sizeof(tbuf), sh->replay ? "%Y-%m-%d %H:%M:%S UTC" : "%H:%M:%S", &tm);
	buf_printf(&line, "hvscope top - %s   %s %s %s on %s", tbuf, sh->desc, cur->host.type ? cur->host.type : "",
		   cur->host.version ? cur->host.version : "", cur->host.hostname ? cur->host.hostname : "?");
	mvaddnstr(0, 0, buf_str(&line), cols);
	size_t by_state[HV__STATES] = { 0 };
	double cpu_total = 0;
	unsigned vcpus = 0;
	size_t stuck = 0;
	for (size_t i = 0; i < n; i++) {
		by_state[tr[i].d->state]++;
		cpu_total += tr[i].r.cpu_pct;
		vcpus += tr[i].d->vcpus_online;
		stuck += tr[i].d->stuck;
	}
	buf_reset(&line);
	buf_printf(&line, "%zu domains: %zu running, %zu blocked, %zu paused, %zu crashed, %zu dying, %zu shutdown", n,
		   by_state[HV_RUNNING], by_state[HV_BLOCKED], by_state[HV_PAUSED], by_state[HV_CRASHED], by_state[HV_DYING],
		   by_state[HV_SHUTDOWN]);
	if (stuck)
		buf_printf(&line, ", %zu stuck", stuck);
	mvaddnstr(1, 0, buf_str(&line), cols);
	buf_reset(&line);
	/* used as free(1) counts it: neither free nor buffers and cache */
	uint64_t total = cur->host.mem_total_kib, freek = cur->host.mem_free_kib;
	uint64_t cache = cur->host.mem_buffers_kib + cur->host.mem_cached_kib, notused = freek + cache;
	buf_printf(&line, "Mem: %lluk total, %lluk used, %lluk free, %lluk buff/cache    CPUs: %u    vCPUs: %u    CPU: %.1f%%    delay %.1fs",
		   (unsigned long long)total, (unsigned long long)(total > notused ? total - notused : 0), (unsigned long long)freek,
		   (unsigned long long)cache, cur->host.cpus, vcpus, cpu_total, v->o->delay);
	mvaddnstr(2, 0, buf_str(&line), cols);
	buf_reset(&line);
	if (!sh->up && sh->error) {
		buf_printf(&line, "SOURCE DOWN: %s%s", sh->error, cur->ndom ? "  (figures below are from the last good sample)" : "");
		if (v->color)
			attron(COLOR_PAIR(C_BAD) | A_BOLD);
		mvaddnstr(3, 0, buf_str(&line), cols);
		if (v->color)
			attroff(COLOR_PAIR(C_BAD) | A_BOLD);
	} else {
		if (sh->replay)
			buf_printf(&line, "sample %zu of %zu%s   ", sh->at + 1, sh->replay->n, sh->playing ? ", playing" : "");
		if (v->o->filter && *v->o->filter)
			buf_printf(&line, "filter: %s", v->o->filter);
		mvaddnstr(3, 0, buf_str(&line), cols);
	}
	buf_free(&line);
}

/* The column header on line y, reversed, the sort column underlined. */
static void draw_columns(const struct screen_view *v, int y, int cols)
{
	struct buf cell = BUF_INIT;
	move(y, 0);
	attron(A_REVERSE);
	int x = 0;
	for (int f = 0; f < top_nfields && x < cols; f++) {
		buf_reset(&cell);
		buf_printf(&cell, top_fields[f].left ? "%-*s" : "%*s", top_fields[f].width, top_fields[f].header);
		if (f == v->o->sort)
			attron(A_BOLD | A_UNDERLINE);
		mvaddnstr(y, x, buf_str(&cell), cols - x);
		if (f == v->o->sort)
			attroff(A_BOLD | A_UNDERLINE);
		x += top_fields[f].width + 1;
	}
	for (; x < cols; x++)
		mvaddch(y, x, ' ');
	attroff(A_REVERSE);
	buf_free(&cell);
}

/* The body: a line per domain and its detail lines, each with its colour
 * pair (0: none). */
struct body {
	struct strv text;
	int *pair;
	size_t alloc;
};

static void body_add(struct body *b, char *line, int pair)
{
	strv_push_take(&b->text, line);
	if (b->text.n > b->alloc) {
		b->alloc = b->text.n * 2;
		b->pair = xrealloc(b->pair, b->alloc * sizeof(*b->pair));
	}
	b->pair[b->text.n - 1] = pair;
}

static int row_pair(const struct hv_domain *d)
{
	if (d->stuck)
		return C_STUCK;
	if (d->state == HV_CRASHED || d->state == HV_DYING)
		return C_BAD;
	if (d->state == HV_PAUSED || d->state == HV_SHUTDOWN)
		return C_PAUSED;
	return C_RUN;
}

static void build_body(const struct screen_view *v, const struct top_row *tr, size_t n, struct body *out)
{
	struct buf line = BUF_INIT, cell = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		const struct top_row *r = &tr[i];
		if (v->o->filter && *v->o->filter && !strcasestr(r->d->name, v->o->filter))
			continue;
		buf_reset(&line);
		for (int f = 0; f < top_nfields; f++) {
			buf_reset(&cell);
			top_fields[f].format(r, &cell);
			buf_printf(&line, top_fields[f].left ? "%-*s " : "%*s ", top_fields[f].width, buf_str(&cell));
		}
		if (r->d->stuck)
			buf_printf(&line, " STUCK: %s", r->d->note ? r->d->note : "");
		body_add(out, buf_steal(&line), row_pair(r->d));
		top_detail_lines(r, v->o->show_vcpus, v->o->show_nets, v->o->show_vbds, &line);
		char *save = NULL;
		for (char *l = strtok_r(line.s ? line.s : (char *)"", "\n", &save); l; l = strtok_r(NULL, "\n", &save))
			body_add(out, xasprintf("    %s", l), 0);
	}
	buf_free(&line);
	buf_free(&cell);
}

/* The physical-CPU view: its header on line y, a line per CPU in the
 * body, the bar as wide as the screen leaves. */
static void build_pcpu(const struct screen_shared *sh, int y, int cols, struct body *out)
{
	const struct hv_snapshot *prev = sh->prev.mono > 0 ? &sh->prev : NULL;
	size_t n;
	struct pcpu_row *rows = top_pcpu_rows(prev, &sh->cur, &n);
	int bar = cols > 120 ? 20 : cols > 90 ? 10 : 0;
	struct buf line = BUF_INIT;
	top_pcpu_header(bar, &line);
	attron(A_REVERSE);
	mvaddnstr(y, 0, buf_str(&line), cols);
	for (int x = (int)line.len; x < cols; x++)
		mvaddch(y, x, ' ');
	attroff(A_REVERSE);
	for (size_t i = 0; i < n; i++) {
		buf_reset(&line);
		top_pcpu_line(&rows[i], bar, &line);
		body_add(out, buf_steal(&line), rows[i].known && !rows[i].online ? C_PAUSED : 0);
	}
	if (!n)
		body_add(out, xstrdup("(the source counts no host CPU and places no vCPU)"), 0);
	buf_free(&line);
	top_pcpu_rows_free(rows, n);
}

/* The body from line y down, scrolled (the scroll kept in range). */
static void draw_body(struct screen_view *v, const struct body *b, int y, int rows, int cols)
{
	int maxscroll = (int)b->text.n - (rows - y);
	if (v->scroll > maxscroll)
		v->scroll = maxscroll;
	if (v->scroll < 0)
		v->scroll = 0;
	for (int i = v->scroll; i < (int)b->text.n && y < rows; i++, y++) {
		int pair = v->color ? b->pair[i] : 0;
		if (pair)
			attron(COLOR_PAIR(pair));
		mvaddnstr(y, 0, b->text.v[i], cols);
		if (pair)
			attroff(COLOR_PAIR(pair));
	}
}

void screen_draw(struct screen_shared *sh, struct screen_view *v)
{
	erase();
	int rows, cols;
	getmaxyx(stdscr, rows, cols);
	if (v->help) {
		draw_help(rows, cols, sh->replay != NULL);
		refresh();
		return;
	}
	struct body body = { 0 };
	pthread_mutex_lock(&sh->mu);
	size_t n;
	struct top_row *tr = top_rows(sh->prev.ndom ? &sh->prev : NULL, &sh->cur, &n);
	top_sort(tr, n, v->o->sort, v->o->reverse);
	if (v->o->dom0_first)
		top_dom0_first(tr, n);
	draw_summary(sh, v, tr, n, cols);
	if (v->o->show_pcpu)
		build_pcpu(sh, 4, cols, &body);
	else
		build_body(v, tr, n, &body);
	top_rows_free(tr, n);
	pthread_mutex_unlock(&sh->mu);
	if (!v->o->show_pcpu)
		draw_columns(v, 4, cols);
	draw_body(v, &body, 5, rows, cols);
	strv_free(&body.text);
	free(body.pair);
	refresh();
}

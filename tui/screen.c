/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "tui/screen.h"

#include <curses.h>
#include <term.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/util.h"
#include "tui/fields.h"

/* Shared between the sampler thread and the screen. */
struct shared {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct hv *hv;
	double delay;
	bool quit;
	bool sample_now;
	/* the last two good samples, and the state of the source */
	struct hv_snapshot prev, cur;
	bool up;
	char *error;
	double error_at;
	unsigned long generation;
	int wake[2]; /* self-pipe: a new sample is ready */
	const char *desc; /* the source, for the first line */
	/* --replay: the recorded samples in place of the sampler; at: the one
	 * shown; playing: stepping on at the recorded pace */
	const struct hv_history *replay;
	size_t at;
	bool playing;
	double next_step; /* clock_mono() when playing steps on */
};

static void *sampler(void *arg)
{
	struct shared *sh = arg;
	struct hv_snapshot snap = { 0 };
	pthread_mutex_lock(&sh->mu);
	while (!sh->quit) {
		pthread_mutex_unlock(&sh->mu);
		int r = hv_sample(sh->hv, &snap);
		pthread_mutex_lock(&sh->mu);
		if (r == 0) {
			hv_snapshot_free(&sh->prev);
			sh->prev = sh->cur;
			sh->cur = snap;
			memset(&snap, 0, sizeof(snap));
			sh->up = true;
			free(sh->error);
			sh->error = NULL;
		} else {
			sh->up = false;
			free(sh->error);
			sh->error = xstrdup(snap.error ? snap.error : "no answer");
			sh->error_at = clock_wall();
		}
		sh->generation++;
		ssize_t w = write(sh->wake[1], "x", 1);
		(void)w;
		pthread_mutex_unlock(&sh->mu);
		hv_tidy(sh->hv); /* not held through the delay */
		pthread_mutex_lock(&sh->mu);
		/* Wait for the delay, a key asking for a sample, or quit. */
		struct timespec until = clock_after_s(sh->delay);
		while (!sh->quit && !sh->sample_now)
			if (pthread_cond_timedwait(&sh->cv, &sh->mu, &until) == ETIMEDOUT)
				break;
		sh->sample_now = false;
	}
	pthread_mutex_unlock(&sh->mu);
	hv_snapshot_free(&snap);
	return NULL;
}

/* Colour pairs of the rows by state. */
enum { C_RUN = 1, C_PAUSED, C_BAD, C_STUCK };

struct view {
	struct screen_opts *o;
	int scroll;
	bool help;
	bool color;
};

static void format_bytes(struct buf *b, uint64_t v)
{
	buf_printf(b, "%llu", (unsigned long long)v);
}

void top_detail_lines(const struct top_row *r, bool vcpus, bool nets, bool vbds, struct buf *out)
{
	const struct hv_domain *d = r->d;
	if (vcpus && d->nvcpu) {
		buf_puts(out, "VCPUs(sec):");
		for (size_t i = 0; i < d->nvcpu; i++) {
			buf_printf(out, " %3zu: %10llus", i, (unsigned long long)(d->vcpu[i].time_ns / 1000000000ULL));
			if (r->r.vcpu_pct && i < r->r.nvcpu)
				buf_printf(out, " %5.1f%%", r->r.vcpu_pct[i]);
			if (!d->vcpu[i].online)
				buf_puts(out, " offline");
		}
		buf_putc(out, '\n');
	}
	if ((nets || vbds) && r->r.valid)
		buf_printf(out, "I/O per second: net RX %.0f B/s TX %.0f B/s, block RD %.1f req/s %.0f B/s WR %.1f req/s %.0f B/s\n",
			   r->r.net_rx_bps, r->r.net_tx_bps, r->r.rd_reqs_ps, r->r.rd_bps, r->r.wr_reqs_ps, r->r.wr_bps);
	if (nets)
		for (size_t i = 0; i < d->nnet; i++) {
			const struct hv_net *n = &d->net[i];
			buf_printf(out, "Net%zu %s RX: ", i, n->name ? n->name : "?");
			format_bytes(out, n->rx_bytes);
			buf_printf(out, "bytes %llupkts %lluerr %lludrop  TX: ", (unsigned long long)n->rx_pkts,
				   (unsigned long long)n->rx_errs, (unsigned long long)n->rx_drop);
			format_bytes(out, n->tx_bytes);
			buf_printf(out, "bytes %llupkts %lluerr %lludrop\n", (unsigned long long)n->tx_pkts,
				   (unsigned long long)n->tx_errs, (unsigned long long)n->tx_drop);
		}
	if (vbds)
		for (size_t i = 0; i < d->nblk; i++) {
			const struct hv_blk *b = &d->blk[i];
			buf_printf(out, "VBD %s  OO: %8llu   RD: %8llu   WR: %8llu  RSECT: %10llu  WSECT: %10llu\n", b->name ? b->name : "?",
				   (unsigned long long)b->oo_reqs, (unsigned long long)b->rd_reqs, (unsigned long long)b->wr_reqs,
				   (unsigned long long)(b->rd_bytes / 512), (unsigned long long)(b->wr_bytes / 512));
		}
}

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
static void draw_summary(const struct shared *sh, const struct view *v, const struct top_row *tr, size_t n, int cols)
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
static void draw_columns(const struct view *v, int y, int cols)
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

static void build_body(const struct view *v, const struct top_row *tr, size_t n, struct body *out)
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

/* The body from line y down, scrolled (the scroll kept in range). */
static void draw_body(struct view *v, const struct body *b, int y, int rows, int cols)
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

static void draw(struct shared *sh, struct view *v)
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
	draw_summary(sh, v, tr, n, cols);
	build_body(v, tr, n, &body);
	top_rows_free(tr, n);
	pthread_mutex_unlock(&sh->mu);
	draw_columns(v, 4, cols);
	draw_body(v, &body, 5, rows, cols);
	strv_free(&body.text);
	free(body.pair);
	refresh();
}

/* A line of input at the bottom of the screen; NULL when cancelled. */
static char *prompt(const char *label)
{
	int rows, cols;
	getmaxyx(stdscr, rows, cols);
	move(rows - 1, 0);
	clrtoeol();
	attron(A_BOLD);
	mvaddnstr(rows - 1, 0, label, cols);
	attroff(A_BOLD);
	char in[128] = "";
	echo();
	curs_set(1);
	nodelay(stdscr, FALSE);
	int r = getnstr(in, (int)sizeof(in) - 1);
	noecho();
	curs_set(0);
	nodelay(stdscr, TRUE);
	return r == ERR ? NULL : xstrdup(str_strip(in));
}

/* Ask the sampler for a sample now, or tell it the new delay. */
static void poke_sampler(struct shared *sh, bool now, double delay)
{
	pthread_mutex_lock(&sh->mu);
	if (now)
		sh->sample_now = true;
	if (delay > 0)
		sh->delay = delay;
	pthread_cond_signal(&sh->cv);
	pthread_mutex_unlock(&sh->mu);
}

/* Shows recorded sample i (its rates against the one before). */
static void replay_show(struct shared *sh, size_t i)
{
	const struct hv_history *h = sh->replay;
	sh->at = i < h->n ? i : h->n - 1;
	hv_snapshot_copy(&sh->cur, &h->snap[sh->at]);
	if (sh->at)
		hv_snapshot_copy(&sh->prev, &h->snap[sh->at - 1]);
	else
		hv_snapshot_free(&sh->prev);
	sh->up = sh->cur.up;
	if (sh->playing && sh->at + 1 < h->n)
		sh->next_step = clock_mono() + (h->snap[sh->at + 1].wall - h->snap[sh->at].wall);
	else
		sh->playing = false;
}

/* "12" (a sample's number) or "01:12:03" (the first sample at or after
 * that UTC time of day); false when it names none. */
static bool replay_seek(struct shared *sh, const char *s)
{
	const struct hv_history *h = sh->replay;
	long long n;
	if (str_to_ll_range(s, 1, (long long)h->n, &n) == 0) {
		replay_show(sh, (size_t)n - 1);
		return true;
	}
	unsigned hh, mm, ss = 0;
	char end;
	int got = sscanf(s, "%u:%u:%u%c", &hh, &mm, &ss, &end);
	if (got != 2 && got != 3)
		return false;
	long want = (long)hh * 3600 + mm * 60 + ss;
	for (size_t i = 0; i < h->n; i++) {
		time_t t = (time_t)h->snap[i].wall;
		struct tm tm;
		gmtime_r(&t, &tm);
		if (tm.tm_hour * 3600L + tm.tm_min * 60 + tm.tm_sec >= want) {
			replay_show(sh, i);
			return true;
		}
	}
	return false;
}

static char *prompt(const char *label);

/* A key of the replay; false when it is not one. */
static bool replay_key(struct shared *sh, int ch)
{
	switch (ch) {
	case KEY_RIGHT: case '.': replay_show(sh, sh->at + 1); return true;
	case KEY_LEFT: case ',': replay_show(sh, sh->at ? sh->at - 1 : 0); return true;
	case '[': replay_show(sh, 0); return true;
	case ']': replay_show(sh, sh->replay->n - 1); return true;
	case ' ':
		sh->playing = !sh->playing && sh->at + 1 < sh->replay->n;
		replay_show(sh, sh->at);
		return true;
	case 'g': case 'G': {
		char *s = prompt("Go to sample (number, or UTC time HH:MM:SS): ");
		if (s && *s && !replay_seek(sh, s))
			beep();
		free(s);
		return true;
	}
	default: return false;
	}
}

/* One key; true to quit. */
static bool handle_key(struct shared *sh, struct view *v, struct screen_opts *o, int ch)
{
	if (v->help) {
		v->help = false; /* any key returns */
		return false;
	}
	if (sh->replay && replay_key(sh, ch))
		return false;
	switch (ch) {
	case 'q': case 'Q': return true;
	case 'h': case '?': v->help = true; break;
	case '<': o->sort = (o->sort + top_nfields - 1) % top_nfields; break;
	case '>': o->sort = (o->sort + 1) % top_nfields; break;
	case 'r': case 'R': o->reverse = !o->reverse; break;
	case 'v': case 'V': o->show_vcpus = !o->show_vcpus; break;
	case 'n': case 'N': o->show_nets = !o->show_nets; break;
	case 'b': case 'B': case 'x': o->show_vbds = !o->show_vbds; break;
	case KEY_UP: v->scroll--; break;
	case KEY_DOWN: v->scroll++; break;
	case KEY_PPAGE: v->scroll -= LINES - 6; break;
	case KEY_NPAGE: v->scroll += LINES - 6; break;
	case KEY_HOME: v->scroll = 0; break;
	case KEY_END: v->scroll = 1 << 30; break;
	case ' ': poke_sampler(sh, true, 0); break;
	case 'd': case 'D': {
		char *s = prompt("Delay in seconds: ");
		double d = s ? atof(s) : 0;
		if (d >= 0.1 && d <= 3600) {
			o->delay = d;
			poke_sampler(sh, false, d);
		}
		free(s);
		break;
	}
	case '/': {
		char *s = prompt("Filter (part of a name, empty for all): ");
		if (s) {
			free(o->filter);
			o->filter = s;
			v->scroll = 0;
		}
		break;
	}
	default: break; /* KEY_RESIZE and the rest: redrawn below */
	}
	return false;
}

/* The curses screen on stdout (newterm, not initscr: an unknown terminal
 * is an error to report, not an exit from inside curses); NULL when the
 * terminal cannot be driven. */
static SCREEN *start_screen(struct view *v)
{
	int terr = 0;
	bool known = setupterm(NULL, STDOUT_FILENO, &terr) == OK;
	if (known)
		del_curterm(cur_term);
	SCREEN *scr = known ? newterm(NULL, stdout, stdin) : NULL;
	if (!scr) {
		const char *term = getenv("TERM");
		fprintf(stderr, "hvscope top: cannot drive terminal type '%s'; use -b for batch mode\n", term ? term : "(unset)");
		return NULL;
	}
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	if (has_colors()) {
		start_color();
		use_default_colors();
		init_pair(C_RUN, COLOR_GREEN, -1);
		init_pair(C_PAUSED, COLOR_YELLOW, -1);
		init_pair(C_BAD, COLOR_RED, -1);
		init_pair(C_STUCK, COLOR_MAGENTA, -1);
		v->color = true;
	}
	return scr;
}

/* Keys and the sampler's wake-ups until q. */
static void run_screen(struct shared *sh, struct view *v, struct screen_opts *o)
{
	draw(sh, v);
	for (;;) {
		struct pollfd p[2] = { { .fd = STDIN_FILENO, .events = POLLIN }, { .fd = sh->wake[0], .events = POLLIN } };
		int wait_ms = 1000;
		if (sh->playing) {
			double left = sh->next_step - clock_mono();
			wait_ms = left <= 0 ? 0 : left < 1 ? (int)(left * 1000) + 1 : 1000;
		}
		if (poll(p, 2, wait_ms) < 0 && errno != EINTR)
			return;
		if (sh->playing && clock_mono() >= sh->next_step)
			replay_show(sh, sh->at + 1);
		if (p[1].revents & POLLIN) {
			char drain[64];
			while (read(sh->wake[0], drain, sizeof(drain)) > 0)
				;
		}
		int ch;
		while ((ch = getch()) != ERR)
			if (handle_key(sh, v, o, ch))
				return;
		draw(sh, v);
	}
}

int top_screen_run(struct hv *hv, struct screen_opts *o)
{
	struct shared sh = { .hv = hv, .delay = o->delay, .desc = hv_describe(hv) };
	pthread_mutex_init(&sh.mu, NULL);
	clock_cond_init(&sh.cv);
	if (pipe2(sh.wake, O_CLOEXEC | O_NONBLOCK) < 0)
		return 3;
	struct view v = { .o = o };
	SCREEN *scr = start_screen(&v);
	pthread_t t;
	int terr = scr ? pthread_create(&t, NULL, sampler, &sh) : 0;
	if (!scr || terr) {
		if (scr) {
			endwin();
			delscreen(scr);
			fprintf(stderr, "hvscope top: cannot start the sampler thread: %s\n", strerror(terr));
		}
		close(sh.wake[0]);
		close(sh.wake[1]);
		return 3;
	}
	run_screen(&sh, &v, o);
	endwin();
	delscreen(scr);
	pthread_mutex_lock(&sh.mu);
	sh.quit = true;
	pthread_cond_signal(&sh.cv);
	pthread_mutex_unlock(&sh.mu);
	/* The sampler may be inside a slow hypervisor call; it ends with it. */
	struct timespec ts = clock_wall_after_s(3);
	if (pthread_timedjoin_np(t, NULL, &ts) != 0)
		return 0; /* exit anyway: the process ends with it */
	hv_snapshot_free(&sh.prev);
	hv_snapshot_free(&sh.cur);
	free(sh.error);
	close(sh.wake[0]);
	close(sh.wake[1]);
	return 0;
}

int top_screen_replay(const struct hv_history *h, const char *desc, struct screen_opts *o)
{
	/* no sampler: the keys move through the recording */
	struct shared sh = { .delay = o->delay, .desc = desc, .replay = h };
	pthread_mutex_init(&sh.mu, NULL);
	if (pipe2(sh.wake, O_CLOEXEC | O_NONBLOCK) < 0)
		return 3;
	struct view v = { .o = o };
	SCREEN *scr = start_screen(&v);
	if (scr) {
		replay_show(&sh, 0);
		run_screen(&sh, &v, o);
		endwin();
		delscreen(scr);
	}
	hv_snapshot_free(&sh.prev);
	hv_snapshot_free(&sh.cur);
	close(sh.wake[0]);
	close(sh.wake[1]);
	pthread_mutex_destroy(&sh.mu);
	return scr ? 0 : 3;
}

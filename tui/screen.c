/* SPDX-License-Identifier: GPL-2.0-or-later */
/* top's curses screen: the keys and the loop that waits on them and on
 * the sampler's wake-ups, live or on recorded samples. */
#include "tui/screen.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "tui/fields.h"
#include "tui/replay_keys.h"
#include "tui/sampler.h"
#include "tui/term.h"

/* One key; true to quit. */
static bool handle_key(struct screen_shared *sh, struct screen_view *v, struct screen_opts *o, int ch)
{
	if (v->help) {
		v->help = false; /* any key returns */
		return false;
	}
	if (sh->replay && screen_replay_key(sh, ch))
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
	case '1': o->show_pcpu = !o->show_pcpu; v->scroll = 0; break;
	case 'z': case 'Z': o->dom0_first = !o->dom0_first; break;
	case KEY_UP: v->scroll--; break;
	case KEY_DOWN: v->scroll++; break;
	case KEY_PPAGE: v->scroll -= LINES - 6; break;
	case KEY_NPAGE: v->scroll += LINES - 6; break;
	case KEY_HOME: v->scroll = 0; break;
	case KEY_END: v->scroll = 1 << 30; break;
	case ' ': screen_sampler_poke(sh, true, 0); break;
	case 'd': case 'D': {
		char *s = screen_prompt("Delay in seconds: ");
		double d = s ? atof(s) : 0;
		if (d >= 0.1 && d <= 3600) {
			o->delay = d;
			screen_sampler_poke(sh, false, d);
		}
		free(s);
		break;
	}
	case '/': {
		char *s = screen_prompt("Filter (part of a name, empty for all): ");
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

/* Keys and the sampler's wake-ups until q. */
static void run_screen(struct screen_shared *sh, struct screen_view *v, struct screen_opts *o)
{
	screen_draw(sh, v);
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
			screen_replay_show(sh, sh->at + 1);
		if (p[1].revents & POLLIN) {
			char drain[64];
			while (read(sh->wake[0], drain, sizeof(drain)) > 0)
				;
		}
		int ch;
		while ((ch = getch()) != ERR)
			if (handle_key(sh, v, o, ch))
				return;
		screen_draw(sh, v);
	}
}

int top_screen_run(struct hv *hv, struct screen_opts *o)
{
	struct screen_shared sh = { .hv = hv, .delay = o->delay, .desc = hv_describe(hv) };
	pthread_mutex_init(&sh.mu, NULL);
	clock_cond_init(&sh.cv);
	if (pipe2(sh.wake, O_CLOEXEC | O_NONBLOCK) < 0)
		return 3;
	struct screen_view v = { .o = o };
	SCREEN *scr = screen_term_start(&v.color);
	pthread_t t;
	int terr = scr ? screen_sampler_start(&sh, &t) : 0;
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
	if (!screen_sampler_stop(&sh, t))
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
	struct screen_shared sh = { .delay = o->delay, .desc = desc, .replay = h };
	pthread_mutex_init(&sh.mu, NULL);
	if (pipe2(sh.wake, O_CLOEXEC | O_NONBLOCK) < 0)
		return 3;
	struct screen_view v = { .o = o };
	SCREEN *scr = screen_term_start(&v.color);
	if (scr) {
		screen_replay_show(&sh, 0);
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

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* top --replay's controls: next, previous, first, last, play and go to a
 * sample by number or time. */
#include "tui/replay_keys.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/clock.h"
#include "core/util.h"
#include "tui/term.h"

void screen_replay_show(struct screen_shared *sh, size_t i)
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
static bool replay_seek(struct screen_shared *sh, const char *s)
{
	const struct hv_history *h = sh->replay;
	long long n;
	if (str_to_ll_range(s, 1, (long long)h->n, &n) == 0) {
		screen_replay_show(sh, (size_t)n - 1);
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
			screen_replay_show(sh, i);
			return true;
		}
	}
	return false;
}

bool screen_replay_key(struct screen_shared *sh, int ch)
{
	switch (ch) {
	case KEY_RIGHT: case '.': screen_replay_show(sh, sh->at + 1); return true;
	case KEY_LEFT: case ',': screen_replay_show(sh, sh->at ? sh->at - 1 : 0); return true;
	case '[': screen_replay_show(sh, 0); return true;
	case ']': screen_replay_show(sh, sh->replay->n - 1); return true;
	case ' ':
		sh->playing = !sh->playing && sh->at + 1 < sh->replay->n;
		screen_replay_show(sh, sh->at);
		return true;
	case 'g': case 'G': {
		char *s = screen_prompt("Go to sample (number, or UTC time HH:MM:SS): ");
		if (s && *s && !replay_seek(sh, s))
			beep();
		free(s);
		return true;
	}
	default: return false;
	}
}


/* SPDX-License-Identifier: GPL-2.0-or-later */
/* top's curses terminal: starting it, and asking a line at its bottom. */
#include "tui/term.h"

#include <term.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/util.h"

/* newterm, not initscr: an unknown terminal is an error to report, not an
 * exit from inside curses. */
SCREEN *screen_term_start(bool *color)
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
		*color = true;
	}
	return scr;
}

char *screen_prompt(const char *label)
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

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* top's curses terminal: started on stdout with the colour pairs of the
 * rows, and a line of input asked at its bottom. */
#ifndef HVSCOPE_TUI_TERM_H
#define HVSCOPE_TUI_TERM_H

#include <curses.h>
#include <stdbool.h>

/* Colour pairs of the rows by state. */
enum { C_RUN = 1, C_PAUSED, C_BAD, C_STUCK };

/* The curses screen on stdout; NULL (said on stderr) when the terminal
 * cannot be driven.  *color: the colour pairs are set up. */
SCREEN *screen_term_start(bool *color);
/* A line of input at the bottom of the screen; NULL when cancelled. */
char *screen_prompt(const char *label);

#endif

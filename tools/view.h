/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * view.h - ptp-top's curses screen: shows the text top_text() renders,
 * reads keys without blocking, follows the terminal's size.
 */
#ifndef MERIDIAN_TOP_VIEW_H
#define MERIDIAN_TOP_VIEW_H

/* Take the terminal (initscr, no echo, keys without waiting). 0 or -1. */
int view_start(void);
/* Give the terminal back (endwin); safe to call twice. */
void view_stop(void);
/* Draw text (lines ending in '\n') cut to the screen, footer last row. */
void view_draw(const char *text, const char *footer);
/* The terminal changed size (SIGWINCH): ask it and resize the screen. */
void view_resize(void);
/* 1 if the user asked to quit (q, Q, ^C in the view), 2 if a redraw is
 * due (resize, ^L), else 0. Reads every key waiting, never blocks. */
int view_keys(void);

#endif

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * view.c - the curses side of ptp-top. Everything it shows comes ready
 * made from top_text(); this file only puts lines on the screen, reads
 * keys (never waiting for one) and follows resizes. SIGWINCH is blocked
 * (ptp-top reads it from its signalfd, as ZeroMQ's threads must not take
 * it) so the resize is done here with the size the terminal reports.
 */
#include <curses.h>
#include <stdbool.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "view.h"

static bool view_on;

int view_start(void)
{
	if (!initscr()) {
		return -1;
	}
	view_on = true;
	cbreak();
	noecho();
	nonl();
	nodelay(stdscr, TRUE);
	keypad(stdscr, TRUE);
	curs_set(0);
	return 0;
}

void view_stop(void)
{
	if (view_on) {
		endwin();
		view_on = false;
	}
}

static bool is_heading(const char *line, size_t len)
{
	static const char *const heads[] = { "PORT ", "PROCESS ", "CLOCK ",
					     "ptp-top " };
	size_t i, n;

	for (i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
		n = strlen(heads[i]);
		if (len >= n && !memcmp(line, heads[i], n)) {
			return true;
		}
	}
	return false;
}

void view_draw(const char *text, const char *footer)
{
	const char *p = text, *nl;
	int row = 0, rows = LINES - 1;
	size_t len;

	erase();
	while (p && *p && row < rows) {
		nl = strchr(p, '\n');
		len = nl ? (size_t)(nl - p) : strlen(p);
		if (is_heading(p, len)) {
			attron(A_BOLD);
		}
		mvaddnstr(row, 0, p, (int)len < COLS ? (int)len : COLS);
		attroff(A_BOLD);
		row++;
		p = nl ? nl + 1 : NULL;
	}
	if (rows >= 0) {
		attron(A_REVERSE);
		mvaddnstr(rows, 0, footer, COLS);
		attroff(A_REVERSE);
	}
	refresh();
}

void view_resize(void)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0) {
		resizeterm(ws.ws_row, ws.ws_col);
	}
	clearok(curscr, TRUE);
}

int view_keys(void)
{
	int c, r = 0;

	while ((c = getch()) != ERR) {
		switch (c) {
		case 'q':
		case 'Q':
		case 3:			/* ^C when the tty passes it */
			return 1;
		case KEY_RESIZE:
		case 12:		/* ^L */
			clearok(curscr, TRUE);
			r = 2;
			break;
		default:
			break;
		}
	}
	return r;
}

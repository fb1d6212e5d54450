/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * log.h - leveled logging to stderr or syslog, with a per-process prefix.
 *
 * The level is tested before any formatting, so a disabled pr_debug() costs
 * one comparison. Anything a remote peer can trigger (a bad packet, a
 * flood) must use the rate-limited pl_*() forms: each call site keeps its
 * own budget and reports how many lines it suppressed when it speaks again.
 * Events counted by kind (packets rejected, by reason) use log_count_add():
 * one budget per kind, and no event is lost to suppression.
 *
 * Only main() configures logging (log_init); library code just logs.
 * Unit tests set the level to LOG_EMERG to keep their output clean.
 */
#ifndef MERIDIAN_LOG_H
#define MERIDIAN_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <syslog.h>

/* Where lines go. */
enum log_dest {
	LOG_DEST_STDERR,
	LOG_DEST_SYSLOG,
};

/*
 * ident names the process in every line ("portd[eth1]"); level is a syslog
 * level (LOG_ERR .. LOG_DEBUG). Safe to call again (e.g. after a config
 * reload).
 */
void log_init(const char *ident, enum log_dest dest, int level);
void log_set_level(int level);
int log_get_level(void);
/* Parse "emerg".."debug" or "0".."7"; -1 if unknown. */
int log_level_parse(const char *s);

extern int log_level_;

/* One whole line (with its newline) to stderr as it is, never blocking:
 * dropped and counted like a log line when stderr has no room (the
 * supervisor relaying its children's lines). */
void log_line(const char *buf, size_t len);
/* log_line() at a syslog level: "<N>" first when stderr is journald's. */
void log_line_at(int level, const char *buf, size_t len);
/* The level of a line written by log_msg() ("ident[s.ms]: level: ..."),
 * -1 when it has none (a summary line, another program's output). */
int log_line_level(const char *l, size_t n);
/* true when env ("DEV:INODE", $JOURNAL_STREAM) names fd's file. */
bool log_is_journal_stream(const char *env, int fd);
/* Lines dropped since the last one written because stderr (a pipe) had
 * no room: logging never blocks the caller. */
uint64_t log_dropped(void);

void log_msg(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_if(lvl, fmt, ...) do {				\
	if ((lvl) <= log_level_)				\
		log_msg(lvl, fmt, ##__VA_ARGS__);		\
} while (0)

#define pr_emerg(fmt, ...)	log_if(LOG_EMERG, fmt, ##__VA_ARGS__)
#define pr_err(fmt, ...)	log_if(LOG_ERR, fmt, ##__VA_ARGS__)
#define pr_warn(fmt, ...)	log_if(LOG_WARNING, fmt, ##__VA_ARGS__)
#define pr_notice(fmt, ...)	log_if(LOG_NOTICE, fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...)	log_if(LOG_INFO, fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...)	log_if(LOG_DEBUG, fmt, ##__VA_ARGS__)

/*
 * Rate limiting: at most `burst` lines per `interval_s` seconds per call
 * site. Decides by CLOCK_MONOTONIC.
 */
struct log_rl {
	int64_t window_start_ns;
	uint32_t in_window;
	uint32_t suppressed;
};

/* true when this call may print; *suppressed gets the lines dropped since
 * the last one printed (so the caller can say "N suppressed"). */
bool log_rl_allow(struct log_rl *rl, unsigned interval_s, unsigned burst,
		  uint32_t *suppressed);
void log_msg_rl(struct log_rl *rl, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Events of one kind (e.g. one reason packets are rejected), counted with
 * a rate limit of their own: each kind needs its own struct, so a flood of
 * one kind neither silences nor inflates the report of another. Zero it
 * before use.
 */
struct log_count {
	struct log_rl rl;		/* 5 lines per 10 s, as pl_*() */
	uint64_t pending;		/* events not reported yet */
	int64_t last_ns;		/* CLOCK_MONOTONIC of the last line */
};

/*
 * Add n events. true when a line may be printed now: *total gets every
 * event since the kind's last line (those of suppressed lines included)
 * and *span_ns the time since that line when some were suppressed, else 0.
 * false: the events wait for the next line.
 */
bool log_count_add(struct log_count *lc, uint64_t n, uint64_t *total,
		   int64_t *span_ns);

/* At most 5 lines per 10 s per call site. */
#define pl_if(lvl, fmt, ...) do {					\
	static struct log_rl rl_;					\
	if ((lvl) <= log_level_)					\
		log_msg_rl(&rl_, lvl, fmt, ##__VA_ARGS__);		\
} while (0)

#define pl_err(fmt, ...)	pl_if(LOG_ERR, fmt, ##__VA_ARGS__)
#define pl_warn(fmt, ...)	pl_if(LOG_WARNING, fmt, ##__VA_ARGS__)
#define pl_info(fmt, ...)	pl_if(LOG_INFO, fmt, ##__VA_ARGS__)
#define pl_debug(fmt, ...)	pl_if(LOG_DEBUG, fmt, ##__VA_ARGS__)

#endif

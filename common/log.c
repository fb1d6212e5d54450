/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define RL_INTERVAL_S	10
#define RL_BURST	5

int log_level_ = LOG_NOTICE;

static char log_ident[64] = "meridian";
static enum log_dest log_dest_ = LOG_DEST_STDERR;
static uint64_t log_dropped_;	/* lines stderr had no room for */
static bool log_journal_;	/* stderr is journald's: "<N>" prefixes */

static void log_write(const char *buf, size_t len);

/* Write a line snprintf'd into out[size] (n its return): nothing when it
 * failed, cut to the buffer with its newline kept when it did not fit. */
static void log_write_cut(char *out, size_t size, int n)
{
	if (n <= 0) {
		return;
	}
	if ((size_t)n >= size) {
		n = (int)size - 1;
		out[n - 1] = '\n';
	}
	log_write(out, (size_t)n);
}

static const char *const level_names[] = {
	"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug",
};

/*
 * A daemon started with stdin, stdout or stderr closed (`>&- 2>&-`) would
 * hand that number to the next file or socket it opens (its lock file, a
 * bus socket), and its log lines and summaries would go there: put
 * /dev/null in their place first.
 */
static void stdio_guard(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF) {
			continue;
		}
		int n = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);

		if (n >= 0 && n != fd) {
			dup2(n, fd);
			close(n);
		}
	}
}

void log_init(const char *ident, enum log_dest dest, int level)
{
	stdio_guard();
	if (log_dest_ == LOG_DEST_SYSLOG)
		closelog();
	snprintf(log_ident, sizeof(log_ident), "%s", ident ? ident : "meridian");
	log_dest_ = dest;
	log_journal_ = dest == LOG_DEST_STDERR &&
		       log_is_journal_stream(getenv("JOURNAL_STREAM"),
					     STDERR_FILENO);
	log_set_level(level);
	if (dest == LOG_DEST_SYSLOG)
		openlog(log_ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

/*
 * systemd connects a service's stderr to journald and says so in
 * JOURNAL_STREAM ("DEV:INODE" of that stream): a line starting "<N>" is
 * then filed under priority N (sd-daemon(3)). Only when fd is that very
 * stream: a child whose stderr is the supervisor's pipe inherits the
 * variable but must not prefix.
 */
bool log_is_journal_stream(const char *env, int fd)
{
	unsigned long long dev, ino;
	struct stat st;

	if (!env || sscanf(env, "%llu:%llu", &dev, &ino) != 2 ||
	    fstat(fd, &st) < 0) {
		return false;
	}
	return (unsigned long long)st.st_dev == dev &&
	       (unsigned long long)st.st_ino == ino;
}

int log_line_level(const char *l, size_t n)
{
	/* "portd[eth1][12.345]: info: ...": the first "]: " ends the ident */
	const char *p = memmem(l, n, "]: ", 3);
	size_t rest, k;
	unsigned i;

	if (!p || memchr(l, ' ', (size_t)(p - l))) {
		return -1;	/* not the ident: it has no space */
	}
	rest = n - (size_t)(p - l);
	p += 3;
	rest -= 3;
	for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
		k = strlen(level_names[i]);
		if (rest > k && !memcmp(p, level_names[i], k) && p[k] == ':') {
			return (int)i;
		}
	}
	return -1;
}

void log_line_at(int level, const char *buf, size_t len)
{
	char out[1536];
	int n;

	if (!log_journal_) {
		log_write(buf, len);
		return;
	}
	n = snprintf(out, sizeof(out), "<%d>%.*s", level & 7, (int)len, buf);
	log_write_cut(out, sizeof(out), n);
}

void log_set_level(int level)
{
	if (level < LOG_EMERG)
		level = LOG_EMERG;
	if (level > LOG_DEBUG)
		level = LOG_DEBUG;
	log_level_ = level;
}

int log_get_level(void)
{
	return log_level_;
}

int log_level_parse(const char *s)
{
	unsigned i;

	if (s[0] >= '0' && s[0] <= '7' && s[1] == '\0')
		return s[0] - '0';
	for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
		if (!strcasecmp(s, level_names[i]))
			return (int)i;
	}
	if (!strcasecmp(s, "warn"))
		return LOG_WARNING;
	if (!strcasecmp(s, "error"))
		return LOG_ERR;
	return -1;
}

/*
 * One line to stderr, never blocking: stderr is often a pipe the
 * supervisor reads, and a daemon that logs must not stall its port when
 * the reader is slow. poll() says whether the pipe has room (a pipe is
 * writable when PIPE_BUF octets are free, and a line is shorter, so one
 * write() puts it in whole); when it has none, the line is dropped and
 * counted, and the next line written says how many.
 */
static void log_write(const char *buf, size_t len)
{
	struct pollfd p = { .fd = STDERR_FILENO, .events = POLLOUT };
	ssize_t w;

	if (poll(&p, 1, 0) != 1 || !(p.revents & POLLOUT)) {
		log_dropped_++;
		return;
	}
	do {
		w = write(STDERR_FILENO, buf, len);
	} while (w < 0 && errno == EINTR);
	if (w == (ssize_t)len) {
		log_dropped_ = 0;
	} else {
		log_dropped_++;
	}
}

void log_line(const char *buf, size_t len)
{
	log_write(buf, len);
}

uint64_t log_dropped(void)
{
	return log_dropped_;
}

static void log_vmsg(int level, const char *fmt, va_list ap)
{
	char line[1024];

	vsnprintf(line, sizeof(line), fmt, ap);
	if (log_dest_ == LOG_DEST_SYSLOG) {
		syslog(level, "%s", line);
		return;
	}
	struct timespec ts;
	char out[1280], jp[8] = "";
	int n;

	if (log_journal_) {
		snprintf(jp, sizeof(jp), "<%d>", level & 7);
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (log_dropped_) {
		n = snprintf(out, sizeof(out), "%s%s[%lld.%03ld]: %s: %s (%"
			     PRIu64 " earlier log lines dropped: stderr was "
			     "full)\n", jp, log_ident, (long long)ts.tv_sec,
			     ts.tv_nsec / 1000000, level_names[level & 7], line,
			     log_dropped_);
	} else {
		n = snprintf(out, sizeof(out), "%s%s[%lld.%03ld]: %s: %s\n",
			     jp, log_ident, (long long)ts.tv_sec,
			     ts.tv_nsec / 1000000, level_names[level & 7],
			     line);
	}
	log_write_cut(out, sizeof(out), n);
}

void log_msg(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(level, fmt, ap);
	va_end(ap);
}

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

bool log_rl_allow(struct log_rl *rl, unsigned interval_s, unsigned burst,
		  uint32_t *suppressed)
{
	int64_t now = mono_ns();

	if (rl->in_window == 0 ||
	    now - rl->window_start_ns >= (int64_t)interval_s * 1000000000LL) {
		rl->window_start_ns = now;
		rl->in_window = 0;
	}
	if (rl->in_window >= burst) {
		rl->suppressed++;
		return false;
	}
	rl->in_window++;
	*suppressed = rl->suppressed;
	rl->suppressed = 0;
	return true;
}

void log_msg_rl(struct log_rl *rl, int level, const char *fmt, ...)
{
	char line[1024];
	uint32_t suppressed;
	va_list ap;

	if (!log_rl_allow(rl, RL_INTERVAL_S, RL_BURST, &suppressed))
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (suppressed)
		log_msg(level, "%s (%u line%s like this suppressed)", line,
			suppressed, suppressed == 1 ? "" : "s");
	else
		log_msg(level, "%s", line);
}

bool log_count_add(struct log_count *lc, uint64_t n, uint64_t *total,
		   int64_t *span_ns)
{
	uint32_t suppressed;
	int64_t now;

	lc->pending += n;
	if (!log_rl_allow(&lc->rl, RL_INTERVAL_S, RL_BURST, &suppressed))
		return false;
	now = mono_ns();
	*total = lc->pending;
	*span_ns = suppressed && lc->last_ns ? now - lc->last_ns : 0;
	lc->pending = 0;
	lc->last_ns = now;
	return true;
}

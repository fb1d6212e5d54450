/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of common/log.c: levels and the rate limiter. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

static void redirect(void)
{
	cr_redirect_stderr();
}

TestSuite(log, .init = redirect, .timeout = 2);

Test(log, level_parse)
{
	cr_assert_eq(log_level_parse("debug"), LOG_DEBUG);
	cr_assert_eq(log_level_parse("WARNING"), LOG_WARNING);
	cr_assert_eq(log_level_parse("warn"), LOG_WARNING);
	cr_assert_eq(log_level_parse("3"), LOG_ERR);
	cr_assert_eq(log_level_parse("8"), -1);
	cr_assert_eq(log_level_parse("loud"), -1);
}

Test(log, level_filters_before_formatting)
{
	char buf[256];
	unsigned lines = 0;
	FILE *f;

	log_init("t", LOG_DEST_STDERR, LOG_WARNING);
	pr_info("hidden %d", 1);
	pr_debug("hidden %d", 2);
	pr_warn("shown %d", 3);
	pr_err("shown %d", 4);
	fflush(stderr);
	f = cr_get_redirected_stderr();
	while (fgets(buf, sizeof(buf), f)) {
		lines++;
		cr_assert(!strstr(buf, "hidden"), "%s", buf);
		cr_assert(strstr(buf, "shown"), "%s", buf);
	}
	cr_assert_eq(lines, 2);
}

Test(log, one_line_with_ident_and_level)
{
	char buf[256] = "";
	FILE *f;

	log_init("portd[eth1]", LOG_DEST_STDERR, LOG_INFO);
	pr_info("state %s", "SLAVE");
	fflush(stderr);
	f = cr_get_redirected_stderr();
	cr_assert(fgets(buf, sizeof(buf), f));
	cr_assert(strstr(buf, "portd[eth1]["), "%s", buf);
	cr_assert(strstr(buf, "]: info: state SLAVE\n"), "%s", buf);
	cr_assert(!fgets(buf, sizeof(buf), f), "extra line %s", buf);
}

Test(log, rate_limit_burst_then_suppress)
{
	struct log_rl rl;
	uint32_t sup = 99;
	unsigned i, allowed = 0;

	memset(&rl, 0, sizeof(rl));
	for (i = 0; i < 20; i++) {
		if (log_rl_allow(&rl, 60, 5, &sup))
			allowed++;
	}
	cr_assert_eq(allowed, 5);
	cr_assert_eq(sup, 0);
	cr_assert_eq(rl.suppressed, 15);
	/* a new window reports what was suppressed */
	rl.window_start_ns -= 61LL * 1000000000LL;
	cr_assert(log_rl_allow(&rl, 60, 5, &sup));
	cr_assert_eq(sup, 15);
	cr_assert_eq(rl.suppressed, 0);
}

Test(log, pl_macro_prints_burst_only)
{
	char buf[256];
	FILE *f;
	unsigned i, lines = 0;

	log_init("t", LOG_DEST_STDERR, LOG_WARNING);
	for (i = 0; i < 50; i++)
		pl_warn("bad packet %u", i);
	fflush(stderr);
	f = cr_get_redirected_stderr();
	while (fgets(buf, sizeof(buf), f))
		lines++;
	cr_assert_eq(lines, 5);
}

/* Lines read back from the redirected stderr, at most max. */
static unsigned read_lines(char lines[][256], unsigned max)
{
	unsigned n = 0;
	FILE *f;

	fflush(stderr);
	f = cr_get_redirected_stderr();
	while (n < max && fgets(lines[n], 256, f))
		n++;
	return n;
}

Test(log, suppressed_lines_are_named_as_lines)
{
	static char lines[16][256];
	struct log_rl rl;
	unsigned i, n;

	memset(&rl, 0, sizeof(rl));
	log_init("t", LOG_DEST_STDERR, LOG_WARNING);
	for (i = 0; i < 20; i++)
		log_msg_rl(&rl, LOG_WARNING, "bad packet %u", i);
	rl.window_start_ns -= 11LL * 1000000000LL;
	log_msg_rl(&rl, LOG_WARNING, "bad packet %u", 20);
	n = read_lines(lines, 16);
	cr_assert_eq(n, 6);
	cr_assert(strstr(lines[5], "bad packet 20 (15 lines like this "
			 "suppressed)\n"), "%s", lines[5]);
}

/*
 * What portd's report_rx_trouble() does with each rejection reason: add
 * the packets rejected since its last call and print the total when the
 * reason's own budget allows.
 */
static void report(struct log_count *lc, uint64_t n, const char *why)
{
	int64_t span;

	if (!log_count_add(lc, n, &n, &span)) {
		return;
	}
	if (span) {
		pr_warn("eth1: %llu rejected in the last %.1f s: %s",
			(unsigned long long)n, (double)span / 1e9, why);
	} else {
		pr_warn("eth1: %llu rejected: %s", (unsigned long long)n, why);
	}
}

Test(log, counts_are_kept_per_kind)
{
	static char lines[32][256];
	struct log_count len, ver;
	unsigned i, n, n_len = 0, n_ver = 0;

	memset(&len, 0, sizeof(len));
	memset(&ver, 0, sizeof(ver));
	log_init("t", LOG_DEST_STDERR, LOG_WARNING);
	/* two reasons interleaved, far beyond the burst of 5 */
	for (i = 0; i < 20; i++) {
		report(&len, 1, "bad length");
		report(&ver, 3, "bad version");
	}
	/* the window ends; one more of each */
	len.rl.window_start_ns -= 11LL * 1000000000LL;
	ver.rl.window_start_ns -= 11LL * 1000000000LL;
	report(&len, 1, "bad length");
	report(&ver, 3, "bad version");

	n = read_lines(lines, 32);
	cr_assert_eq(n, 12, "%u lines", n);	/* 5 + 1 per reason */
	for (i = 0; i < n; i++) {
		if (strstr(lines[i], "bad length")) {
			n_len++;
		} else if (strstr(lines[i], "bad version")) {
			n_ver++;
		}
	}
	cr_assert_eq(n_len, 6);
	cr_assert_eq(n_ver, 6);
	/* each reason's last line has its own count, none lost: 15 + 1 */
	cr_assert(strstr(lines[10], ": 16 rejected in the last "), "%s",
		  lines[10]);
	cr_assert(strstr(lines[10], " s: bad length\n"), "%s", lines[10]);
	cr_assert(strstr(lines[11], ": 48 rejected in the last "), "%s",
		  lines[11]);
	cr_assert(strstr(lines[11], " s: bad version\n"), "%s", lines[11]);
	cr_assert(strstr(lines[0], ": 1 rejected: bad length\n"), "%s",
		  lines[0]);
	cr_assert_eq(len.pending, 0);
	cr_assert_eq(ver.pending, 0);
}

/* stderr a pipe nobody reads: logging returns at once, drops and counts
 * the lines, and the first line that gets through says how many. */
Test(log, full_stderr_pipe_never_blocks)
{
	char buf[65536], *p;
	int fds[2], i, n;

	cr_assert_eq(pipe(fds), 0);
	cr_assert_eq(fcntl(fds[1], F_SETFL, O_NONBLOCK), 0);
	cr_assert_eq(fcntl(fds[0], F_SETFL, O_NONBLOCK), 0);
	while (write(fds[1], buf, sizeof(buf)) > 0) {
		;			/* fill it */
	}
	cr_assert_eq(dup2(fds[1], STDERR_FILENO), STDERR_FILENO);
	cr_assert_eq(fcntl(STDERR_FILENO, F_SETFL, 0), 0, "blocking fd");
	log_init("portd[eth1]", LOG_DEST_STDERR, LOG_INFO);
	for (i = 0; i < 1000; i++) {
		pr_info("line %d", i);	/* would block forever if it wrote */
	}
	cr_assert_eq(log_dropped(), 1000);
	while (read(fds[0], buf, sizeof(buf)) > 0) {
		;			/* drain it */
	}
	pr_info("after");
	cr_assert_eq(log_dropped(), 0);
	n = (int)read(fds[0], buf, sizeof(buf) - 1);
	cr_assert_gt(n, 0);
	buf[n] = '\0';
	p = strstr(buf, "info: after (1000 earlier log lines dropped");
	cr_assert_not_null(p, "%s", buf);
}

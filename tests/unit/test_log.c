/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of common/log.c: levels and the rate limiter. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stdio.h>
#include <string.h>

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

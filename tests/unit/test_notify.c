/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of supervisor/notify.c's pure part (when the appliance is
 * ready, when it is wedged, the STATUS= line) and of common/log.c's
 * journald side (JOURNAL_STREAM, "<N>" prefixes, a child's line level).
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "../../supervisor/notify.h"

/* bmcad, clockd, portd/b1, portd/b2: all up, heard 100 ms ago */
static void all_up(struct notify_child *c)
{
	static const char *const names[] = {
		"bmcad", "clockd", "portd/b1", "portd/b2",
	};
	int i;

	for (i = 0; i < 4; i++) {
		memset(&c[i], 0, sizeof(c[i]));
		c[i].name = names[i];
		c[i].kind = i == 0 ? NK_BMCAD : i == 1 ? NK_CLOCKD : NK_PORTD;
		c[i].state = NC_RUNNING;
		c[i].hb_seen = true;
		c[i].hb_age_ms = 100;
		c[i].run_ms = 3000;
	}
}

TestSuite(notify, .timeout = 2);

Test(notify, ready_when_every_child_heartbeats)
{
	struct notify_child c[4];
	struct notify_verdict v;

	all_up(c);
	notify_assess(c, 4, &v);
	cr_assert(v.ready);
	cr_assert(v.healthy);
	cr_assert_eq(v.ports, 2);
	cr_assert_eq(v.ports_up, 2);
}

Test(notify, not_ready_while_a_port_has_not_heartbeated)
{
	struct notify_child c[4];
	struct notify_verdict v;

	all_up(c);
	c[3].hb_seen = false;	/* portd/b2 runs, not heard yet */
	c[3].run_ms = 1000;
	notify_assess(c, 4, &v);
	cr_assert_not(v.ready);
	cr_assert(v.healthy, "starting is not wedged");
	cr_assert_eq(v.ports_up, 1);
	c[3].state = NC_WAITING;	/* restart pending */
	notify_assess(c, 4, &v);
	cr_assert_not(v.ready);
	cr_assert(v.healthy);
}

Test(notify, not_ready_without_bmcad_or_clockd)
{
	struct notify_child c[4];
	struct notify_verdict v;
	int i;

	for (i = 0; i < 2; i++) {
		all_up(c);
		c[i].hb_seen = false;
		notify_assess(c, 4, &v);
		cr_assert_not(v.ready, "%s not heard", c[i].name);
		cr_assert_not(v.daemons_up);
		cr_assert_eq(v.ports_up, 2);
	}
}

Test(notify, stale_heartbeat_is_wedged)
{
	struct notify_child c[4];
	struct notify_verdict v;

	all_up(c);
	c[1].hb_age_ms = NOTIFY_STALE_MS;	/* the limit: still fine */
	notify_assess(c, 4, &v);
	cr_assert(v.healthy);
	c[1].hb_age_ms = NOTIFY_STALE_MS + 1;
	notify_assess(c, 4, &v);
	cr_assert_not(v.healthy);
	cr_assert_not(v.ready);
	cr_assert_str_eq(v.why, "clockd: no heartbeat for over 5 s");
}

Test(notify, never_heartbeating_child_is_wedged_after_start_grace)
{
	struct notify_child c[4];
	struct notify_verdict v;

	all_up(c);
	c[2].hb_seen = false;
	c[2].run_ms = NOTIFY_START_MS;
	notify_assess(c, 4, &v);
	cr_assert(v.healthy);
	c[2].run_ms = NOTIFY_START_MS + 1;
	notify_assess(c, 4, &v);
	cr_assert_not(v.healthy);
	cr_assert_str_eq(v.why, "portd/b1: no heartbeat 15 s after its start");
}

Test(notify, given_up_daemon_wedges_given_up_port_degrades)
{
	struct notify_child c[4];
	struct notify_verdict v;

	all_up(c);
	c[2].state = NC_FAILED;
	notify_assess(c, 4, &v);
	cr_assert(v.healthy, "one port given up: the others keep sync");
	cr_assert_eq(v.ports_failed, 1);
	cr_assert_not(v.ready);
	all_up(c);
	c[0].state = NC_FAILED;
	notify_assess(c, 4, &v);
	cr_assert_not(v.healthy);
	cr_assert_str_eq(v.why, "bmcad: given up on");
}

Test(notify, status_line)
{
	struct notify_clock clk = { 0 };
	struct notify_child c[4];
	struct notify_verdict v;
	char buf[NOTIFY_STATUS_MAX];

	all_up(c);
	c[3].hb_seen = false;
	c[0].hb_seen = false;
	notify_assess(c, 4, &v);
	notify_status_line(buf, sizeof(buf), &v, &clk, false);
	cr_assert_str_eq(buf, "starting: 1/2 ports up (waiting for bmcad and "
			 "clockd)");
	all_up(c);
	notify_assess(c, 4, &v);
	clk.have_servo = true;
	clk.servo_state = 3;		/* IPC_SERVO_LOCKED */
	snprintf(clk.slave_iface, sizeof(clk.slave_iface), "b1");
	clk.clock_class = 248;
	clk.have_gm = true;
	snprintf(clk.gm, sizeof(clk.gm), "001122.fffe.334455");
	notify_status_line(buf, sizeof(buf), &v, &clk, false);
	cr_assert_str_eq(buf, "2/2 ports up; servo LOCKED on b1, clock class "
			 "248; grandmaster 001122.fffe.334455");
	c[0].hb_age_ms = 9000;
	notify_assess(c, 4, &v);
	clk.servo_state = 5;
	clk.slave_iface[0] = '\0';
	clk.have_gm = false;
	notify_status_line(buf, sizeof(buf), &v, &clk, false);
	cr_assert_str_eq(buf, "starting: 2/2 ports up (waiting for bmcad and "
			 "clockd); servo HOLDOVER, clock class 248; WEDGED: "
			 "bmcad: no heartbeat for over 5 s");
	notify_status_line(buf, sizeof(buf), &v, &clk, true);
	cr_assert_str_eq(buf, "stopping");
	/* cut, never overrun, always terminated */
	cr_assert_eq(notify_status_line(buf, 10, &v, &clk, false), 9);
	cr_assert_eq(strlen(buf), 9);
}

TestSuite(journal, .timeout = 2);

Test(journal, line_level_of_a_childs_line)
{
	static const char a[] = "portd[b1][12.345]: warning: b1: gone";
	static const char b[] = "bmcad[1.000]: err: x";
	static const char c[] = "summary iface=b1 state=SLAVE [x]: info: no";

	cr_assert_eq(log_line_level(a, strlen(a)), LOG_WARNING);
	cr_assert_eq(log_line_level(b, strlen(b)), LOG_ERR);
	cr_assert_eq(log_line_level(b, 15), -1, "cut before the level");
	cr_assert_eq(log_line_level(c, strlen(c)), -1,
		     "no level word right after the first ]: ");
	cr_assert_eq(log_line_level("x", 1), -1);
}

Test(journal, stream_must_be_the_fd)
{
	char env[64];
	struct stat st;
	int fd = open("/dev/null", O_WRONLY);

	cr_assert_geq(fd, 0);
	cr_assert_eq(fstat(fd, &st), 0);
	snprintf(env, sizeof(env), "%llu:%llu",
		 (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino);
	cr_assert(log_is_journal_stream(env, fd));
	snprintf(env, sizeof(env), "%llu:%llu",
		 (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino + 1);
	cr_assert_not(log_is_journal_stream(env, fd), "another inode");
	cr_assert_not(log_is_journal_stream(NULL, fd));
	cr_assert_not(log_is_journal_stream("garbage", fd));
	close(fd);
}

Test(journal, prefix_only_on_the_journal_stream)
{
	char env[64], buf[256];
	struct stat st;
	int p[2], saved;
	ssize_t n;

	cr_assert_eq(pipe(p), 0);
	saved = dup(STDERR_FILENO);
	dup2(p[1], STDERR_FILENO);
	fstat(STDERR_FILENO, &st);
	snprintf(env, sizeof(env), "%llu:%llu",
		 (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino);
	setenv("JOURNAL_STREAM", env, 1);
	log_init("t", LOG_DEST_STDERR, LOG_DEBUG);
	pr_warn("t: one");
	log_line_at(LOG_ERR, "bmcad: x\n", 9);
	unsetenv("JOURNAL_STREAM");
	log_init("t", LOG_DEST_STDERR, LOG_DEBUG);
	pr_warn("t: two");
	log_line_at(LOG_ERR, "bmcad: y\n", 9);
	log_init("t", LOG_DEST_STDERR, LOG_EMERG);
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(p[1]);
	n = read(p[0], buf, sizeof(buf) - 1);
	close(p[0]);
	cr_assert_gt(n, 0);
	buf[n] = '\0';
	cr_assert(!strncmp(buf, "<4>t[", 5), "got: %s", buf);
	cr_assert(strstr(buf, "\n<3>bmcad: x\n"), "got: %s", buf);
	cr_assert(strstr(buf, "\nt["), "no prefix without: %s", buf);
	cr_assert(strstr(buf, "]: warning: t: two\nbmcad: y\n"), "got: %s",
		  buf);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * clockd.h - the clockd daemon: the clocks of a boundary clock.
 *
 *   main.c    command line, configuration, logging
 *   clockd.c  the bus (PULL for samples, SUB for decisions, PUB for the
 *             servo status), the loop, the slave port and its servo
 *             (common/clkctl)
 *   clocks.c  opening every port's clock (ports sharing a sim file or a
 *             PHC share one clock), cross-clock comparisons, the loop
 *             that keeps every other clock locked to the reference
 *
 * The reference clock is the slave port's: clkctl steers it from the
 * port's samples. Every other clock follows it with its own PI servo
 * (servo.h) on direct comparisons (sim: both read at one CLOCK_REALTIME
 * instant; PHC: PTP_SYS_OFFSET_* against CLOCK_REALTIME, differenced),
 * stepped at most once when far at start, then slewed. A clock that is
 * locked is never stepped because the slave port moved: the new
 * reference servo starts from its frequency, without steps. With no
 * slave port every clock keeps its last good frequency (holdover).
 */
#ifndef MERIDIAN_CLOCKD_H
#define MERIDIAN_CLOCKD_H

#include <stdbool.h>
#include <stdint.h>

#include "clkctl.h"
#include "clkfollow.h"
#include "clock.h"
#include "config.h"
#include "daemon.h"
#include "ipc_msg.h"
#include "servo.h"

#ifndef MERIDIAN_VERSION
#define MERIDIAN_VERSION "0.1.0-dev"
#endif

struct clockd_opts {
	struct daemon_opts d;		/* -f, --rundir, -l, --syslog */
	double holdover_spec_s;		/* holdover within spec this long */
};

/* One clock, shared by the ports whose sim file or PHC is the same. */
struct cd_clock {
	struct clk *clk;
	char key[MCONF_PATH_LEN + 8];	/* "sim:PATH", "phc:DEV", "system" */
	int port;			/* the first port using it */
	bool sim;
	/* its frequency, and following the reference (common/clkfollow):
	 * fl.freq_ppb applied (or found at start), fl.locked, fl.steps.. */
	struct clkfollow fl;
	uint64_t cmp_errors;
};

struct clockd {
	struct clockd_opts opts;
	struct mconf cfg;
	struct cd_clock clocks[MCONF_MAX_PORTS];
	int n_clocks;
	int port_clock[MCONF_MAX_PORTS];	/* port -> clocks[] */

	struct clkctl cc;		/* the reference clock's policy */
	bool cc_ok;
	int slave;			/* port index, -1: none */
	int ref;			/* clocks[] index, -1: none */
	bool ref_locked;		/* the reference has locked: the
					 * others follow it */
	struct port_identity master;	/* of the slave port's samples */
	bool have_master;
	int8_t log_sync;		/* of the slave port's samples */
	/* bmcad's last decision per port */
	bool dec_have[MCONF_MAX_PORTS];
	bool dec_s1[MCONF_MAX_PORTS];
	int64_t dec_ns[MCONF_MAX_PORTS];

	int64_t period_ns;		/* follow loop */
	int64_t next_ns;
	int64_t next_pub_ns;		/* status and heartbeat, 1 s */
	int64_t start_ns;
	int last_state;			/* published, -1: never */
	uint8_t last_class;

	void *ctx;
	void *pull;			/* samples in */
	void *sub;			/* decisions in */
	void *pub;			/* servo status, heartbeat */
	int sigfd;
	int lockfd;
	bool stop;
	uint32_t seq;

	/* Counters. */
	uint64_t rx_samples;
	uint64_t rx_stale;		/* older than 2 sync intervals */
	uint64_t rx_bad;		/* undecodable, unknown port */
	uint64_t rx_not_slave;		/* from a port bmcad says is not S1 */
	uint64_t tx_dropped;
};

int clockd_setup(struct clockd *d);
int clockd_run(struct clockd *d);
void clockd_teardown(struct clockd *d);

/* clocks.c */
int cd_clocks_open(struct clockd *d);
void cd_clocks_close(struct clockd *d);
/* a - b in ns at one instant; 0 or -errno */
int cd_compare(struct cd_clock *a, struct cd_clock *b, int64_t *off_ns,
	       int64_t *b_ns);
/* One round of the follow loop over every clock but the reference. */
void cd_follow(struct clockd *d, bool holdover);
/* The reference was stepped by ns: every follower takes the same step. */
void cd_follow_step(struct clockd *d, int64_t ns);
/* clock c stops following (it becomes the reference) */
void cd_follow_stop(struct cd_clock *c);
/* clock c starts following from its frequency; never stepped if locked */
void cd_follow_start(struct cd_clock *c, double freq_ppb, bool locked);
/* Total steps of every clock (the reference's counted by clkctl). */
uint64_t cd_steps(const struct clockd *d);

#endif

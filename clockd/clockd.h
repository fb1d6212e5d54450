/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * clockd.h - the clockd daemon: the clocks of a boundary clock.
 *
 *   main.c    command line, configuration, logging
 *   clockd.c  the bus (PULL for samples, SUB for decisions, PUB for the
 *             servo status), the loop, carrying out the policy's actions
 *             and logging its events
 *   clocks.c  opening every port's clock (ports sharing a sim file or a
 *             PHC share one clock), cross-clock comparisons
 *
 * The policy is common/clkref (sans-IO, also run by tests/sim): which
 * port is slave, which clock is the reference, its servo (common/clkctl)
 * and the followers (common/clkfollow).
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
#include "clkref.h"
#include "clock.h"
#include "config.h"
#include "daemon.h"
#include "ipc_msg.h"
#include "servo.h"

#include "version.h"

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
	double freq0_ppb;		/* found at start */
	uint64_t cmp_errors;
};

struct clockd {
	struct clockd_opts opts;
	struct mconf cfg;
	struct cd_clock clocks[MCONF_MAX_PORTS];
	int n_clocks;
	int port_clock[MCONF_MAX_PORTS];	/* port -> clocks[] */

	/* the policy (common/clkref): slave port (cr.slave), reference
	 * clock (cr.ref, clocks[] index), its servo (cr.cc), followers
	 * (cr.fl[clock]), bmcad's last decision per port */
	struct clkref cr;
	bool cr_ok;

	int64_t period_ns;		/* follow loop */
	int64_t next_ns;
	int64_t next_pub_ns;		/* status and heartbeat, 1 s */
	int64_t start_ns;
	int last_state;			/* published, -1: never */
	uint8_t last_class;
	int last_slave;			/* published slave port */

	void *ctx;
	void *pull;			/* samples in */
	void *sub;			/* decisions in */
	void *pub;			/* servo status, heartbeat */
	int sigfd;
	int lockfd;
	bool stop;
	uint32_t seq;

	/* Counters (samples taken, stale, from ports not slave: cr). */
	uint64_t rx_bad;		/* undecodable, unknown port */
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
/* Compare every clock the policy wants with the reference (cmp[c]). */
void cd_compare_all(struct clockd *d, struct clkref_cmp *cmp);
/* Total steps of every clock. */
uint64_t cd_steps(const struct clockd *d);

#endif

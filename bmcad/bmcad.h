/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bmcad.h - the bmcad daemon: the best master clock algorithm for every
 * port of the boundary clock, over the bus.
 *
 *   main.c   command line, configuration, logging
 *   bmcad.c  the bus (ROUTER for the ports, PUB for telemetry), the loop,
 *            common/bmca_clock for the decisions
 *
 * Each portd (a DEALER whose routing id is its interface name) sends its
 * Erbest and state ("erbest" messages) when they change and once per
 * announce interval; bmcad answers every port with a self-contained
 * "decision" (its recommendation, the clock's data sets, an epoch) when
 * anything changed, and re-sends every decision once per announce
 * interval, so a restarted portd or bmcad is back in step within one
 * interval. A port silent for (announceReceiptTimeout + 1) announce
 * intervals is left out of the BMCA until it speaks again. The clockClass
 * of defaultDS follows clockd's servo status ("clock/servo/"): holdover
 * degrades it, as clockd's policy says.
 */
#ifndef MERIDIAN_BMCAD_H
#define MERIDIAN_BMCAD_H

#include <stdbool.h>
#include <stdint.h>

#include "bmca_clock.h"
#include "config.h"
#include "daemon.h"
#include "ipc_msg.h"

#include "version.h"

struct bmcad {
	struct daemon_opts opts;
	struct mconf cfg;
	struct bmca_clock bc;
	int64_t period_ns;		/* smallest announce interval */
	int64_t next_ns;		/* next periodic run */
	int64_t start_ns;
	int64_t health_ns;		/* last heartbeat */

	void *ctx;
	void *router;			/* ports: erbest in, decisions out */
	void *pub;			/* telemetry to the supervisor */
	void *sub;			/* clockd's servo status */
	uint8_t cfg_class;		/* clockClass as configured */
	int sigfd;
	int lockfd;
	bool stop;
	uint32_t seq;

	/* Counters. */
	uint64_t rx_msgs;
	uint64_t rx_bad;		/* undecodable or from no port */
	uint64_t tx_unreachable;	/* decision for a port not connected */
	uint64_t tx_dropped;		/* full queue */
	uint64_t decisions;		/* epochs moved */
};

int bmcad_setup(struct bmcad *b);
int bmcad_run(struct bmcad *b);
void bmcad_teardown(struct bmcad *b);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bmca_clock.h - the best master clock algorithm for a whole clock with
 * several ports (a boundary clock), as bmcad runs it: sans-IO, plain data
 * in, decisions out.
 *
 * Each port reports its Erbest and state (ipc "erbest" messages); the
 * module keeps the latest report per port, forgets a port that has not
 * reported for `port_timeout_ns` (a port process that vanished), and on
 * bmca_clock_decide() runs 9.3.2.3 (Ebest over the usable ports) and the
 * state decision of 9.3.3 for every usable port, then the data set
 * updates of 9.3.5 once for the clock. A port is usable when it has
 * reported, is not timed out, its link is up and it is neither FAULTY,
 * DISABLED nor INITIALIZING; an unusable port gets BMCA_REC_NONE (it
 * keeps its own state; a port that comes back is decided again).
 *
 * Every change of any port's recommendation or of the clock's data sets
 * bumps the epoch; a decision carries it, so a port can ignore one older
 * than the last it applied (ZeroMQ may reorder nothing, but a restarted
 * bmcad starts again from 1: a port that sees a lower epoch from a new
 * bmcad instance takes it, see bmca_clock_init()'s epoch_base).
 */
#ifndef MERIDIAN_BMCA_CLOCK_H
#define MERIDIAN_BMCA_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "bmca.h"

#define BMCA_CLOCK_PORTS_MAX	32
#define BMCA_CLOCK_PATH_MAX	16

/* What a port reports (ipc_erbest without the transport details). */
struct bmca_clock_report {
	enum port_state state;
	bool link_up;
	bool master_only;
	bool has_erbest;
	struct bmca_ds erbest;
	uint8_t n_path;			/* Erbest's path trace */
	struct clock_identity path[BMCA_CLOCK_PATH_MAX];
};

struct bmca_clock_port {
	bool reported;			/* at least one report, not timed out */
	int64_t last_ns;		/* monotonic time of the last report */
	struct bmca_clock_report r;
	enum bmca_rec rec;		/* the last decision */
};

struct bmca_clock {
	struct clock_ds ds;
	struct time_properties_ds local_tprop;	/* ours, as grandmaster */
	unsigned n_ports;
	int64_t port_timeout_ns;
	uint32_t epoch;
	int ebest_port;			/* index, -1 when none */
	uint8_t n_path;			/* pathTraceDS to announce */
	struct clock_identity path[BMCA_CLOCK_PATH_MAX];
	struct bmca_clock_port port[BMCA_CLOCK_PORTS_MAX];
};

/*
 * d0: defaultDS (numberPorts should equal n_ports); local: the clock's
 * own time properties as grandmaster; port_timeout_ns: a port silent
 * that long is forgotten (3 announce intervals is a good choice);
 * epoch_base: the first epoch minus one (a restarted bmcad can start
 * above any epoch it may have sent before, e.g. from its start time).
 * Returns 0, or -EINVAL when n_ports is 0 or above BMCA_CLOCK_PORTS_MAX.
 */
int bmca_clock_init(struct bmca_clock *bc, const struct default_ds *d0,
		    const struct time_properties_ds *local, unsigned n_ports,
		    int64_t port_timeout_ns, uint32_t epoch_base);

/* A port's report at monotonic time now_ns. -EINVAL for a bad index or a
 * path longer than BMCA_CLOCK_PATH_MAX. */
int bmca_clock_report(struct bmca_clock *bc, unsigned port,
		      const struct bmca_clock_report *r, int64_t now_ns);

/* Forget a port at once (its process is known to be gone). */
void bmca_clock_port_lost(struct bmca_clock *bc, unsigned port);

/*
 * Run the BMCA for every port at now_ns (timing out silent ports first).
 * Returns true when a recommendation or the data sets changed (the epoch
 * was bumped); bc->port[i].rec holds each port's recommendation and
 * bc->ds the clock's data sets either way.
 */
bool bmca_clock_decide(struct bmca_clock *bc, int64_t now_ns);

/* The port a decision says is usable (see above). */
bool bmca_clock_port_usable(const struct bmca_clock *bc, unsigned port,
			    int64_t now_ns);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * clkref.h - the clocks of a boundary clock, sans-IO: clockd's policy,
 * run by clockd and by tests/sim alike.
 *
 * A boundary clock has one clock per port (ports may share one). The
 * slave port's clock is the reference: clkctl steers it from the port's
 * samples. Every other clock follows it (clkfollow) on cross-clock
 * comparisons, once per follow period.
 *
 * Inputs:
 *   clkref_decision()  bmcad's recommendation for port i (S1 or not);
 *   clkref_sample()    an offset from port i, with its master's
 *                      identity, its sync interval and its age;
 *   clkref_tick()      the follow period elapsed: the caller compared
 *                      every clock that clkref_wants_compare() names with
 *                      the reference, just before.
 * Outputs (struct clkref_out): actions per clock (step, then frequency)
 * and events worth a log line. The caller carries out the actions in
 * order, skips those marked skip, and reports each with clkref_result()
 * (which may mark later actions skip, and add events: a lock that holds
 * only if the clock took the adjustment).
 *
 *   - Samples: from a port bmcad says is not slave (a decision younger
 *     than decision_ttl_ns) or older than two sync intervals: dropped.
 *     A sample from another port makes it the slave port.
 *   - Slave port change: its clock becomes the reference. A reference
 *     that was locked to the old one is switched warm: the servo carries
 *     on from the frequency it had as a follower, locked, never stepped
 *     and without re-learning (clkctl_new_reference(.., locked)); the old
 *     reference follows the new one, never stepped if locked.
 *   - No slave port (still none at the next tick: bmcad's decisions for
 *     the ports come one by one, the old slave port's may come before
 *     the new one's), or no sample for holdover_intervals: holdover;
 *     every follower keeps its good frequency.
 *   - A step of the reference: every follower with a running servo takes
 *     the same step.
 *
 * Also the rule portd (bus mode) applies to clockd's status, so that the
 * simulator runs it too: clkref_port_status().
 */
#ifndef MERIDIAN_CLKREF_H
#define MERIDIAN_CLKREF_H

#include <stdbool.h>
#include <stdint.h>

#include "clkctl.h"
#include "clkfollow.h"
#include "ds.h"

#define CLKREF_MAX_PORTS	32
#define CLKREF_MAX_CLOCKS	32
#define CLKREF_ACT_MAX		(2 * CLKREF_MAX_CLOCKS + 8)
#define CLKREF_EV_MAX		(2 * CLKREF_MAX_CLOCKS + 16)

struct clkref_cfg {
	struct clkctl_cfg cc;		/* the reference servo */
	struct clkfollow_cfg fl;	/* the followers (period: follow) */
	unsigned n_ports;
	unsigned n_clocks;
	uint8_t port_clock[CLKREF_MAX_PORTS];	/* port -> clock */
	bool port_sw_ts[CLKREF_MAX_PORTS];	/* software timestamps */
	double clock_max_ppb[CLKREF_MAX_CLOCKS];	/* 0 = cfg's */
	int64_t decision_ttl_ns;	/* a decision counts this long */
};

enum clkref_op {
	CLKREF_STEP,			/* clk_step(step_ns) */
	CLKREF_FREQ,			/* clk_adjfreq(freq_ppb) */
};

enum clkref_why {
	CLKREF_W_REF,			/* the reference servo */
	CLKREF_W_WITH_REF,		/* a follower steps with the ref */
	CLKREF_W_FOLLOW,		/* a follower's servo */
	CLKREF_W_HOLD,			/* a follower keeps its frequency */
};

enum clkref_ev_type {
	CLKREF_EV_SLAVE,		/* slave port a -> b (-1: none) */
	CLKREF_EV_REFERENCE,		/* reference clock, warm?, ppb */
	CLKREF_EV_HOLDOVER_NO_SLAVE,	/* no slave port (at the tick after
					 * the decision): holdover at ppb */
	CLKREF_EV_HOLDOVER_NO_SAMPLE,	/* no sample for a intervals */
	CLKREF_EV_NEW_MASTER,		/* port: new master, judged */
	CLKREF_EV_RESTARTED,		/* new master ns away: restart */
	CLKREF_EV_HOLDOVER_END,		/* samples are back */
	CLKREF_EV_GATED,		/* offset ns rejected (median ns2) */
	CLKREF_EV_STALE,		/* port: sample ns old, dropped */
	CLKREF_EV_NOT_SLAVE,		/* port: sample of a non-slave port */
	CLKREF_EV_STEPPED,		/* clock stepped by ns (why) */
	CLKREF_EV_LOCKED,		/* the reference servo locked */
	CLKREF_EV_FAULT_NEW,		/* clock refused (op, ns/ppb, rc) */
	CLKREF_EV_FAULT_AGAIN,
	CLKREF_EV_FAULT_CLEARED,
	CLKREF_EV_FOLLOW_REFUSED,	/* a follower refused (op, rc) */
	CLKREF_EV_FOLLOW_AGAIN,		/* clock follows the ref again */
	CLKREF_EV_FOLLOW_LOCKED,	/* clock locked to the ref (ns, ppb) */
	CLKREF_EV_FOLLOW_LOST,		/* clock lost its lock */
	CLKREF_EV_FOLLOW_HOLDOVER,	/* clock in holdover at ppb */
};

struct clkref_ev {
	enum clkref_ev_type type;
	int port;			/* -1: none */
	int clock;			/* -1: none */
	int a, b;			/* SLAVE: from, to; REFERENCE: warm */
	enum clkref_op op;
	enum clkref_why why;
	int64_t ns, ns2;
	double ppb;
	int rc;
};

struct clkref_act {
	enum clkref_op op;
	enum clkref_why why;
	int clock;
	int64_t step_ns;
	double freq_ppb;
	bool skip;			/* an action it depends on failed */
	/* internal: the group it belongs to (one clock's step and
	 * frequency), the event that holds if the group's last action
	 * works */
	unsigned group;
	bool last;
	struct clkfollow_out fo;
	bool has_done_ev;
	struct clkref_ev done_ev;
};

struct clkref_out {
	unsigned n_act;
	struct clkref_act act[CLKREF_ACT_MAX];
	unsigned n_ev;
	struct clkref_ev ev[CLKREF_EV_MAX];
	bool stepped;			/* a clock was stepped (timestamps
					 * in the old time base) */
};

/* One cross-clock comparison: clock - reference, and the reference's
 * time then; rc < 0 if it failed. */
struct clkref_cmp {
	bool done;
	int rc;
	int64_t off_ns;
	int64_t ref_ns;
};

struct clkref {
	struct clkref_cfg cfg;
	struct clkctl cc;
	struct clkfollow fl[CLKREF_MAX_CLOCKS];
	int slave;			/* port, -1: none */
	int ref;			/* clock, -1: none */
	bool ref_locked;		/* the others follow it */
	bool ho_pending;		/* no slave port: holdover at the
					 * next tick (a burst of decisions
					 * may name another port first) */
	struct port_identity master;	/* of the slave port's samples */
	bool have_master;
	int8_t log_sync;
	bool dec_have[CLKREF_MAX_PORTS];
	bool dec_s1[CLKREF_MAX_PORTS];
	int64_t dec_ns[CLKREF_MAX_PORTS];
	unsigned group;
	/* the reference servo's events that hold if its actions work */
	struct clkctl_out pend;
	/* counters */
	uint64_t rx_samples;
	uint64_t rx_stale;
	uint64_t rx_not_slave;
	uint64_t slave_changes;
	uint64_t warm_switches;		/* reference changes, locked */
};

/* Defaults: clkctl's and clkfollow's, a 4 s decision TTL. */
void clkref_cfg_default(struct clkref_cfg *cfg);
/* freq_ppb[c]: the frequency clock c has now. 0 or -errno. */
int clkref_init(struct clkref *r, const struct clkref_cfg *cfg,
		const double *freq_ppb);
void clkref_fini(struct clkref *r);

/* bmcad's decision for port i: s1 = BMCA_REC_S1. */
void clkref_decision(struct clkref *r, unsigned port, bool s1,
		     int64_t now_ns, struct clkref_out *out);
/*
 * An offset (local - master) from port i, measured at t2_ns in the
 * port's clock, sent age_ns ago; master: the port's parent. false if
 * dropped (stale, or the port is not slave).
 */
bool clkref_sample(struct clkref *r, unsigned port,
		   const struct port_identity *master, int8_t log_sync,
		   int64_t offset_ns, int64_t t2_ns, int64_t age_ns,
		   int64_t now_ns, struct clkref_out *out);
/* Must clock c be compared with the reference before clkref_tick()? */
bool clkref_wants_compare(const struct clkref *r, unsigned c);
/* The follow period elapsed; cmp[c] for every clock (done = compared). */
void clkref_tick(struct clkref *r, int64_t now_ns,
		 const struct clkref_cmp *cmp, struct clkref_out *out);
/* How action i of out went: rc 0 or -errno. */
void clkref_result(struct clkref *r, struct clkref_out *out, unsigned i,
		   int rc);
/* The follow period changed. */
void clkref_period(struct clkref *r, double period_s);

/* State of the whole clock: the reference servo's. */
enum clkctl_state clkref_state(const struct clkref *r);
/* Locked, or holding over after a lock. */
bool clkref_locked(const struct clkref *r);
/* Total steps: the reference's and the followers'. */
uint64_t clkref_steps(const struct clkref *r);

/*
 * portd in bus mode hears clockd's status: what does its port core get?
 * stepped: the steps counter grew; mine: the status names this port as
 * the slave port; locked: LOCKED or LOCKED_STABLE.
 */
enum clkref_port_ev {
	CLKREF_PORT_NONE,
	CLKREF_PORT_UNSYNCED,		/* PEV_UNSYNCED */
	CLKREF_PORT_SYNCED,		/* PEV_SYNCED */
};

enum clkref_port_ev clkref_port_status(bool stepped, bool mine, bool locked,
				       bool slave, bool uncalibrated);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * clkctl.h - the clock-control policy around a servo, sans-IO: what
 * portd --standalone and clockd do with a slave port's offsets.
 *
 * One policy, two callers. clkctl never reads or steers a clock, logs or
 * prints: it answers every input with the actions to take and the
 * events to report, and is told how the clock took them.
 *
 *   - Outlier gate: once the servo has locked, offsets further than
 *     gate_k MADs (and gate_floor_ns) from the running median are
 *     dropped; gate_max_reject in a row refill the window.
 *   - New master (clkctl_new_master()): its first NM_SAMPLES offsets are
 *     held back; the servo restarts (and so steps, as at start-up) only
 *     if their median is beyond max(first_step_threshold, nm_step_min_ns);
 *     smaller differences are slewed by the running servo.
 *   - Step or slew as servo_sample() says: UNLOCKED and LOCKED adjust the
 *     frequency, JUMP steps by -offset then adjusts the frequency.
 *   - Clock fault: a step or frequency change the clock refused
 *     (clkctl_clock_result() with rc < 0) restarts the servo from the
 *     frequency the clock really has and puts clkctl in FAULT until an
 *     adjustment of the same kind works (or any, once locked again).
 *   - Holdover: while locked, no sample for holdover_intervals sync
 *     intervals (clkctl_tick()), or clkctl_holdover() (no slave port):
 *     HOLDOVER, the clock keeps the last good frequency (an average of
 *     the frequencies applied while locked). Samples coming back are
 *     judged like a new master's: a small offset is slewed by the running
 *     servo (no step), a far one restarts it.
 *   - clockClass by state (struct clkctl_class): locked, holdover within
 *     its specification (holdover_spec_ns), out of it, free running.
 *
 * Use: clkctl_sample() fills a struct clkctl_out; the caller steps the
 * clock if out.step, then sets the frequency if out.adjfreq, stopping at
 * the first failure, and reports each attempt with clkctl_clock_result().
 * The events in out (unsynced, synced, first_lock) hold only if every
 * action worked.
 */
#ifndef MERIDIAN_CLKCTL_H
#define MERIDIAN_CLKCTL_H

#include <stdbool.h>
#include <stdint.h>

#include "servo.h"

#define CLKCTL_NM_SAMPLES	3	/* offsets to judge a new master */
/* A warm switch (clkctl_new_reference(.., true)) counts as locked for at
 * most this many samples of a servo that has not locked yet. */
#define CLKCTL_WARM_MAX		16
/* An offset beyond this is dropped like an outlier (out.gated), whatever
 * the gate: servo.h's SERVO_OFFSET_MAX, the most a servo takes. */
#define CLKCTL_OFFSET_MAX	SERVO_OFFSET_MAX

/* Values of ipc_msg.h's enum ipc_servo_state, in the same order. */
enum clkctl_state {
	CLKCTL_FREE = 0,	/* no master ever (or lost before locking) */
	CLKCTL_UNLOCKED,
	CLKCTL_JUMP,
	CLKCTL_LOCKED,
	CLKCTL_LOCKED_STABLE,
	CLKCTL_HOLDOVER,	/* was locked; no samples now */
	CLKCTL_FAULT,		/* the clock refused a step/adjustment */
};

/*
 * clockClass to announce in each state (G.8275.1 6.7.3 / G.8275.2): a
 * boundary clock locked announces its configured class, 135 in holdover
 * within its specification, 165 out of it, 248 free running; a
 * grandmaster 6 locked, 7 in holdover within specification, then 140,
 * 150 or 160 (holdover categories 1..3).
 */
struct clkctl_class {
	uint8_t locked;
	uint8_t holdover_in;		/* in holdover, within spec */
	uint8_t holdover_out;		/* in holdover beyond spec */
	uint8_t free_running;		/* FREE, UNLOCKED, JUMP, FAULT */
};

/* The table for a clock configured with clockClass cls: a grandmaster
 * class (6 or 7: 7 -> 140), else a boundary clock's (135 -> 165). */
void clkctl_class_default(struct clkctl_class *t, uint8_t cls);

struct clkctl_cfg {
	struct servo_cfg servo;		/* initial_freq: the clock's now */
	double sync_interval_s;		/* of the samples (scales PI) */
	bool free_running;		/* measure, never step or adjust */
	/* outlier gate, applied once locked (servo.h struct gate) */
	unsigned gate_len;
	double gate_k;
	int64_t gate_floor_ns;
	unsigned gate_max_reject;
	/* a new master restarts the servo only beyond
	 * max(servo.first_step_threshold, nm_step_min_ns) */
	int64_t nm_step_min_ns;
	/* holdover */
	unsigned holdover_intervals;	/* sync intervals with no sample */
	int64_t holdover_spec_ns;	/* holdover within spec this long */
	double freq_avg_s;		/* the good frequency: an average
					 * over this long while locked */
	struct clkctl_class cls;
};

/* portd --standalone's constants: gate 16/6 MADs/20 us/8, 1 ms new
 * master floor, linuxptp's servo defaults, holdover after 8 intervals,
 * 1000 s within spec, the good frequency over 30 s, class table for
 * 248. */
void clkctl_cfg_default(struct clkctl_cfg *cfg);

enum clkctl_op {
	CLKCTL_OP_STEP,
	CLKCTL_OP_ADJFREQ,
};

/* What to do with the clock, and what happened. */
struct clkctl_out {
	bool step;			/* clk_step(step_ns) first */
	int64_t step_ns;		/* = -offset */
	bool adjfreq;			/* then clk_adjfreq(freq_ppb) */
	double freq_ppb;
	enum servo_state servo;		/* servo_sample()'s verdict */
	bool sampled;			/* the servo took the offset */
	bool held;			/* held back: judging a new master */
	bool gated;			/* rejected as an outlier */
	bool restarted;			/* servo restarted (far new master) */
	int64_t nm_median_ns;		/* when restarted: the median */
	bool holdover_end;		/* samples are back after holdover */
	/* events, if every action worked: */
	bool unsynced;			/* stepped (old timestamps void), or a
					 * warm switch ran out unlocked */
	bool synced;			/* locked (PEV_SYNCED if calibrating) */
	bool first_lock;		/* locked for the first time */
};

/* What clkctl_clock_result() says of a reported attempt. */
enum clkctl_verdict {
	CLKCTL_OK = 0,
	CLKCTL_CLEARED,		/* it worked: a clock fault is over */
	CLKCTL_FAULT_NEW,	/* refused: servo fault starts */
	CLKCTL_FAULT_AGAIN,	/* refused again while in fault */
};

struct clkctl {
	struct clkctl_cfg cfg;
	struct servo *servo;
	bool servo_fresh;		/* no sample since created */
	struct gate gate;
	bool locked_once;		/* gate only after the first lock */
	bool warm;			/* a locked clock became the reference:
					 * LOCKED while its new servo judges */
	unsigned warm_n;		/* samples judged while warm */
	bool new_master;		/* judging a new master's offsets */
	bool nm_keep_fresh;		/* judge even a fresh servo */
	unsigned nm_n;
	int64_t nm_win[CLKCTL_NM_SAMPLES];
	double freq_ppb;		/* last frequency applied */
	double pend_freq;		/* asked for, not yet confirmed */
	bool pend_locked;		/* the pending sample was LOCKED */
	double avg_freq;		/* average while locked */
	bool have_avg;
	unsigned avg_n;			/* samples in it, up to its length */
	bool holdover;
	int64_t holdover_start_ns;
	bool have_sample;
	int64_t last_sample_ns;		/* now_ns of the last offset */
	int64_t offset_ns;		/* last offset handed in */
	int fault;			/* errno of the refusal, 0 = none */
	bool fault_step;		/* it was a step */
	/* counters */
	uint64_t steps;
	uint64_t gated;
	uint64_t faults;		/* refusals, in all */
	uint64_t restarts;
};

/* 0, or -EINVAL (bad servo configuration) / -ENOMEM. */
int clkctl_init(struct clkctl *cc, const struct clkctl_cfg *cfg);
void clkctl_fini(struct clkctl *cc);

/*
 * One offset (local - master, ns) measured at t2_ns (the port clock's
 * time of the sample), received at now_ns (monotonic). Fills out.
 */
void clkctl_sample(struct clkctl *cc, int64_t offset_ns, int64_t t2_ns,
		   int64_t now_ns, struct clkctl_out *out);

/* How an action of out went: rc 0 or -errno, as the clock returned. */
enum clkctl_verdict clkctl_clock_result(struct clkctl *cc, enum clkctl_op op,
					int rc);

/* A new master: the gate starts over, its first offsets are judged. */
void clkctl_new_master(struct clkctl *cc);

/*
 * The reference clock changed (clockd: another port is slave, on
 * another clock) and has frequency freq_ppb now: the servo restarts from
 * it. A clock that was locked (locked) is switched warm: never stepped,
 * LOCKED throughout (the state, the class, the events) while the new
 * servo starts from freq_ppb (which is also the good frequency to hold
 * over on), until it locks itself, for CLKCTL_WARM_MAX samples at most
 * (then it is not locked: unsynced); its first offsets are judged like a
 * new master's, and only a far one (beyond the new-master threshold)
 * restarts the servo cold, with steps.
 */
void clkctl_new_reference(struct clkctl *cc, double freq_ppb, bool locked);

/*
 * Time passes: while locked, no sample for holdover_intervals sync
 * intervals starts holdover. true when it did; then out may ask for the
 * frequency to keep (report it with clkctl_clock_result()).
 */
bool clkctl_tick(struct clkctl *cc, int64_t now_ns, struct clkctl_out *out);

/* Holdover now (no slave port), if locked; as clkctl_tick(). */
bool clkctl_holdover(struct clkctl *cc, int64_t now_ns,
		     struct clkctl_out *out);

/* Change the sync interval of the samples (scales the PI constants). */
void clkctl_sync_interval(struct clkctl *cc, double interval_s);

enum clkctl_state clkctl_state(const struct clkctl *cc);
const char *clkctl_state_str(enum clkctl_state st);	/* "LOCKED", ... */
/* ns in holdover, 0 when not in holdover. */
int64_t clkctl_holdover_ns(const struct clkctl *cc, int64_t now_ns);
uint8_t clkctl_clock_class(const struct clkctl *cc, int64_t now_ns);
/* Last frequency applied to the clock (or the initial one). */
double clkctl_freq(const struct clkctl *cc);
/* The last good frequency: the average while locked, else clkctl_freq. */
double clkctl_good_freq(const struct clkctl *cc);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * clkfollow.h - a clock that follows a reference clock, sans-IO: what
 * clockd does with every PHC of a boundary clock but the reference one
 * (the slave port's), and what tests/sim runs for a simulated BC.
 *
 * The caller compares the two clocks (this - reference, ns, and the
 * reference's time then) once per follow period and hands the result to
 * clkfollow_sample(), which answers with the actions to take (a step,
 * then a frequency); the caller reports how the clock took each with
 * clkfollow_result(). clkfollow never reads or steers a clock, logs or
 * prints; events worth a log line are in the out struct.
 *
 *   - A PI servo (precise comparisons: no software-timestamp gentling)
 *     is created at the first comparison from the frequency the clock
 *     has; it steps at most once, at the start, by first_step_threshold,
 *     and never if the clock was locked when it became a follower
 *     (clkfollow_start(.., locked = true): the reference changed between
 *     two locked clocks).
 *   - Locked: the frequencies applied are averaged over avg_s; holdover
 *     (clkfollow_holdover(): the reference is gone or in holdover) keeps
 *     that average. The next comparison ends the holdover.
 *   - A refused step or frequency: the servo is dropped, and restarts
 *     from the clock's frequency at the next comparison.
 */
#ifndef MERIDIAN_CLKFOLLOW_H
#define MERIDIAN_CLKFOLLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "servo.h"

struct clkfollow_cfg {
	double first_step_threshold;	/* s; 0 = never step */
	double max_frequency;		/* ppb, clamp */
	double period_s;		/* between comparisons */
	double avg_s;			/* good-frequency average (30 s) */
	bool free_running;		/* measure, never steer */
};

struct clkfollow {
	struct clkfollow_cfg cfg;
	struct servo *fs;		/* NULL while not following */
	double freq_ppb;		/* applied (or found at start) */
	bool following;			/* not the reference */
	bool no_step;			/* next servo: never step */
	bool locked;
	bool holdover;
	double avg_freq;		/* good frequency while locked */
	unsigned avg_n;
	bool have_offset;
	int64_t offset_ns;		/* this clock - reference, last */
	uint64_t steps;
	uint64_t faults;
	uint64_t absurd;		/* offsets beyond SERVO_OFFSET_MAX,
					 * dropped */
};

enum clkfollow_event {
	CLKFOLLOW_EV_NONE = 0,
	CLKFOLLOW_EV_LOCKED,		/* locked to the reference */
	CLKFOLLOW_EV_LOST,		/* lost its lock */
	CLKFOLLOW_EV_AGAIN,		/* follows again after holdover */
	CLKFOLLOW_EV_HOLDOVER,		/* holds avg frequency now */
};

struct clkfollow_out {
	bool step;
	int64_t step_ns;		/* add to the clock */
	bool adjfreq;
	double freq_ppb;
	enum servo_state servo;
	enum clkfollow_event event;
};

enum clkfollow_action {
	CLKFOLLOW_STEP,
	CLKFOLLOW_FREQ,
};

/* cfg defaults: 20 us first step, 900 ppm, 1 s period, 30 s average. */
void clkfollow_cfg_default(struct clkfollow_cfg *cfg);
/* A clock at freq_ppb, not following (the reference, or nothing yet). */
void clkfollow_init(struct clkfollow *f, const struct clkfollow_cfg *cfg,
		    double freq_ppb);
void clkfollow_fini(struct clkfollow *f);
/* Start following (this clock stopped being the reference, or the
 * reference appeared): from freq_ppb; locked = never step. */
void clkfollow_start(struct clkfollow *f, double freq_ppb, bool locked);
/* Stop following (this clock becomes the reference). */
void clkfollow_stop(struct clkfollow *f);
/* The follow period changed. */
void clkfollow_period(struct clkfollow *f, double period_s);
/*
 * One comparison: off_ns = this clock - reference, ref_ns = the
 * reference's time then (increasing). Fills out; returns true if there
 * is anything to apply (out->step, out->adjfreq).
 */
bool clkfollow_sample(struct clkfollow *f, int64_t off_ns, int64_t ref_ns,
		      struct clkfollow_out *out);
/* The reference is gone or holds over: keep the good frequency. Returns
 * true with out->adjfreq if the clock must be set (once per holdover). */
bool clkfollow_holdover(struct clkfollow *f, struct clkfollow_out *out);
/* A comparison made only to show the offset (in holdover). */
void clkfollow_observe(struct clkfollow *f, int64_t off_ns);
/* The reference was stepped by ns: does this clock step with it (it
 * follows with a running servo and is steered)? The caller steps it and
 * reports with clkfollow_result(.., CLKFOLLOW_STEP, ..). */
bool clkfollow_steps_with_ref(const struct clkfollow *f);
/* How the clock took an action of out: rc 0 or -errno. On a refusal the
 * servo is dropped (restarts from the clock's real frequency). */
void clkfollow_result(struct clkfollow *f, enum clkfollow_action a,
		      const struct clkfollow_out *out, int rc);

#endif

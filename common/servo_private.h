/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * servo_private.h - the implementation side of servo.h (STYLE 3.3).
 *
 * Each servo kind embeds a struct servo as its first member and points it
 * at one const ops table. servo.c owns the fields below `ops` (the common
 * step thresholds, the clamp, the first-update flag, LOCKED_STABLE); an
 * implementation reads them and owns everything in its own struct.
 *
 * Sign conventions are those of servo.h: offset = local - master (ns,
 * positive = local ahead), frequencies are what the caller applies (ppb,
 * positive = faster).
 */
#ifndef MERIDIAN_SERVO_PRIVATE_H
#define MERIDIAN_SERVO_PRIVATE_H

#include <stddef.h>

#include "servo.h"

#ifndef container_of
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#endif

/* The warm-start verdict (servo.c) on the samples so far. */
enum servo_warm {
	SERVO_WARM_OFF,		/* off, refused or done: start cold */
	SERVO_WARM_PENDING,	/* the offsets agree so far: collecting */
	SERVO_WARM_GO,		/* this sample: lock on initial_freq */
};

struct servo_ops {
	/*
	 * One sample (see servo_sample). Sets *state to UNLOCKED, JUMP or
	 * LOCKED; servo.c turns LOCKED into LOCKED_STABLE.
	 */
	double (*sample)(struct servo *s, int64_t offset_ns, int64_t local_ns,
			 enum servo_state *state);
	/* interval_s > 0 and finite (checked by servo.c) */
	void (*sync_interval)(struct servo *s, double interval_s);
	void (*reset)(struct servo *s);
	void (*destroy)(struct servo *s);
};

struct servo {
	const struct servo_ops *ops;
	struct servo_cfg cfg;		/* as given to servo_create */
	double first_step_ns;		/* 0 = never step at start */
	double step_ns;			/* 0 = never step once locked */
	double max_freq;		/* ppb, > 0 */
	/* no JUMP or LOCKED yet: first_step_ns applies */
	bool first_update;
	enum servo_state state;		/* of the last sample */
	unsigned stable_run;		/* LOCKED run with |offset| < thr */
	/*
	 * Warm start (servo.c): set before each ops->sample. While PENDING
	 * an implementation holds initial_freq and answers UNLOCKED (or
	 * runs its cold start-up alongside); on GO it locks.
	 */
	enum servo_warm warm;
	double warm_bound_ns;		/* |offset| limit */
	unsigned warm_seen;		/* samples judged */
	unsigned warm_n;		/* samples in the fit */
	bool warm_spike;		/* the one excused sample is used */
	int64_t warm_t0;		/* ns, local time of the first */
	int64_t warm_last;		/* ns, local time of the last */
	/* sums of the fit: x in s, y in ns */
	double wsx, wsy, wsxx, wsxy, wsyy;
};

/* Constructors of the kinds: allocate, set ops and private state only. */
struct servo *servo_pi_create(const struct servo_cfg *cfg);
struct servo *servo_linreg_create(const struct servo_cfg *cfg);
struct servo *servo_kalman_create(const struct servo_cfg *cfg);

/* Clamp ppb to [-max, max]. */
static inline double servo_clamp(const struct servo *s, double ppb)
{
	if (ppb > s->max_freq) {
		return s->max_freq;
	}
	if (ppb < -s->max_freq) {
		return -s->max_freq;
	}
	return ppb;
}

#endif

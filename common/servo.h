/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * servo.h - clock servos and measurement filters, pure (no clock, no I/O).
 *
 * A servo takes one offset sample at a time (the slave's offset from its
 * master, in ns, positive = the local clock is ahead) with the local time
 * the sample was taken, and answers with the frequency adjustment to apply
 * (ppb, positive = make the local clock faster) and what to do:
 *
 *   SERVO_UNLOCKED  collecting samples; apply nothing but the frequency
 *   SERVO_JUMP      step the clock by -offset, then apply the frequency
 *   SERVO_LOCKED    apply the frequency
 *   SERVO_LOCKED_STABLE  locked and the last N offsets were all within
 *                   the configured threshold (linuxptp's servo.c)
 *
 * A servo with warm_start (the default) that is handed offsets agreeing
 * with initial_freq locks within a few samples, without a step and
 * keeping that frequency (see servo.c); anything else starts cold.
 *
 * Implementations (one file each, STYLE 3.3 ops table):
 *   servo_pi.c      PI servo, linuxptp-compatible: constants scaled by the
 *                   sync interval (kp = min(0.7 * I^-0.3, 0.7 / I),
 *                   ki = min(0.3 * I^0.4, 0.3 / I) for hardware
 *                   timestamps; 0.1/0.001 for software), first step above
 *                   first_step_threshold, optional step_threshold,
 *                   frequency clamp with anti-windup
 *   servo_linreg.c  linear regression of offset on local time over an
 *                   adaptive window: better under timestamp jitter
 *
 * Floating point is used here, in the frequency domain only; timestamps
 * stay in tmv_t (ptp_time.h) up to the offset handed in.
 */
#ifndef MERIDIAN_SERVO_H
#define MERIDIAN_SERVO_H

#include <stdbool.h>
#include <stdint.h>

enum servo_kind {
	SERVO_PI,
	SERVO_LINREG,
	SERVO_KALMAN,
};

enum servo_state {
	SERVO_UNLOCKED,
	SERVO_JUMP,
	SERVO_LOCKED,
	SERVO_LOCKED_STABLE,
};

struct servo_cfg {
	enum servo_kind kind;
	bool sw_ts;			/* software timestamps: gentler PI */
	double pi_kp;			/* 0 = scaled default */
	double pi_ki;			/* 0 = scaled default */
	double first_step_threshold;	/* s; 0 = never step at start */
	double step_threshold;		/* s; 0 = never step once locked */
	double max_frequency;		/* ppb, clamp of the output */
	double initial_freq;		/* ppb, the clock's current adjustment */
	/*
	 * Warm start: if the first offsets are small and drift by at most
	 * a few ppm, i.e. agree with initial_freq (a restarted daemon on a
	 * clock that kept its frequency), lock at once on initial_freq
	 * instead of measuring the frequency (servo.c has the rule).
	 * Otherwise the start-up is the cold one, unchanged.
	 */
	bool warm_start;
	/* LOCKED_STABLE: this many consecutive |offset| below threshold */
	double stable_threshold_ns;	/* 0 = never report STABLE */
	unsigned stable_count;
};

/* linuxptp's defaults: PI, 20 us first step, no later step, 900 ppm;
 * and warm_start on (a cold start is linuxptp's all the same). */
void servo_cfg_default(struct servo_cfg *cfg);

struct servo;

/*
 * The largest |offset| a servo is given (126 years). Beyond it a value is
 * no measurement of a clock but garbage (absurd timestamps from a broken
 * or hostile peer) that the servos' int64 arithmetic cannot take: every
 * caller drops it before servo_sample() (clkctl as an outlier, clkfollow
 * counted). A master at the 1970 epoch (1.7e18 ns away) is still inside.
 */
#define SERVO_OFFSET_MAX	4000000000000000000LL

static inline bool servo_offset_ok(int64_t offset_ns)
{
	return offset_ns <= SERVO_OFFSET_MAX && offset_ns >= -SERVO_OFFSET_MAX;
}

struct servo *servo_create(const struct servo_cfg *cfg);
void servo_destroy(struct servo *s);
/*
 * One sample. offset_ns: local - master. local_ns: local time of the
 * sample, ns, increasing: the time of the steered clock (e.g. the sync's
 * ingress timestamp), so that a JUMP the caller did shows in it (linreg
 * needs this; PI only uses differences). Returns the frequency to apply
 * (ppb, positive = faster; linuxptp's servos return its negative) and
 * sets *state. The answer may be applied in every state: while UNLOCKED
 * it is the frequency already applied. The sync interval is 1 s until
 * servo_sync_interval() says otherwise.
 */
double servo_sample(struct servo *s, int64_t offset_ns, int64_t local_ns,
		    enum servo_state *state);
/* Interval between samples, s (scales the PI constants). */
void servo_sync_interval(struct servo *s, double interval_s);
/* Forget all samples (after a step the caller did, a new master...). */
void servo_reset(struct servo *s);
enum servo_state servo_state(const struct servo *s);
const char *servo_state_str(enum servo_state st);
const char *servo_kind_str(enum servo_kind k);

/*
 * Outlier gate for offsets and path delays: a running median and a
 * median absolute deviation over the last `len` accepted values; a value
 * further than `k` MADs (and more than `floor_ns`) from the median is
 * rejected and counted. The first `len` values are accepted to fill the
 * window; `max_reject` rejections in a row reset it (the truth moved):
 * the value completing the run is still reported rejected but starts the
 * new window. max_reject 0 = never reset; len is clamped to
 * 1..GATE_MAX_LEN; the limit is max(k * MAD, floor_ns).
 */
#define GATE_MAX_LEN 32

struct gate {
	int64_t win[GATE_MAX_LEN];
	unsigned len, n, head;
	double k;
	int64_t floor_ns;
	unsigned max_reject, reject_run;
	uint64_t accepted, rejected;
};

void gate_init(struct gate *g, unsigned len, double k, int64_t floor_ns,
	       unsigned max_reject);
/* true: accept v (it entered the window); false: reject (counted). */
bool gate_check(struct gate *g, int64_t v);
void gate_reset(struct gate *g);
/* Median of the window (0 if empty). */
int64_t gate_median(const struct gate *g);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * servo_kalman.c - a Kalman filter on the offset and the frequency error,
 * with the frequency applied as a known input, and a control law that
 * cancels the estimated frequency and removes the estimated offset over
 * a few sync intervals.
 *
 * State, after each sample: x (ns, local - master, what the servo is
 * handed) and w (ppb, the oscillator's own rate error: the local clock
 * runs at (1 + w)(1 + u) of the master's rate, u the frequency applied).
 * Between two samples dt s of local time apart:
 *
 *   x' = x + ((1 + w)(1 + u) - 1) dt        w' = w + (random walk)
 *
 * with u known (the last answer), so the steering never looks like a
 * change of the oscillator and no feedback leaks into the estimate. The
 * process noise is a random walk of the frequency of spectral density q
 * (ppb^2/s, KF_Q: the wander of a good TCXO; the simulator's default
 * model), the measurement noise R (ns^2) is estimated from the
 * innovations (Mehra): R = <e^2> - P00 of the prediction, averaged over
 * the last ~KF_R_WIN samples, with each e^2 clipped to KF_R_CLIP^2 S so
 * that one late timestamp does not inflate it. The first estimate waits
 * for KF_R_MIN_N innovations, and the KF_R_MIN_N after a change do not
 * count: P00 inflated by the change dominates their e^2, and subtracting
 * it drove R to its floor (the filter then took every sample at face
 * value). The gains follow from q,
 * R and the sync interval: the filter averages over longer when the
 * timestamps are noisier or the samples more frequent.
 *
 * Robustness:
 *  - an innovation beyond KF_CLIP sigma (sqrt S) is clipped to it
 *    (Huber): a late timestamp moves the estimate by KF_CLIP sigma at
 *    most, not by its whole lateness;
 *  - KF_RUN such innovations in a row (and KF_RUN_S s at least: at 16 Hz
 *    four late samples of one-sided path jitter are common, and were
 *    taken for a frequency step), all of one sign, are a change of
 *    the oscillator (a frequency step) or of the path, not noise: the
 *    covariance is inflated by the error seen (P00 += e^2, P11 +=
 *    (e / dt)^2) and that sample is used in full, so the filter follows
 *    a step within a few samples instead of over its long time constant.
 *
 * Output: u = the frequency that makes the rate (1 + w)(1 + u) - 1 equal
 * to -x / tau, tau = KF_TAU sync intervals; clamped to max_frequency.
 * The model takes the clamped value, so there is nothing to wind up.
 *
 * Start-up: the first sample sets x (w unknown: P11 = KF_P11_0); the
 * next ones measure w; the first sample that leaves it known to
 * sqrt(KF_LOCK_P11) = 150 ppb (the second one at 1 s with 100 ns of
 * noise, ~0.7 s of samples at 16 Hz; KF_LOCK_MAX_N samples at most)
 * answers JUMP if |offset| is beyond first_step_threshold (or
 * step_threshold), else LOCKED, as the PI does. Locking on a 2-sample
 * frequency 1/16 s apart would leave ~1.6 ppm of error to slew away.
 * Once locked, an offset beyond step_threshold answers JUMP at the
 * frequency held (as linreg), and the filter goes on across the step.
 *
 * Warm start (servo.c): while the verdict is pending the filter runs but
 * the answer is UNLOCKED at initial_freq; on GO w is set to cancel
 * initial_freq (P11 = KF_WARM_P11) and the servo locks; on a refusal it
 * locks on what it measured (stepping if far), as a cold start would.
 *
 * local_ns must be the time of the steered clock (the sync's ingress
 * timestamp); a JUMP the caller carries out is taken out of the next
 * interval.
 */
#include <math.h>
#include <stdlib.h>

#include "servo_private.h"

#define KF_Q		1.0	/* ppb^2/s: frequency random walk */
#define KF_P11_0	1e12	/* ppb^2: frequency unknown (1000 ppm) */
#define KF_WARM_P11	100.0	/* ppb^2: a kept frequency, ~10 ppb */
#define KF_R_HW		1e4	/* ns^2: first guess, hardware stamps */
#define KF_R_SW		1e6	/* ns^2: first guess, software stamps */
#define KF_R_MIN	1.0	/* ns^2: integer ns offsets */
#define KF_R_WIN	64	/* samples in the noise average */
#define KF_R_MIN_N	16	/* samples before the first estimate, and
				 * without estimation after a change */
#define KF_R_CLIP	4.0	/* sigma: an e^2 counts at most this */
#define KF_CLIP		3.0	/* sigma: innovations clipped here */
#define KF_CUSUM_K	1.0	/* sigma: CUSUM allowance per sample */
#define KF_CUSUM_H	6.0	/* sigma: CUSUM alarm */
#define KF_RUN		3	/* samples at least in a change */
#define KF_RUN_S	0.5	/* s at least in a change */
#define KF_LOCK_P11	22500.0	/* ppb^2: lock on a frequency this good */
#define KF_LOCK_MAX_N	64	/* or after this many samples anyway */
#define KF_TAU		1.0	/* sync intervals to remove the offset */

struct kalman_servo {
	struct servo base;
	unsigned n;		/* samples since the start (capped) */
	bool locked;		/* LOCKED or JUMP answered */
	double x;		/* ns, local - master, after the last sample */
	double w;		/* ppb, the oscillator's error */
	double p00, p01, p11;	/* covariance of (x, w) */
	double u;		/* ppb, applied: the last answer */
	int64_t last_local;	/* ns */
	double interval;	/* s, nominal */
	double r;		/* ns^2, measurement noise */
	double e2;		/* ns^2, average innovation^2 */
	unsigned e2_n;
	unsigned r_hold;	/* samples left without noise estimation */
	double cusum;		/* change detection: signed, sigmas */
	unsigned run_n;		/* samples in it */
	double run_s;		/* s, its length */
	double run_sum;		/* ns, sum of its innovations */
};

#define to_kf(s) container_of(s, struct kalman_servo, base)

static void kf_clear(struct kalman_servo *s)
{
	s->n = 0;
	s->locked = false;
	s->cusum = 0.0;
}

/* The rate error, ppb, of an oscillator off by w steered by u. */
static double kf_rate(double w, double u)
{
	return w + u + w * u / 1e9;
}

/* Advance the state dt s with the input u. */
static void kf_predict(struct kalman_servo *s, double dt)
{
	double f = (1.0 + s->u / 1e9) * dt;	/* dx'/dw */
	double q = KF_Q, p00, p01, p11;

	s->x += kf_rate(s->w, s->u) * dt;
	p00 = s->p00 + 2.0 * f * s->p01 + f * f * s->p11;
	p01 = s->p01 + f * s->p11;
	p11 = s->p11;
	s->p00 = p00 + q * dt * dt * dt / 3.0;
	s->p01 = p01 + q * dt * dt / 2.0;
	s->p11 = p11 + q * dt;
}

/* Measurement noise from the innovation e and its predicted part p00. */
static void kf_noise(struct kalman_servo *s, double e, double p00)
{
	double e2 = e * e, lim = KF_R_CLIP * KF_R_CLIP * (p00 + s->r);

	if (e2 > lim) {
		e2 = lim;
	}
	if (s->e2_n < KF_R_WIN) {
		s->e2 = (s->e2 * s->e2_n + e2) / (s->e2_n + 1);
		s->e2_n++;
	} else {
		s->e2 += (e2 - s->e2) / KF_R_WIN;
	}
	if (s->e2_n >= KF_R_MIN_N) {
		s->r = s->e2 - p00;
		if (s->r < KF_R_MIN) {
			s->r = KF_R_MIN;
		}
	}
}

/*
 * Change detection: a two-sided CUSUM of the innovations in sigmas,
 * each clipped to KF_CLIP, less KF_CUSUM_K; beyond KF_CUSUM_H, over at
 * least KF_RUN samples and KF_RUN_S s, the innovations are not noise:
 * the frequency moved by about 2 * (mean innovation) / (time of the
 * run). The covariance grows by that much, so that the next samples
 * take the filter there. true when it did.
 */
static bool kf_change(struct kalman_servo *s, double e, double sd, double dt)
{
	double v = e / sd, d;

	if (v > KF_CLIP) {
		v = KF_CLIP;
	} else if (v < -KF_CLIP) {
		v = -KF_CLIP;
	}
	if (s->cusum * v < 0.0 || fabs(s->cusum) < 1e-9) {
		s->cusum = 0.0;
		s->run_n = 0;
		s->run_s = 0.0;
		s->run_sum = 0.0;
	}
	s->cusum += v > 0 ? v - KF_CUSUM_K : v + KF_CUSUM_K;
	if (s->cusum * v <= 0.0) {
		s->cusum = 0.0;		/* drifted back: no change */
		return false;
	}
	s->run_n++;
	s->run_s += dt;
	s->run_sum += e;
	if (fabs(s->cusum) < KF_CUSUM_H || s->run_n < KF_RUN ||
	    s->run_s < KF_RUN_S) {
		return false;
	}
	e = s->run_sum / s->run_n;
	d = 2.0 * e / s->run_s;
	s->p00 += e * e;
	s->p11 += d * d;
	s->cusum = 0.0;
	return true;
}

/* One measurement z (ns) after the prediction; dt s since the last. */
static void kf_update(struct kalman_servo *s, double z, double dt)
{
	double e = z - s->x, S = s->p00 + s->r, sd = sqrt(S);
	double k0, k1, p00, p01, p11, lim = KF_CLIP * sd;

	if (s->locked && !s->r_hold) {
		kf_noise(s, e, s->p00);
	} else if (s->r_hold) {
		s->r_hold--;
	}
	if (s->locked && kf_change(s, e, sd, dt)) {
		S = s->p00 + s->r;
		s->r_hold = KF_R_MIN_N;
	} else if (fabs(e) > lim) {
		e = e > 0 ? lim : -lim;		/* Huber */
	}
	k0 = s->p00 / S;
	k1 = s->p01 / S;
	s->x += k0 * e;
	s->w += k1 * e;
	p00 = (1.0 - k0) * s->p00;
	p01 = (1.0 - k0) * s->p01;
	p11 = s->p11 - k1 * s->p01;
	s->p00 = p00;
	s->p01 = p01;
	s->p11 = p11 > 0.0 ? p11 : 0.0;
}

/* The frequency that brings the offset to 0 over tau intervals. */
static double kf_control(struct servo *servo)
{
	struct kalman_servo *s = to_kf(servo);
	double rate = -s->x / (KF_TAU * s->interval);

	/* (1 + w)(1 + u) = 1 + rate */
	return servo_clamp(servo, (1e9 + rate) / (1.0 + s->w / 1e9) - 1e9);
}

static double kf_sample(struct servo *servo, int64_t offset, int64_t local,
			enum servo_state *state)
{
	struct kalman_servo *s = to_kf(servo);
	double z = (double)offset, aoff = fabs(z), dt;

	if (s->n && local <= s->last_local) {
		kf_clear(s);		/* time went backwards: start again */
	}
	if (s->locked && servo->step_ns > 0.0 && aoff > servo->step_ns) {
		/*
		 * Far off once locked: something stepped. Step back at
		 * the frequency held; the offset is unknown again.
		 */
		if (local > s->last_local) {
			kf_predict(s, (double)(local - s->last_local) / 1e9);
		}
		s->x = 0.0;
		s->p00 = s->r;
		s->p01 = 0.0;
		s->cusum = 0.0;
		s->last_local = local - offset;
		*state = SERVO_JUMP;
		return s->u;
	}
	if (!s->n) {
		s->x = z;
		s->w = -s->u / (1.0 + s->u / 1e9);	/* a guess */
		s->p00 = s->r;
		s->p01 = 0.0;
		s->p11 = KF_P11_0;
		s->n = 1;
		s->last_local = local;
		*state = SERVO_UNLOCKED;
		return s->u;
	}
	dt = (double)(local - s->last_local) / 1e9;
	s->last_local = local;
	kf_predict(s, dt);
	kf_update(s, z, dt);
	if (s->n < KF_LOCK_MAX_N) {
		s->n++;
	}
	if (servo->warm == SERVO_WARM_GO && !s->locked) {
		/* offsets agree with initial_freq (servo.c): keep it */
		s->w = -s->u / (1.0 + s->u / 1e9);
		s->p01 = 0.0;
		s->p11 = KF_WARM_P11;
	} else if (!s->locked && (servo->warm == SERVO_WARM_PENDING ||
		   (s->p11 > KF_LOCK_P11 && s->n < KF_LOCK_MAX_N))) {
		/* not decided yet, or the frequency still too uncertain:
		 * hold initial_freq */
		*state = SERVO_UNLOCKED;
		return s->u;
	}
	*state = SERVO_LOCKED;
	if ((servo->first_update && servo->first_step_ns > 0.0 &&
	     aoff > servo->first_step_ns) ||
	    (servo->step_ns > 0.0 && aoff > servo->step_ns)) {
		/* the caller steps the clock by -offset */
		s->x -= z;
		s->last_local -= offset;
		*state = SERVO_JUMP;
	}
	s->locked = true;
	s->u = kf_control(servo);
	return s->u;
}

static void kf_sync_interval(struct servo *servo, double interval)
{
	to_kf(servo)->interval = interval;
}

static void kf_reset(struct servo *servo)
{
	kf_clear(to_kf(servo));
}

static void kf_destroy(struct servo *servo)
{
	free(to_kf(servo));
}

static const struct servo_ops kalman_ops = {
	.sample = kf_sample,
	.sync_interval = kf_sync_interval,
	.reset = kf_reset,
	.destroy = kf_destroy,
};

struct servo *servo_kalman_create(const struct servo_cfg *cfg)
{
	struct kalman_servo *s = calloc(1, sizeof(*s));

	if (!s) {
		return NULL;
	}
	s->base.ops = &kalman_ops;
	s->u = cfg->initial_freq;
	if (s->u > cfg->max_frequency) {
		s->u = cfg->max_frequency;
	} else if (s->u < -cfg->max_frequency) {
		s->u = -cfg->max_frequency;
	}
	s->interval = 1.0;
	s->r = cfg->sw_ts ? KF_R_SW : KF_R_HW;
	return &s->base;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * servo_pi.c - proportional-integral servo with linuxptp 3.1.1's
 * behaviour and default constants (pi.c and config.c there).
 *
 * linuxptp's PI returns the negative of the frequency to apply (its
 * clock.c calls clockadj_set_freq(-adj)); this one returns the frequency
 * to apply, so every sign below is flipped relative to pi.c:
 *
 *   out = freq_int - kp * offset - ki * offset     (offset = local - master)
 *   freq_int -= ki * offset   unless out was clamped (anti-windup)
 *
 * Start-up: the first sample is kept; the second, taken at least
 * 0.016 / ki s later (at most 1000 s, less a 0.1 % margin), gives the
 * frequency error from the two offsets; that sample answers JUMP if its
 * offset is above first_step_threshold (or step_threshold), else LOCKED.
 * Once locked, an offset above step_threshold resets to the start-up,
 * which then steps again.
 *
 * Warm start (servo.c): while the first sample is kept, offsets that
 * agree with initial_freq lock at once with freq_int = initial_freq,
 * without waiting for the estimate; else the wait above runs unchanged
 * (it started with the first sample, so a refusal costs nothing).
 */
#include <math.h>
#include <stdlib.h>

#include "servo_private.h"

/* linuxptp pi.c */
#define HWTS_KP_SCALE 0.7
#define HWTS_KI_SCALE 0.3
#define SWTS_KP_SCALE 0.1
#define SWTS_KI_SCALE 0.001
#define MAX_KP_NORM_MAX 1.0	/* caps when kp and ki are configured */
#define MAX_KI_NORM_MAX 2.0
#define FREQ_EST_MARGIN 0.001
/* linuxptp config.c defaults */
#define PI_KP_EXPONENT (-0.3)
#define PI_KP_NORM_MAX 0.7
#define PI_KI_EXPONENT 0.4
#define PI_KI_NORM_MAX 0.3

struct pi_servo {
	struct servo base;
	int64_t offset0;	/* ns, first sample of the start-up */
	int64_t local0;		/* ns, its local time */
	double freq_int;	/* ppb to apply: the integral (pi.c: -drift) */
	double last_freq;	/* ppb, last answer */
	double kp, ki;		/* scaled by the sync interval */
	int count;		/* 0: no sample, 1: one kept, 2: running */
	/* kp = kp_scale * I^kp_exp, at most kp_norm_max / I; same for ki */
	double kp_scale, kp_exp, kp_norm_max;
	double ki_scale, ki_exp, ki_norm_max;
};

#define to_pi(s) container_of(s, struct pi_servo, base)

/* One locked PI update. */
static double pi_run(struct servo *servo, int64_t offset)
{
	struct pi_servo *s = to_pi(servo);
	double ki_term = s->ki * (double)offset, ppb;

	ppb = s->freq_int - s->kp * (double)offset - ki_term;
	if (ppb > servo->max_freq) {
		ppb = servo->max_freq;
	} else if (ppb < -servo->max_freq) {
		ppb = -servo->max_freq;
	} else {
		/* integrate only while not clamped: no windup */
		s->freq_int -= ki_term;
	}
	return ppb;
}

static double pi_sample(struct servo *servo, int64_t offset, int64_t local,
			enum servo_state *state)
{
	struct pi_servo *s = to_pi(servo);
	double ppb = s->last_freq, dt, wait, aoff;

	aoff = fabs((double)offset);
	switch (s->count) {
	case 0:
		s->offset0 = offset;
		s->local0 = local;
		s->count = 1;
		*state = SERVO_UNLOCKED;
		break;
	case 1:
		if (s->local0 >= local) {
			/* time went backwards: start again (as pi.c) */
			s->count = 0;
			*state = SERVO_UNLOCKED;
			break;
		}
		if (servo->warm == SERVO_WARM_GO) {
			/*
			 * The offsets agree with initial_freq (servo.c):
			 * keep it as the integral, lock now.
			 */
			s->count = 2;
			ppb = pi_run(servo, offset);
			*state = SERVO_LOCKED;
			break;
		}
		/* wait long enough before estimating the frequency */
		/* in double: int64 differences of absurd inputs overflow */
		dt = ((double)local - (double)s->local0) / 1e9;
		dt += dt * FREQ_EST_MARGIN;
		wait = 0.016 / s->ki;
		if (wait > 1000.0) {
			wait = 1000.0;
		}
		if (dt < wait) {
			*state = SERVO_UNLOCKED;
			break;
		}
		/*
		 * The local clock, running at freq_int, gained
		 * (offset - offset0) over (local - local0) of its own time:
		 * the rate to apply is freq_int - (1e9 + freq_int) * that
		 * ratio, exactly -F / (1 + F) for an error F.
		 */
		s->freq_int -= (1e9 + s->freq_int) *
			       ((double)offset - (double)s->offset0) /
			       ((double)local - (double)s->local0);
		s->freq_int = servo_clamp(servo, s->freq_int);
		if ((servo->first_update && servo->first_step_ns > 0.0 &&
		     aoff > servo->first_step_ns) ||
		    (servo->step_ns > 0.0 && aoff > servo->step_ns)) {
			*state = SERVO_JUMP;
		} else {
			*state = SERVO_LOCKED;
		}
		ppb = s->freq_int;
		s->count = 2;
		break;
	default:
		/*
		 * Far off once locked: start over; the start-up steps the
		 * clock and measures the frequency again.
		 */
		if (servo->step_ns > 0.0 && aoff > servo->step_ns) {
			s->count = 0;
			*state = SERVO_UNLOCKED;
			break;
		}
		ppb = pi_run(servo, offset);
		*state = SERVO_LOCKED;
		break;
	}
	s->last_freq = ppb;
	return ppb;
}

static void pi_sync_interval(struct servo *servo, double interval)
{
	struct pi_servo *s = to_pi(servo);

	s->kp = s->kp_scale * pow(interval, s->kp_exp);
	if (s->kp > s->kp_norm_max / interval) {
		s->kp = s->kp_norm_max / interval;
	}
	s->ki = s->ki_scale * pow(interval, s->ki_exp);
	if (s->ki > s->ki_norm_max / interval) {
		s->ki = s->ki_norm_max / interval;
	}
}

static void pi_reset(struct servo *servo)
{
	to_pi(servo)->count = 0;
}

static void pi_destroy(struct servo *servo)
{
	free(to_pi(servo));
}

static const struct servo_ops pi_ops = {
	.sample = pi_sample,
	.sync_interval = pi_sync_interval,
	.reset = pi_reset,
	.destroy = pi_destroy,
};

struct servo *servo_pi_create(const struct servo_cfg *cfg)
{
	struct pi_servo *s = calloc(1, sizeof(*s));
	double f0;

	if (!s) {
		return NULL;
	}
	s->base.ops = &pi_ops;
	f0 = cfg->initial_freq;
	if (f0 > cfg->max_frequency) {
		f0 = cfg->max_frequency;
	} else if (f0 < -cfg->max_frequency) {
		f0 = -cfg->max_frequency;
	}
	s->freq_int = f0;
	s->last_freq = f0;
	if (cfg->pi_kp > 0.0 && cfg->pi_ki > 0.0) {
		/* as configured, capped only where the loop gets unstable */
		s->kp_scale = cfg->pi_kp;
		s->ki_scale = cfg->pi_ki;
		s->kp_exp = 0.0;
		s->ki_exp = 0.0;
		s->kp_norm_max = MAX_KP_NORM_MAX;
		s->ki_norm_max = MAX_KI_NORM_MAX;
	} else {
		/* one of the two alone is ignored, as in linuxptp */
		s->kp_scale = cfg->sw_ts ? SWTS_KP_SCALE : HWTS_KP_SCALE;
		s->ki_scale = cfg->sw_ts ? SWTS_KI_SCALE : HWTS_KI_SCALE;
		s->kp_exp = PI_KP_EXPONENT;
		s->ki_exp = PI_KI_EXPONENT;
		s->kp_norm_max = PI_KP_NORM_MAX;
		s->ki_norm_max = PI_KI_NORM_MAX;
	}
	return &s->base;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * servo.c - servo dispatch, configuration defaults, LOCKED_STABLE.
 *
 * Pure: no clock reads, no I/O, no globals. The kinds live in
 * servo_pi.c, servo_linreg.c and servo_kalman.c behind struct servo_ops.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "servo_private.h"

#define NS_PER_S 1e9
/* sync interval assumed until servo_sync_interval() is called, s */
#define SERVO_DEFAULT_INTERVAL 1.0

/* warm start: see servo_warm_update() */
/* |offset| limit, and at most half of each step threshold */
#define WARM_MAX_OFFSET_NS	20000.0
#define WARM_MAX_PPB		5000.0	/* frequency error accepted */
#define WARM_SE_K		2.0	/* standard errors of margin */
#define WARM_MIN_SAMPLES	4
#define WARM_MAX_SAMPLES	16

void servo_cfg_default(struct servo_cfg *cfg)
{
	*cfg = (struct servo_cfg){
		.kind = SERVO_PI,
		.sw_ts = false,
		.pi_kp = 0.0,
		.pi_ki = 0.0,
		.first_step_threshold = 0.00002,	/* 20 us */
		.step_threshold = 0.0,
		.max_frequency = 900000000.0,
		.initial_freq = 0.0,
		.warm_start = true,
		.stable_threshold_ns = 0.0,
		.stable_count = 10,	/* linuxptp num_offset_values */
	};
}

static bool cfg_valid(const struct servo_cfg *cfg)
{
	if (!(cfg->max_frequency > 0.0) || !isfinite(cfg->max_frequency)) {
		return false;
	}
	if (!isfinite(cfg->first_step_threshold) ||
	    !isfinite(cfg->step_threshold) ||
	    !isfinite(cfg->initial_freq) ||
	    !isfinite(cfg->stable_threshold_ns) ||
	    !isfinite(cfg->pi_kp) || !isfinite(cfg->pi_ki)) {
		return false;
	}
	if (cfg->pi_kp < 0.0 || cfg->pi_ki < 0.0) {
		return false;
	}
	return true;
}

struct servo *servo_create(const struct servo_cfg *cfg)
{
	struct servo *s;

	if (!cfg_valid(cfg)) {
		errno = EINVAL;
		return NULL;
	}
	switch (cfg->kind) {
	case SERVO_PI:
		s = servo_pi_create(cfg);
		break;
	case SERVO_LINREG:
		s = servo_linreg_create(cfg);
		break;
	case SERVO_KALMAN:
		s = servo_kalman_create(cfg);
		break;
	default:
		errno = EINVAL;
		return NULL;
	}
	if (!s) {
		return NULL;
	}
	s->cfg = *cfg;
	/* thresholds <= 0 mean "never", as in linuxptp servo.c */
	s->first_step_ns = cfg->first_step_threshold > 0.0 ?
			   cfg->first_step_threshold * NS_PER_S : 0.0;
	s->step_ns = cfg->step_threshold > 0.0 ?
		     cfg->step_threshold * NS_PER_S : 0.0;
	s->max_freq = cfg->max_frequency;
	s->first_update = true;
	s->state = SERVO_UNLOCKED;
	s->stable_run = 0;
	s->warm = cfg->warm_start ? SERVO_WARM_PENDING : SERVO_WARM_OFF;
	s->warm_bound_ns = WARM_MAX_OFFSET_NS;
	if (s->first_step_ns > 0.0 && s->first_step_ns / 2 < s->warm_bound_ns) {
		s->warm_bound_ns = s->first_step_ns / 2;
	}
	if (s->step_ns > 0.0 && s->step_ns / 2 < s->warm_bound_ns) {
		s->warm_bound_ns = s->step_ns / 2;
	}
	s->ops->sync_interval(s, SERVO_DEFAULT_INTERVAL);
	return s;
}

void servo_destroy(struct servo *s)
{
	if (s) {
		s->ops->destroy(s);
	}
}

/* linuxptp servo.c check_offset_threshold(), as a run length */
static bool servo_stable(struct servo *s, int64_t offset_ns)
{
	unsigned need = s->cfg.stable_count ? s->cfg.stable_count : 1;

	if (!(s->cfg.stable_threshold_ns > 0.0)) {
		return false;
	}
	if (fabs((double)offset_ns) < s->cfg.stable_threshold_ns) {
		if (s->stable_run < need) {
			s->stable_run++;
		}
	} else {
		s->stable_run = 0;
	}
	return s->stable_run >= need;
}

/*
 * Warm start: do the first offsets agree with initial_freq?
 *
 * A daemon restarted on a clock that kept running (a PHC, a sim clock)
 * hands in the frequency the clock already has. A cold start would
 * measure it again: PI waits 0.016 / ki (37 s with software timestamps
 * at 8 syncs a second), linreg trusts a 4-point slope (ppm of noise with
 * software timestamps at 8 Hz). When the offsets say the clock is close
 * and the frequency right, that costs time and adds error; so:
 *
 *  - every offset must be within warm_bound_ns: 20 us, and at most half
 *    of first_step_threshold and step_threshold, so that a warm lock
 *    never skips a step a cold start would take (and the PI has little
 *    phase to slew). One offset beyond it (a late software timestamp)
 *    is excused and left out; a second one, or the first sample beyond
 *    it (a clock that is far), ends the warm start;
 *  - over at least WARM_MIN_SAMPLES offsets the least-squares slope b
 *    (ppb: the frequency error left) and its standard error se (from the
 *    residuals, so the noise decides how many samples are needed) must
 *    give |b| + 2 se <= 5 ppm: a frequency error of a few ppm at most,
 *    with ~95 % confidence. 5 ppm is what a PI servo removes while
 *    locked without the phase leaving the bound by much (a temperature
 *    swing does as much); a kept frequency is right to ~0.01 ppm, an
 *    unknown one (initial_freq 0 on a fresh oscillator) is tens of ppm
 *    off and refused. |b| - 2 se > 5 ppm refuses, once there are 8
 *    offsets (with fewer, se itself is too uncertain to refuse on);
 *  - undecided after WARM_MAX_SAMPLES samples: refused.
 *
 * Hardware timestamps at 1 s lock on the 4th sample; software ones at
 * 1/8 s (1 us of noise) typically by the 8th (1 s). A refusal costs
 * nothing: PI runs its cold start-up alongside from the first sample,
 * and linreg has its 4-point fit ready.
 */
static void servo_warm_update(struct servo *s, int64_t offset_ns,
			      int64_t local_ns)
{
	double x, y, n, sxx, sxy, syy, b, ssr, se;

	s->warm_seen++;
	if (s->warm_seen > 1 && local_ns <= s->warm_last) {
		s->warm = SERVO_WARM_OFF;	/* time went backwards */
		return;
	}
	s->warm_last = local_ns;
	y = (double)offset_ns;
	if (fabs(y) > s->warm_bound_ns) {
		if (s->warm_seen == 1 || s->warm_spike) {
			s->warm = SERVO_WARM_OFF;
			return;
		}
		s->warm_spike = true;
		goto out;
	}
	if (s->warm_n == 0) {
		s->warm_t0 = local_ns;
	}
	x = (double)(local_ns - s->warm_t0) / NS_PER_S;
	s->warm_n++;
	s->wsx += x;
	s->wsy += y;
	s->wsxx += x * x;
	s->wsxy += x * y;
	s->wsyy += y * y;
	if (s->warm_n < WARM_MIN_SAMPLES) {
		goto out;
	}
	n = s->warm_n;
	sxx = s->wsxx - s->wsx * s->wsx / n;
	sxy = s->wsxy - s->wsx * s->wsy / n;
	syy = s->wsyy - s->wsy * s->wsy / n;
	if (!(sxx > 0.0)) {
		goto out;
	}
	b = sxy / sxx;
	ssr = syy - b * sxy;
	se = ssr > 0.0 ? sqrt(ssr / (n - 2) / sxx) : 0.0;
	if (fabs(b) + WARM_SE_K * se <= WARM_MAX_PPB) {
		s->warm = SERVO_WARM_GO;
		return;
	}
	if (fabs(b) - WARM_SE_K * se > WARM_MAX_PPB &&
	    s->warm_n >= 2 * WARM_MIN_SAMPLES) {
		s->warm = SERVO_WARM_OFF;
		return;
	}
out:
	if (s->warm_seen >= WARM_MAX_SAMPLES) {
		s->warm = SERVO_WARM_OFF;
	}
}

double servo_sample(struct servo *s, int64_t offset_ns, int64_t local_ns,
		    enum servo_state *state)
{
	enum servo_state st = SERVO_UNLOCKED;
	double ppb;

	if (s->warm == SERVO_WARM_PENDING && s->first_update) {
		servo_warm_update(s, offset_ns, local_ns);
	}
	ppb = s->ops->sample(s, offset_ns, local_ns, &st);
	if (st != SERVO_UNLOCKED || s->warm == SERVO_WARM_GO) {
		s->warm = SERVO_WARM_OFF;	/* decided, either way */
	}
	switch (st) {
	case SERVO_UNLOCKED:
		s->stable_run = 0;
		break;
	case SERVO_JUMP:
		s->stable_run = 0;
		s->first_update = false;
		break;
	case SERVO_LOCKED:
	case SERVO_LOCKED_STABLE:
		s->first_update = false;
		st = servo_stable(s, offset_ns) ? SERVO_LOCKED_STABLE :
						  SERVO_LOCKED;
		break;
	}
	s->state = st;
	if (state) {
		*state = st;
	}
	return ppb;
}

void servo_sync_interval(struct servo *s, double interval_s)
{
	if (!(interval_s > 0.0) || !isfinite(interval_s)) {
		return;
	}
	s->ops->sync_interval(s, interval_s);
}

void servo_reset(struct servo *s)
{
	s->ops->reset(s);
	s->warm = SERVO_WARM_OFF;	/* what was known is in doubt */
	s->state = SERVO_UNLOCKED;
	s->stable_run = 0;
}

enum servo_state servo_state(const struct servo *s)
{
	return s->state;
}

const char *servo_state_str(enum servo_state st)
{
	switch (st) {
	case SERVO_UNLOCKED:
		return "unlocked";
	case SERVO_JUMP:
		return "jump";
	case SERVO_LOCKED:
		return "locked";
	case SERVO_LOCKED_STABLE:
		return "locked_stable";
	}
	return "?";
}

const char *servo_kind_str(enum servo_kind k)
{
	switch (k) {
	case SERVO_PI:
		return "pi";
	case SERVO_LINREG:
		return "linreg";
	case SERVO_KALMAN:
		return "kalman";
	}
	return "?";
}

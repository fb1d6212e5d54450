/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * servo.c - servo dispatch, configuration defaults, LOCKED_STABLE.
 *
 * Pure: no clock reads, no I/O, no globals. The kinds live in
 * servo_pi.c and servo_linreg.c behind struct servo_ops.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "servo_private.h"

#define NS_PER_S 1e9
/* sync interval assumed until servo_sync_interval() is called, s */
#define SERVO_DEFAULT_INTERVAL 1.0

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

double servo_sample(struct servo *s, int64_t offset_ns, int64_t local_ns,
		    enum servo_state *state)
{
	enum servo_state st = SERVO_UNLOCKED;
	double ppb;

	ppb = s->ops->sample(s, offset_ns, local_ns, &st);
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
	}
	return "?";
}

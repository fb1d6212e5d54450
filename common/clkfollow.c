// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * clkfollow.c - a clock that follows a reference clock, sans-IO
 * (clkfollow.h): clockd's follower policy, shared with tests/sim.
 */
#include <string.h>

#include "clkfollow.h"

void clkfollow_cfg_default(struct clkfollow_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->first_step_threshold = 0.00002;
	cfg->max_frequency = 900000.0;
	cfg->period_s = 1.0;
	cfg->avg_s = 30.0;
}

void clkfollow_init(struct clkfollow *f, const struct clkfollow_cfg *cfg,
		    double freq_ppb)
{
	memset(f, 0, sizeof(*f));
	f->cfg = *cfg;
	f->freq_ppb = freq_ppb;
}

void clkfollow_fini(struct clkfollow *f)
{
	servo_destroy(f->fs);
	f->fs = NULL;
}

void clkfollow_stop(struct clkfollow *f)
{
	servo_destroy(f->fs);
	f->fs = NULL;
	f->following = false;
	f->locked = false;
	f->holdover = false;
	f->have_offset = false;
	f->offset_ns = 0;
}

void clkfollow_start(struct clkfollow *f, double freq_ppb, bool locked)
{
	servo_destroy(f->fs);
	f->fs = NULL;
	f->following = true;
	f->freq_ppb = freq_ppb;
	f->no_step = locked;
	f->locked = locked;
	f->holdover = false;
	f->avg_n = 0;
}

void clkfollow_period(struct clkfollow *f, double period_s)
{
	f->cfg.period_s = period_s;
	if (f->fs) {
		servo_sync_interval(f->fs, period_s);
	}
}

static bool make_servo(struct clkfollow *f)
{
	struct servo_cfg sc;

	servo_cfg_default(&sc);
	sc.kind = SERVO_PI;
	sc.sw_ts = false;	/* direct comparisons: precise */
	sc.first_step_threshold = f->no_step ? 0.0 :
				  f->cfg.first_step_threshold;
	sc.step_threshold = 0.0;	/* never after the first */
	sc.max_frequency = f->cfg.max_frequency;
	sc.initial_freq = f->freq_ppb;
	f->fs = servo_create(&sc);
	if (!f->fs) {
		return false;
	}
	servo_sync_interval(f->fs, f->cfg.period_s);
	f->no_step = false;
	return true;
}

static void out_clear(struct clkfollow_out *out)
{
	memset(out, 0, sizeof(*out));
}

void clkfollow_observe(struct clkfollow *f, int64_t off_ns)
{
	f->offset_ns = off_ns;
	f->have_offset = true;
}

bool clkfollow_sample(struct clkfollow *f, int64_t off_ns, int64_t ref_ns,
		      struct clkfollow_out *out)
{
	enum servo_state st;
	double ppb;
	bool was_locked;

	out_clear(out);
	if (!servo_offset_ok(off_ns)) {
		/* garbage a servo cannot take (servo.h), dropped as clkctl
		 * drops it */
		f->absurd++;
		return false;
	}
	clkfollow_observe(f, off_ns);
	if (f->cfg.free_running) {
		return false;		/* measure, never steer */
	}
	f->following = true;
	if (f->holdover) {
		f->holdover = false;
		out->event = CLKFOLLOW_EV_AGAIN;
	}
	if (!f->fs && !make_servo(f)) {
		return false;	/* no memory: tried again next time */
	}
	ppb = servo_sample(f->fs, off_ns, ref_ns, &st);
	out->servo = st;
	if (st == SERVO_JUMP) {
		out->step = true;
		out->step_ns = -off_ns;
	}
	out->adjfreq = true;
	out->freq_ppb = ppb;
	was_locked = f->locked;
	f->locked = st == SERVO_LOCKED || st == SERVO_LOCKED_STABLE;
	if (f->locked != was_locked) {
		out->event = f->locked ? CLKFOLLOW_EV_LOCKED :
			     CLKFOLLOW_EV_LOST;
	}
	return true;
}

bool clkfollow_holdover(struct clkfollow *f, struct clkfollow_out *out)
{
	out_clear(out);
	if (f->holdover || !f->locked || f->cfg.free_running) {
		return false;
	}
	f->holdover = true;
	out->adjfreq = true;
	out->freq_ppb = f->avg_n ? f->avg_freq : f->freq_ppb;
	out->servo = SERVO_LOCKED;
	out->event = CLKFOLLOW_EV_HOLDOVER;
	return true;
}

bool clkfollow_steps_with_ref(const struct clkfollow *f)
{
	return f->following && f->fs && !f->cfg.free_running;
}

static void drop_servo(struct clkfollow *f)
{
	servo_destroy(f->fs);	/* restarts from the real frequency */
	f->fs = NULL;
}

void clkfollow_result(struct clkfollow *f, enum clkfollow_action a,
		      const struct clkfollow_out *out, int rc)
{
	double len;

	if (rc < 0) {
		f->faults++;
		drop_servo(f);
		if (a == CLKFOLLOW_FREQ) {
			f->locked = false;
		}
		return;
	}
	if (a == CLKFOLLOW_STEP) {
		f->steps++;
		return;
	}
	f->freq_ppb = out->freq_ppb;
	if (f->holdover || !f->locked) {
		return;		/* the average is of locked frequencies */
	}
	len = f->cfg.period_s > 0 ? f->cfg.avg_s / f->cfg.period_s : 1.0;
	if (f->avg_n < len) {
		f->avg_n++;
	}
	if (f->avg_n == 1) {
		f->avg_freq = out->freq_ppb;
	}
	f->avg_freq += (out->freq_ppb - f->avg_freq) / f->avg_n;
}

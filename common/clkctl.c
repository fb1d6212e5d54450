// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * clkctl.c - the clock-control policy around a servo (see clkctl.h).
 *
 * Pure: no clock reads, no I/O, no globals. Where it overlaps, it is
 * portd/standalone.c's policy, decision for decision.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "clkctl.h"

void clkctl_class_default(struct clkctl_class *t, uint8_t cls)
{
	t->locked = cls;
	t->free_running = 248;
	if (cls == 6 || cls == 7) {
		t->holdover_in = 7;
		t->holdover_out = 140;
	} else {
		t->holdover_in = 135;
		t->holdover_out = 165;
	}
}

void clkctl_cfg_default(struct clkctl_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	servo_cfg_default(&cfg->servo);
	cfg->sync_interval_s = 1.0;
	cfg->free_running = false;
	cfg->gate_len = 16;
	cfg->gate_k = 6.0;		/* MADs */
	cfg->gate_floor_ns = 20000;	/* never reject within 20 us */
	cfg->gate_max_reject = 8;	/* then the truth moved: refill */
	cfg->nm_step_min_ns = 1000000;	/* 1 ms: 2 s of slewing at 500 ppm */
	cfg->holdover_intervals = 8;
	cfg->holdover_spec_ns = 1000 * (int64_t)1000000000;
	cfg->freq_avg_s = 30.0;
	clkctl_class_default(&cfg->cls, 248);
}

static void apply_interval(struct clkctl *cc)
{
	servo_sync_interval(cc->servo, cc->cfg.sync_interval_s);
}

/*
 * A servo as at start-up (first_step_threshold applies again), from the
 * frequency applied now, or without any step when no_step. servo_reset()
 * alone keeps the servo's "first update done", so it would never step.
 */
static void servo_restart(struct clkctl *cc, bool no_step)
{
	struct servo_cfg sc = cc->cfg.servo;
	struct servo *s;

	sc.initial_freq = cc->freq_ppb;
	if (no_step) {
		sc.first_step_threshold = 0.0;
		sc.step_threshold = 0.0;
	}
	s = servo_create(&sc);
	if (!s) {
		servo_reset(cc->servo);
		return;
	}
	servo_destroy(cc->servo);
	cc->servo = s;
	cc->servo_fresh = true;
	cc->restarts++;
	apply_interval(cc);
}

int clkctl_init(struct clkctl *cc, const struct clkctl_cfg *cfg)
{
	memset(cc, 0, sizeof(*cc));
	cc->cfg = *cfg;
	if (!(cc->cfg.sync_interval_s > 0.0) ||
	    !isfinite(cc->cfg.sync_interval_s)) {
		return -EINVAL;
	}
	cc->servo = servo_create(&cc->cfg.servo);
	if (!cc->servo) {
		return errno == ENOMEM ? -ENOMEM : -EINVAL;
	}
	apply_interval(cc);
	cc->servo_fresh = true;
	cc->freq_ppb = cfg->servo.initial_freq;
	gate_init(&cc->gate, cfg->gate_len, cfg->gate_k, cfg->gate_floor_ns,
		  cfg->gate_max_reject);
	return 0;
}

void clkctl_fini(struct clkctl *cc)
{
	servo_destroy(cc->servo);
	cc->servo = NULL;
}

void clkctl_sync_interval(struct clkctl *cc, double interval_s)
{
	if (!(interval_s > 0.0) || !isfinite(interval_s)) {
		return;
	}
	cc->cfg.sync_interval_s = interval_s;
	apply_interval(cc);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * The first offsets from a new master: the servo restarts (and so steps,
 * as at start-up) only if their median is beyond first_step_threshold and
 * nm_step_min_ns; smaller differences are slewed by the running servo,
 * which is what linuxptp does with any difference. Returns false while
 * the samples are held back.
 */
static bool nm_sample(struct clkctl *cc, int64_t offset,
		      struct clkctl_out *out)
{
	double thr = cc->cfg.servo.first_step_threshold * 1e9;
	int64_t v[CLKCTL_NM_SAMPLES], med;

	if ((cc->servo_fresh && !cc->nm_keep_fresh) || !(thr > 0.0)) {
		cc->new_master = false;	/* nothing to keep or to step */
		cc->nm_keep_fresh = false;
		return true;
	}
	cc->nm_win[cc->nm_n++] = offset;
	if (cc->nm_n < CLKCTL_NM_SAMPLES) {
		return false;
	}
	cc->new_master = false;
	cc->nm_keep_fresh = false;
	memcpy(v, cc->nm_win, sizeof(v));
	qsort(v, CLKCTL_NM_SAMPLES, sizeof(v[0]), cmp_i64);
	med = v[CLKCTL_NM_SAMPLES / 2];
	if (thr < (double)cc->cfg.nm_step_min_ns) {
		thr = (double)cc->cfg.nm_step_min_ns;
	}
	if ((double)llabs(med) > thr) {
		servo_restart(cc, false);
		cc->locked_once = false;
		cc->warm = false;
		out->restarted = true;
		out->nm_median_ns = med;
	}
	return true;
}

void clkctl_sample(struct clkctl *cc, int64_t offset_ns, int64_t t2_ns,
		   int64_t now_ns, struct clkctl_out *out)
{
	enum servo_state st;
	double ppb;

	memset(out, 0, sizeof(*out));
	if (!servo_offset_ok(offset_ns)) {
		/* garbage, not a sample: not even one for holdover */
		cc->gated++;
		out->gated = true;
		return;
	}
	cc->have_sample = true;
	cc->last_sample_ns = now_ns;
	cc->offset_ns = offset_ns;
	if (cc->holdover && !cc->new_master) {
		/* back from holdover: judged like a new master's */
		gate_reset(&cc->gate);
		cc->new_master = true;
		cc->nm_n = 0;
	}
	if (cc->new_master && !nm_sample(cc, offset_ns, out)) {
		out->held = true;
		return;
	}
	if (cc->locked_once && !gate_check(&cc->gate, offset_ns)) {
		cc->gated++;
		out->gated = true;
		return;
	}
	if (cc->holdover) {
		cc->holdover = false;
		out->holdover_end = true;
	}
	ppb = servo_sample(cc->servo, offset_ns, t2_ns, &st);
	cc->servo_fresh = false;
	out->sampled = true;
	out->servo = st;
	out->freq_ppb = ppb;
	cc->pend_freq = ppb;
	cc->pend_locked = st == SERVO_LOCKED || st == SERVO_LOCKED_STABLE;
	if (!cc->cfg.free_running) {
		out->adjfreq = true;
		if (st == SERVO_JUMP) {
			out->step = true;
			out->step_ns = -offset_ns;
		}
	}
	switch (st) {
	case SERVO_UNLOCKED:
		/* warm: the clock keeps the frequency it was locked with
		 * (the servo's answer while it judges) and counts as
		 * locked, for CLKCTL_WARM_MAX samples at most: a servo
		 * that has not locked by then is not locked */
		if (cc->warm && ++cc->warm_n > CLKCTL_WARM_MAX) {
			cc->warm = false;
			cc->locked_once = false;
			out->unsynced = true;
		}
		out->synced = cc->warm;
		break;
	case SERVO_JUMP:
		/* a refused step resets the gate too (fault) */
		gate_reset(&cc->gate);
		out->unsynced = true;
		cc->warm = false;
		break;
	case SERVO_LOCKED:
	case SERVO_LOCKED_STABLE:
		/* undone by a refused adjustment (clkctl_clock_result) */
		out->first_lock = !cc->locked_once;
		cc->locked_once = true;
		cc->warm = false;
		out->synced = true;
		break;
	}
}

/*
 * The clock refused what the servo asked: nothing happened to it. The
 * servo starts over from the frequency the clock really has (it would
 * otherwise believe in a step or a frequency that never were).
 */
static enum clkctl_verdict clock_fault(struct clkctl *cc, bool step, int rc)
{
	bool again = cc->fault != 0;

	cc->faults++;
	cc->fault = rc < 0 ? -rc : EIO;
	cc->fault_step = step;
	servo_restart(cc, false);
	cc->locked_once = false;
	cc->warm = false;
	cc->new_master = false;
	cc->nm_keep_fresh = false;
	cc->holdover = false;
	gate_reset(&cc->gate);
	return again ? CLKCTL_FAULT_AGAIN : CLKCTL_FAULT_NEW;
}

/* An adjustment worked: a fault of its kind (or any, once the servo
 * locks) is over. */
static enum clkctl_verdict clock_ok(struct clkctl *cc, bool step,
				    bool locked)
{
	if (!cc->fault || (cc->fault_step && !step && !locked)) {
		return CLKCTL_OK;
	}
	cc->fault = 0;
	return CLKCTL_CLEARED;
}

enum clkctl_verdict clkctl_clock_result(struct clkctl *cc, enum clkctl_op op,
					int rc)
{
	double len = cc->cfg.freq_avg_s / cc->cfg.sync_interval_s;

	if (op == CLKCTL_OP_STEP) {
		if (rc < 0) {
			return clock_fault(cc, true, rc);
		}
		cc->steps++;
		return clock_ok(cc, true, false);
	}
	if (rc < 0) {
		return clock_fault(cc, false, rc);
	}
	cc->freq_ppb = cc->pend_freq;
	if (cc->pend_locked) {
		/* a running mean, then an exponential average */
		if (!cc->have_avg) {
			cc->avg_n = 0;
			cc->have_avg = true;
		}
		if (cc->avg_n < len) {
			cc->avg_n++;
		}
		cc->avg_freq += (cc->freq_ppb - cc->avg_freq) / cc->avg_n;
		/* rounding may leave the mean an ulp beyond the clamp */
		if (cc->avg_freq > cc->cfg.servo.max_frequency) {
			cc->avg_freq = cc->cfg.servo.max_frequency;
		} else if (cc->avg_freq < -cc->cfg.servo.max_frequency) {
			cc->avg_freq = -cc->cfg.servo.max_frequency;
		}
	}
	return clock_ok(cc, false, cc->pend_locked);
}

/*
 * A new master: its offsets may sit elsewhere, so the gate starts over.
 * The servo keeps running, as linuxptp's does: the clock's frequency is
 * still right; nm_sample() restarts it only for a master whose time is
 * far from the old one's.
 */
void clkctl_new_master(struct clkctl *cc)
{
	gate_reset(&cc->gate);
	cc->new_master = true;
	cc->nm_n = 0;
}

void clkctl_new_reference(struct clkctl *cc, double freq_ppb, bool locked)
{
	cc->freq_ppb = freq_ppb;
	cc->have_avg = locked;		/* the follower's frequency is good */
	cc->avg_freq = freq_ppb;
	cc->avg_n = 1;
	servo_restart(cc, locked);
	cc->locked_once = locked;
	cc->warm = locked;
	cc->warm_n = 0;
	gate_reset(&cc->gate);
	cc->new_master = true;
	cc->nm_n = 0;
	cc->nm_keep_fresh = locked;
}

static bool is_locked(const struct clkctl *cc)
{
	enum servo_state st = servo_state(cc->servo);

	return cc->locked_once && !cc->fault &&
	       (cc->warm || st == SERVO_LOCKED || st == SERVO_LOCKED_STABLE);
}

static bool enter_holdover(struct clkctl *cc, int64_t now_ns,
			   struct clkctl_out *out)
{
	memset(out, 0, sizeof(*out));
	if (cc->holdover || !is_locked(cc)) {
		return false;
	}
	cc->holdover = true;
	cc->holdover_start_ns = now_ns;
	cc->new_master = false;
	cc->nm_keep_fresh = false;
	if (!cc->cfg.free_running) {
		out->adjfreq = true;
		out->freq_ppb = clkctl_good_freq(cc);
		cc->pend_freq = out->freq_ppb;
		cc->pend_locked = false;
	}
	out->servo = servo_state(cc->servo);
	return true;
}

bool clkctl_tick(struct clkctl *cc, int64_t now_ns, struct clkctl_out *out)
{
	double lim = cc->cfg.holdover_intervals * cc->cfg.sync_interval_s *
		     1e9;

	memset(out, 0, sizeof(*out));
	if (!cc->have_sample || cc->holdover ||
	    (double)(now_ns - cc->last_sample_ns) <= lim) {
		return false;
	}
	if (!is_locked(cc)) {
		cc->have_sample = false;	/* lost before locking: FREE */
		return false;
	}
	return enter_holdover(cc, now_ns, out);
}

bool clkctl_holdover(struct clkctl *cc, int64_t now_ns,
		     struct clkctl_out *out)
{
	if (!cc->holdover && !is_locked(cc)) {
		memset(out, 0, sizeof(*out));
		cc->have_sample = false;
		return false;
	}
	return enter_holdover(cc, now_ns, out);
}

enum clkctl_state clkctl_state(const struct clkctl *cc)
{
	if (cc->fault) {
		return CLKCTL_FAULT;
	}
	if (cc->holdover) {
		return CLKCTL_HOLDOVER;
	}
	if (!cc->have_sample) {
		return CLKCTL_FREE;
	}
	if (cc->warm) {
		return CLKCTL_LOCKED;
	}
	switch (servo_state(cc->servo)) {
	case SERVO_JUMP:
		return CLKCTL_JUMP;
	case SERVO_LOCKED:
		return CLKCTL_LOCKED;
	case SERVO_LOCKED_STABLE:
		return CLKCTL_LOCKED_STABLE;
	default:
		return CLKCTL_UNLOCKED;
	}
}

const char *clkctl_state_str(enum clkctl_state st)
{
	static const char *const names[] = {
		"FREE", "UNLOCKED", "JUMP", "LOCKED", "LOCKED_STABLE",
		"HOLDOVER", "FAULT",
	};

	if ((unsigned)st >= sizeof(names) / sizeof(names[0])) {
		return "?";
	}
	return names[st];
}

int64_t clkctl_holdover_ns(const struct clkctl *cc, int64_t now_ns)
{
	if (!cc->holdover || now_ns < cc->holdover_start_ns) {
		return 0;
	}
	return now_ns - cc->holdover_start_ns;
}

uint8_t clkctl_clock_class(const struct clkctl *cc, int64_t now_ns)
{
	switch (clkctl_state(cc)) {
	case CLKCTL_LOCKED:
	case CLKCTL_LOCKED_STABLE:
		return cc->cfg.cls.locked;
	case CLKCTL_HOLDOVER:
		return clkctl_holdover_ns(cc, now_ns) <=
		       cc->cfg.holdover_spec_ns ? cc->cfg.cls.holdover_in :
						  cc->cfg.cls.holdover_out;
	default:
		return cc->cfg.cls.free_running;
	}
}

double clkctl_freq(const struct clkctl *cc)
{
	return cc->freq_ppb;
}

double clkctl_good_freq(const struct clkctl *cc)
{
	return cc->have_avg ? cc->avg_freq : cc->freq_ppb;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_clkfollow.c - the follower policy (common/clkfollow.c) on a
 * simulated clock following a perfect reference.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "clkfollow.h"

/* A follower clock: intrinsic error err_ppb, the adjustment applied,
 * its offset to the reference (ns). */
struct fclock {
	double err_ppb, adj_ppb, off_ns;
	int64_t ref_ns;
	unsigned steps, adjs;
	int step_rc;		/* a step refused with this */
};

/* One period of time, then one comparison, applied as clockd does. */
static struct clkfollow_out tick(struct clkfollow *f, struct fclock *c,
				 int rc)
{
	struct clkfollow_out o;

	c->off_ns += (c->err_ppb + c->adj_ppb) * f->cfg.period_s;
	c->ref_ns += (int64_t)(f->cfg.period_s * 1e9);
	if (!clkfollow_sample(f, (int64_t)llround(c->off_ns), c->ref_ns,
			      &o)) {
		return o;
	}
	if (o.step) {
		if (c->step_rc) {
			rc = c->step_rc;
		}
		clkfollow_result(f, CLKFOLLOW_STEP, &o, rc);
		if (rc < 0) {
			return o;
		}
		c->off_ns += (double)o.step_ns;
		c->steps++;
	}
	if (o.adjfreq) {
		clkfollow_result(f, CLKFOLLOW_FREQ, &o, rc);
		if (rc == 0) {
			c->adj_ppb = o.freq_ppb;
			c->adjs++;
		}
	}
	return o;
}

static void setup(struct clkfollow *f, double period_s)
{
	struct clkfollow_cfg cfg;

	clkfollow_cfg_default(&cfg);
	cfg.period_s = period_s;
	clkfollow_init(f, &cfg, 0.0);
}

Test(clkfollow, defaults_and_init)
{
	struct clkfollow f;
	struct clkfollow_cfg cfg;

	clkfollow_cfg_default(&cfg);
	cr_expect_float_eq(cfg.first_step_threshold, 20e-6, 1e-12);
	cr_expect_float_eq(cfg.max_frequency, 900000.0, 1e-9);
	cr_expect_float_eq(cfg.avg_s, 30.0, 1e-9);
	clkfollow_init(&f, &cfg, 1234.5);
	cr_expect_float_eq(f.freq_ppb, 1234.5, 1e-9);
	cr_expect_not(f.following);
	cr_expect_not(f.locked);
	cr_expect_not(clkfollow_steps_with_ref(&f), "not following");
	clkfollow_fini(&f);
}

/* 2 ms off and 10 ppm slow: one step at the start, then locked within a
 * minute of 1 s comparisons, within 10 ns, at about +10 ppm */
Test(clkfollow, steps_once_then_locks)
{
	struct clkfollow f;
	struct fclock c = { .err_ppb = -10000.0, .off_ns = 2e6 };
	struct clkfollow_out o;
	bool locked_ev = false;
	int i;

	setup(&f, 1.0);
	for (i = 0; i < 120; i++) {
		o = tick(&f, &c, 0);
		if (o.event == CLKFOLLOW_EV_LOCKED) {
			locked_ev = true;
		}
		cr_assert_neq(o.event, CLKFOLLOW_EV_LOST, "lost at %d", i);
	}
	cr_expect_eq(c.steps, 1);
	cr_expect_eq(f.steps, 1);
	cr_expect(locked_ev);
	cr_expect(f.locked);
	cr_expect(f.following);
	cr_expect(clkfollow_steps_with_ref(&f));
	cr_expect(fabs(c.off_ns) < 10.0, "offset %f", c.off_ns);
	cr_expect(fabs(c.adj_ppb - 10000.0) < 5.0, "adj %f", c.adj_ppb);
	cr_expect_float_eq(f.freq_ppb, c.adj_ppb, 1e-9);
	clkfollow_fini(&f);
}

/* A clock that was locked when it became a follower is never stepped */
Test(clkfollow, locked_start_never_steps)
{
	struct clkfollow f;
	struct fclock c = { .err_ppb = -10000.0, .off_ns = 50e3 };
	int i;

	setup(&f, 0.125);
	clkfollow_start(&f, 10000.0, true);
	cr_expect(f.locked);
	for (i = 0; i < 400; i++) {
		tick(&f, &c, 0);
	}
	cr_expect_eq(c.steps, 0, "stepped %u times", c.steps);
	cr_expect(fabs(c.off_ns) < 1000.0, "offset %f", c.off_ns);
	/* the same start unlocked steps */
	clkfollow_fini(&f);
	c = (struct fclock){ .err_ppb = -10000.0, .off_ns = 50e3 };
	setup(&f, 0.125);
	clkfollow_start(&f, 0.0, false);
	for (i = 0; i < 10; i++) {
		tick(&f, &c, 0);
	}
	cr_expect_eq(c.steps, 1);
	clkfollow_fini(&f);
}

/* Holdover keeps the average of the locked frequencies (not the last
 * one), once; the next comparison follows again */
Test(clkfollow, holdover_keeps_the_average)
{
	struct clkfollow f;
	struct fclock c = { .err_ppb = 3000.0 };
	struct clkfollow_out o;
	int i;

	setup(&f, 1.0);
	cr_expect_not(clkfollow_holdover(&f, &o), "never locked: nothing");
	for (i = 0; i < 200; i++) {
		tick(&f, &c, 0);
	}
	cr_assert(f.locked);
	cr_expect(f.avg_n > 0 && f.avg_n <= 30, "avg_n %u", f.avg_n);
	cr_expect(fabs(f.avg_freq + 3000.0) < 2.0, "avg %f", f.avg_freq);
	f.avg_freq = -2999.0;	/* tell the average from the last value */
	cr_assert(clkfollow_holdover(&f, &o));
	cr_expect(o.adjfreq);
	cr_expect_eq(o.event, CLKFOLLOW_EV_HOLDOVER);
	cr_expect_float_eq(o.freq_ppb, -2999.0, 1e-9);
	clkfollow_result(&f, CLKFOLLOW_FREQ, &o, 0);
	cr_expect_float_eq(f.freq_ppb, -2999.0, 1e-9);
	cr_expect_float_eq(f.avg_freq, -2999.0, 1e-9,
			   "holdover frequencies are not averaged");
	cr_expect(f.holdover);
	cr_expect_not(clkfollow_holdover(&f, &o), "once per holdover");
	clkfollow_observe(&f, 42);
	cr_expect_eq(f.offset_ns, 42);
	cr_expect(f.holdover, "observing does not end it");
	c.adj_ppb = -2999.0;
	o = tick(&f, &c, 0);
	cr_expect_eq(o.event, CLKFOLLOW_EV_AGAIN);
	cr_expect_not(f.holdover);
	clkfollow_fini(&f);
}

/* A refused frequency drops the servo and the lock; the next comparison
 * starts a new servo from the frequency the clock really has */
Test(clkfollow, refusal_restarts_from_the_real_frequency)
{
	struct clkfollow f;
	struct fclock c = { .err_ppb = 500.0 };
	struct clkfollow_out o;
	int i;

	setup(&f, 1.0);
	for (i = 0; i < 100; i++) {
		tick(&f, &c, 0);
	}
	cr_assert(f.locked);
	cr_assert_not_null(f.fs);
	o = tick(&f, &c, -EPERM);
	cr_expect_eq(f.faults, 1);
	cr_expect_not(f.locked);
	cr_expect_null(f.fs);
	cr_expect(fabs(f.freq_ppb + 500.0) < 5.0, "kept the real one: %f",
		  f.freq_ppb);
	o = tick(&f, &c, 0);
	cr_expect_not_null(f.fs);
	cr_expect_not(o.step, "small offset: no step");
	for (i = 0; i < 100; i++) {
		tick(&f, &c, 0);
	}
	cr_expect(f.locked);
	cr_expect(fabs(c.off_ns) < 10.0, "offset %f", c.off_ns);
	clkfollow_fini(&f);
	/* a refused first step: counted, the servo dropped, nothing
	 * applied; the next comparison steps again */
	c = (struct fclock){ .err_ppb = 500.0, .off_ns = 1e6 };
	setup(&f, 1.0);
	c.step_rc = -ENODEV;
	for (i = 0; i < 5 && !f.faults; i++) {
		o = tick(&f, &c, 0);	/* PI: a step at the 2nd */
	}
	cr_expect(o.step);
	cr_expect_eq(f.faults, 1);
	cr_expect_null(f.fs);
	cr_expect_eq(f.steps, 0);
	c.step_rc = 0;
	for (i = 0; i < 5 && !f.steps; i++) {
		o = tick(&f, &c, 0);
	}
	cr_expect(o.step, "stepped at the retry");
	cr_expect_eq(f.steps, 1);
	cr_expect(fabs(c.off_ns) < 2000.0, "offset %f", c.off_ns);
	clkfollow_fini(&f);
}

Test(clkfollow, free_running_measures_only)
{
	struct clkfollow f;
	struct clkfollow_cfg cfg;
	struct clkfollow_out o;

	clkfollow_cfg_default(&cfg);
	cfg.free_running = true;
	clkfollow_init(&f, &cfg, 7.0);
	cr_expect_not(clkfollow_sample(&f, 5000000, 1000, &o));
	cr_expect_not(o.step);
	cr_expect_not(o.adjfreq);
	cr_expect(f.have_offset);
	cr_expect_eq(f.offset_ns, 5000000);
	cr_expect_not(clkfollow_steps_with_ref(&f));
	clkfollow_fini(&f);
}

/* Becoming the reference forgets the follower's state */
Test(clkfollow, stop_forgets)
{
	struct clkfollow f;
	struct fclock c = { .err_ppb = 100.0 };
	int i;

	setup(&f, 1.0);
	for (i = 0; i < 60; i++) {
		tick(&f, &c, 0);
	}
	cr_assert(f.locked);
	clkfollow_stop(&f);
	cr_expect_not(f.following);
	cr_expect_not(f.locked);
	cr_expect_not(f.have_offset);
	cr_expect_null(f.fs);
	cr_expect_not(clkfollow_steps_with_ref(&f));
	clkfollow_fini(&f);
}

/* An offset beyond SERVO_OFFSET_MAX (126 years) is garbage, dropped as
 * clkctl drops it: fuzz_clkref fed 4.68e18 ns swings to the follower's PI
 * servo, whose start-up took their difference in int64 (UBSan: signed
 * overflow; make unit-asan). Nothing is steered, the drop is counted, and
 * sane offsets after it are served as before. */
Test(clkfollow, absurd_offsets_are_dropped)
{
	static const int64_t absurd[] = {
		-4684026029314924287LL, 4684025245080756993LL,
		INT64_MIN, INT64_MAX,
	};
	struct clkfollow_out o;
	struct clkfollow f;
	int64_t t = 1000000000LL;
	unsigned i;

	setup(&f, 1.0);
	for (i = 0; i < 4; i++) {
		cr_expect_not(clkfollow_sample(&f, absurd[i], t += 1000000000LL,
					       &o), "sample %u", i);
		cr_expect_not(o.step || o.adjfreq, "sample %u steered", i);
	}
	cr_expect_eq(f.absurd, 4);
	cr_expect_not(f.have_offset, "a dropped offset is no observation");
	cr_expect(clkfollow_sample(&f, 5000, t += 1000000000LL, &o) ||
		  o.adjfreq || o.step, "a sane offset is served");
	clkfollow_fini(&f);
}

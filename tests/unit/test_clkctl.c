/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of clkctl, the clock-control policy around a servo.
 *
 * The loop is closed around a simulated clock (as in test_servo.c): an
 * oscillator with frequency error F (ppb) sampled every `interval` s,
 * the measured offset the true one plus optional seeded white noise
 * (MERIDIAN_SEED replays a run). clkctl's actions are carried out on it
 * in order (step, then frequency), each reported back with
 * clkctl_clock_result(); the clock can be told to refuse steps or
 * frequency changes.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <time.h>

#include "clkctl.h"
#include "ipc_msg.h"

TestSuite(clkctl, .timeout = 10);

struct cc_sim {
	struct clkctl cc;
	double t;		/* ns, monotonic and master time */
	double off;		/* ns, true offset local - master */
	double freq_err;	/* ppb */
	double adj;		/* ppb applied */
	double interval;	/* s */
	double noise;		/* ns RMS */
	double extra;		/* ns added to the next measurement only */
	int refuse_step;	/* errno, 0 = accept */
	int refuse_freq;
	uint64_t rng;
	struct clkctl_out out;
	enum clkctl_verdict last_verdict;
	int verdicts[4];	/* count of each verdict */
	int steps;		/* steps the clock took */
};

static uint64_t cs_rand(struct cc_sim *m)
{
	uint64_t z = (m->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double cs_gauss(struct cc_sim *m)
{
	double u1 = ((double)(cs_rand(m) >> 11) + 1.0) / 9007199254740993.0;
	double u2 = (double)(cs_rand(m) >> 11) / 9007199254740992.0;

	return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

static void cs_cfg(struct clkctl_cfg *cfg, double initial_freq,
		   double interval)
{
	clkctl_cfg_default(cfg);
	cfg->servo.initial_freq = initial_freq;
	cfg->servo.max_frequency = 500000.0;
	cfg->sync_interval_s = interval;
}

static void cs_init_cfg(struct cc_sim *m, const struct clkctl_cfg *cfg,
			double off, double freq_err)
{
	const char *env = getenv("MERIDIAN_SEED");

	memset(m, 0, sizeof(*m));
	m->t = 1e12;
	m->off = off;
	m->freq_err = freq_err;
	m->adj = cfg->servo.initial_freq;
	m->interval = cfg->sync_interval_s;
	m->rng = env ? strtoull(env, NULL, 0) : (uint64_t)time(NULL);
	cr_log_info("clkctl: MERIDIAN_SEED=%" PRIu64, m->rng);
	cr_assert_eq(clkctl_init(&m->cc, cfg), 0);
}

static void cs_init(struct cc_sim *m, double off, double freq_err,
		    double initial_freq)
{
	struct clkctl_cfg cfg;

	cs_cfg(&cfg, initial_freq, 0.125);
	cs_init_cfg(m, &cfg, off, freq_err);
}

static void cs_verdict(struct cc_sim *m, enum clkctl_verdict v)
{
	m->last_verdict = v;
	m->verdicts[v]++;
}

/* Carry out out's actions on the clock, in order, as a daemon does. */
static void cs_apply(struct cc_sim *m, const struct clkctl_out *o)
{
	if (o->step) {
		if (m->refuse_step) {
			cs_verdict(m, clkctl_clock_result(&m->cc,
							  CLKCTL_OP_STEP,
							  -m->refuse_step));
			return;
		}
		m->off += (double)o->step_ns;
		m->steps++;
		cs_verdict(m, clkctl_clock_result(&m->cc, CLKCTL_OP_STEP, 0));
	}
	if (o->adjfreq) {
		if (m->refuse_freq) {
			cs_verdict(m, clkctl_clock_result(&m->cc,
							  CLKCTL_OP_ADJFREQ,
							  -m->refuse_freq));
			return;
		}
		m->adj = o->freq_ppb;
		cs_verdict(m, clkctl_clock_result(&m->cc, CLKCTL_OP_ADJFREQ,
						  0));
	}
}

/* Time passes without a sample. */
static void cs_run(struct cc_sim *m, double seconds)
{
	m->off += seconds * 1e9 *
		  ((1.0 + m->freq_err / 1e9) * (1.0 + m->adj / 1e9) - 1.0);
	m->t += seconds * 1e9;
}

/* One sample, then one interval. */
static void cs_step(struct cc_sim *m)
{
	double noise = m->noise > 0.0 ? m->noise * cs_gauss(m) : 0.0;
	int64_t meas = llround(m->off + noise + m->extra);

	m->extra = 0.0;
	clkctl_sample(&m->cc, meas, llround(m->t + m->off), llround(m->t),
		      &m->out);
	cs_apply(m, &m->out);
	cs_run(m, m->interval);
}

static void cs_steps(struct cc_sim *m, int n)
{
	while (n-- > 0) {
		cs_step(m);
	}
}

static bool cs_locked(const struct cc_sim *m)
{
	enum clkctl_state st = clkctl_state(&m->cc);

	return st == CLKCTL_LOCKED || st == CLKCTL_LOCKED_STABLE;
}

/* ---- closed loop --------------------------------------------------------- */

Test(clkctl, cold_start_steps_once_and_converges)
{
	struct cc_sim m;

	cs_init(&m, 5e6, 30000.0, 0.0);
	cr_assert_eq(clkctl_state(&m.cc), CLKCTL_FREE);
	cr_assert_eq(clkctl_clock_class(&m.cc, 0), 248);
	cs_steps(&m, 400);		/* 50 s */
	cr_assert(cs_locked(&m), "state %s",
		  clkctl_state_str(clkctl_state(&m.cc)));
	cr_assert_eq(m.steps, 1, "steps %d", m.steps);
	cr_assert_eq(m.cc.steps, 1);
	cr_assert(fabs(m.off) < 50.0, "offset %.1f ns", m.off);
	cr_assert(fabs(m.adj + 30000.0 / (1 + 30e-6)) < 20.0,
		  "freq %.1f ppb", m.adj);
	cr_assert(fabs(clkctl_freq(&m.cc) - m.adj) < 1e-9);
	clkctl_fini(&m.cc);
}

Test(clkctl, warm_start_locks_without_a_step)
{
	struct cc_sim m;
	int i;

	/* a restarted daemon: the clock kept its frequency */
	cs_init(&m, 800.0, 30000.0, -29999.1);
	m.noise = 100.0;
	for (i = 0; i < 16 && !cs_locked(&m); i++) {
		cs_step(&m);
	}
	cr_assert(cs_locked(&m), "not locked after %d samples", i);
	cr_assert_eq(m.steps, 0);
	cs_steps(&m, 200);
	cr_assert_eq(m.steps, 0);
	cr_assert(fabs(m.off) < 1000.0, "offset %.1f ns", m.off);
	clkctl_fini(&m.cc);
}

Test(clkctl, gate_drops_an_outlier_once_locked)
{
	struct cc_sim m;
	double f;

	cs_init(&m, 0.0, 10000.0, 0.0);
	m.noise = 50.0;
	m.extra = 3e6;		/* before locking: no gate, a step */
	cs_steps(&m, 200);
	cr_assert(cs_locked(&m));
	cr_assert_eq(m.cc.gated, 0);
	f = m.adj;
	m.extra = 500000.0;	/* 0.5 ms, far beyond 6 MADs */
	cs_step(&m);
	cr_assert(m.out.gated);
	cr_assert(!m.out.adjfreq && !m.out.step);
	cr_assert_eq(m.cc.gated, 1);
	cr_assert_eq(m.adj, f);
	m.extra = 5000.0;	/* within the 20 us floor: taken */
	cs_step(&m);
	cr_assert(!m.out.gated);
	cr_assert_eq(m.cc.gated, 1);
	clkctl_fini(&m.cc);
}

/* ---- new master ---------------------------------------------------------- */

Test(clkctl, near_new_master_is_slewed)
{
	struct cc_sim m;
	uint64_t restarts;

	cs_init(&m, 3e6, -20000.0, 0.0);
	cs_steps(&m, 300);
	cr_assert(cs_locked(&m));
	cr_assert_eq(m.steps, 1);
	restarts = m.cc.restarts;
	/* the new master's time is 300 us from the old one's */
	m.off += 300000.0;
	clkctl_new_master(&m.cc);
	cs_step(&m);
	cr_assert(m.out.held);
	cs_step(&m);
	cr_assert(m.out.held);
	cs_step(&m);
	cr_assert(!m.out.held && m.out.sampled && !m.out.restarted);
	cs_steps(&m, 600);
	cr_assert_eq(m.steps, 1, "a near master was stepped to");
	cr_assert_eq(m.cc.restarts, restarts);
	cr_assert(cs_locked(&m));
	cr_assert(fabs(m.off) < 100.0, "offset %.1f ns", m.off);
	clkctl_fini(&m.cc);
}

Test(clkctl, far_new_master_restarts_and_steps)
{
	struct cc_sim m;

	cs_init(&m, 3e6, -20000.0, 0.0);
	cs_steps(&m, 300);
	cr_assert_eq(m.steps, 1);
	m.off += 5e6;		/* 5 ms away */
	clkctl_new_master(&m.cc);
	cs_steps(&m, 3);
	cr_assert(m.out.restarted);
	cr_assert(llabs(m.out.nm_median_ns - 5000000) < 1000);
	cs_steps(&m, 300);
	cr_assert_eq(m.steps, 2);
	cr_assert(cs_locked(&m));
	cr_assert(fabs(m.off) < 100.0, "offset %.1f ns", m.off);
	clkctl_fini(&m.cc);
}

/* ---- clock faults -------------------------------------------------------- */

Test(clkctl, refused_step_is_a_fault_until_it_works)
{
	struct cc_sim m;

	cs_init(&m, 5e6, 30000.0, 0.0);
	m.refuse_step = EPERM;
	cs_steps(&m, 40);
	cr_assert_eq(clkctl_state(&m.cc), CLKCTL_FAULT);
	cr_assert_eq(m.cc.fault, EPERM);
	cr_assert_eq(m.verdicts[CLKCTL_FAULT_NEW], 1);
	cr_assert(m.verdicts[CLKCTL_FAULT_AGAIN] >= 1);
	cr_assert_eq(m.steps, 0);
	cr_assert_eq(clkctl_clock_class(&m.cc, 0), 248);
	/* frequency changes work meanwhile, but the fault was a step's */
	cr_assert(m.verdicts[CLKCTL_OK] > 0);
	m.refuse_step = 0;
	cs_steps(&m, 300);
	cr_assert_eq(m.verdicts[CLKCTL_CLEARED], 1);
	cr_assert_eq(m.cc.fault, 0);
	cr_assert(cs_locked(&m));
	cr_assert_eq(m.steps, 1);
	cr_assert(fabs(m.off) < 100.0, "offset %.1f ns", m.off);
	clkctl_fini(&m.cc);
}

Test(clkctl, refused_frequency_while_locked)
{
	struct cc_sim m;
	double f;

	cs_init(&m, 0.0, 30000.0, 0.0);
	cs_steps(&m, 300);
	cr_assert(cs_locked(&m));
	f = clkctl_freq(&m.cc);
	m.refuse_freq = EINVAL;
	cs_step(&m);
	cr_assert_eq(m.last_verdict, CLKCTL_FAULT_NEW);
	cr_assert_eq(clkctl_state(&m.cc), CLKCTL_FAULT);
	/* the servo restarted from the frequency the clock has */
	cr_assert_eq(clkctl_freq(&m.cc), f);
	cs_steps(&m, 10);
	cr_assert_eq(clkctl_state(&m.cc), CLKCTL_FAULT);
	m.refuse_freq = 0;
	cs_step(&m);
	cr_assert_eq(m.last_verdict, CLKCTL_CLEARED);
	cs_steps(&m, 300);
	cr_assert(cs_locked(&m));
	cr_assert(fabs(m.off) < 100.0, "offset %.1f ns", m.off);
	clkctl_fini(&m.cc);
}

/* ---- holdover and clockClass --------------------------------------------- */

Test(clkctl, holdover_keeps_the_frequency_and_degrades_the_class)
{
	struct clkctl_cfg cfg;
	struct clkctl_out o;
	struct cc_sim m;
	int64_t t0;
	double off0;

	cs_cfg(&cfg, 0.0, 0.125);
	cfg.holdover_spec_ns = 60 * (int64_t)1000000000;
	cs_init_cfg(&m, &cfg, 2e6, 30000.0);
	m.noise = 200.0;
	cs_steps(&m, 600);
	cr_assert(cs_locked(&m));
	cr_assert_eq(clkctl_clock_class(&m.cc, llround(m.t)), 248);

	/* samples stop: 8 intervals later, holdover */
	cs_run(&m, 0.5);
	cr_assert(!clkctl_tick(&m.cc, llround(m.t), &o));
	cs_run(&m, 0.6);
	cr_assert(clkctl_tick(&m.cc, llround(m.t), &o));
	cr_assert(o.adjfreq && !o.step);
	cr_assert(fabs(o.freq_ppb + 30000.0 / (1 + 30e-6)) < 30.0,
		  "holdover frequency %.1f ppb", o.freq_ppb);
	cs_apply(&m, &o);
	cr_assert_eq(clkctl_state(&m.cc), CLKCTL_HOLDOVER);
	cr_assert_eq(clkctl_clock_class(&m.cc, llround(m.t)), 135);
	cr_assert(!clkctl_tick(&m.cc, llround(m.t), &o), "entered twice");
	t0 = llround(m.t);
	off0 = m.off;
	cs_run(&m, 30.0);
	cr_assert_eq(clkctl_clock_class(&m.cc, llround(m.t)), 135);
	cr_assert(clkctl_holdover_ns(&m.cc, llround(m.t)) >=
		  llround(m.t) - t0);
	cs_run(&m, 31.0);
	cr_assert_eq(clkctl_clock_class(&m.cc, llround(m.t)), 165);
	/* kept frequency: the 61 s of holdover drifted little */
	cr_assert(fabs(m.off - off0) < 61.0 * 30.0,
		  "drift %.0f ns in 61 s", m.off - off0);

	/* samples return: no step, locked again, class back */
	cs_steps(&m, 2);
	cr_assert(m.out.held);
	cr_assert_eq(clkctl_state(&m.cc), CLKCTL_HOLDOVER);
	cs_steps(&m, 100);
	cr_assert_eq(m.steps, 1, "stepped after holdover");
	cr_assert(cs_locked(&m));
	cr_assert_eq(clkctl_clock_class(&m.cc, llround(m.t)), 248);
	cr_assert_eq(clkctl_holdover_ns(&m.cc, llround(m.t)), 0);
	clkctl_fini(&m.cc);
}

Test(clkctl, grandmaster_classes)
{
	struct clkctl_cfg cfg;
	struct clkctl_out o;
	struct cc_sim m;

	cs_cfg(&cfg, 0.0, 1.0);
	clkctl_class_default(&cfg.cls, 6);
	cfg.holdover_spec_ns = 10 * (int64_t)1000000000;
	cs_init_cfg(&m, &cfg, 0.0, 5000.0);
	cr_assert_eq(clkctl_clock_class(&m.cc, llround(m.t)), 248);
	cs_steps(&m, 120);
	cr_assert(cs_locked(&m));
	cr_assert_eq(clkctl_clock_class(&m.cc, llround(m.t)), 6);
	cr_assert(clkctl_holdover(&m.cc, llround(m.t), &o));
	cs_apply(&m, &o);
	cr_assert_eq(clkctl_clock_class(&m.cc, llround(m.t)), 7);
	cs_run(&m, 11.0);
	cr_assert_eq(clkctl_clock_class(&m.cc, llround(m.t)), 140);
	clkctl_fini(&m.cc);
}

Test(clkctl, lost_before_locking_is_free_running)
{
	struct clkctl_out o;
	struct cc_sim m;

	cs_init(&m, 5e6, 30000.0, 0.0);
	cs_steps(&m, 1);
	cr_assert_eq(clkctl_state(&m.cc), CLKCTL_UNLOCKED);
	cs_run(&m, 2.0);
	cr_assert(!clkctl_tick(&m.cc, llround(m.t), &o));
	cr_assert_eq(clkctl_state(&m.cc), CLKCTL_FREE);
	cr_assert(!clkctl_holdover(&m.cc, llround(m.t), &o));
	cr_assert(!o.adjfreq);
	clkctl_fini(&m.cc);
}

/* ---- a new reference clock (clockd: the slave port moved) ---------------- */

Test(clkctl, locked_new_reference_is_never_stepped)
{
	struct cc_sim m;

	cs_init(&m, 0.0, 30000.0, 0.0);
	cs_steps(&m, 300);
	cr_assert(cs_locked(&m));
	cr_assert_eq(m.steps, 0);
	/* another clock (-20 ppm, kept at +20 ppm by clockd), 60 us off:
	 * beyond the 20 us first step, within the 1 ms of a new master */
	m.freq_err = -20000.0;
	m.adj = 20000.0 / (1 - 20e-6);
	m.off = 60000.0;
	clkctl_new_reference(&m.cc, m.adj, true);
	cs_steps(&m, 600);
	cr_assert_eq(m.steps, 0, "a locked clock was stepped");
	cr_assert(cs_locked(&m));
	cr_assert(fabs(m.off) < 100.0, "offset %.1f ns", m.off);
	clkctl_fini(&m.cc);
}

Test(clkctl, locked_new_reference_close_stays_locked)
{
	struct cc_sim m;
	int i, unlocked = 0;

	cs_init(&m, 0.0, 30000.0, 0.0);
	cs_steps(&m, 300);
	m.freq_err = 50000.0;
	m.adj = -50000.0 / (1 + 50e-6);
	m.off = 200.0;
	clkctl_new_reference(&m.cc, m.adj, true);
	for (i = 0; i < 100; i++) {
		cs_step(&m);
		unlocked += !cs_locked(&m);
	}
	cr_assert(unlocked <= 8, "%d samples unlocked", unlocked);
	cr_assert_eq(m.steps, 0);
	cr_assert(fabs(m.off) < 100.0, "offset %.1f ns", m.off);
	clkctl_fini(&m.cc);
}

/* The warm switch (issue 8): a locked clock becoming the reference is
 * LOCKED from the first sample on (its servo is not re-learned), never
 * stepped, and keeps the frequency it had until the servo has judged. */
Test(clkctl, locked_new_reference_never_unlocks)
{
	struct cc_sim m;
	int i, unlocked = 0;
	enum clkctl_state st;

	cs_init(&m, 0.0, 30000.0, 0.0);
	cs_steps(&m, 300);
	m.freq_err = 50000.0;
	m.adj = -50000.0 / (1 + 50e-6);
	m.off = 200.0;
	clkctl_new_reference(&m.cc, m.adj, true);
	for (i = 0; i < 100; i++) {
		cs_step(&m);
		st = clkctl_state(&m.cc);
		unlocked += st != CLKCTL_LOCKED && st != CLKCTL_LOCKED_STABLE;
	}
	cr_assert_eq(unlocked, 0, "%d samples not locked", unlocked);
	cr_assert_eq(clkctl_clock_class(&m.cc, llround(m.t)), m.cc.cfg.cls.locked);
	cr_assert_eq(m.steps, 0);
	cr_assert(fabs(m.off) < 100.0, "offset %.1f ns", m.off);
	clkctl_fini(&m.cc);
}

/* A warm switch whose new servo does not lock soon (the held frequency
 * is 10 ppm off, so the servo's warm start refuses and its cold start,
 * with software timestamps, waits for its frequency estimate): LOCKED
 * only for CLKCTL_WARM_MAX samples, then the truth (not locked), never
 * LOCKED with nothing locked for as long as the cold start takes (200
 * samples, 25 s, before the bound). */
Test(clkctl, warm_switch_is_bounded)
{
	struct clkctl_cfg cfg;
	struct cc_sim m;
	int i, lied = 0, first_unlocked = -1;
	enum clkctl_state st;

	cs_cfg(&cfg, 0.0, 0.125);
	cfg.servo.sw_ts = true;
	cs_init_cfg(&m, &cfg, 0.0, 30000.0);
	cs_steps(&m, 2000);
	cr_assert(clkctl_state(&m.cc) == CLKCTL_LOCKED ||
		  clkctl_state(&m.cc) == CLKCTL_LOCKED_STABLE);
	m.freq_err = 50000.0;
	m.adj = -40000.0;	/* 10 ppm off what the clock needs */
	m.off = 200.0;
	clkctl_new_reference(&m.cc, m.adj, true);
	for (i = 0; i < 200; i++) {
		cs_step(&m);
		st = clkctl_state(&m.cc);
		if (st != CLKCTL_LOCKED && st != CLKCTL_LOCKED_STABLE) {
			if (first_unlocked < 0) {
				first_unlocked = i;
			}
		} else if (servo_state(m.cc.servo) == SERVO_UNLOCKED) {
			lied++;
		}
	}
	/* (the new master's first CLKCTL_NM_SAMPLES are judged first) */
	cr_expect(lied <= CLKCTL_NM_SAMPLES + CLKCTL_WARM_MAX,
		  "LOCKED for %d samples while the servo was not", lied);
	cr_expect(first_unlocked >= 0 &&
		  first_unlocked <= CLKCTL_NM_SAMPLES + CLKCTL_WARM_MAX + 1,
		  "first not LOCKED at sample %d", first_unlocked);
	clkctl_fini(&m.cc);
}

/* The same from holdover (the old master died, then the slave port
 * moved): HOLDOVER until the new master's offsets are judged, then
 * LOCKED at once, never UNLOCKED. */
Test(clkctl, new_reference_from_holdover_never_unlocks)
{
	struct clkctl_out o;
	struct cc_sim m;
	int i, bad = 0;
	enum clkctl_state st;

	cs_init(&m, 0.0, 30000.0, 0.0);
	cs_steps(&m, 300);
	cr_assert(clkctl_holdover(&m.cc, llround(m.t), &o));
	cs_apply(&m, &o);
	m.freq_err = 50000.0;
	m.adj = -50000.0 / (1 + 50e-6);
	m.off = 200.0;
	clkctl_new_reference(&m.cc, m.adj, true);
	cr_assert_eq(clkctl_state(&m.cc), CLKCTL_HOLDOVER);
	for (i = 0; i < 100; i++) {
		cs_step(&m);
		st = clkctl_state(&m.cc);
		bad += i >= CLKCTL_NM_SAMPLES && st != CLKCTL_LOCKED &&
		       st != CLKCTL_LOCKED_STABLE;
		bad += st != CLKCTL_LOCKED && st != CLKCTL_LOCKED_STABLE &&
		       st != CLKCTL_HOLDOVER;
	}
	cr_assert_eq(bad, 0, "%d samples neither locked nor holding over "
		     "(or not locked once judged)", bad);
	cr_assert_eq(m.steps, 0);
	cr_assert(fabs(m.off) < 100.0, "offset %.1f ns", m.off);
	clkctl_fini(&m.cc);
}

Test(clkctl, far_new_reference_steps)
{
	struct cc_sim m;

	cs_init(&m, 0.0, 30000.0, 0.0);
	cs_steps(&m, 300);
	m.freq_err = -20000.0;
	m.adj = 0.0;
	m.off = 5e6;
	clkctl_new_reference(&m.cc, m.adj, false);
	cs_steps(&m, 600);
	cr_assert_eq(m.steps, 1);
	cr_assert(cs_locked(&m));
	cr_assert(fabs(m.off) < 100.0, "offset %.1f ns", m.off);
	clkctl_fini(&m.cc);
}

Test(clkctl, free_running_never_adjusts)
{
	struct clkctl_cfg cfg;
	struct cc_sim m;
	int i;

	cs_cfg(&cfg, 0.0, 0.125);
	cfg.free_running = true;
	cs_init_cfg(&m, &cfg, 5e6, 30000.0);
	for (i = 0; i < 100; i++) {
		cs_step(&m);
		cr_assert(!m.out.step && !m.out.adjfreq);
	}
	cr_assert_eq(m.adj, 0.0);
	cr_assert_eq(m.steps, 0);
	clkctl_fini(&m.cc);
}

Test(clkctl, states_match_the_bus)
{
	/* ipc_msg.h's enum ipc_servo_state, value for value */
	cr_assert_eq((int)CLKCTL_FREE, IPC_SERVO_FREE);
	cr_assert_eq((int)CLKCTL_UNLOCKED, IPC_SERVO_UNLOCKED);
	cr_assert_eq((int)CLKCTL_JUMP, IPC_SERVO_JUMP);
	cr_assert_eq((int)CLKCTL_LOCKED, IPC_SERVO_LOCKED);
	cr_assert_eq((int)CLKCTL_LOCKED_STABLE, IPC_SERVO_LOCKED_STABLE);
	cr_assert_eq((int)CLKCTL_HOLDOVER, IPC_SERVO_HOLDOVER);
	cr_assert_eq((int)CLKCTL_FAULT, IPC_SERVO_FAULT);
	cr_assert_str_eq(clkctl_state_str(CLKCTL_LOCKED_STABLE),
			 ipc_servo_state_str(IPC_SERVO_LOCKED_STABLE));
	cr_assert_str_eq(clkctl_state_str(CLKCTL_HOLDOVER), "HOLDOVER");
	cr_assert_str_eq(clkctl_state_str((enum clkctl_state)99), "?");
}

/* fuzz_clkctl: an offset of absurd timestamps (int64 range) overflowed
 * linreg's step arithmetic; it is dropped like an outlier, counted, and
 * is no sample (holdover and FREE are judged as if it never came). */
Test(clkctl, absurd_offset_dropped)
{
	struct clkctl_cfg cfg;
	struct clkctl cc;
	struct clkctl_out o;
	int64_t bad[] = { INT64_MIN, INT64_MAX, CLKCTL_OFFSET_MAX + 1,
			  -CLKCTL_OFFSET_MAX - 1 };
	unsigned i;

	clkctl_cfg_default(&cfg);
	cfg.servo.kind = SERVO_LINREG;
	cr_assert_eq(clkctl_init(&cc, &cfg), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		clkctl_sample(&cc, bad[i], 1700000000000000000LL + i,
			      1000000000LL * (i + 1), &o);
		cr_assert(o.gated && !o.sampled && !o.step && !o.adjfreq,
			  "offset %" PRId64 " taken", bad[i]);
	}
	cr_assert_eq(cc.gated, 4);
	cr_assert_eq(clkctl_state(&cc), CLKCTL_FREE);
	/* 1970 seen from 2023: still a measurement, stepped */
	clkctl_sample(&cc, 1700000000000000000LL, 1700000000000000000LL,
		      10000000000LL, &o);
	cr_assert(o.sampled && !o.gated);
	clkctl_fini(&cc);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the servos (PI, linreg), LOCKED_STABLE and the outlier
 * gate.
 *
 * Most tests close the loop around a simulated clock: an oscillator with
 * a frequency error F (ppb), sampled every `interval` s; the measured
 * offset is the true one plus optional white noise; the servo's answer
 * is applied as the clock's frequency adjustment (in every state) and a
 * JUMP steps the clock by -measured offset. The noise comes from a
 * seeded PRNG: the seed is logged (cr_log_info, --verbose) and in every
 * failure message; set MERIDIAN_SEED to replay one.
 */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <time.h>

#include "servo.h"

TestSuite(servo, .timeout = 10);

/* ---- simulated clock --------------------------------------------------- */

struct sv_sim {
	struct servo *s;
	double t;		/* ns, master time */
	double off;		/* ns, true offset local - master */
	double freq_err;	/* ppb, the oscillator's error F */
	double adj;		/* ppb, frequency applied (servo's answer) */
	double interval;	/* s */
	double noise;		/* ns RMS of white timestamp noise */
	uint64_t rng;
	uint64_t seed;
	enum servo_state st;	/* of the last sample */
	int64_t meas;		/* last measured offset */
	int jumps;
};

static uint64_t sv_seed(void)
{
	const char *env = getenv("MERIDIAN_SEED");
	uint64_t seed = env ? strtoull(env, NULL, 0) : (uint64_t)time(NULL);

	cr_log_info("servo: MERIDIAN_SEED=%" PRIu64, seed);
	return seed;
}

/* splitmix64 */
static uint64_t sv_rand(struct sv_sim *m)
{
	uint64_t z = (m->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* standard normal (Box-Muller) */
static double sv_gauss(struct sv_sim *m)
{
	double u1 = ((double)(sv_rand(m) >> 11) + 1.0) / 9007199254740993.0;
	double u2 = (double)(sv_rand(m) >> 11) / 9007199254740992.0;

	return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

static void sv_init(struct sv_sim *m, const struct servo_cfg *cfg,
		    double off, double freq_err, double interval)
{
	*m = (struct sv_sim){
		.t = 1e12,	/* any origin */
		.off = off,
		.freq_err = freq_err,
		.adj = cfg->initial_freq,
		.interval = interval,
	};
	m->seed = sv_seed();
	m->rng = m->seed;
	m->s = servo_create(cfg);
	cr_assert_not_null(m->s);
	servo_sync_interval(m->s, interval);
}

/* One sample, then one interval of free running. Returns the answer. */
static double sv_step(struct sv_sim *m)
{
	double noise = m->noise > 0.0 ? m->noise * sv_gauss(m) : 0.0;
	int64_t local = llround(m->t + m->off);
	double out;

	m->meas = llround(m->off + noise);
	out = servo_sample(m->s, m->meas, local, &m->st);
	if (m->st == SERVO_JUMP) {
		m->off -= (double)m->meas;	/* step by -offset */
		m->jumps++;
	}
	m->adj = out;
	/* local runs at (1 + F)(1 + adj) of the master's rate */
	m->off += m->interval * 1e9 *
		  ((1.0 + m->freq_err / 1e9) * (1.0 + m->adj / 1e9) - 1.0);
	m->t += m->interval * 1e9;
	return out;
}

static void sv_fini(struct sv_sim *m)
{
	servo_destroy(m->s);
}

static struct servo_cfg sv_cfg(enum servo_kind kind)
{
	struct servo_cfg cfg;

	servo_cfg_default(&cfg);
	cfg.kind = kind;
	return cfg;
}

/* The exact frequency that cancels an error F: (1 + F)(1 + a) = 1. */
static double sv_cancel(double freq_err)
{
	return -freq_err / (1.0 + freq_err / 1e9);
}

/* ---- configuration, names ---------------------------------------------- */

Test(servo, cfg_default_is_linuxptp)
{
	struct servo_cfg cfg;

	memset(&cfg, 0x5a, sizeof(cfg));
	servo_cfg_default(&cfg);
	cr_assert_eq(cfg.kind, SERVO_PI);
	cr_assert_eq(cfg.sw_ts, false);
	cr_assert_eq(cfg.pi_kp, 0.0);
	cr_assert_eq(cfg.pi_ki, 0.0);
	cr_assert_eq(cfg.first_step_threshold, 0.00002);
	cr_assert_eq(cfg.step_threshold, 0.0);
	cr_assert_eq(cfg.max_frequency, 900000000.0);
	cr_assert_eq(cfg.initial_freq, 0.0);
	cr_assert_eq(cfg.stable_threshold_ns, 0.0);
}

Test(servo, names)
{
	cr_assert_str_eq(servo_kind_str(SERVO_PI), "pi");
	cr_assert_str_eq(servo_kind_str(SERVO_LINREG), "linreg");
	cr_assert_str_eq(servo_state_str(SERVO_UNLOCKED), "unlocked");
	cr_assert_str_eq(servo_state_str(SERVO_JUMP), "jump");
	cr_assert_str_eq(servo_state_str(SERVO_LOCKED), "locked");
	cr_assert_str_eq(servo_state_str(SERVO_LOCKED_STABLE),
			 "locked_stable");
	cr_assert_str_eq(servo_kind_str((enum servo_kind)42), "?");
}

Test(servo, create_rejects_bad_cfg)
{
	struct servo_cfg cfg = sv_cfg(SERVO_PI);

	cfg.max_frequency = 0.0;
	cr_assert_null(servo_create(&cfg));
	cfg = sv_cfg(SERVO_PI);
	cfg.max_frequency = NAN;
	cr_assert_null(servo_create(&cfg));
	cfg = sv_cfg(SERVO_PI);
	cfg.kind = (enum servo_kind)7;
	cr_assert_null(servo_create(&cfg));
	cfg = sv_cfg(SERVO_LINREG);
	cfg.pi_kp = -1.0;
	cr_assert_null(servo_create(&cfg));
	cfg = sv_cfg(SERVO_LINREG);
	struct servo *s = servo_create(&cfg);
	cr_assert_not_null(s);
	cr_assert_eq(servo_state(s), SERVO_UNLOCKED);
	servo_destroy(s);
	servo_destroy(NULL);
}

/* ---- PI constants -------------------------------------------------------- */

/*
 * Lock a PI servo on zero offsets sampled every `interval` s, count the
 * UNLOCKED answers, then read kp and ki from its answers: with the
 * integral at 0, offset x gives -(kp + ki) x and the following offset 0
 * gives the integral alone, -ki x.
 */
static void pi_gains(const struct servo_cfg *cfg, double interval,
		     int *unlocked, double *kp, double *ki)
{
	struct servo *s = servo_create(cfg);
	enum servo_state st = SERVO_UNLOCKED;
	int64_t t = 5000000000LL, step = llround(interval * 1e9);
	double a, b;
	int i;

	cr_assert_not_null(s);
	servo_sync_interval(s, interval);
	*unlocked = 0;
	for (i = 0; i < 1000; i++, t += step) {
		a = servo_sample(s, 0, t, &st);
		if (st != SERVO_UNLOCKED) {
			break;
		}
		(*unlocked)++;
	}
	cr_assert_eq(st, SERVO_LOCKED, "interval %g: %s", interval,
		     servo_state_str(st));
	cr_assert_eq(a, 0.0);
	a = servo_sample(s, 1000, t += step, &st);
	b = servo_sample(s, 0, t += step, &st);
	*ki = -b / 1000.0;
	*kp = -a / 1000.0 - *ki;
	servo_destroy(s);
}

#define assert_near(x, want, tol, ...) \
	cr_assert(fabs((x) - (want)) <= (tol), __VA_ARGS__)

Test(servo, pi_constants_scale_like_linuxptp)
{
	/*
	 * linuxptp 3.1.1 pi.c with config.c defaults, hardware stamps:
	 *   kp = min(0.7 * I^-0.3, 0.7 / I), ki = min(0.3 * I^0.4, 0.3 / I)
	 * I = 1:    kp = min(0.7, 0.7) = 0.7;  ki = min(0.3, 0.3) = 0.3
	 * I = 1/16: kp = 0.7 * 16^0.3 = 0.7 * 2.2973967 = 1.6081777
	 *                (cap 11.2);
	 *           ki = 0.3 * 16^-0.4 = 0.3 * 0.3298770 = 0.0989631
	 *                (cap 4.8)
	 * I = 2:    kp = min(0.7 * 2^-0.3 = 0.5685767, 0.35) = 0.35;
	 *           ki = min(0.3 * 2^0.4 = 0.3958524, 0.15) = 0.15
	 * software stamps, I = 1: kp = 0.1, ki = 0.001.
	 * The frequency is estimated once 0.016 / ki s have passed, less a
	 * 0.1 % margin (dt * 1.001 >= 0.016 / ki):
	 *   I = 1: 0.0533 s -> the 2nd sample locks (1 UNLOCKED)
	 *   I = 1/16: 0.16168 s -> dt >= 0.16151: 0.1875 s, the 4th sample
	 *             (3 UNLOCKED)
	 *   I = 2: 0.1067 s -> 1 UNLOCKED
	 *   sw, I = 1: 16 s -> dt >= 15.984: the sample at 16 s (16 UNLOCKED)
	 */
	static const struct {
		bool sw;
		double interval, kp, ki;
		int unlocked;
	} v[] = {
		{ false, 1.0, 0.7, 0.3, 1 },
		{ false, 0.0625, 1.6081776969958488, 0.09896309330796706, 3 },
		{ false, 2.0, 0.35, 0.15, 1 },
		{ true, 1.0, 0.1, 0.001, 16 },
	};
	unsigned i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct servo_cfg cfg = sv_cfg(SERVO_PI);
		double kp, ki;
		int unlocked;

		cfg.sw_ts = v[i].sw;
		pi_gains(&cfg, v[i].interval, &unlocked, &kp, &ki);
		assert_near(kp, v[i].kp, 1e-9, "case %u: kp %.10f", i, kp);
		assert_near(ki, v[i].ki, 1e-9, "case %u: ki %.10f", i, ki);
		cr_assert_eq(unlocked, v[i].unlocked, "case %u: %d unlocked",
			     i, unlocked);
	}
}

Test(servo, pi_configured_constants_capped)
{
	/*
	 * pi_kp and pi_ki both set: used as they are, capped at 1.0 / I and
	 * 2.0 / I. kp 0.9, ki 0.2: I = 1 -> 0.9, 0.2; I = 2 -> min(0.9,
	 * 0.5) = 0.5, min(0.2, 1.0) = 0.2. kp alone is ignored (defaults).
	 */
	struct servo_cfg cfg = sv_cfg(SERVO_PI);
	double kp, ki;
	int unlocked;

	cfg.pi_kp = 0.9;
	cfg.pi_ki = 0.2;
	pi_gains(&cfg, 1.0, &unlocked, &kp, &ki);
	assert_near(kp, 0.9, 1e-9, "kp %.10f", kp);
	assert_near(ki, 0.2, 1e-9, "ki %.10f", ki);
	pi_gains(&cfg, 2.0, &unlocked, &kp, &ki);
	assert_near(kp, 0.5, 1e-9, "kp %.10f", kp);
	assert_near(ki, 0.2, 1e-9, "ki %.10f", ki);
	cfg.pi_ki = 0.0;
	pi_gains(&cfg, 1.0, &unlocked, &kp, &ki);
	assert_near(kp, 0.7, 1e-9, "kp %.10f", kp);
	assert_near(ki, 0.3, 1e-9, "ki %.10f", ki);
}

/* ---- closed loop: start-up, sign, convergence ---------------------------- */

/*
 * 1 s ahead and 100 ppm fast: UNLOCKED while collecting, one JUMP, then
 * LOCKED, the offset under 100 ns and the frequency at -F.
 */
static void start_up(enum servo_kind kind, int want_unlocked)
{
	struct servo_cfg cfg = sv_cfg(kind);
	const double F = 100000.0;
	struct sv_sim m;
	int i, unlocked = 0, first_locked = -1;
	double out;

	sv_init(&m, &cfg, 1e9, F, 1.0);
	for (i = 0; i < 200; i++) {
		out = sv_step(&m);
		if (m.st == SERVO_UNLOCKED) {
			cr_assert_eq(m.jumps, 0, "%s: UNLOCKED after JUMP",
				     servo_kind_str(kind));
			unlocked++;
			continue;
		}
		if (m.st == SERVO_JUMP) {
			cr_assert_eq(m.jumps, 1, "%s: second JUMP at %d",
				     servo_kind_str(kind), i);
			/*
			 * Sign: ahead and fast, the answer slows the clock
			 * (linuxptp would return +F here).
			 */
			cr_assert_lt(out, -0.9 * F, "%s: %f",
				     servo_kind_str(kind), out);
			continue;
		}
		cr_assert_eq(m.st, SERVO_LOCKED);
		if (first_locked < 0) {
			first_locked = i;
		}
		if (i >= first_locked + 30) {
			cr_assert_lt(fabs(m.off), 100.0, "%s: sample %d off %f",
				     servo_kind_str(kind), i, m.off);
		}
	}
	cr_assert_eq(unlocked, want_unlocked, "%s", servo_kind_str(kind));
	cr_assert_eq(m.jumps, 1);
	cr_assert_eq(first_locked, want_unlocked + 1);
	assert_near(m.adj, sv_cancel(F), 0.01, "%s: adj %f",
		    servo_kind_str(kind), m.adj);
	sv_fini(&m);
}

Test(servo, pi_start_up_jump_lock)
{
	start_up(SERVO_PI, 1);
}

Test(servo, linreg_start_up_jump_lock)
{
	/* 4 points for the first fit: 3 UNLOCKED, the 4th jumps */
	start_up(SERVO_LINREG, 3);
}

/* Without a first step threshold the clock is slewed, never stepped. */
Test(servo, no_first_step_slews)
{
	enum servo_kind kinds[] = { SERVO_PI, SERVO_LINREG };
	unsigned k;
	int i;

	for (k = 0; k < 2; k++) {
		struct servo_cfg cfg = sv_cfg(kinds[k]);
		struct sv_sim m;

		cfg.first_step_threshold = 0.0;
		sv_init(&m, &cfg, 50000.0, 20000.0, 1.0);
		for (i = 0; i < 300; i++) {
			sv_step(&m);
			cr_assert_neq(m.st, SERVO_JUMP, "%s",
				      servo_kind_str(kinds[k]));
		}
		cr_assert_lt(fabs(m.off), 100.0, "%s: off %f",
			     servo_kind_str(kinds[k]), m.off);
		sv_fini(&m);
	}
}

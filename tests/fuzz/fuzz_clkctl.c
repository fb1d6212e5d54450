/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_clkctl - libFuzzer target for the clock-control policy
 * (common/clkctl.c) and the servos under it (PI, linreg, Kalman): any
 * sequence of offsets, clock results, new masters, new references,
 * holdover and time, with the policy's promises checked after each call.
 *
 * Input: two configuration bytes, then events until the input ends (a
 * field read past the end is 0).
 *   byte 0  bits 0-1 servo kind (% 3)      bit 2 sw_ts
 *           bit 3 warm_start               bit 4 free_running
 *           bit 5 stable_threshold 100 ns  bits 6-7 first_step_threshold
 *           (20 us, 0, 1 ms, 1 s)
 *   byte 1  bits 0-2 log2 sync interval - 4 (-4..3)
 *           bits 3-4 step_threshold (0, 1 ms, 1 s, 50 us)
 *           bits 5-7 max_frequency (500 ppm << n % 4; 900 ppm if >= 4)
 *   an event is an opcode byte (op % 8; bits 3-7 its flags) and operands:
 *     0 SAMPLE     offset: 2 octets (flag bit 3: * 2^(next byte % 40))
 *                  or 8 octets (flag bit 4: any int64, the absurd
 *                  timestamps a hostile master sends); then each action
 *                  out asks for is carried out or refused (flags bits
 *                  5, 6: refuse the step, the frequency)
 *     1 ADVANCE    delta(2): time moves on by delta << (flag & 7) ms
 *     2 TICK       clkctl_tick(), its frequency refused if flag bit 3
 *     3 HOLDOVER   clkctl_holdover(), as TICK
 *     4 NEW_MASTER clkctl_new_master()
 *     5 NEW_REF    freq(2) * 16 ppb (bounded by max_frequency, as a
 *                  clock reports), locked = flag bit 3
 *     6 INTERVAL   clkctl_sync_interval(2^(b % 8 - 4)) or, with flag
 *                  bit 3, an absurd one (0, -1, NaN, inf): ignored
 *     7 FAULT      a refused adjustment out of turn (step if bit 3)
 *
 * Invariants, after every call:
 *   - a frequency asked for, clkctl_freq() and clkctl_good_freq() are
 *     finite and within max_frequency;
 *   - no step without a cause: a step only with out.sampled and the
 *     servo's JUMP, never when free_running, never when neither step
 *     threshold is set, by exactly -offset, and only for an offset
 *     beyond the smaller threshold that is set;
 *   - free_running: nothing is ever asked of the clock;
 *   - held, gated and sampled exclude each other; synced/first_lock only
 *     with a sample, unsynced only with a step asked for;
 *   - clkctl_state() a valid state; FAULT exactly after a refusal until
 *     an adjustment worked; the class one of the table's four; holdover
 *     time never negative.
 * A violation abort()s with the failed check on stderr.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clkctl.h"
#include "fuzz_util.h"

#define FZ_MAX_STEPS	4000

struct fz {
	struct clkctl cc;
	struct clkctl_cfg cfg;
	int64_t now;
	int64_t t2;
	double max_freq;
	double step_min_ns;		/* smaller threshold set, 0 = none */
};

static void check_freq(const struct fz *z, double f)
{
	CHECK(isfinite(f));
	CHECK(fabs(f) <= z->max_freq);
}

static void check_state(const struct fz *z)
{
	const struct clkctl_class *t = &z->cfg.cls;
	enum clkctl_state st = clkctl_state(&z->cc);
	uint8_t cls = clkctl_clock_class(&z->cc, z->now);

	CHECK(st >= CLKCTL_FREE && st <= CLKCTL_FAULT);
	CHECK(strcmp(clkctl_state_str(st), "?") != 0);
	CHECK((st == CLKCTL_FAULT) == (z->cc.fault != 0));
	CHECK(cls == t->locked || cls == t->holdover_in ||
	      cls == t->holdover_out || cls == t->free_running);
	if (st == CLKCTL_LOCKED || st == CLKCTL_LOCKED_STABLE) {
		CHECK(cls == t->locked);
	}
	CHECK(clkctl_holdover_ns(&z->cc, z->now) >= 0);
	check_freq(z, clkctl_freq(&z->cc));
	check_freq(z, clkctl_good_freq(&z->cc));
}

/* The actions of out, carried out (or refused) as portd does. */
static void carry_out(struct fz *z, const struct clkctl_out *o,
		      bool refuse_step, bool refuse_freq)
{
	enum clkctl_verdict v;

	if (z->cfg.free_running) {
		CHECK(!o->step && !o->adjfreq);
	}
	if (o->step) {
		v = clkctl_clock_result(&z->cc, CLKCTL_OP_STEP,
					refuse_step ? -EPERM : 0);
		CHECK(refuse_step == (v == CLKCTL_FAULT_NEW ||
				      v == CLKCTL_FAULT_AGAIN));
		if (refuse_step) {
			return;
		}
	}
	if (o->adjfreq) {
		check_freq(z, o->freq_ppb);
		v = clkctl_clock_result(&z->cc, CLKCTL_OP_ADJFREQ,
					refuse_freq ? -ENODEV : 0);
		CHECK(refuse_freq == (v == CLKCTL_FAULT_NEW ||
				      v == CLKCTL_FAULT_AGAIN));
	}
}

static void do_sample(struct fz *z, struct fz_in *in, uint8_t flags)
{
	struct clkctl_out o;
	int64_t off;

	if (flags & 0x10) {
		off = (int64_t)u64(in);
	} else {
		off = (int16_t)u16(in);
		if (flags & 0x08) {
			off *= (int64_t)1 << (u8(in) % 40);
		}
	}
	z->t2 += 1000000;
	clkctl_sample(&z->cc, off, z->t2, z->now, &o);
	CHECK(o.held + o.gated + o.sampled <= 1);
	if (o.held || o.gated) {
		CHECK(!o.step && !o.adjfreq && !o.synced && !o.unsynced &&
		      !o.first_lock);
	}
	if (o.first_lock) {
		CHECK(o.synced);
	}
	if (o.synced || o.first_lock) {
		CHECK(o.sampled);
	}
	if (o.step) {
		/* no step without a cause */
		CHECK(o.sampled && o.servo == SERVO_JUMP);
		CHECK(o.step_ns == -off);
		CHECK(z->step_min_ns > 0.0);
		CHECK(fabs((double)off) > z->step_min_ns);
	}
	if (o.unsynced) {
		/* a step, or a warm switch whose servo never locked */
		CHECK(o.servo == SERVO_JUMP ||
		      (o.servo == SERVO_UNLOCKED && !o.synced &&
		       !z->cc.warm));
	}
	carry_out(z, &o, flags & 0x20, flags & 0x40);
}

static void fz_cfg(struct fz *z, uint8_t b0, uint8_t b1)
{
	static const double first_step[4] = { 20e-6, 0.0, 1e-3, 1.0 };
	static const double step[4] = { 0.0, 1e-3, 1.0, 50e-6 };
	double lo = 0.0;
	unsigned m = b1 >> 5;

	clkctl_cfg_default(&z->cfg);
	z->cfg.servo.kind = (enum servo_kind)((b0 & 3) % 3);
	z->cfg.servo.sw_ts = b0 & 4;
	z->cfg.servo.warm_start = b0 & 8;
	z->cfg.free_running = b0 & 16;
	if (b0 & 32) {
		z->cfg.servo.stable_threshold_ns = 100.0;
		z->cfg.servo.stable_count = 3;
	}
	z->cfg.servo.first_step_threshold = first_step[b0 >> 6];
	z->cfg.servo.step_threshold = step[(b1 >> 3) & 3];
	z->cfg.servo.max_frequency = m < 4 ? 500000.0 * (1 << m) : 900000.0;
	z->cfg.sync_interval_s = ldexp(1.0, (int)(b1 & 7) - 4);
	z->max_freq = z->cfg.servo.max_frequency;
	if (z->cfg.servo.first_step_threshold > 0.0) {
		lo = z->cfg.servo.first_step_threshold;
	}
	if (z->cfg.servo.step_threshold > 0.0 &&
	    (lo == 0.0 || z->cfg.servo.step_threshold < lo)) {
		lo = z->cfg.servo.step_threshold;
	}
	z->step_min_ns = lo * 1e9;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const double absurd[4] = { 0.0, -1.0, NAN, INFINITY };
	struct fz_in in = { data, size };
	struct clkctl_out o;
	struct fz z;
	unsigned steps = 0;
	uint8_t b0, b1;

	memset(&z, 0, sizeof(z));
	b0 = u8(&in);
	b1 = u8(&in);
	fz_cfg(&z, b0, b1);
	if (clkctl_init(&z.cc, &z.cfg) != 0) {
		abort();	/* every configuration above is valid */
	}
	z.now = 1000000000;
	z.t2 = 1700000000LL * 1000000000LL;
	check_state(&z);
	while (in.n && steps++ < FZ_MAX_STEPS) {
		uint8_t op = u8(&in);
		uint8_t fl = op & 0xf8;
		double f;

		switch (op & 7) {
		case 0:
			do_sample(&z, &in, fl);
			break;
		case 1:
			z.now += ((int64_t)u16(&in) * 1000000) <<
				 ((fl >> 3) & 7);
			break;
		case 2:
		case 3:
			if ((op & 7) == 2) {
				clkctl_tick(&z.cc, z.now, &o);
			} else {
				clkctl_holdover(&z.cc, z.now, &o);
			}
			CHECK(!o.step);
			carry_out(&z, &o, false, fl & 0x08);
			break;
		case 4:
			clkctl_new_master(&z.cc);
			break;
		case 5:
			f = (double)(int16_t)u16(&in) * 16.0;
			if (f > z.max_freq) {
				f = z.max_freq;
			} else if (f < -z.max_freq) {
				f = -z.max_freq;
			}
			clkctl_new_reference(&z.cc, f, fl & 0x08);
			break;
		case 6:
			if (fl & 0x08) {
				clkctl_sync_interval(&z.cc,
						     absurd[u8(&in) & 3]);
			} else {
				clkctl_sync_interval(&z.cc,
					ldexp(1.0, (int)(u8(&in) % 8) - 4));
			}
			break;
		case 7:
			clkctl_clock_result(&z.cc, fl & 0x08 ? CLKCTL_OP_STEP :
					    CLKCTL_OP_ADJFREQ, -EIO);
			CHECK(clkctl_state(&z.cc) == CLKCTL_FAULT);
			break;
		}
		check_state(&z);
	}
	clkctl_fini(&z.cc);
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_clkref - libFuzzer target for clockd's policy over the clocks of a
 * boundary clock (common/clkref.c, with clkctl, clkfollow and the servos
 * under them): bmcad's decisions, samples from any port with any offset,
 * ages and masters, follow ticks with any comparison, clocks that refuse,
 * with the promises checked on every output.
 *
 * Input: a configuration, then events until the input ends (a field read
 * past the end is 0).
 *   byte 0  bits 0-2 ports - 1 (1..8), bits 3-5 clocks - 1 (at most the
 *           ports), bit 6 servo linreg (else PI), bit 7 free_running
 *   byte 1  bit 0 step_threshold 1 ms, bit 1 follower first step 0
 *           (never), bits 2-3 max frequency (100, 500, 900 ppm, 32 ppb)
 *   then per port its clock (b % clocks) and software stamps (b & 0x80),
 *   per clock its own limit (b & 3: none, 50, 200 ppm, 1 ppb) and its
 *   frequency now (int8 * 1000 ppb, within its limit)
 *   an event is an opcode byte (op % 6, bits 3-7 flags) and operands:
 *     0 DECISION port, s1 = flag bit 3
 *     1 SAMPLE   port, master (b % 4), log_sync (b % 8 - 5), offset
 *                (2 octets * 2^(b % 45), or with flag bit 3 any 8
 *                octets), age (b * 10 ms)
 *     2 TICK     per clock that wants a comparison: flags (bit 0 done,
 *                bit 1 refused), offset (as SAMPLE's), the reference's
 *                time
 *     3 ADVANCE  delta(2) ms << (flag & 7)
 *     4 PERIOD   clkref_period(2^(b % 6 - 3) s)
 *     5 (unused: advance 1 ms)
 *   Each action of an output is carried out (or refused: one bit of an
 *   input byte per action) and reported with clkref_result().
 *
 * Invariants, on every output and after every call:
 *   - at most CLKREF_ACT_MAX actions and CLKREF_EV_MAX events; every
 *     action and event names a port and a clock that exist (or -1);
 *   - a frequency finite and within the clock's limit (its own, else the
 *     larger of the reference servo's and the followers');
 *   - free_running: no action at all;
 *   - no step without a cause: the reference steps only on a sample,
 *     by exactly -offset, for an offset beyond a threshold that is set;
 *     a follower steps with the reference only by a step of the
 *     reference in the same output; a follower's own step only on a tick
 *     and beyond its first step threshold (never when that is 0);
 *   - the state a valid clkctl state; the step count never goes down.
 * A violation abort()s with the failed check on stderr.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clkref.h"
#include "fuzz_util.h"

#define FZ_MAX_STEPS	3000

static int64_t offset(struct fz_in *in, bool any)
{
	uint64_t v = 0;
	int i;

	if (any) {
		for (i = 0; i < 8; i++) {
			v = v << 8 | u8(in);
		}
		return (int64_t)v;
	}
	v = (uint64_t)(int64_t)(int16_t)u16(in);
	return (int64_t)v * ((int64_t)1 << (u8(in) % 45));
}

struct fz {
	struct clkref r;
	struct clkref_cfg cfg;
	double lim[CLKREF_MAX_CLOCKS];
	int64_t now;
	int64_t t2;
	uint64_t steps;
};

enum fz_call { FZ_DECISION, FZ_SAMPLE, FZ_TICK };

static void check_out(struct fz *z, struct clkref_out *out, struct fz_in *in,
		      enum fz_call call, bool sampled, int64_t off)
{
	double ref_thr = 0.0, fl_thr = z->cfg.fl.first_step_threshold * 1e9;
	int64_t ref_step = 0;
	bool ref_stepped = false;
	unsigned i;
	uint8_t refuse = 0;

	if (z->cfg.cc.servo.first_step_threshold > 0.0) {
		ref_thr = z->cfg.cc.servo.first_step_threshold * 1e9;
	}
	if (z->cfg.cc.servo.step_threshold > 0.0 &&
	    (ref_thr == 0.0 ||
	     z->cfg.cc.servo.step_threshold * 1e9 < ref_thr)) {
		ref_thr = z->cfg.cc.servo.step_threshold * 1e9;
	}
	CHECK(out->n_act <= CLKREF_ACT_MAX);
	CHECK(out->n_ev <= CLKREF_EV_MAX);
	if (z->cfg.cc.free_running) {
		CHECK(out->n_act == 0);
	}
	for (i = 0; i < out->n_act; i++) {
		const struct clkref_act *a = &out->act[i];

		CHECK(a->clock >= 0 && (unsigned)a->clock < z->cfg.n_clocks);
		CHECK(a->op == CLKREF_STEP || a->op == CLKREF_FREQ);
		if (a->op == CLKREF_FREQ) {
			CHECK(isfinite(a->freq_ppb));
			CHECK(fabs(a->freq_ppb) <= z->lim[a->clock]);
			continue;
		}
		switch (a->why) {
		case CLKREF_W_REF:
			CHECK(call == FZ_SAMPLE && sampled);
			CHECK(a->step_ns == -off);
			CHECK(ref_thr > 0.0 && fabs((double)off) > ref_thr);
			ref_stepped = true;
			ref_step = a->step_ns;
			break;
		case CLKREF_W_WITH_REF:
			CHECK(ref_stepped && a->step_ns == ref_step);
			break;
		case CLKREF_W_FOLLOW:
			CHECK(call == FZ_TICK);
			CHECK(fl_thr > 0.0 &&
			      fabs((double)a->step_ns) > fl_thr);
			break;
		default:
			CHECK(!"a step for no reason");
		}
	}
	for (i = 0; i < out->n_ev; i++) {
		const struct clkref_ev *e = &out->ev[i];

		CHECK(e->port >= -1 && e->port < (int)z->cfg.n_ports);
		CHECK(e->clock >= -1 && e->clock < (int)z->cfg.n_clocks);
		CHECK(e->type >= CLKREF_EV_SLAVE &&
		      e->type <= CLKREF_EV_FOLLOW_HOLDOVER);
	}
	/* carry the actions out, as clockd does */
	for (i = 0; i < out->n_act; i++) {
		if (i % 8 == 0) {
			refuse = u8(in);
		}
		if (out->act[i].skip) {
			continue;
		}
		clkref_result(&z->r, out, i,
			      refuse & (1u << (i % 8)) ? -EPERM : 0);
		CHECK(out->n_ev <= CLKREF_EV_MAX);
	}
}

static void check_state(struct fz *z)
{
	enum clkctl_state st = clkref_state(&z->r);
	uint64_t steps = clkref_steps(&z->r);

	CHECK(st >= CLKCTL_FREE && st <= CLKCTL_FAULT);
	CHECK(steps >= z->steps);
	z->steps = steps;
	CHECK(z->r.slave >= -1 && z->r.slave < (int)z->cfg.n_ports);
	CHECK(z->r.ref >= -1 && z->r.ref < (int)z->cfg.n_clocks);
	CHECK(isfinite(clkctl_freq(&z->r.cc)));
}

static void fz_cfg(struct fz *z, struct fz_in *in, double *freq)
{
	static const double maxf[4] = { 100000.0, 500000.0, 900000.0, 32.0 };
	static const double own[4] = { 0.0, 50000.0, 200000.0, 1.0 };
	uint8_t b0 = u8(in), b1 = u8(in);
	unsigned i, np, nc;
	double m;

	clkref_cfg_default(&z->cfg);
	np = 1 + (b0 & 7);
	nc = 1 + ((b0 >> 3) & 7);
	if (nc > np) {
		nc = np;
	}
	z->cfg.n_ports = np;
	z->cfg.n_clocks = nc;
	z->cfg.cc.servo.kind = b0 & 0x40 ? SERVO_LINREG : SERVO_PI;
	z->cfg.cc.free_running = b0 & 0x80;
	z->cfg.fl.free_running = b0 & 0x80;
	if (b1 & 1) {
		z->cfg.cc.servo.step_threshold = 0.001;
	}
	if (b1 & 2) {
		z->cfg.fl.first_step_threshold = 0.0;
	}
	z->cfg.cc.servo.max_frequency = maxf[(b1 >> 2) & 3];
	z->cfg.fl.max_frequency = maxf[(b1 >> 2) & 3];
	for (i = 0; i < np; i++) {
		uint8_t b = u8(in);

		z->cfg.port_clock[i] = (uint8_t)((b & 0x7f) % nc);
		z->cfg.port_sw_ts[i] = b & 0x80;
	}
	for (i = 0; i < nc; i++) {
		z->cfg.clock_max_ppb[i] = own[u8(in) & 3];
		m = z->cfg.clock_max_ppb[i] > 0.0 ? z->cfg.clock_max_ppb[i] :
		    fmax(z->cfg.cc.servo.max_frequency,
			 z->cfg.fl.max_frequency);
		z->lim[i] = m;
		freq[i] = fmax(-m, fmin(m, (int8_t)u8(in) * 1000.0));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct clkref_out out;
	static struct fz z;
	struct fz_in in = { data, size };
	struct clkref_cmp cmp[CLKREF_MAX_CLOCKS];
	double freq[CLKREF_MAX_CLOCKS] = { 0 };
	unsigned steps = 0, c;

	memset(&z, 0, sizeof(z));
	fz_cfg(&z, &in, freq);
	if (clkref_init(&z.r, &z.cfg, freq) != 0) {
		abort();	/* every configuration above is valid */
	}
	z.now = 1000000000;
	z.t2 = 1700000000LL * 1000000000LL;
	while (in.n && steps++ < FZ_MAX_STEPS) {
		uint8_t op = u8(&in), fl = op & 0xf8;
		struct port_identity m;
		unsigned port;
		int64_t off, age;
		int8_t ls;
		bool took;

		memset(&out, 0, sizeof(out));
		switch (op & 7) {
		case 0:
			port = u8(&in) % z.cfg.n_ports;
			clkref_decision(&z.r, port, fl & 0x08, z.now, &out);
			check_out(&z, &out, &in, FZ_DECISION, false, 0);
			break;
		case 1:
			port = u8(&in) % z.cfg.n_ports;
			memset(&m, 0, sizeof(m));
			m.clockIdentity.id[7] = u8(&in) & 3;
			m.portNumber = 1;
			ls = (int8_t)(u8(&in) % 8 - 5);
			off = offset(&in, fl & 0x08);
			age = (int64_t)u8(&in) * 10000000;
			z.t2 += 1000000;
			took = clkref_sample(&z.r, port, &m, ls, off, z.t2,
					     age, z.now, &out);
			check_out(&z, &out, &in, FZ_SAMPLE, took, off);
			break;
		case 2:
			memset(cmp, 0, sizeof(cmp));
			for (c = 0; c < z.cfg.n_clocks; c++) {
				uint8_t f;

				if (!clkref_wants_compare(&z.r, c)) {
					continue;
				}
				f = u8(&in);
				cmp[c].done = f & 1;
				cmp[c].rc = f & 2 ? -EIO : 0;
				cmp[c].off_ns = offset(&in, f & 4);
				cmp[c].ref_ns = z.t2;
			}
			clkref_tick(&z.r, z.now, cmp, &out);
			check_out(&z, &out, &in, FZ_TICK, false, 0);
			break;
		case 3:
			z.now += ((int64_t)u16(&in) * 1000000) <<
				 ((fl >> 3) & 7);
			break;
		case 4:
			clkref_period(&z.r, ldexp(1.0, (int)(u8(&in) % 6) - 3));
			break;
		default:
			z.now += 1000000;
			break;
		}
		check_state(&z);
	}
	clkref_fini(&z.r);
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sim_model.h - the pure model of a simulated PHC (no clock, no I/O).
 *
 * A simulated clock is a linear function of a reference time base (in the
 * lab: CLOCK_REALTIME; in the simulator: its own virtual time):
 *
 *	sim(t) = sim_ref + (t - real_ref) * (1 + (freq + adj) * 1e-9)
 *
 * where freq is the intrinsic frequency error of the simulated oscillator
 * and adj is the steering adjustment a servo applied (clock_adjtime
 * ADJ_FREQUENCY on a real PHC). Both are in ppb; positive means the
 * simulated clock runs FAST relative to the reference.
 *
 * Fixed point, no floating point on the time path:
 *
 *   - times are tmv_t (seconds + 2^-16 ns), so absolute times and any span
 *     are representable; the reference point is rebased on every rate
 *     change, so (t - real_ref) is the time since the last change.
 *   - rates are int64 in 2^-16 ppb ("sppb"): a resolution of 1.5e-14,
 *     finer than any oscillator, and enough range for SIM_PPB_MAX.
 *   - the product is formed in __int128, split as
 *	dt.sec * rate + dt.sns * rate / SNS_PER_SEC	(in 2^-16 ns)
 *     which is exact for the seconds part (SNS_PER_SEC = 1e9 * 2^16) and
 *     cannot overflow for any dt and |rate| <= 2 * SIM_PPB_MAX.
 *
 * Precision: one evaluation is exact except for the final floor to a
 * multiple of 2^-16 ns (about 15 fs), so the error of sim(t) is in
 * [-2^-16 ns, 0]. Results round toward negative infinity, which keeps
 * sim() monotonic in t for any rate > -1e9 ppb. Rebasing stores sim(now)
 * exactly as evaluated, so a rate change never makes the clock jump.
 *
 * Every function here is pure and total; setters that can be given an out
 * of range rate return -ERANGE and leave the model unchanged.
 */
#ifndef MERIDIAN_SIM_MODEL_H
#define MERIDIAN_SIM_MODEL_H

#include <stdint.h>

#include "ptp_time.h"

/* Fraction bits of a rate in sppb: 1 sppb = 2^-16 ppb. */
#define SIM_SPPB_SHIFT	16
/* Largest |freq| and |adj| a model accepts: 1e8 ppb (10 %). */
#define SIM_PPB_MAX	100000000LL
#define SIM_SPPB_MAX	(SIM_PPB_MAX << SIM_SPPB_SHIFT)

struct sim_model {
	tmv_t real_ref;		/* reference time at the last rebase */
	tmv_t sim_ref;		/* simulated time at real_ref */
	int64_t freq_sppb;	/* intrinsic error, 2^-16 ppb, + = fast */
	int64_t adj_sppb;	/* steering adjustment, 2^-16 ppb, + = faster */
};

/*
 * Convert a rate in ppb (floating point, at the API boundary only) to
 * sppb, rounding to nearest. -ERANGE when not finite or |ppb| >
 * SIM_PPB_MAX; *sppb is untouched then.
 */
int sim_ppb_to_sppb(double ppb, int64_t *sppb);
/* And back, for display and getfreq(). */
double sim_sppb_to_ppb(int64_t sppb);

/*
 * Start a model: at reference time real the clock reads sim, with
 * intrinsic error freq_sppb and no adjustment. -ERANGE if freq_sppb is out
 * of range.
 */
int sim_model_init(struct sim_model *m, tmv_t real, tmv_t sim,
		   int64_t freq_sppb);

/*
 * Scale a span: dt * (1 + rate_sppb * 2^-16 * 1e-9), floored to 2^-16 ns.
 * rate_sppb must be within +-2 * SIM_SPPB_MAX (it is clamped there).
 */
tmv_t sim_scale(tmv_t dt, int64_t rate_sppb);

/* The simulated time at reference time real (before or after real_ref). */
tmv_t sim_model_eval(const struct sim_model *m, tmv_t real);

/* Total rate error in sppb: freq + adj. */
static inline int64_t sim_model_rate(const struct sim_model *m)
{
	return m->freq_sppb + m->adj_sppb;
}

/* Move the reference point to real without changing sim(t) anywhere
 * (up to the 2^-16 ns floor of the new sim_ref). */
void sim_model_rebase(struct sim_model *m, tmv_t real);

/* Rebase at real, then set the steering adjustment (adjfreq). */
int sim_model_set_adj(struct sim_model *m, tmv_t real, int64_t adj_sppb);

/* Rebase at real, then set the intrinsic error (wander, temperature). */
int sim_model_set_freq(struct sim_model *m, tmv_t real, int64_t freq_sppb);

/* Step the clock by delta (positive = forward); the rate is unchanged. */
void sim_model_step(struct sim_model *m, tmv_t delta);

/*
 * Random-walk frequency wander, a pure function of its seed: each call
 * returns the next increment of the intrinsic error in sppb, drawn from an
 * approximately normal distribution (Irwin-Hall, 12 uniforms) with mean 0
 * and standard deviation sigma_sppb. The same seed gives the same sequence
 * on every platform (splitmix64, integer only). The caller adds the
 * increment with sim_model_set_freq() once per wander interval.
 */
struct sim_wander {
	uint64_t state;		/* splitmix64 state */
	int64_t sigma_sppb;	/* step std dev, 2^-16 ppb, 0..2*SIM_SPPB_MAX */
};

void sim_wander_init(struct sim_wander *w, uint64_t seed, int64_t sigma_sppb);
int64_t sim_wander_next(struct sim_wander *w);

#endif

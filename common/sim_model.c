/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sim_model.c - the pure model of a simulated PHC (see sim_model.h).
 */
#include "sim_model.h"

#include <errno.h>
#include <math.h>

typedef __int128 i128;

int sim_ppb_to_sppb(double ppb, int64_t *sppb)
{
	if (!isfinite(ppb) || fabs(ppb) > (double)SIM_PPB_MAX)
		return -ERANGE;
	*sppb = llround(ppb * (double)(1 << SIM_SPPB_SHIFT));
	return 0;
}

double sim_sppb_to_ppb(int64_t sppb)
{
	return (double)sppb / (double)(1 << SIM_SPPB_SHIFT);
}

static int rate_ok(int64_t sppb)
{
	return sppb >= -SIM_SPPB_MAX && sppb <= SIM_SPPB_MAX;
}

int sim_model_init(struct sim_model *m, tmv_t real, tmv_t sim,
		   int64_t freq_sppb)
{
	if (!rate_ok(freq_sppb))
		return -ERANGE;
	m->real_ref = real;
	m->sim_ref = sim;
	m->freq_sppb = freq_sppb;
	m->adj_sppb = 0;
	return 0;
}

/* floor(a / b) for b > 0. */
static i128 floor_div(i128 a, i128 b)
{
	i128 q = a / b;

	if (a % b < 0)
		q -= 1;
	return q;
}

/* A count of 2^-16 ns as a tmv_t, saturating the seconds at int64. */
static tmv_t sns_to_tmv(i128 sns)
{
	i128 sec = floor_div(sns, SNS_PER_SEC);
	int64_t frac = (int64_t)(sns - sec * SNS_PER_SEC);

	if (sec > INT64_MAX)
		return tmv_make(INT64_MAX, frac);
	if (sec < INT64_MIN)
		return tmv_make(INT64_MIN, frac);
	return tmv_make((int64_t)sec, frac);
}

tmv_t sim_scale(tmv_t dt, int64_t rate_sppb)
{
	i128 corr;

	if (rate_sppb > 2 * SIM_SPPB_MAX)
		rate_sppb = 2 * SIM_SPPB_MAX;
	if (rate_sppb < -2 * SIM_SPPB_MAX)
		rate_sppb = -2 * SIM_SPPB_MAX;
	/*
	 * corr = dt_sns * rate_ppb * 1e-9 in 2^-16 ns, where rate_ppb =
	 * rate_sppb / 2^16, i.e. dt_sns * rate_sppb / SNS_PER_SEC. With
	 * dt_sns = dt.sec * SNS_PER_SEC + dt.sns the seconds part is exact:
	 * |dt.sec * rate| < 2^63 * 2^44 and |dt.sns * rate| < 2^46 * 2^44,
	 * both far inside __int128.
	 */
	corr = (i128)dt.sec * rate_sppb +
	       floor_div((i128)dt.sns * rate_sppb, SNS_PER_SEC);
	return tmv_add(dt, sns_to_tmv(corr));
}

tmv_t sim_model_eval(const struct sim_model *m, tmv_t real)
{
	tmv_t dt = tmv_sub(real, m->real_ref);

	return tmv_add(m->sim_ref, sim_scale(dt, sim_model_rate(m)));
}

void sim_model_rebase(struct sim_model *m, tmv_t real)
{
	m->sim_ref = sim_model_eval(m, real);
	m->real_ref = real;
}

int sim_model_set_adj(struct sim_model *m, tmv_t real, int64_t adj_sppb)
{
	if (!rate_ok(adj_sppb))
		return -ERANGE;
	sim_model_rebase(m, real);
	m->adj_sppb = adj_sppb;
	return 0;
}

int sim_model_set_freq(struct sim_model *m, tmv_t real, int64_t freq_sppb)
{
	if (!rate_ok(freq_sppb))
		return -ERANGE;
	sim_model_rebase(m, real);
	m->freq_sppb = freq_sppb;
	return 0;
}

void sim_model_step(struct sim_model *m, tmv_t delta)
{
	m->sim_ref = tmv_add(m->sim_ref, delta);
}

/* splitmix64 (Steele, Lea, Flood 2014): one 64-bit output per call. */
static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void sim_wander_init(struct sim_wander *w, uint64_t seed, int64_t sigma_sppb)
{
	if (sigma_sppb < 0)
		sigma_sppb = 0;
	if (sigma_sppb > 2 * SIM_SPPB_MAX)
		sigma_sppb = 2 * SIM_SPPB_MAX;
	w->state = seed;
	w->sigma_sppb = sigma_sppb;
}

int64_t sim_wander_next(struct sim_wander *w)
{
	/*
	 * Sum of 12 uniforms on [0, 2^16): mean 12 * 2^15, variance
	 * 12 * 2^32 / 12 = 2^32, so (sum - mean) / 2^16 is close to N(0, 1).
	 * Three 64-bit draws give the twelve 16-bit uniforms.
	 */
	int64_t sum = 0;
	int i, j;

	for (i = 0; i < 3; i++) {
		uint64_t r = splitmix64(&w->state);

		for (j = 0; j < 4; j++) {
			sum += (int64_t)(r & 0xffff);
			r >>= 16;
		}
	}
	sum -= 12 * (1 << 15);
	/* |sum| <= 2^19 and sigma <= 2^44 (clamped by init) */
	return (int64_t)floor_div((i128)sum * w->sigma_sppb, 1 << 16);
}

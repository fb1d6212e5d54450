// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * figures.c - the accuracy figures of one simulated node (figures.h).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "figures.h"

const double sim_fig_taus[SIM_FIG_NTAU] = { 1.0, 10.0, 100.0, 1000.0 };

/* dTE_L / dTE_H split (G.8273.2 7.1: 0.1 Hz) */
#define LP_CUTOFF_HZ	0.1

/*
 * The time after which |te| stays below thr to the end of te[0..n): the
 * time of the sample after the last one at or beyond thr (0 if none is);
 * -1 if the last sample is beyond (never converged). *idx: that sample.
 */
static double converged(const double *te, size_t n, double thr,
			int64_t period_ns, size_t *idx)
{
	size_t i = n;

	while (i > 0 && fabs(te[i - 1]) < thr) {
		i--;
	}
	*idx = i;
	if (i == n) {
		return -1.0;
	}
	return (double)i * (double)period_ns * 1e-9;
}

/*
 * MTIE over windows of k + 1 samples (an observation interval of k
 * periods) of x[0..n): the largest max - min within any window, with
 * monotonic deques of indices (O(n)). -1 if the series is shorter.
 */
static double mtie(const double *x, size_t n, size_t k, size_t *qmax,
		   size_t *qmin)
{
	size_t hmax = 0, tmax = 0, hmin = 0, tmin = 0, i;
	double best = 0.0;

	if (k == 0 || n < k + 1) {
		return -1.0;
	}
	for (i = 0; i < n; i++) {
		while (tmax > hmax && x[qmax[tmax - 1]] <= x[i]) {
			tmax--;
		}
		qmax[tmax++] = i;
		while (tmin > hmin && x[qmin[tmin - 1]] >= x[i]) {
			tmin--;
		}
		qmin[tmin++] = i;
		if (qmax[hmax] + k < i) {
			hmax++;
		}
		if (qmin[hmin] + k < i) {
			hmin++;
		}
		if (i >= k && x[qmax[hmax]] - x[qmin[hmin]] > best) {
			best = x[qmax[hmax]] - x[qmin[hmin]];
		}
	}
	return best;
}

static double holdover_at(const struct sim_fig_in *in, size_t h, double s)
{
	size_t j = h + (size_t)llround(s * 1e9 / (double)in->period_ns);

	if (j >= in->n) {
		return -1.0;
	}
	return fabs(in->te_ns[j] - in->te_ns[h]);
}

int sim_figures(const struct sim_fig_in *in, struct sim_figures *out)
{
	double rc, alpha, lp, sum = 0.0, sq = 0.0, fsq = 0.0, hmin, hmax;
	size_t n, c, c100, i, m, *qmax, *qmin;
	double *dl;
	int t;

	if (!in || !out || !in->te_ns || in->period_ns <= 0) {
		return -EINVAL;
	}
	*out = (struct sim_figures){
		.converged_s = -1.0, .converged100_s = -1.0,
		.holdover100_ns = -1.0, .holdover1000_ns = -1.0,
	};
	for (t = 0; t < SIM_FIG_NTAU; t++) {
		out->dte_l_mtie_ns[t] = -1.0;
	}
	n = in->n;
	if (in->end_ns > 0 && (uint64_t)(in->end_ns / in->period_ns) < n) {
		n = (size_t)(in->end_ns / in->period_ns);
	}
	if (in->holdover_start_ns >= 0) {
		size_t h = (size_t)(in->holdover_start_ns / in->period_ns);

		if (h < in->n) {
			out->holdover100_ns = holdover_at(in, h, 100.0);
			out->holdover1000_ns = holdover_at(in, h, 1000.0);
		}
	}
	if (n == 0) {
		return 0;
	}
	out->converged_s = converged(in->te_ns, n, 1000.0, in->period_ns, &c);
	out->converged100_s = converged(in->te_ns, n, 100.0, in->period_ns,
					&c100);
	if (c == n) {
		c = 0;		/* never converged: judge it all */
	}
	if (in->judge_from_ns > 0) {
		size_t j = (size_t)(in->judge_from_ns / in->period_ns);

		if (j > c) {
			c = j < n ? j : n - 1;
		}
	}
	out->judged_from_s = (double)c * (double)in->period_ns * 1e-9;
	m = n - c;
	out->n_judged = m;
	for (i = c; i < n; i++) {
		double v = in->te_ns[i];

		sum += v;
		sq += v * v;
		if (fabs(v) > out->te_max_ns) {
			out->te_max_ns = fabs(v);
		}
		if (in->ferr_ppb) {
			fsq += in->ferr_ppb[i] * in->ferr_ppb[i];
			if (fabs(in->ferr_ppb[i]) > out->ferr_max_ppb) {
				out->ferr_max_ppb = fabs(in->ferr_ppb[i]);
			}
		}
	}
	out->cte_ns = sum / (double)m;
	out->te_rms_ns = sqrt(sq / (double)m);
	out->ferr_rms_ppb = in->ferr_ppb ? sqrt(fsq / (double)m) : 0.0;

	/* first-order low-pass at 0.1 Hz: dTE_L = lp - cTE, dTE_H = te - lp */
	dl = malloc(m * sizeof(*dl));
	qmax = malloc(m * sizeof(*qmax));
	qmin = malloc(m * sizeof(*qmin));
	if (!dl || !qmax || !qmin) {
		free(dl);
		free(qmax);
		free(qmin);
		return -ENOMEM;
	}
	rc = 1.0 / (2.0 * M_PI * LP_CUTOFF_HZ);
	alpha = ((double)in->period_ns * 1e-9) /
		(rc + (double)in->period_ns * 1e-9);
	lp = in->te_ns[c];
	hmin = HUGE_VAL;
	hmax = -HUGE_VAL;
	for (i = 0; i < m; i++) {
		double v = in->te_ns[c + i];

		lp += alpha * (v - lp);
		dl[i] = lp - out->cte_ns;
		if (v - lp < hmin) {
			hmin = v - lp;
		}
		if (v - lp > hmax) {
			hmax = v - lp;
		}
	}
	out->dte_h_pp_ns = hmax - hmin;
	for (t = 0; t < SIM_FIG_NTAU; t++) {
		size_t k = (size_t)llround(sim_fig_taus[t] * 1e9 /
					   (double)in->period_ns);

		out->dte_l_mtie_ns[t] = mtie(dl, m, k, qmax, qmin);
	}
	free(dl);
	free(qmax);
	free(qmin);
	return 0;
}

int sim_figures_fmt(const struct sim_figures *f, char *buf, size_t len)
{
	return snprintf(buf, len,
			"converged_s=%.1f converged100_s=%.1f te_rms_ns=%.1f "
			"te_max_ns=%.1f cte_ns=%.1f dte_l_mtie1_ns=%.1f "
			"dte_l_mtie10_ns=%.1f dte_l_mtie100_ns=%.1f "
			"dte_l_mtie1000_ns=%.1f dte_h_pp_ns=%.1f "
			"ferr_rms_ppb=%.3f ferr_max_ppb=%.3f "
			"holdover100_ns=%.1f holdover1000_ns=%.1f "
			"judged_from_s=%.1f judged=%zu",
			f->converged_s, f->converged100_s, f->te_rms_ns,
			f->te_max_ns, f->cte_ns, f->dte_l_mtie_ns[0],
			f->dte_l_mtie_ns[1], f->dte_l_mtie_ns[2],
			f->dte_l_mtie_ns[3], f->dte_h_pp_ns, f->ferr_rms_ppb,
			f->ferr_max_ppb, f->holdover100_ns, f->holdover1000_ns,
			f->judged_from_s, f->n_judged);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fallback/figures.c - a stand-in for tests/sim/figures.c (the lead's),
 * built into meridian-sim only while that file does not exist (sim.mk):
 * convergence, RMS, max|TE|, cTE, frequency error and holdover drift;
 * the dTE figures are left at -1.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../figures.h"

const double sim_fig_taus[SIM_FIG_NTAU] = { 1, 10, 100, 1000 };

static size_t conv_at(const double *te, size_t n, double bound)
{
	size_t i = n;

	while (i > 0 && fabs(te[i - 1]) < bound) {
		i--;
	}
	return i;
}

int sim_figures(const struct sim_fig_in *in, struct sim_figures *out)
{
	size_t n = in->n, c, c100, i, k;
	double sum = 0, sum2 = 0, max = 0, fs2 = 0, fmax = 0;
	int64_t t0;

	if (!in->te_ns || in->period_ns <= 0) {
		return -EINVAL;
	}
	memset(out, 0, sizeof(*out));
	if (in->end_ns > 0 && (size_t)(in->end_ns / in->period_ns) < n) {
		n = (size_t)(in->end_ns / in->period_ns);
	}
	c = conv_at(in->te_ns, n, 1000);
	c100 = conv_at(in->te_ns, n, 100);
	out->converged_s = c < n ? (c + 1) * (in->period_ns * 1e-9) : -1;
	out->converged100_s = c100 < n ? (c100 + 1) *
				(in->period_ns * 1e-9) : -1;
	if (c >= n) {
		c = 0;
	}
	for (i = c; i < n; i++) {
		sum += in->te_ns[i];
		sum2 += in->te_ns[i] * in->te_ns[i];
		if (fabs(in->te_ns[i]) > max) {
			max = fabs(in->te_ns[i]);
		}
		if (in->ferr_ppb) {
			fs2 += in->ferr_ppb[i] * in->ferr_ppb[i];
			if (fabs(in->ferr_ppb[i]) > fmax) {
				fmax = fabs(in->ferr_ppb[i]);
			}
		}
	}
	out->n_judged = n - c;
	if (n > c) {
		out->te_rms_ns = sqrt(sum2 / (n - c));
		out->cte_ns = sum / (n - c);
		out->ferr_rms_ppb = sqrt(fs2 / (n - c));
	}
	out->te_max_ns = max;
	out->ferr_max_ppb = fmax;
	for (k = 0; k < SIM_FIG_NTAU; k++) {
		out->dte_l_mtie_ns[k] = -1;
	}
	out->dte_h_pp_ns = -1;
	out->holdover100_ns = out->holdover1000_ns = -1;
	if (in->holdover_start_ns >= 0) {
		t0 = in->holdover_start_ns / in->period_ns;
		i = (size_t)t0 + (size_t)(100e9 / in->period_ns);
		if (i < in->n) {
			out->holdover100_ns = fabs(in->te_ns[i] -
						   in->te_ns[t0]);
		}
		i = (size_t)t0 + (size_t)(1000e9 / in->period_ns);
		if (i < in->n) {
			out->holdover1000_ns = fabs(in->te_ns[i] -
						    in->te_ns[t0]);
		}
	}
	return 0;
}

int sim_figures_fmt(const struct sim_figures *f, char *buf, size_t len)
{
	return snprintf(buf, len, "converged_s=%.1f converged100_s=%.1f "
			"te_rms_ns=%.1f te_max_ns=%.0f cte_ns=%.1f "
			"ferr_rms_ppb=%.3f ferr_max_ppb=%.3f "
			"holdover100_ns=%.0f holdover1000_ns=%.0f",
			f->converged_s, f->converged100_s, f->te_rms_ns,
			f->te_max_ns, f->cte_ns, f->ferr_rms_ppb,
			f->ferr_max_ppb, f->holdover100_ns,
			f->holdover1000_ns);
}

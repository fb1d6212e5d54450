/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * figures.h - the accuracy figures of one simulated node, from its time
 * error series (pure computation: no I/O, no globals).
 *
 * Input: TE samples (PHC - true time, ns) taken every period_ns of
 * virtual time from t = 0, and optionally the clock's remaining
 * frequency error (ppb) at the same instants.
 *
 * Figures (G.8273.2 vocabulary where it has one):
 *   converged_s / converged100_s: the time after which |TE| stays below
 *     1 us / 100 ns to the end of the series (or of the judged window,
 *     see end_ns), -1 if never;
 *   te_rms_ns, te_max_ns: RMS and max|TE| after converged_s, or after
 *     judge_from_ns if that is later (judged_from_s says which; the
 *     whole series if it never converged);
 *   cte_ns: constant time error, the mean TE after converged_s;
 *   dte_l_mtie_ns[]: MTIE of dTE_L (TE low-passed by a first-order
 *     0.1 Hz filter, its mean removed) for the observation intervals in
 *     SIM_FIG_TAUS (1, 10, 100, 1000 s; -1 where the series is shorter);
 *   dte_h_pp_ns: peak-to-peak of dTE_H (TE minus its 0.1 Hz low-pass);
 *   ferr_rms_ppb, ferr_max_ppb: frequency error after converged_s (0
 *     without a frequency series);
 *   holdover: when holdover_start_ns >= 0, |TE(start + 100 s) - TE(start)|
 *     and |TE(start + 1000 s) - TE(start)| (-1 if the series ends before).
 */
#ifndef MERIDIAN_SIM_FIGURES_H
#define MERIDIAN_SIM_FIGURES_H

#include <stddef.h>
#include <stdint.h>

#define SIM_FIG_NTAU 4
extern const double sim_fig_taus[SIM_FIG_NTAU];	/* 1, 10, 100, 1000 s */

struct sim_fig_in {
	const double *te_ns;		/* n samples */
	const double *ferr_ppb;		/* n samples, or NULL */
	size_t n;
	int64_t period_ns;		/* between samples, > 0 */
	int64_t end_ns;			/* judge only samples before this; 0 =
					 * all (e.g. stop at a holdover) */
	int64_t holdover_start_ns;	/* -1 = none */
	int64_t judge_from_ns;		/* judge no earlier than this (0) */
};

struct sim_figures {
	double converged_s, converged100_s;
	double te_rms_ns, te_max_ns;
	double cte_ns;
	double dte_l_mtie_ns[SIM_FIG_NTAU];
	double dte_h_pp_ns;
	double ferr_rms_ppb, ferr_max_ppb;
	double holdover100_ns, holdover1000_ns;
	double judged_from_s;		/* the judged part starts here */
	size_t n_judged;		/* samples judged */
};

/* Compute every figure; returns 0, or -EINVAL for a bad input. */
int sim_figures(const struct sim_fig_in *in, struct sim_figures *out);

/* One line, "key=value" pairs separated by spaces, no newline, e.g.
 * "converged_s=9.8 converged100_s=12.3 te_rms_ns=21.4 ...": the format
 * meridian-sim prints per node and scripts/sim-report parses. Returns
 * snprintf's result. */
int sim_figures_fmt(const struct sim_figures *f, char *buf, size_t len);

#endif

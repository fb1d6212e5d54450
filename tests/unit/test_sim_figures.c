// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_sim_figures.c - the simulator's accuracy figures (tests/sim/figures.c)
 * on series whose figures are known by construction.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../sim/figures.h"

#define P100MS 100000000LL

static struct sim_fig_in in_of(const double *te, size_t n)
{
	return (struct sim_fig_in){ .te_ns = te, .n = n, .period_ns = P100MS,
				    .holdover_start_ns = -1 };
}

Test(sim_figures, constant_series)
{
	double te[1000];
	struct sim_figures f;
	struct sim_fig_in in;
	size_t i;

	for (i = 0; i < 1000; i++) {
		te[i] = 10.0;
	}
	in = in_of(te, 1000);
	cr_assert_eq(sim_figures(&in, &f), 0);
	cr_expect_float_eq(f.converged_s, 0.0, 1e-12);
	cr_expect_float_eq(f.converged100_s, 0.0, 1e-12);
	cr_expect_float_eq(f.te_rms_ns, 10.0, 1e-9);
	cr_expect_float_eq(f.te_max_ns, 10.0, 1e-9);
	cr_expect_float_eq(f.cte_ns, 10.0, 1e-9);
	cr_expect_float_eq(f.dte_h_pp_ns, 0.0, 1e-9);
	cr_expect_float_eq(f.dte_l_mtie_ns[0], 0.0, 1e-9);
	cr_expect_float_eq(f.dte_l_mtie_ns[1], 0.0, 1e-9);
	cr_expect_eq(f.dte_l_mtie_ns[3], -1.0, "100 s is shorter than 1000 s");
	cr_expect_eq(f.holdover100_ns, -1.0);
	cr_expect_eq(f.n_judged, 1000);
}

/* 5 s at 5 us, then +-50 ns: converged (both thresholds) at 5.0 s, the
 * judged part is the +-50 alone */
Test(sim_figures, convergence_and_judged_window)
{
	double te[600];
	struct sim_figures f;
	struct sim_fig_in in;
	size_t i;

	for (i = 0; i < 600; i++) {
		te[i] = i < 50 ? 5000.0 : (i % 2 ? 50.0 : -50.0);
	}
	te[100] = 500.0;	/* above 100 ns, below 1 us */
	in = in_of(te, 600);
	cr_assert_eq(sim_figures(&in, &f), 0);
	cr_expect_float_eq(f.converged_s, 5.0, 1e-9);
	cr_expect_float_eq(f.converged100_s, 10.1, 1e-9);
	cr_expect_float_eq(f.te_max_ns, 500.0, 1e-9);
	cr_expect_eq(f.n_judged, 550);
	cr_expect(fabs(f.cte_ns - (500.0 + 50.0) / 550.0) < 1e-9,
		  "cte %f", f.cte_ns);
	cr_expect(f.te_rms_ns > 50.0 && f.te_rms_ns < 60.0, "rms %f",
		  f.te_rms_ns);
}

/* judge_from_ns later than the convergence moves the judged window */
Test(sim_figures, judge_from)
{
	double te[600];
	struct sim_figures f;
	struct sim_fig_in in;
	size_t i;

	for (i = 0; i < 600; i++) {
		te[i] = i < 50 ? 5000.0 : i < 300 ? 900.0 : 20.0;
	}
	in = in_of(te, 600);
	cr_assert_eq(sim_figures(&in, &f), 0);
	cr_expect_float_eq(f.converged_s, 5.0, 1e-9);
	cr_expect_float_eq(f.judged_from_s, 5.0, 1e-9);
	cr_expect_float_eq(f.te_max_ns, 900.0, 1e-9);
	in.judge_from_ns = 30 * 1000000000LL;
	cr_assert_eq(sim_figures(&in, &f), 0);
	cr_expect_float_eq(f.converged_s, 5.0, 1e-9, "convergence unchanged");
	cr_expect_float_eq(f.judged_from_s, 30.0, 1e-9);
	cr_expect_eq(f.n_judged, 300);
	cr_expect_float_eq(f.te_max_ns, 20.0, 1e-9);
	cr_expect_float_eq(f.te_rms_ns, 20.0, 1e-9);
	in.judge_from_ns = 2 * 1000000000LL;	/* earlier: no effect */
	cr_assert_eq(sim_figures(&in, &f), 0);
	cr_expect_float_eq(f.judged_from_s, 5.0, 1e-9);
}

Test(sim_figures, never_converged)
{
	double te[100];
	struct sim_figures f;
	struct sim_fig_in in;
	size_t i;

	for (i = 0; i < 100; i++) {
		te[i] = i == 99 ? 2000.0 : 10.0;
	}
	in = in_of(te, 100);
	cr_assert_eq(sim_figures(&in, &f), 0);
	cr_expect_eq(f.converged_s, -1.0);
	cr_expect_eq(f.converged100_s, -1.0);
	cr_expect_eq(f.n_judged, 100, "never converged: all judged");
	cr_expect_float_eq(f.te_max_ns, 2000.0, 1e-9);
}

/* end_ns: a series judged up to 20 s only (the rest is a holdover) */
Test(sim_figures, end_ns_limits_the_judged_part)
{
	double te[400];
	struct sim_figures f;
	struct sim_fig_in in;
	size_t i;

	for (i = 0; i < 400; i++) {
		te[i] = i < 200 ? 20.0 : 20.0 + (double)(i - 200) * 10.0;
	}
	in = in_of(te, 400);
	in.end_ns = 20 * 1000000000LL;
	cr_assert_eq(sim_figures(&in, &f), 0);
	cr_expect_eq(f.n_judged, 200);
	cr_expect_float_eq(f.te_max_ns, 20.0, 1e-9);
	cr_expect_float_eq(f.converged_s, 0.0, 1e-9);
}

/* A ramp of 2 ns/s: once the low-pass has settled its output is a ramp
 * too, so dTE_L's MTIE over tau is 2 * tau (the first window sees the
 * filter settle: a little less, never more) */
Test(sim_figures, mtie_of_a_ramp)
{
	size_t n = 20000, i;	/* 2000 s */
	double *te = malloc(n * sizeof(*te));
	struct sim_figures f;
	struct sim_fig_in in;

	cr_assert_not_null(te);
	for (i = 0; i < n; i++) {
		te[i] = (double)i * 0.1 * 2.0 - 500.0;	/* within 1 us */
	}
	in = in_of(te, n);
	cr_assert_eq(sim_figures(&in, &f), 0);
	cr_expect(fabs(f.dte_l_mtie_ns[0] - 2.0) < 0.05, "%f",
		  f.dte_l_mtie_ns[0]);
	cr_expect(fabs(f.dte_l_mtie_ns[1] - 20.0) < 0.1, "%f",
		  f.dte_l_mtie_ns[1]);
	cr_expect(fabs(f.dte_l_mtie_ns[2] - 200.0) < 0.5, "%f",
		  f.dte_l_mtie_ns[2]);
	cr_expect(fabs(f.dte_l_mtie_ns[3] - 2000.0) < 2.0, "%f",
		  f.dte_l_mtie_ns[3]);
	/* the ramp's high-pass part is the filter's lag: constant once
	 * settled (2 ns/s x 1.59 s), 0 at the start */
	cr_expect(f.dte_h_pp_ns > 2.5 && f.dte_h_pp_ns < 3.5, "%f",
		  f.dte_h_pp_ns);
	free(te);
}

/* A 1 Hz sine of amplitude 100 ns is almost all dTE_H; its dTE_L is
 * attenuated about tenfold by the 0.1 Hz filter */
Test(sim_figures, sine_is_high_pass)
{
	size_t n = 6000, i;
	double te[6000];
	struct sim_figures f;
	struct sim_fig_in in;

	for (i = 0; i < n; i++) {
		te[i] = 100.0 * sin(2.0 * M_PI * (double)i * 0.01);
	}
	in = in_of(te, n);
	in.period_ns = 10000000LL;	/* 10 ms */
	cr_assert_eq(sim_figures(&in, &f), 0);
	cr_expect(f.dte_h_pp_ns > 170.0 && f.dte_h_pp_ns < 230.0, "%f",
		  f.dte_h_pp_ns);
	cr_expect(f.dte_l_mtie_ns[1] < 40.0, "%f", f.dte_l_mtie_ns[1]);
	cr_expect(f.dte_l_mtie_ns[1] > 5.0, "%f", f.dte_l_mtie_ns[1]);
	cr_expect(fabs(f.te_rms_ns - 100.0 / sqrt(2.0)) < 0.5, "%f",
		  f.te_rms_ns);
}

Test(sim_figures, holdover_drift)
{
	size_t n = 15000, i;	/* 1500 s */
	double *te = malloc(n * sizeof(*te));
	double *fe = malloc(n * sizeof(*fe));
	struct sim_figures f;
	struct sim_fig_in in;

	cr_assert_not_null(te);
	cr_assert_not_null(fe);
	for (i = 0; i < n; i++) {
		/* locked at 5 ns until 300 s, then 0.5 ppb off: 0.5 ns/s */
		te[i] = i < 3000 ? 5.0 : 5.0 - (double)(i - 3000) * 0.05;
		fe[i] = i < 3000 ? 0.1 : -0.5;
	}
	in = in_of(te, n);
	in.ferr_ppb = fe;
	in.holdover_start_ns = 300 * 1000000000LL;
	in.end_ns = in.holdover_start_ns;
	cr_assert_eq(sim_figures(&in, &f), 0);
	cr_expect_float_eq(f.holdover100_ns, 50.0, 1e-6);
	cr_expect_float_eq(f.holdover1000_ns, 500.0, 1e-6);
	cr_expect_float_eq(f.ferr_rms_ppb, 0.1, 1e-9);
	cr_expect_float_eq(f.ferr_max_ppb, 0.1, 1e-9);
	cr_expect_float_eq(f.te_max_ns, 5.0, 1e-9);
	/* a holdover too short for 1000 s */
	in.n = 3000 + 5000;	/* 500 s of it */
	cr_assert_eq(sim_figures(&in, &f), 0);
	cr_expect_float_eq(f.holdover100_ns, 50.0, 1e-6);
	cr_expect_eq(f.holdover1000_ns, -1.0);
	free(te);
	free(fe);
}

Test(sim_figures, bad_input)
{
	double te[4] = { 0 };
	struct sim_figures f;
	struct sim_fig_in in = in_of(te, 4);

	in.period_ns = 0;
	cr_expect_eq(sim_figures(&in, &f), -EINVAL);
	in = in_of(NULL, 4);
	cr_expect_eq(sim_figures(&in, &f), -EINVAL);
	cr_expect_eq(sim_figures(NULL, &f), -EINVAL);
	in = in_of(te, 0);
	cr_expect_eq(sim_figures(&in, &f), 0, "empty: nothing to judge");
	cr_expect_eq(f.n_judged, 0);
}

Test(sim_figures, format)
{
	double te[20];
	struct sim_figures f;
	struct sim_fig_in in;
	char buf[512];
	size_t i;
	int n;

	for (i = 0; i < 20; i++) {
		te[i] = 12.0;
	}
	in = in_of(te, 20);
	cr_assert_eq(sim_figures(&in, &f), 0);
	n = sim_figures_fmt(&f, buf, sizeof(buf));
	cr_assert(n > 0 && (size_t)n < sizeof(buf));
	cr_expect_not_null(strstr(buf, "converged_s=0.0 "), "%s", buf);
	cr_expect_not_null(strstr(buf, "te_rms_ns=12.0 "), "%s", buf);
	cr_expect_not_null(strstr(buf, "te_max_ns=12.0 "), "%s", buf);
	cr_expect_not_null(strstr(buf, "dte_l_mtie1000_ns=-1.0 "), "%s", buf);
	cr_expect_not_null(strstr(buf, "holdover100_ns=-1.0 "), "%s", buf);
	cr_expect_not_null(strstr(buf, "judged=20"), "%s", buf);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * servo_linreg.c - linear-regression servo with an adaptive window, after
 * the idea of linuxptp's linreg.c (Miroslav Lichvar).
 *
 * Each sample becomes a point (x, y): x is the local clock's time with
 * the servo's own frequency corrections taken out (the free-running
 * oscillator's time: every local interval is divided by 1 + freq / 1e9,
 * freq being what the servo answered, and assumed applied, before it);
 * y is the master's time, local - offset. For a stable oscillator y(x)
 * is a line whatever the servo did, so no feedback leaks into the fit.
 *
 * Fits over the newest 4, 8, ... 128 points run on every sample; each
 * size keeps a moving average of how well its previous fit predicted the
 * newest point, and the largest size whose error is within 5 % of the
 * best is used (short windows follow a changing frequency, long ones
 * average timestamp noise away). Its slope gives the frequency, its
 * intercept the current offset, which is removed over the next 1 to 3
 * sync intervals (more for the larger windows).
 *
 * Warm start (servo.c): while the verdict is pending the fits run but
 * the answer is UNLOCKED at initial_freq; on GO the smallest window's
 * slope is held at initial_freq (only its phase is fitted) until a
 * larger window predicts as well; on a refusal, the cold start-up with
 * the points collected.
 *
 * local_ns must be the time of the steered clock (e.g. the sync's
 * ingress timestamp), so that a JUMP the caller carries out shows up in
 * it; the fit is kept across that step.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "servo_private.h"

#define LR_MIN_ORDER 2			/* 4 points */
#define LR_MAX_ORDER 7			/* 128 points */
#define LR_NSIZES (LR_MAX_ORDER - LR_MIN_ORDER + 1)
#define LR_MAX_POINTS (1u << LR_MAX_ORDER)
#define LR_GAP_MAX_NS	(1000000000ULL * 86400 * 365)	/* a year */
#define LR_ERR_SMOOTH 0.02		/* weight of a new prediction error */
#define LR_ERR_INITIAL 10		/* plain average over the first ones */
#define LR_ERR_EQUAL 1.05		/* errors within 5 % count as equal */

struct lr_point {
	int64_t x;	/* ns, free-running local time */
	int64_t y;	/* ns, master time */
};

struct lr_fit {
	bool valid;
	double slope;	/* dy/dx - 1 (ns/ns): the oscillator's error */
	double icept;	/* ns, y - ref_y at x = ref_x: -(offset now) */
	double err;	/* ns, average |prediction error| */
	unsigned err_n;
};

struct linreg_servo {
	struct servo base;
	struct lr_point pt[LR_MAX_POINTS];	/* ring */
	unsigned n;				/* points held */
	unsigned last;				/* index of the newest */
	int64_t ref_x, ref_y;	/* now: free-running time, local time */
	double x_frac;		/* ns, fraction carried into ref_x */
	bool have_last;
	int64_t last_local;	/* ns, local time of the last sample */
	struct lr_fit fit[LR_NSIZES];
	double freq;		/* ppb, applied: the last answer */
	double interval;	/* s, between samples */
	/* warm start: the smallest window fits the phase only, its slope
	 * held at prior_slope (initial_freq), until a larger one is used */
	bool prior;
	double prior_slope;	/* ns/ns */
};

#define to_lr(s) container_of(s, struct linreg_servo, base)

/* Move "now" by dx free-running ns and dy local ns. */
static void lr_move_ref(struct linreg_servo *s, int64_t dx, int64_t dy)
{
	unsigned i;

	s->ref_x += dx;
	s->ref_y += dy;
	for (i = 0; i < LR_NSIZES; i++) {
		struct lr_fit *f = &s->fit[i];

		if (f->valid) {
			/* y(ref_x + dx) - ref_y - dy; slope 1 + s */
			f->icept += (double)(dx - dy) + (double)dx * f->slope;
		}
	}
}

static void lr_clear(struct linreg_servo *s)
{
	s->prior = false;
	s->n = 0;
	s->have_last = false;
	memset(s->fit, 0, sizeof(s->fit));
}

static void lr_advance(struct linreg_servo *s, int64_t local)
{
	double dx;
	int64_t dy, idx;

	if (s->have_last) {
		dy = local - s->last_local;
		/* take the frequency applied since the last sample out */
		dx = (double)dy / (1.0 + s->freq / 1e9) + s->x_frac;
		idx = (int64_t)dx;
		s->x_frac = dx - (double)idx;
		lr_move_ref(s, idx, dy);
	}
	s->have_last = true;
	s->last_local = local;
}

static void lr_add(struct linreg_servo *s, int64_t offset)
{
	s->last = (s->last + 1) % LR_MAX_POINTS;
	s->pt[s->last].x = s->ref_x;
	s->pt[s->last].y = s->ref_y - offset;
	if (s->n < LR_MAX_POINTS) {
		s->n++;
	}
}

/* Fit d = y - x = icept + slope * x over the newest `np` points, x and y
 * relative to the reference (the newest point has x = 0). */
static bool lr_fit_points(const struct linreg_servo *s, unsigned np,
			  double *slope, double *icept)
{
	double mx = 0.0, md = 0.0, sxx = 0.0, sxd = 0.0, x, d;
	unsigned i, k;

	for (i = 0; i < np; i++) {
		k = (LR_MAX_POINTS + s->last - i) % LR_MAX_POINTS;
		x = (double)(s->pt[k].x - s->ref_x);
		d = (double)(s->pt[k].y - s->ref_y) - x;
		mx += x;
		md += d;
	}
	mx /= np;
	md /= np;
	for (i = 0; i < np; i++) {
		k = (LR_MAX_POINTS + s->last - i) % LR_MAX_POINTS;
		x = (double)(s->pt[k].x - s->ref_x);
		d = (double)(s->pt[k].y - s->ref_y) - x;
		sxx += (x - mx) * (x - mx);
		sxd += (x - mx) * (d - md);
	}
	if (!(sxx > 0.0)) {
		return false;
	}
	*slope = sxd / sxx;
	*icept = md - *slope * mx;
	return true;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * The same with the slope given: the intercept alone, as the median of
 * the points' intercepts (np <= 4), so that a late timestamp the warm
 * start excused among them does not become a phase correction.
 */
static void lr_fit_phase(const struct linreg_servo *s, unsigned np,
			 double slope, double *icept)
{
	double v[1u << LR_MIN_ORDER], x, d;
	unsigned i, k;

	for (i = 0; i < np; i++) {
		k = (LR_MAX_POINTS + s->last - i) % LR_MAX_POINTS;
		x = (double)(s->pt[k].x - s->ref_x);
		d = (double)(s->pt[k].y - s->ref_y) - x;
		v[i] = d - slope * x;
	}
	qsort(v, np, sizeof(v[0]), cmp_double);
	*icept = np % 2 ? v[np / 2] : (v[np / 2 - 1] + v[np / 2]) / 2;
}

static void lr_regress(struct linreg_servo *s)
{
	/* the newest point, relative to the reference: -offset */
	double y0 = (double)(s->pt[s->last].y - s->ref_y), e;
	unsigned i, np;

	for (i = 0; i < LR_NSIZES; i++) {
		struct lr_fit *f = &s->fit[i];

		np = 1u << (i + LR_MIN_ORDER);
		if (np > s->n) {
			break;
		}
		if (f->valid) {
			/* how well did the last fit predict this point? */
			e = fabs(f->icept - y0);
			if (f->err_n < LR_ERR_INITIAL) {
				f->err = (f->err * f->err_n + e) /
					 (f->err_n + 1);
				f->err_n++;
			} else {
				f->err += LR_ERR_SMOOTH * (e - f->err);
			}
		}
		if (i == 0 && s->prior) {
			f->slope = s->prior_slope;
			lr_fit_phase(s, np, f->slope, &f->icept);
			f->valid = true;
			continue;
		}
		f->valid = lr_fit_points(s, np, &f->slope, &f->icept);
	}
}

/* The largest window whose error is within LR_ERR_EQUAL of the best; -1
 * if none is ready. */
static int lr_best(const struct linreg_servo *s)
{
	double best_err = 0.0;
	int i, best = -1;

	for (i = 0; i < LR_NSIZES; i++) {
		const struct lr_fit *f = &s->fit[i];

		if (!f->valid) {
			continue;
		}
		if (best < 0 || (f->err_n >= LR_ERR_INITIAL &&
				 f->err <= best_err * LR_ERR_EQUAL)) {
			best = i;
			best_err = f->err;
		}
	}
	return best;
}

static double lr_sample(struct servo *servo, int64_t offset, int64_t local,
			enum servo_state *state)
{
	struct linreg_servo *s = to_lr(servo);
	const struct lr_fit *f;
	double aoff = fabs((double)offset), corr;
	int best, order;

	if (s->have_last && (local <= s->last_local ||
			     (uint64_t)local - (uint64_t)s->last_local >
			     LR_GAP_MAX_NS)) {
		/* time went backwards, or a gap of years (no clock's
		 * samples; its int64 arithmetic would overflow): the points
		 * mean nothing any more */
		lr_clear(s);
	}
	if (!servo->first_update && servo->step_ns > 0.0 &&
	    aoff > servo->step_ns) {
		/*
		 * Far off once locked: something stepped. Step back at the
		 * frequency held, and fit afresh from the next sample.
		 */
		lr_clear(s);
		*state = SERVO_JUMP;
		return s->freq;
	}
	lr_advance(s, local);
	lr_add(s, offset);
	if (servo->warm == SERVO_WARM_GO && s->n >= (1u << LR_MIN_ORDER)) {
		/*
		 * The offsets agree with initial_freq (servo.c), the
		 * frequency held so far: trust it over a slope from 4
		 * noisy points, and let the larger windows take over once
		 * they predict as well.
		 */
		s->prior = true;
		s->prior_slope = s->freq / 1e9;
		s->fit[0].err = 0.0;
		s->fit[0].err_n = 0;
	}
	lr_regress(s);
	if (servo->warm == SERVO_WARM_PENDING) {
		/* not decided yet: hold initial_freq */
		*state = SERVO_UNLOCKED;
		return s->freq;
	}
	best = lr_best(s);
	if (best < 0) {
		*state = SERVO_UNLOCKED;
		return s->freq;
	}
	if (best > 0) {
		s->prior = false;
	}
	f = &s->fit[best];
	order = best + LR_MIN_ORDER;
	/*
	 * The fit says how far the clock is; the step is by the offset
	 * measured, so both must be beyond the threshold (an outlier
	 * left in the fit must not step the clock by a small offset).
	 */
	if ((servo->first_update && servo->first_step_ns > 0.0 &&
	     fabs(f->icept) > servo->first_step_ns &&
	     aoff > servo->first_step_ns) ||
	    (servo->step_ns > 0.0 && fabs(f->icept) > servo->step_ns &&
	     aoff > servo->step_ns)) {
		/*
		 * The caller steps the local clock by -offset: move "now"
		 * with it, so the next interval is measured across the step.
		 */
		lr_move_ref(s, 0, -offset);
		s->last_local -= offset;
		*state = SERVO_JUMP;
	} else {
		*state = SERVO_LOCKED;
	}
	/* remove the offset over 1 interval for small windows, more for
	 * large ones: less frequency noise from a better phase estimate */
	corr = order <= 4 ? 1.0 : (double)(order / 2);
	s->freq = servo_clamp(servo, f->slope * 1e9 +
				     f->icept / s->interval / corr);
	return s->freq;
}

static void lr_sync_interval(struct servo *servo, double interval)
{
	to_lr(servo)->interval = interval;
}

static void lr_reset(struct servo *servo)
{
	lr_clear(to_lr(servo));
}

static void lr_destroy(struct servo *servo)
{
	free(to_lr(servo));
}

static const struct servo_ops linreg_ops = {
	.sample = lr_sample,
	.sync_interval = lr_sync_interval,
	.reset = lr_reset,
	.destroy = lr_destroy,
};

struct servo *servo_linreg_create(const struct servo_cfg *cfg)
{
	struct linreg_servo *s = calloc(1, sizeof(*s));

	if (!s) {
		return NULL;
	}
	s->base.ops = &linreg_ops;
	s->freq = cfg->initial_freq;
	if (s->freq > cfg->max_frequency) {
		s->freq = cfg->max_frequency;
	} else if (s->freq < -cfg->max_frequency) {
		s->freq = -cfg->max_frequency;
	}
	s->interval = 1.0;
	return &s->base;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gate.c - outlier gate: running median and median absolute deviation
 * (MAD) over the last `len` accepted values (servo.h). Pure, O(len log
 * len) per call with len <= GATE_MAX_LEN.
 */
#include <stdlib.h>

#include "servo.h"

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Median of v[0..n-1] (sorted in place), rounded toward -inf. */
static int64_t median_sort(int64_t *v, unsigned n)
{
	int64_t a, b;

	qsort(v, n, sizeof(*v), cmp_i64);
	if (n & 1) {
		return v[n / 2];
	}
	a = v[n / 2 - 1];
	b = v[n / 2];
	/* (a + b) / 2 without overflow, a <= b */
	return a + (int64_t)(((uint64_t)b - (uint64_t)a) / 2);
}

void gate_init(struct gate *g, unsigned len, double k, int64_t floor_ns,
	       unsigned max_reject)
{
	if (len < 1) {
		len = 1;
	} else if (len > GATE_MAX_LEN) {
		len = GATE_MAX_LEN;
	}
	*g = (struct gate){
		.len = len,
		.k = k,
		.floor_ns = floor_ns,
		.max_reject = max_reject,
	};
}

void gate_reset(struct gate *g)
{
	g->n = 0;
	g->head = 0;
	g->reject_run = 0;
}

int64_t gate_median(const struct gate *g)
{
	int64_t tmp[GATE_MAX_LEN];
	unsigned i;

	if (!g->n) {
		return 0;
	}
	for (i = 0; i < g->n; i++) {
		tmp[i] = g->win[i];
	}
	return median_sort(tmp, g->n);
}

static void gate_push(struct gate *g, int64_t v)
{
	g->win[g->head] = v;
	g->head = (g->head + 1) % g->len;
	if (g->n < g->len) {
		g->n++;
	}
	g->reject_run = 0;
	g->accepted++;
}

/* |a - b| saturated to INT64_MAX */
static uint64_t absdiff(int64_t a, int64_t b)
{
	return a > b ? (uint64_t)a - (uint64_t)b : (uint64_t)b - (uint64_t)a;
}

bool gate_check(struct gate *g, int64_t v)
{
	int64_t tmp[GATE_MAX_LEN], med, mad;
	double lim;
	unsigned i;

	if (g->n < g->len) {
		/* filling the window */
		gate_push(g, v);
		return true;
	}
	med = gate_median(g);
	for (i = 0; i < g->n; i++) {
		uint64_t d = absdiff(g->win[i], med);

		tmp[i] = d > INT64_MAX ? INT64_MAX : (int64_t)d;
	}
	mad = median_sort(tmp, g->n);
	lim = g->k * (double)mad;
	if (lim < (double)g->floor_ns) {
		lim = (double)g->floor_ns;
	}
	if ((double)absdiff(v, med) <= lim) {
		gate_push(g, v);
		return true;
	}
	g->rejected++;
	g->reject_run++;
	if (g->max_reject && g->reject_run >= g->max_reject) {
		/*
		 * The truth moved: start a new window with this value. It
		 * was counted as rejected; the caller may use it from the
		 * next call on.
		 */
		gate_reset(g);
		g->win[0] = v;
		g->head = 1 % g->len;
		g->n = 1;
	}
	return false;
}

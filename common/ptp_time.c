/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ptp_time.c - fixed-point time arithmetic (see ptp_time.h).
 *
 * Invariant of every tmv_t produced here: 0 <= sns < SNS_PER_SEC. Seconds
 * saturate at INT64_MIN/INT64_MAX instead of overflowing; no real clock
 * comes near that, but a hostile correctionField must not cause undefined
 * behaviour.
 */
#include "ptp_time.h"

#include <stdio.h>

static int64_t sat_add(int64_t a, int64_t b)
{
	int64_t r;

	if (__builtin_add_overflow(a, b, &r))
		return b > 0 ? INT64_MAX : INT64_MIN;
	return r;
}

tmv_t tmv_make(int64_t sec, int64_t sns)
{
	tmv_t t;
	int64_t q = sns / SNS_PER_SEC;
	int64_t r = sns % SNS_PER_SEC;

	if (r < 0) {
		r += SNS_PER_SEC;
		q -= 1;
	}
	t.sec = sat_add(sec, q);
	t.sns = r;
	return t;
}

tmv_t tmv_from_ns(int64_t ns)
{
	int64_t q = ns / NS_PER_SEC;
	int64_t r = ns % NS_PER_SEC;

	if (r < 0) {
		r += NS_PER_SEC;
		q -= 1;
	}
	return tmv_make(q, r << SNS_SHIFT);
}

tmv_t tmv_from_scaled_ns(int64_t scaled_ns)
{
	return tmv_make(0, scaled_ns);
}

tmv_t tmv_from_timespec(struct timespec ts)
{
	tmv_t t = tmv_from_ns(ts.tv_nsec);

	t.sec = sat_add(t.sec, ts.tv_sec);
	return t;
}

tmv_t tmv_from_ts(struct ptp_timestamp ts)
{
	tmv_t t = tmv_from_ns(ts.nanoseconds);

	t.sec += (int64_t)(ts.seconds & PTP_SEC_MAX);
	return t;
}

int64_t tmv_to_ns(tmv_t t)
{
	int64_t ns;

	if (__builtin_mul_overflow(t.sec, NS_PER_SEC, &ns))
		return t.sec < 0 ? INT64_MIN : INT64_MAX;
	return sat_add(ns, t.sns >> SNS_SHIFT);
}

int64_t tmv_to_ns_round(tmv_t t)
{
	/* Add half a nanosecond in the direction away from zero, then take
	 * the floor; for negative values this is the mirror image. */
	if (tmv_is_neg(t))
		return -tmv_to_ns_round(tmv_neg(t));
	return tmv_to_ns(tmv_add(t, tmv_make(0, 1LL << (SNS_SHIFT - 1))));
}

int64_t tmv_to_scaled_ns(tmv_t t)
{
	int64_t s;

	if (__builtin_mul_overflow(t.sec, SNS_PER_SEC, &s))
		return t.sec < 0 ? INT64_MIN : INT64_MAX;
	return sat_add(s, t.sns);
}

struct timespec tmv_to_timespec(tmv_t t)
{
	struct timespec ts;

	ts.tv_sec = (time_t)t.sec;
	ts.tv_nsec = (long)(t.sns >> SNS_SHIFT);
	return ts;
}

struct ptp_timestamp tmv_to_ts(tmv_t t)
{
	struct ptp_timestamp ts;

	ts.seconds = (uint64_t)t.sec & PTP_SEC_MAX;
	ts.nanoseconds = (uint32_t)(t.sns >> SNS_SHIFT);
	return ts;
}

tmv_t tmv_add(tmv_t a, tmv_t b)
{
	/* Both fractions are below SNS_PER_SEC (< 2^46): no overflow. */
	return tmv_make(sat_add(a.sec, b.sec), a.sns + b.sns);
}

tmv_t tmv_neg(tmv_t a)
{
	int64_t sec = a.sec == INT64_MIN ? INT64_MAX : -a.sec;

	return tmv_make(sec, -a.sns);
}

tmv_t tmv_sub(tmv_t a, tmv_t b)
{
	return tmv_add(a, tmv_neg(b));
}

tmv_t tmv_half(tmv_t a)
{
	/* floor((sec * S + sns) / 2) with S = SNS_PER_SEC even. */
	int64_t half_sec = a.sec >> 1;		/* floor */
	int64_t odd = a.sec & 1;

	return tmv_make(half_sec, odd * (SNS_PER_SEC / 2) + (a.sns >> 1));
}

int tmv_cmp(tmv_t a, tmv_t b)
{
	if (a.sec != b.sec)
		return a.sec < b.sec ? -1 : 1;
	if (a.sns != b.sns)
		return a.sns < b.sns ? -1 : 1;
	return 0;
}

bool tmv_is_neg(tmv_t a)
{
	return a.sec < 0;
}

void tmv_format(tmv_t t, char *buf, unsigned len)
{
	const char *sign = "";
	int64_t ns, sub;

	if (tmv_is_neg(t)) {
		sign = "-";
		t = tmv_neg(t);
	}
	ns = t.sns >> SNS_SHIFT;
	/* Sub-ns part in thousandths of a ns, rounded down. */
	sub = ((t.sns & ((1 << SNS_SHIFT) - 1)) * 1000) >> SNS_SHIFT;
	snprintf(buf, len, "%s%lld.%09lld%03lld", sign, (long long)t.sec,
		 (long long)ns, (long long)sub);
}

bool ptp_ts_valid(struct ptp_timestamp ts)
{
	return ts.seconds <= PTP_SEC_MAX && ts.nanoseconds < NS_PER_SEC;
}

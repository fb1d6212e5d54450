/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of common/ptp_time.c: the timestamp path's fixed-point math. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "ptp_time.h"

TestSuite(time, .timeout = 2);

static void assert_norm(tmv_t t)
{
	cr_assert(t.sns >= 0 && t.sns < SNS_PER_SEC,
		  "fraction out of range: %lld", (long long)t.sns);
}

Test(time, from_ns_negative_normalises)
{
	tmv_t t = tmv_from_ns(-1);

	cr_assert_eq(t.sec, -1);
	cr_assert_eq(t.sns, (NS_PER_SEC - 1) << SNS_SHIFT);
	cr_assert_eq(tmv_to_ns(t), -1);
	t = tmv_from_ns(-NS_PER_SEC);
	cr_assert_eq(t.sec, -1);
	cr_assert_eq(t.sns, 0);
}

Test(time, scaled_ns_sub_ns_carry)
{
	/* 0.5 ns + 0.5 ns = 1 ns exactly */
	tmv_t half = tmv_from_scaled_ns(1 << 15);
	tmv_t one = tmv_add(half, half);

	cr_assert_eq(tmv_to_scaled_ns(one), 1 << 16);
	cr_assert_eq(tmv_to_ns(one), 1);
	/* 999999999.75 ns + 0.25 ns carries into the seconds */
	tmv_t a = tmv_make(0, SNS_PER_SEC - (1 << 14));
	tmv_t b = tmv_from_scaled_ns(1 << 14);
	tmv_t c = tmv_add(a, b);

	cr_assert_eq(c.sec, 1);
	cr_assert_eq(c.sns, 0);
}

Test(time, negative_correction)
{
	/* t1 = 10 s, correction -1.5 ns: 9.9999999985 s */
	struct ptp_timestamp ts = { 10, 0 };
	tmv_t t = tmv_add(tmv_from_ts(ts), tmv_from_scaled_ns(-3 * (1 << 15)));

	assert_norm(t);
	cr_assert_eq(t.sec, 9);
	cr_assert_eq(t.sns, SNS_PER_SEC - 3 * (1 << 15));
	cr_assert_eq(tmv_to_ns(t), 10 * NS_PER_SEC - 2);	/* floor */
	cr_assert_eq(tmv_to_ns_round(t), 10 * NS_PER_SEC - 1);	/* .5 up */
	cr_assert_eq(tmv_to_scaled_ns(tmv_sub(t, tmv_from_ts(ts))),
		     -3 * (1 << 15));
}

Test(time, round_half_away_from_zero)
{
	cr_assert_eq(tmv_to_ns_round(tmv_from_scaled_ns(1 << 15)), 1);
	cr_assert_eq(tmv_to_ns_round(tmv_from_scaled_ns(-(1 << 15))), -1);
	cr_assert_eq(tmv_to_ns_round(tmv_from_scaled_ns((1 << 15) - 1)), 0);
	cr_assert_eq(tmv_to_ns_round(tmv_from_scaled_ns(-(1 << 15) + 1)), 0);
}

Test(time, seconds_wrap_at_2_48)
{
	struct ptp_timestamp max = { PTP_SEC_MAX, 999999999 };
	tmv_t t = tmv_from_ts(max);

	cr_assert_eq(t.sec, (int64_t)PTP_SEC_MAX);
	/* One more nanosecond: the 96-bit-safe value goes past 2^48 ... */
	t = tmv_add(t, tmv_from_ns(1));
	cr_assert_eq(t.sec, (int64_t)PTP_SEC_MAX + 1);
	cr_assert_eq(t.sns, 0);
	/* ... and the wire form wraps to 0 modulo 2^48. */
	struct ptp_timestamp w = tmv_to_ts(t);

	cr_assert_eq(w.seconds, 0);
	cr_assert_eq(w.nanoseconds, 0);
	/* Upper 16 bits of a decoded seconds field are ignored. */
	struct ptp_timestamp junk = { (1ULL << 50) | 5, 7 };

	cr_assert_eq(tmv_from_ts(junk).sec, 5);
	cr_assert(!ptp_ts_valid(junk));
	cr_assert(ptp_ts_valid(max));
	max.nanoseconds = 1000000000;
	cr_assert(!ptp_ts_valid(max));
}

Test(time, difference_across_wrap_is_small)
{
	/* t2 just after t1 across the 2^48 boundary, as a slave sees it
	 * when it unwraps: (2^48 + 0.1 s) - (2^48 - 0.1 s) = 0.2 s. */
	tmv_t t1 = tmv_from_ts((struct ptp_timestamp){ PTP_SEC_MAX, 900000000 });
	tmv_t t2 = tmv_add(tmv_make((int64_t)PTP_SEC_MAX + 1, 0),
			   tmv_from_ns(100000000));

	cr_assert_eq(tmv_to_ns(tmv_sub(t2, t1)), 200000000);
}

Test(time, half_rounds_toward_minus_infinity)
{
	cr_assert_eq(tmv_to_scaled_ns(tmv_half(tmv_from_scaled_ns(3))), 1);
	cr_assert_eq(tmv_to_scaled_ns(tmv_half(tmv_from_scaled_ns(-3))), -2);
	cr_assert_eq(tmv_to_ns(tmv_half(tmv_make(-1, 0))), -500000000);
	cr_assert_eq(tmv_to_ns(tmv_half(tmv_make(3, 0))), 1500000000);
	tmv_t h = tmv_half(tmv_make(-3, SNS_PER_SEC / 2));	/* -2.5 s */

	assert_norm(h);
	cr_assert_eq(tmv_to_ns(h), -1250000000);
}

Test(time, cmp_and_neg)
{
	tmv_t a = tmv_from_ns(-5), b = tmv_from_ns(5);

	cr_assert_eq(tmv_cmp(a, b), -1);
	cr_assert_eq(tmv_cmp(b, a), 1);
	cr_assert_eq(tmv_cmp(tmv_neg(a), b), 0);
	cr_assert(tmv_is_neg(a));
	cr_assert(!tmv_is_neg(b));
	cr_assert(tmv_is_zero(tmv_add(a, b)));
	cr_assert(!tmv_is_neg(tmv_zero()));
}

Test(time, saturation_not_overflow)
{
	tmv_t big = tmv_make(INT64_MAX, 0);

	cr_assert_eq(tmv_add(big, tmv_make(1, 0)).sec, INT64_MAX);
	cr_assert_eq(tmv_to_ns(big), INT64_MAX);
	cr_assert_eq(tmv_to_scaled_ns(tmv_make(INT64_MIN, 0)), INT64_MIN);
	cr_assert_eq(tmv_to_ns(tmv_from_scaled_ns(INT64_MIN)),
		     INT64_MIN >> SNS_SHIFT);
	assert_norm(tmv_from_scaled_ns(INT64_MIN));
	assert_norm(tmv_neg(tmv_make(INT64_MIN, 1)));
}

Test(time, timespec_round_trip)
{
	struct timespec ts = { 1700000000, 123456789 };
	struct timespec back = tmv_to_timespec(tmv_from_timespec(ts));

	cr_assert_eq(back.tv_sec, ts.tv_sec);
	cr_assert_eq(back.tv_nsec, ts.tv_nsec);
	/* unnormalised tv_nsec is accepted */
	struct timespec odd = { 2, -1 };

	cr_assert_eq(tmv_to_ns(tmv_from_timespec(odd)), 2 * NS_PER_SEC - 1);
}

Test(time, format)
{
	char buf[40];

	tmv_format(tmv_add(tmv_from_ns(-1000000000), tmv_from_scaled_ns(-(1 << 15))),
		   buf, sizeof(buf));
	cr_assert_str_eq(buf, "-1.000000000500");
	tmv_format(tmv_from_ns(1500), buf, sizeof(buf));
	cr_assert_str_eq(buf, "0.000001500000");
}

/* Randomised identities, reproducible: MERIDIAN_SEED picks the seed. */
Test(time, random_identities)
{
	const char *env = getenv("MERIDIAN_SEED");
	unsigned seed = env ? (unsigned)strtoul(env, NULL, 0) : 12345u;
	unsigned i;

	srandom(seed);
	for (i = 0; i < 100000; i++) {
		int64_t x = ((int64_t)random() << 31 | random()) -
			    ((int64_t)1 << 61);
		int64_t y = ((int64_t)random() << 20 | random()) -
			    ((int64_t)1 << 50);
		tmv_t a = tmv_from_scaled_ns(x), b = tmv_from_scaled_ns(y);
		tmv_t s = tmv_add(a, b);

		assert_norm(s);
		cr_assert_eq(tmv_to_scaled_ns(s), x + y, "seed %u i %u", seed, i);
		cr_assert_eq(tmv_to_scaled_ns(tmv_sub(s, b)), x,
			     "seed %u i %u", seed, i);
		cr_assert_eq(tmv_cmp(a, b), x < y ? -1 : x > y ? 1 : 0);
		cr_assert_eq(tmv_to_scaled_ns(tmv_half(a)), x >> 1,
			     "seed %u", seed);
	}
}

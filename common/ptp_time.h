/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ptp_time.h - time values for the protocol core, with no floating point.
 *
 * Three representations meet on the timestamp path:
 *
 *   struct ptp_timestamp  the wire Timestamp (IEEE 1588-2019 5.3.3): an unsigned
 *                         48-bit seconds field and a 32-bit nanoseconds field.
 *   TimeInterval          the wire TimeInterval (5.3.2) and correctionField:
 *                         a signed 64-bit count of 2^-16 ns ("scaled ns").
 *   tmv_t                 the value all arithmetic is done on: signed seconds
 *                         plus a normalised fraction in 2^-16 ns, so a full
 *                         48-bit timestamp plus a correction never overflows
 *                         and sub-nanosecond parts are carried exactly.
 *
 * tmv_t is a value type: pass and return it by value. Every function here is
 * pure (no clock, no I/O) and total (no undefined behaviour for any input).
 */
#ifndef MERIDIAN_PTP_TIME_H
#define MERIDIAN_PTP_TIME_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#define NS_PER_SEC	1000000000LL
/* Sub-nanosecond resolution of TimeInterval and correctionField: 2^-16 ns. */
#define SNS_SHIFT	16
/* One second in scaled nanoseconds (2^-16 ns units). */
#define SNS_PER_SEC	(NS_PER_SEC << SNS_SHIFT)
/* Largest value of the wire's 48-bit secondsField. */
#define PTP_SEC_MAX	((1ULL << 48) - 1)

/* Wire Timestamp: seconds is 48 bits on the wire (upper 16 bits ignored). */
struct ptp_timestamp {
	uint64_t seconds;		/* 0 .. 2^48-1 */
	uint32_t nanoseconds;		/* 0 .. 999999999 when valid */
};

/*
 * A time value or interval: sec + sns / SNS_PER_SEC seconds, where
 * 0 <= sns < SNS_PER_SEC always (so -0.5 ns is sec = -1,
 * sns = SNS_PER_SEC - 2^15).
 */
typedef struct {
	int64_t sec;
	int64_t sns;
} tmv_t;

static inline tmv_t tmv_zero(void)
{
	tmv_t t = { 0, 0 };
	return t;
}

/* Build from any seconds and any scaled-ns count, normalising the fraction. */
tmv_t tmv_make(int64_t sec, int64_t sns);

/* Conversions in. */
tmv_t tmv_from_ns(int64_t ns);
tmv_t tmv_from_scaled_ns(int64_t scaled_ns);	/* TimeInterval, correction */
tmv_t tmv_from_timespec(struct timespec ts);	/* tv_nsec may be unnormalised */
/* A wire Timestamp; seconds above 48 bits are masked off, ns > 999999999 is
 * carried (a decoder rejects such values before they get here). */
tmv_t tmv_from_ts(struct ptp_timestamp ts);

/* Conversions out. Saturate at INT64_MIN/INT64_MAX rather than wrap. */
int64_t tmv_to_ns(tmv_t t);		/* rounds toward negative infinity */
int64_t tmv_to_ns_round(tmv_t t);	/* rounds half away from zero */
int64_t tmv_to_scaled_ns(tmv_t t);	/* to TimeInterval, saturating */
struct timespec tmv_to_timespec(tmv_t t);	/* sub-ns part truncated */
/* To a wire Timestamp: seconds taken modulo 2^48 (as the standard's epoch
 * arithmetic does), sub-ns part truncated. */
struct ptp_timestamp tmv_to_ts(tmv_t t);

/* Arithmetic. */
tmv_t tmv_add(tmv_t a, tmv_t b);
tmv_t tmv_sub(tmv_t a, tmv_t b);
tmv_t tmv_neg(tmv_t a);
/* a / 2, rounding toward negative infinity at 2^-16 ns. */
tmv_t tmv_half(tmv_t a);
/* -1, 0, 1 as a < b, a == b, a > b. */
int tmv_cmp(tmv_t a, tmv_t b);
bool tmv_is_neg(tmv_t a);
static inline bool tmv_is_zero(tmv_t a)
{
	return a.sec == 0 && a.sns == 0;
}

/* Nanoseconds within the second and sub-ns remainder, for printing. */
void tmv_format(tmv_t t, char *buf, unsigned len);	/* "-1.000000000500" */

/* Wire Timestamp helpers. */
bool ptp_ts_valid(struct ptp_timestamp ts);	/* seconds < 2^48, ns < 1e9 */

#endif

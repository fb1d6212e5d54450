/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * summary.h - what portd's summary line says about the servo and the last
 * measurement, decided from the daemon's state without I/O (pure, so the
 * unit tests can feed it every case; tests/unit/test_portd_summary.c).
 *
 * servo= is one word of a stable vocabulary:
 *
 *   UNLOCKED       not locked: starting, never locked, or measuring but
 *                  not converged
 *   JUMP           the last measurement made the servo step the clock
 *   LOCKED         following the master
 *   LOCKED_STABLE  following it, frequency settled
 *   HOLDOVER       locked before, but no fresh measurement now (the port
 *                  is not SLAVE/UNCALIBRATED, or no offset for a while):
 *                  the clock keeps the last frequency
 *   FAULT          the clock refused a step or a frequency change; the
 *                  port went FAULTY and retries after its fault reset
 *
 * The first four come only with a fresh measurement. offset_ns and
 * delay_ns show the last measurement only while it is fresh, "-"
 * otherwise (as before the first one).
 */
#ifndef MERIDIAN_PORTD_SUMMARY_H
#define MERIDIAN_PORTD_SUMMARY_H

#include <stdbool.h>
#include <stdint.h>

#include "ds.h"
#include "servo.h"

/* A measurement is stale after this many sync intervals without a new
 * one, and never sooner than SUMMARY_STALE_MIN_NS. */
#define SUMMARY_STALE_SYNCS	4
#define SUMMARY_STALE_MIN_NS	1000000000LL

struct summary_in {
	enum port_state state;
	enum servo_state servo;		/* the servo's own state */
	bool clock_fault;		/* the clock refused the servo */
	bool have_sample;		/* an offset was ever measured */
	int64_t sample_age_ns;		/* since the last one */
	int64_t sync_interval_ns;	/* 2^logSyncInterval s */
};

struct summary_out {
	const char *servo;		/* the servo= word */
	bool fresh;			/* show offset_ns / delay_ns */
};

void summary_decide(const struct summary_in *in, struct summary_out *out);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * timers.h - a small fixed timer list for a poll() loop, pure.
 *
 * Each timer is a slot (an id below TIMERS_MAX) that is either stopped or
 * armed with an absolute deadline in CLOCK_MONOTONIC nanoseconds. The
 * caller reads the clock and hands "now" in, so the list itself never
 * reads a clock and is tested with made-up times:
 *
 *	timers_arm(&t, PT_SYNC_TX, now + 1000000000);
 *	poll(fds, n, timers_timeout_ms(&t, now));
 *	timers_expire(&t, mono_now(), on_timer, arg);
 *
 * Re-arming an armed timer moves its deadline. A timer fires once per
 * arm: it is stopped before its callback runs, and the callback may arm
 * it (or any other) again.
 */
#ifndef MERIDIAN_PORTD_TIMERS_H
#define MERIDIAN_PORTD_TIMERS_H

#include <stdbool.h>
#include <stdint.h>

#define TIMERS_MAX	32

struct timers {
	unsigned n;			/* slots in use: ids 0..n-1 */
	uint32_t armed;			/* bit per id */
	int64_t deadline[TIMERS_MAX];	/* ns, CLOCK_MONOTONIC */
};

/* n slots (1..TIMERS_MAX), all stopped. */
void timers_init(struct timers *t, unsigned n);
/* Arm id to fire at deadline_ns. 0, or -EINVAL for a bad id. */
int timers_arm(struct timers *t, unsigned id, int64_t deadline_ns);
void timers_stop(struct timers *t, unsigned id);
bool timers_armed(const struct timers *t, unsigned id);
/* Deadline of id, INT64_MAX if stopped. */
int64_t timers_deadline(const struct timers *t, unsigned id);
/* Earliest deadline of all armed timers, INT64_MAX if none. */
int64_t timers_next(const struct timers *t);
/*
 * poll() timeout for the earliest deadline seen from now_ns: -1 when no
 * timer is armed, 0 when one is due, else the milliseconds to wait rounded
 * up (so poll never wakes before the deadline), capped at max_ms (> 0; a
 * cap keeps long sleeps bounded).
 */
int timers_timeout_ms(const struct timers *t, int64_t now_ns, int max_ms);
/*
 * Fire every timer whose deadline is <= now_ns, earliest first (ties by
 * id): stop it, then call cb(arg, id). A timer that the callbacks re-arm
 * to a deadline <= now_ns does not fire again in the same call (it waits
 * for the next), so one call is bounded by the number of slots. Returns
 * the number fired.
 */
unsigned timers_expire(struct timers *t, int64_t now_ns,
		       void (*cb)(void *arg, unsigned id), void *arg);

#endif

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * timers.c - a small fixed timer list for a poll() loop, pure (no clock
 * is read here; see timers.h).
 */
#include <errno.h>
#include <stdint.h>

#include "timers.h"

void timers_init(struct timers *t, unsigned n)
{
	unsigned i;

	t->n = n > TIMERS_MAX ? TIMERS_MAX : n;
	t->armed = 0;
	for (i = 0; i < TIMERS_MAX; i++) {
		t->deadline[i] = INT64_MAX;
	}
}

int timers_arm(struct timers *t, unsigned id, int64_t deadline_ns)
{
	if (id >= t->n) {
		return -EINVAL;
	}
	t->deadline[id] = deadline_ns;
	t->armed |= 1u << id;
	return 0;
}

void timers_stop(struct timers *t, unsigned id)
{
	if (id >= t->n) {
		return;
	}
	t->armed &= ~(1u << id);
	t->deadline[id] = INT64_MAX;
}

bool timers_armed(const struct timers *t, unsigned id)
{
	return id < t->n && (t->armed & (1u << id));
}

int64_t timers_deadline(const struct timers *t, unsigned id)
{
	return timers_armed(t, id) ? t->deadline[id] : INT64_MAX;
}

/* Earliest armed timer among mask, or -1. */
static int timers_first(const struct timers *t, uint32_t mask)
{
	int64_t best = INT64_MAX;
	int id = -1;
	unsigned i;

	for (i = 0; i < t->n; i++) {
		if (!(t->armed & mask & (1u << i))) {
			continue;
		}
		if (id < 0 || t->deadline[i] < best) {
			best = t->deadline[i];
			id = (int)i;
		}
	}
	return id;
}

int64_t timers_next(const struct timers *t)
{
	int id = timers_first(t, UINT32_MAX);

	return id < 0 ? INT64_MAX : t->deadline[id];
}

int timers_timeout_ms(const struct timers *t, int64_t now_ns, int max_ms)
{
	int64_t next = timers_next(t), left, ms;

	if (next == INT64_MAX) {
		return -1;
	}
	if (next <= now_ns) {
		return 0;
	}
	/* next > now_ns: the difference cannot overflow for sane times,
	 * but saturate anyway. */
	if (now_ns < 0 && next > INT64_MAX + now_ns) {
		return max_ms;
	}
	left = next - now_ns;
	ms = left / 1000000 + (left % 1000000 ? 1 : 0);
	return ms > max_ms ? max_ms : (int)ms;
}

unsigned timers_expire(struct timers *t, int64_t now_ns,
		       void (*cb)(void *arg, unsigned id), void *arg)
{
	uint32_t todo = 0;
	unsigned i, fired = 0;
	int id;

	/* The candidates are fixed up front: re-arming inside cb cannot
	 * make this call loop. */
	for (i = 0; i < t->n; i++) {
		if ((t->armed & (1u << i)) && t->deadline[i] <= now_ns) {
			todo |= 1u << i;
		}
	}
	while ((id = timers_first(t, todo)) >= 0) {
		todo &= ~(1u << id);
		if (t->deadline[id] > now_ns) {
			continue;	/* moved by an earlier callback */
		}
		timers_stop(t, (unsigned)id);
		fired++;
		cb(arg, (unsigned)id);
	}
	return fired;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * summary.c - the summary line's servo state and offset freshness
 * (summary.h). Pure: no I/O, no globals.
 */
#include "summary.h"

/* The servo's own state, as the summary names it. */
static const char *servo_word(enum servo_state st)
{
	switch (st) {
	case SERVO_UNLOCKED:
		return "UNLOCKED";
	case SERVO_JUMP:
		return "JUMP";
	case SERVO_LOCKED:
		return "LOCKED";
	case SERVO_LOCKED_STABLE:
		return "LOCKED_STABLE";
	}
	return "UNLOCKED";
}

static bool servo_locked(enum servo_state st)
{
	return st == SERVO_LOCKED || st == SERVO_LOCKED_STABLE;
}

void summary_decide(const struct summary_in *in, struct summary_out *out)
{
	int64_t stale = in->sync_interval_ns * SUMMARY_STALE_SYNCS;

	if (stale < SUMMARY_STALE_MIN_NS) {
		stale = SUMMARY_STALE_MIN_NS;
	}
	/* Only a port that measures its master has a current offset. */
	out->fresh = in->have_sample &&
		     (in->state == PS_SLAVE ||
		      in->state == PS_UNCALIBRATED) &&
		     in->sample_age_ns >= 0 && in->sample_age_ns <= stale;
	if (in->clock_fault) {
		out->servo = "FAULT";
	} else if (out->fresh) {
		out->servo = servo_word(in->servo);
	} else if (servo_locked(in->servo)) {
		out->servo = "HOLDOVER";
	} else {
		out->servo = "UNLOCKED";
	}
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of common/timers.c, the pure timer list that gives the
 * daemons' poll loops their timeout.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>

#include "timers.h"

TestSuite(timers, .timeout = 2);

#define MS	1000000LL

struct fired {
	unsigned n;
	unsigned id[TIMERS_MAX * 2];
	struct timers *t;
	int64_t rearm_at;	/* >= 0: re-arm each fired timer to this */
};

static void record(void *arg, unsigned id)
{
	struct fired *f = arg;

	f->id[f->n++] = id;
	if (f->rearm_at >= 0) {
		timers_arm(f->t, id, f->rearm_at);
	}
}

Test(timers, empty_list_sleeps_forever)
{
	struct timers t;

	timers_init(&t, 4);
	cr_assert_eq(timers_next(&t), INT64_MAX);
	cr_assert_eq(timers_timeout_ms(&t, 123, 1000), -1);
	cr_assert_not(timers_armed(&t, 0));
}

Test(timers, timeout_rounds_up_and_caps)
{
	struct timers t;

	timers_init(&t, 4);
	timers_arm(&t, 2, 10 * MS + 1);
	cr_assert_eq(timers_timeout_ms(&t, 0, 1000), 11);
	cr_assert_eq(timers_timeout_ms(&t, 10 * MS + 1, 1000), 0);
	cr_assert_eq(timers_timeout_ms(&t, 20 * MS, 1000), 0);
	cr_assert_eq(timers_timeout_ms(&t, 5 * MS + 1, 1000), 5);
	timers_arm(&t, 2, 5000 * MS);
	cr_assert_eq(timers_timeout_ms(&t, 0, 1000), 1000);
	/* Far past and far future do not overflow. */
	timers_arm(&t, 2, INT64_MAX - 1);
	cr_assert_eq(timers_timeout_ms(&t, INT64_MIN + 5, 700), 700);
}

Test(timers, arm_moves_stop_disarms)
{
	struct timers t;

	timers_init(&t, 3);
	cr_assert_eq(timers_arm(&t, 1, 500), 0);
	cr_assert_eq(timers_arm(&t, 1, 300), 0);
	cr_assert_eq(timers_deadline(&t, 1), 300);
	cr_assert_eq(timers_arm(&t, 0, 400), 0);
	cr_assert_eq(timers_next(&t), 300);
	timers_stop(&t, 1);
	cr_assert_not(timers_armed(&t, 1));
	cr_assert_eq(timers_deadline(&t, 1), INT64_MAX);
	cr_assert_eq(timers_next(&t), 400);
	cr_assert_eq(timers_arm(&t, 3, 1), -EINVAL);
	cr_assert_eq(timers_arm(&t, TIMERS_MAX + 5, 1), -EINVAL);
	timers_stop(&t, 99);	/* harmless */
	cr_assert_eq(timers_next(&t), 400);
}

Test(timers, expire_fires_due_ones_in_deadline_order)
{
	struct fired f = { .rearm_at = -1 };
	struct timers t;

	timers_init(&t, 5);
	f.t = &t;
	timers_arm(&t, 4, 30);
	timers_arm(&t, 0, 20);
	timers_arm(&t, 2, 20);
	timers_arm(&t, 3, 10);
	timers_arm(&t, 1, 31);		/* not due at 30 */
	cr_assert_eq(timers_expire(&t, 30, record, &f), 4);
	cr_assert_eq(f.n, 4);
	cr_assert_eq(f.id[0], 3);
	cr_assert_eq(f.id[1], 0);	/* tie at 20: lower id first */
	cr_assert_eq(f.id[2], 2);
	cr_assert_eq(f.id[3], 4);
	cr_assert_not(timers_armed(&t, 3));
	cr_assert(timers_armed(&t, 1));
	cr_assert_eq(timers_expire(&t, 30, record, &f), 0);
	cr_assert_eq(timers_expire(&t, 31, record, &f), 1);
	cr_assert_eq(f.id[4], 1);
	cr_assert_eq(timers_next(&t), INT64_MAX);
}

Test(timers, rearm_inside_callback_is_bounded)
{
	struct fired f = { .rearm_at = 0 };	/* always due again */
	struct timers t;

	timers_init(&t, 3);
	f.t = &t;
	timers_arm(&t, 0, 5);
	timers_arm(&t, 2, 6);
	cr_assert_eq(timers_expire(&t, 10, record, &f), 2);
	cr_assert_eq(f.n, 2);
	/* Re-armed by the callbacks, they wait for the next call. */
	cr_assert(timers_armed(&t, 0));
	cr_assert(timers_armed(&t, 2));
	cr_assert_eq(timers_expire(&t, 10, record, &f), 2);
	cr_assert_eq(f.n, 4);
}

static void stop_other(void *arg, unsigned id)
{
	struct fired *f = arg;

	f->id[f->n++] = id;
	timers_stop(f->t, 1);		/* due too, but cancelled first */
	timers_arm(f->t, 2, 1000);	/* due too, but moved away */
}

Test(timers, callback_may_stop_or_move_others)
{
	struct fired f = { .rearm_at = -1 };
	struct timers t;

	timers_init(&t, 3);
	f.t = &t;
	timers_arm(&t, 0, 1);
	timers_arm(&t, 1, 2);
	timers_arm(&t, 2, 3);
	cr_assert_eq(timers_expire(&t, 10, stop_other, &f), 1);
	cr_assert_eq(f.n, 1);
	cr_assert_eq(f.id[0], 0);
	cr_assert_not(timers_armed(&t, 1));
	cr_assert_eq(timers_deadline(&t, 2), 1000);
}

Test(timers, init_clamps_slots)
{
	struct timers t;

	timers_init(&t, TIMERS_MAX + 10);
	cr_assert_eq(t.n, TIMERS_MAX);
	cr_assert_eq(timers_arm(&t, TIMERS_MAX - 1, 7), 0);
	cr_assert_eq(timers_next(&t), 7);
}

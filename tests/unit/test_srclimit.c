// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Per-source and total rate limits (common/srclimit.h, issue 9).
 */
#include <criterion/criterion.h>

#include "ptp_time.h"
#include "srclimit.h"

#define MS (NS_PER_SEC / 1000)

/* n events of `key` at `now`: how many passed. */
static unsigned burst(struct srclim *s, uint64_t key, int64_t now,
		      unsigned n)
{
	unsigned i, ok = 0;

	for (i = 0; i < n; i++) {
		ok += srclim_take(s, key, now);
	}
	return ok;
}

Test(srclimit, one_source_gets_its_rate_not_the_total)
{
	struct srclim s;

	srclim_init(&s, 20, 100);
	cr_assert_eq(burst(&s, 1, 1000, 500), 20);
	cr_assert_eq(s.limited_src, 480);
	cr_assert_eq(s.limited_total, 0);
	/* another source still has its own 20 */
	cr_assert_eq(burst(&s, 2, 1000, 500), 20);
	/* half a second later: half a second's worth each */
	cr_assert_eq(burst(&s, 1, 1000 + 500 * MS, 500), 10);
	cr_assert_eq(burst(&s, 2, 1000 + 500 * MS, 500), 10);
}

Test(srclimit, total_bounds_many_sources)
{
	struct srclim s;
	unsigned ok = 0;
	uint64_t k;

	srclim_init(&s, 20, 100);
	for (k = 1; k <= 30; k++) {
		ok += burst(&s, k, 5, 20);
	}
	cr_assert_eq(ok, 100);
	cr_assert_eq(s.limited_total, 30 * 20 - 100);
	cr_assert_eq(srclim_sources(&s), 30);
}

/* A flood from one address at 1000/s for 10 s leaves a 1/s client every
 * answer (the per-port bucket of old answered it about 1 in 10). */
Test(srclimit, flood_from_one_source_leaves_the_others_alone)
{
	struct srclim s;
	unsigned client_ok = 0, flood_ok = 0, i;
	int64_t t;

	srclim_init(&s, 20, 100);
	for (i = 0, t = 0; i < 10000; i++, t += MS) {
		flood_ok += srclim_take(&s, 0xf100d, t);
		if (i % 1000 == 500) {
			client_ok += srclim_take(&s, 0xc11e, t);
		}
	}
	cr_assert_eq(client_ok, 10);
	/* 20/s for 10 s (+ the first burst of 20, refills continuous) */
	cr_assert(flood_ok >= 200 && flood_ok <= 221, "flood %u", flood_ok);
}

/* Sources that rotate their key share one overflow bucket once the table
 * is full of sources seen within the idle time; the tabled ones keep
 * their share. */
Test(srclimit, rotating_sources_share_the_overflow)
{
	struct srclim s;
	unsigned ok = 0, i;
	uint64_t k;

	srclim_init(&s, 10, 0);
	cr_assert_eq(burst(&s, 0xc11e, 0, 1), 1);
	for (k = 100; k < 100 + SRCLIM_SLOTS - 1; k++) {
		cr_assert_eq(burst(&s, k, 0, 1), 1);
	}
	cr_assert_eq(srclim_sources(&s), SRCLIM_SLOTS);
	/* 1000 new keys within 100 ms: one source's bucket (10) between
	 * them */
	for (i = 0; i < 1000; i++) {
		ok += srclim_take(&s, 5000 + i, (int64_t)i * 100000);
	}
	cr_assert_eq(ok, 10, "rotating keys passed %u", ok);
	cr_assert_eq(s.overflowed, 1000);
	cr_assert_eq(s.evicted, 0);
	/* the client kept its slot and its budget */
	cr_assert_eq(burst(&s, 0xc11e, 100 * MS, 5), 5);
}

/* A slot quiet for SRCLIM_IDLE_NS goes to a newcomer, the least recently
 * seen first; a recently seen one stays. */
Test(srclimit, idle_slots_are_reused_least_recent_first)
{
	struct srclim s;
	uint64_t k;

	srclim_init(&s, 10, 0);
	for (k = 1; k <= SRCLIM_SLOTS; k++) {
		cr_assert(srclim_take(&s, k, (int64_t)k * MS));
	}
	/* key 1 seen again: now key 2 is the least recently seen */
	cr_assert(srclim_take(&s, 1, 2 * NS_PER_SEC));
	cr_assert(srclim_take(&s, 999, 2 * NS_PER_SEC));
	cr_assert_eq(s.evicted, 1);
	cr_assert_eq(s.overflowed, 0);
	/* key 1 still has a slot (no overflow), key 2 lost its own */
	cr_assert(srclim_take(&s, 1, 2 * NS_PER_SEC));
	cr_assert_eq(s.overflowed, 0);
	cr_assert(srclim_take(&s, 2, 2 * NS_PER_SEC));
	cr_assert_eq(s.evicted, 2, "key 2 came back by evicting key 3");
}

Test(srclimit, limits_off_and_odd_time)
{
	struct srclim s;

	srclim_init(&s, 0, 0);
	cr_assert_eq(burst(&s, 1, 0, 100000), 100000);
	srclim_init(&s, 0, 50);
	cr_assert_eq(burst(&s, 1, 0, 100), 50);
	cr_assert_eq(burst(&s, 2, 0, 100), 0);
	/* time going backwards refills nothing and breaks nothing */
	cr_assert_eq(burst(&s, 1, -5 * NS_PER_SEC, 100), 0);
	/* rates above 1e9 a second: one ns a token, not division by 0 */
	srclim_init(&s, 2000000000u, 0);
	cr_assert_eq(burst(&s, 1, 0, 10), 10);
}

Test(srclimit, burst_smaller_than_a_second)
{
	struct srclim s;

	srclim_init(&s, 1000, 10000);
	s.burst_ns = 100 * MS;
	cr_assert_eq(burst(&s, 1, 0, 5000), 100);
	cr_assert_eq(burst(&s, 1, 50 * MS, 5000), 50);
	/* a burst below one token still lets one through */
	srclim_init(&s, 1, 0);
	s.burst_ns = 1;
	cr_assert_eq(burst(&s, 1, 0, 3), 1);
}

Test(srclimit, key_is_fnv1a)
{
	/* FNV-1a 64 test vectors */
	cr_assert_eq(srclim_key("", 0), 0xcbf29ce484222325ULL);
	cr_assert_eq(srclim_key("a", 1), 0xaf63dc4c8601ec8cULL);
	cr_assert_eq(srclim_key("foobar", 6), 0x85944171f73967e8ULL);
}
